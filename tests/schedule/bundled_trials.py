"""The bundled trials (four API v2 seed studies and the UK overlay's trials) as the real importer reads them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from eligo.trials.bundled import bundled_paths
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

GOLDEN = Path(__file__).resolve().parent / "golden"


@cache
def bundled_trials() -> dict[str, Trial]:
    """Every bundled trial by id; overlay patches (sites only) do not touch the schedule text."""
    trials: dict[str, Trial] = {}
    for path in bundled_paths():
        for item in read_path(path):
            if isinstance(item, Trial):
                trials[item.nct_id] = item
    return trials


def bundled_trial(nct_id: str) -> Trial:
    return bundled_trials()[nct_id]
