"""The ClinicalTrials.gov JSON samples in tests/data, read by the real reader, stored and found on both backends."""

from __future__ import annotations

from pathlib import Path

from eligo.store import SearchQuery, TrialStore
from eligo.trials.model import Trial
from eligo.trials.readers import read_path


def test_import_every_v2_json_sample(store: TrialStore, test_data: Path) -> None:
    folder = test_data / "ctgov-samples" / "v2-json"
    read = [item.nct_id for item in read_path(folder) if isinstance(item, Trial)]
    # One sample file (NCT02278341.json) holds another copy of NCT02552212: the second read is "unchanged".
    expected = sorted(set(read))
    assert len(read) == len(list(folder.glob("NCT*.json")))
    summary = store.import_records(read_path(folder), batch_size=4)
    assert summary.failed == 0, summary.problems
    assert summary.imported == store.count() == len(expected)
    assert summary.unchanged == len(read) - len(expected)
    assert [trial.nct_id for trial in store.iter_trials()] == expected

    again = store.import_records(read_path(folder))
    assert (again.unchanged, again.imported, again.updated) == (len(read), 0, 0)

    for nct_id in expected:
        trial = store.get(nct_id)
        assert trial is not None
        assert store.search(SearchQuery(text=nct_id))[0].nct_id == nct_id
        words = [word for word in trial.title.split() if word.isalpha() and len(word) > 4][:2]
        if words:
            assert nct_id in [hit.nct_id for hit in store.search(SearchQuery(text=" ".join(words), limit=100))]
