"""What the importer forgives and what it bounds (issue #11, items 6 and 8): empty list entries and single
values are read with a warning naming the field; over-long fields are trimmed with the excess named, and
criteria too long to trim honestly refuse the trial. Records are generated from a bundled study."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.studies import study

from eligo.store import TrialStore
from eligo.trials.limits import LIST_ITEMS, MAX_CRITERIA_CHARS, TEXT_CHARS
from eligo.trials.model import ImportNote, ImportProblem, Trial
from eligo.trials.readers import read_path


def read(tmp_path: Path, *studies: dict[str, Any]) -> list[Trial | ImportProblem | ImportNote]:
    path = tmp_path / "studies.json"
    path.write_text(json.dumps(list(studies)), encoding="utf-8")
    return list(read_path(path))  # type: ignore[arg-type]


def test_empty_list_entries_and_single_values_import_with_a_warning_naming_the_field(tmp_path: Path) -> None:
    record = study(1)
    ps = record["protocolSection"]
    ps["sponsorCollaboratorsModule"]["collaborators"] = [{}]
    ps["identificationModule"]["secondaryIdInfos"] = [{}, {"id": "CCLG-2011-01"}, None]
    ps["conditionsModule"]["conditions"] = "Neuroblastoma"
    location = ps["contactsLocationsModule"]["locations"][0]
    ps["contactsLocationsModule"]["locations"] = location
    items = read(tmp_path, record)
    [trial] = [item for item in items if isinstance(item, Trial)]
    assert not [item for item in items if isinstance(item, ImportProblem)]
    assert trial.collaborators == ()
    assert trial.secondary_ids == ("CCLG-2011-01",)
    assert trial.conditions == ("Neuroblastoma",)
    assert len(trial.locations) == 1 and trial.locations[0].city == location.get("city")
    notes = {note.field: note for note in items if isinstance(note, ImportNote)}
    prefix = "protocolSection."
    assert set(notes) == {
        prefix + "sponsorCollaboratorsModule.collaborators[0]",
        prefix + "identificationModule.secondaryIdInfos[0]",
        prefix + "identificationModule.secondaryIdInfos[2]",
        prefix + "conditionsModule.conditions",
        prefix + "contactsLocationsModule.locations",
    }
    assert all(note.record == "NCT00000001" and note.file == str(tmp_path / "studies.json") for note in notes.values())
    assert "empty entry left out" in notes[prefix + "sponsorCollaboratorsModule.collaborators[0]"].message
    assert "list of one" in notes[prefix + "conditionsModule.conditions"].message


def test_warnings_reach_the_import_summary_and_the_trial_is_stored(store: TrialStore, tmp_path: Path) -> None:
    record = study(2)
    record["protocolSection"]["sponsorCollaboratorsModule"]["collaborators"] = [{}]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    summary = store.import_records(read_path(path))
    assert (summary.imported, summary.failed) == (1, 0)
    [warning] = summary.warnings
    assert "NCT00000002" in warning and "collaborators[0]" in warning and "one.json" in warning
    assert store.get("NCT00000002") is not None


def test_over_long_fields_are_trimmed_with_the_excess_named(tmp_path: Path) -> None:
    record = study(3)
    ps = record["protocolSection"]
    ps["identificationModule"]["briefTitle"] = "Neuroblastoma " * 150_000  # 2.1 MB
    site = ps["contactsLocationsModule"]["locations"][0]
    ps["contactsLocationsModule"]["locations"] = [dict(site, facility=f"Site {n}") for n in range(20_000)]
    arm = {"label": "Arm", "type": "EXPERIMENTAL"}
    ps["armsInterventionsModule"]["armGroups"] = [dict(arm, label=f"Arm {n}") for n in range(1_000)]
    items = read(tmp_path, record)
    [trial] = [item for item in items if isinstance(item, Trial)]
    assert trial.brief_title is not None and len(trial.brief_title) == TEXT_CHARS["brief_title"]
    assert trial.brief_title.endswith("…")
    assert len(trial.locations) == LIST_ITEMS["locations"]
    assert trial.locations[-1].facility == f"Site {LIST_ITEMS['locations'] - 1}"
    assert len(trial.arm_groups) == LIST_ITEMS["arm_groups"]
    notes = {note.field: note.message for note in items if isinstance(note, ImportNote)}
    assert notes == {
        "brief_title": "trimmed: 2,099,999 characters, kept 1,000",  # the mapper strips the trailing space
        "arm_groups": "trimmed: 1,000 entries, kept 200",
        "locations": "trimmed: 20,000 entries, kept 5,000",
    }


def test_criteria_too_long_to_trim_honestly_refuse_the_trial_and_its_neighbours_import(tmp_path: Path) -> None:
    hostile = study(4)
    hostile["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = "Inclusion Criteria:\n\n* x\n" * 400_000
    items = read(tmp_path, study(5), hostile, study(6))
    assert [item.nct_id for item in items if isinstance(item, Trial)] == ["NCT00000005", "NCT00000006"]
    [problem] = [item for item in items if isinstance(item, ImportProblem)]
    assert problem.record == "NCT00000004" and problem.field == "eligibility.criteria"
    assert f"at most {MAX_CRITERIA_CHARS:,}" in problem.message and "refused" in problem.message


def test_a_trimmed_trial_is_stored_within_the_limits(store: TrialStore, tmp_path: Path) -> None:
    record = study(7)
    ps = record["protocolSection"]
    ps["identificationModule"]["officialTitle"] = "T" * 500_000
    site = ps["contactsLocationsModule"]["locations"][0]
    ps["contactsLocationsModule"]["locations"] = [dict(site, facility=f"Site {n}") for n in range(6_000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    summary = store.import_records(read_path(path))
    assert (summary.imported, summary.failed, len(summary.warnings)) == (1, 0, 2)
    stored = store.get("NCT00000007")
    assert stored is not None and len(stored.locations) == LIST_ITEMS["locations"]
    assert stored.official_title is not None and len(stored.official_title) == TEXT_CHARS["official_title"]
