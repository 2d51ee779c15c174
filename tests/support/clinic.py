"""A child for the clinic-summary tests (issue #15): the documented example profile with an infection,
an unresolved grade-3 toxicity and a low neutrophil count, so that some trials rule her out with
their own criterion text while others keep questions open; no travel limit, so every trial is listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "child-relapsed.json"


def clinic_child() -> dict[str, Any]:
    profile: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    profile["active_infection"] = True
    profile["max_toxicity_grade"] = 3
    profile["labs"][0] = {**profile["labs"][0], "value": 0.5}  # ANC 0.5 x10^9/L
    profile["location"] = {"place": "Leeds"}
    return profile
