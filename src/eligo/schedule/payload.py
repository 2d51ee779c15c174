"""The JSON shape of `eligo schedule --format json` (docs/schemas/schedule.json)."""

from __future__ import annotations

from datetime import date
from typing import Any

from eligo.schedule.records import TrialSchedule
from eligo.trials.model import Trial


def payload(trial: Trial, schedule: TrialSchedule, start: date | None) -> dict[str, Any]:
    return {"nct_id": trial.nct_id, "schedule": schedule.model_dump(mode="json")}
