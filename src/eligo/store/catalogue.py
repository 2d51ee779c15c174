"""What browsing reads of open trials: indexed columns plus the interventions' names, without validating records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal_column, select

from eligo.store.tables import trials
from eligo.trials.statuses import OPEN_STATUSES


@dataclass(frozen=True)
class OpenTrialRow:
    nct_id: str
    title: str
    overall_status: str | None
    phases: tuple[str, ...]
    conditions: tuple[str, ...]
    intervention_names: tuple[str, ...]


def open_trial_rows(connection: Connection) -> list[OpenTrialRow]:
    """Every trial whose overall status is open to new patients, ordered by id."""
    interventions: ColumnElement[Any]
    if connection.dialect.name == "postgresql":
        interventions = literal_column("CAST(trials.record AS json) -> 'interventions'")
    else:
        interventions = func.json_extract(trials.c.record, "$.interventions")
    query = (
        select(
            trials.c.nct_id,
            trials.c.title,
            trials.c.overall_status,
            trials.c.phases,
            trials.c.conditions,
            interventions.label("interventions"),
        )
        .where(trials.c.overall_status.in_(OPEN_STATUSES))
        .order_by(trials.c.nct_id)
    )
    found = []
    for row in connection.execute(query):
        raw = row.interventions
        items = raw if isinstance(raw, list) else json.loads(raw or "[]")
        names: list[str] = []
        for item in items or ():
            names.append(str(item.get("name") or ""))
            names.extend(str(name) for name in item.get("other_names") or ())
        found.append(
            OpenTrialRow(
                nct_id=row.nct_id,
                title=row.title,
                overall_status=row.overall_status,
                phases=tuple(part for part in (row.phases or "").split("|") if part),
                conditions=tuple(name.strip() for name in (row.conditions or "").split(";") if name.strip()),
                intervention_names=tuple(name for name in names if name),
            )
        )
    return found
