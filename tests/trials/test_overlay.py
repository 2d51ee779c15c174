"""Reading curated YAML overlays and applying their patches to registry records."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligo.trials.model import ImportProblem, Location, Provenance, SourceFormat, Trial
from eligo.trials.overlay import OverlayPatch, apply_patch, read_overlay

SOURCE = "CCLG parents' guide (test copy)"

GOOD = f"""\
source: "{SOURCE}"
trials:
  - id: ELIGO-VERITAS
    brief_title: VERITAS
    phases: [PHASE2]
    start_date: 2019-05-01
    conditions: [Neuroblastoma]
    eligibility:
      criteria: Patients will need to have a mIBG scan which shows active neuroblastoma disease.
    locations:
      - {{facility: The Royal Marsden Hospital, city: London, country: United Kingdom, status: RECRUITING}}
patches:
  - nct_id: NCT03363373
    add_locations:
      - {{facility: Leeds Children’s Hospital, city: Leeds, country: United Kingdom}}
    set: {{overall_status: RECRUITING}}
"""


def _write(tmp_path: Path, text: str, name: str = "overlay.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _split(path: Path) -> tuple[list[Trial], list[OverlayPatch], list[ImportProblem]]:
    records = list(read_overlay(path))
    trials = [r for r in records if isinstance(r, Trial)]
    patches = [r for r in records if isinstance(r, OverlayPatch)]
    problems = [r for r in records if isinstance(r, ImportProblem)]
    assert len(trials) + len(patches) + len(problems) == len(records)
    return trials, patches, problems


def _registry_trial(**fields: object) -> Trial:
    return Trial.model_validate(
        {"nct_id": "NCT03363373", "provenance": Provenance(source_format=SourceFormat.CTGOV_V2), **fields}
    )


def test_good_overlay_round_trip(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    trials, patches, problems = _split(path)
    assert problems == []
    (trial,) = trials
    assert trial.nct_id == "ELIGO-VERITAS"
    assert trial.phases == ("PHASE2",)
    assert trial.start_date == "2019-05-01"  # YAML's date, kept as registry-style text
    assert (
        trial.eligibility.criteria == "Patients will need to have a mIBG scan which shows active neuroblastoma disease."
    )
    assert trial.locations[0].facility == "The Royal Marsden Hospital"
    assert trial.provenance == Provenance(
        source_format=SourceFormat.OVERLAY, source_file=str(path), overlay_sources=(SOURCE,)
    )
    (patch,) = patches
    assert patch == OverlayPatch(
        nct_id="NCT03363373",
        source=SOURCE,
        add_locations=(Location(facility="Leeds Children’s Hospital", city="Leeds", country="United Kingdom"),),
        set_fields={"overall_status": "RECRUITING"},
    )


# A file with one good trial, then patches; each bad patch below must not hide the trial.
PATCH_HEAD = f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-GOOD}}\npatches:\n'

BAD_OVERLAYS = {
    "no source": (
        "trials:\n  - {id: ELIGO-X, brief_title: X}\n",
        ("source", None),
    ),
    "empty source": (
        'source: "  "\ntrials:\n  - {id: ELIGO-X}\n',
        ("source", None),
    ),
    "unknown top-level key": (
        f'source: "{SOURCE}"\ntrails: []\ntrials:\n  - {{id: ELIGO-GOOD}}\n',
        ("trails", None),
    ),
    "unknown trial key": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-BAD, brief_titel: X}}\n  - {{id: ELIGO-GOOD}}\n',
        ("brief_titel", "trials[0] ELIGO-BAD"),
    ),
    "unknown nested key": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-BAD, locations: [{{facility: A, town: B}}]}}\n'
        "  - {id: ELIGO-GOOD}\n",
        ("locations.0.town", "trials[0] ELIGO-BAD"),
    ),
    "bad id": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: VERITAS}}\n  - {{id: ELIGO-GOOD}}\n',
        ("id", "trials[0] VERITAS"),
    ),
    "missing id": (
        f'source: "{SOURCE}"\ntrials:\n  - {{brief_title: No id}}\n  - {{id: ELIGO-GOOD}}\n',
        ("id", "trials[0]"),
    ),
    "duplicate id": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-GOOD}}\n  - {{id: ELIGO-GOOD}}\n',
        ("id", "trials[1] ELIGO-GOOD"),
    ),
    "wrong type": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-BAD, enrollment: lots}}\n  - {{id: ELIGO-GOOD}}\n',
        ("enrollment", "trials[0] ELIGO-BAD"),
    ),
    "bad date": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-BAD, start_date: spring 2020}}\n  - {{id: ELIGO-GOOD}}\n',
        ("start_date", "trials[0] ELIGO-BAD"),
    ),
    "provenance given": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-BAD, provenance: {{source_format: overlay}}}}\n'
        "  - {id: ELIGO-GOOD}\n",
        ("provenance", "trials[0] ELIGO-BAD"),
    ),
    "entry not a mapping": (
        f'source: "{SOURCE}"\ntrials:\n  - ELIGO-BAD\n  - {{id: ELIGO-GOOD}}\n',
        (None, "trials[0]"),
    ),
    "trials not a list": (
        f'source: "{SOURCE}"\ntrials: {{id: ELIGO-BAD}}\npatches:\n  - {{nct_id: NCT03363373}}\n',
        ("trials", None),
    ),
    "patch keyed by a non-NCT id": (
        PATCH_HEAD + "  - {nct_id: ELIGO-X}\n",
        ("nct_id", "patches[0] ELIGO-X"),
    ),
    "patch sets an unknown field": (
        PATCH_HEAD + "  - {nct_id: NCT03363373, set: {colour: red}}\n",
        ("set", "patches[0] NCT03363373"),
    ),
    "patch sets a value of the wrong type": (
        PATCH_HEAD + "  - {nct_id: NCT03363373, set: {enrollment: many}}\n",
        ("set.enrollment", "patches[0] NCT03363373"),
    ),
    "patch replaces the sites": (
        PATCH_HEAD + "  - {nct_id: NCT03363373, set: {locations: []}}\n",
        ("set", "patches[0] NCT03363373"),
    ),
    "unknown patch key": (
        PATCH_HEAD + "  - {nct_id: NCT03363373, add_sites: []}\n",
        ("add_sites", "patches[0] NCT03363373"),
    ),
    "malformed YAML": (
        f'source: "{SOURCE}"\ntrials:\n  - {{id: ELIGO-X\n',
        (None, None),
    ),
    "key written twice": (
        f'source: "{SOURCE}"\ntrials:\n  - id: ELIGO-X\n    brief_title: A\n    brief_title: B\n',
        (None, None),
    ),
    "empty file": ("", (None, None)),
    "not a mapping": ("- just\n- a list\n", (None, None)),
}


@pytest.mark.parametrize("name", BAD_OVERLAYS)
def test_bad_overlay_names_what_is_wrong(tmp_path: Path, name: str) -> None:
    text, (field, record) = BAD_OVERLAYS[name]
    path = _write(tmp_path, text)
    trials, patches, problems = _split(path)
    assert problems, name
    problem = problems[0]
    assert problem.file == str(path)
    assert problem.field == field
    assert problem.record == record
    assert str(path) in str(problem)
    if field is not None:
        assert field.split(".")[-1] in str(problem) or field == "set"
    # The good entries in the same file still come out; an unsourced or unreadable file gives nothing.
    good_ids = [trial.nct_id for trial in trials] + [patch.nct_id for patch in patches]
    if field == "source" or (field is None and record is None):
        assert good_ids == []
    elif "ELIGO-GOOD" in text:
        assert "ELIGO-GOOD" in good_ids


def test_unknown_key_problem_names_the_key(tmp_path: Path) -> None:
    text, _ = BAD_OVERLAYS["unknown trial key"]
    _, _, (problem,) = _split(_write(tmp_path, text))
    assert problem.message == "unknown key 'brief_titel'"


def test_malformed_yaml_problem_gives_the_line(tmp_path: Path) -> None:
    text, _ = BAD_OVERLAYS["malformed YAML"]
    _, _, (problem,) = _split(_write(tmp_path, text))
    assert problem.message.startswith("not valid YAML")
    assert "line" in problem.message


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    (problem,) = list(read_overlay(tmp_path / "absent.yaml"))
    assert isinstance(problem, ImportProblem)
    assert "absent.yaml" in str(problem)


def _patch(tmp_path: Path) -> OverlayPatch:
    _, (patch,), _ = _split(_write(tmp_path, GOOD))
    return patch


def test_apply_patch_adds_sites_sets_fields_and_records_the_source(tmp_path: Path) -> None:
    patch = _patch(tmp_path)
    registry_site = Location(facility="Memorial Sloan Kettering", city="New York", country="United States")
    patched = apply_patch(_registry_trial(locations=[registry_site]), patch)
    assert patched.locations == (registry_site, *patch.add_locations)
    assert patched.overall_status == "RECRUITING"
    assert patched.provenance is not None
    assert patched.provenance.source_format is SourceFormat.CTGOV_V2
    assert patched.provenance.overlay_sources == (SOURCE,)


def test_apply_patch_is_idempotent(tmp_path: Path) -> None:
    patch = _patch(tmp_path)
    once = apply_patch(_registry_trial(), patch)
    assert apply_patch(once, patch) == once
    assert len(once.locations) == 1


def test_apply_patch_skips_a_site_the_registry_already_lists(tmp_path: Path) -> None:
    patch = _patch(tmp_path)
    # Same site, written with a straight apostrophe and other spacing and case.
    listed = Location(
        facility="Leeds  Children's hospital", city="LEEDS", country="United Kingdom", status="RECRUITING"
    )
    patched = apply_patch(_registry_trial(locations=[listed]), patch)
    assert patched.locations == (listed,)
    assert patched.provenance is not None and patched.provenance.overlay_sources == (SOURCE,)


def test_apply_patch_keeps_earlier_overlay_sources(tmp_path: Path) -> None:
    earlier = Provenance(source_format=SourceFormat.CTGOV_V2, overlay_sources=("an earlier guide",))
    patched = apply_patch(_registry_trial(provenance=earlier), _patch(tmp_path))
    assert patched.provenance is not None
    assert patched.provenance.overlay_sources == ("an earlier guide", SOURCE)


def test_apply_patch_refuses_another_trial(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NCT01711554"):
        apply_patch(_registry_trial(nct_id="NCT01711554"), _patch(tmp_path))


def test_patch_set_fields_are_validated() -> None:
    with pytest.raises(ValueError, match="enrollment"):
        OverlayPatch(nct_id="NCT03363373", source=SOURCE, set_fields={"enrollment": -1})
    with pytest.raises(ValueError, match="nct_id"):
        OverlayPatch(nct_id="NCT03363373", source=SOURCE, set_fields={"nct_id": "NCT01711554"})
