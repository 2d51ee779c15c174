"""The four seed trials as parsed by the golden tests (bundled API v2 JSON, read by the real importer)."""

from __future__ import annotations

import json
from pathlib import Path

from eligo.trials.ctgov_v2 import study_to_trial
from eligo.trials.model import Trial

SEED_IDS = ("NCT03363373", "NCT04751383", "NCT01711554", "NCT01370330")
BUNDLED = Path(__file__).resolve().parents[2] / "src" / "eligo" / "trials" / "bundled"
GOLDEN = Path(__file__).resolve().parent / "golden"


def seed_trial(nct_id: str) -> Trial:
    path = BUNDLED / f"{nct_id}.json"
    return study_to_trial(json.loads(path.read_text("utf-8")), source_file=path.name)
