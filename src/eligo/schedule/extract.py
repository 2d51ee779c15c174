"""Schedule extraction from a trial's arms, interventions and descriptions (patterns in patterns.yaml)."""

from __future__ import annotations

from eligo.schedule.records import ArmSchedule, TrialSchedule
from eligo.trials.model import Trial


def extract(trial: Trial) -> TrialSchedule:
    return TrialSchedule(
        nct_id=trial.nct_id, arms=tuple(ArmSchedule(label=arm.label) for arm in trial.arm_groups), patterns_version=0
    )
