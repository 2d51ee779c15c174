"""The states a referral moves through, and who may move it where, read from workflow.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal, get_args

from eligo.yamlfile import load_yaml

Status = Literal["new", "contacted", "screening", "enrolled", "not_eligible", "withdrawn"]
STATUSES: tuple[Status, ...] = get_args(Status)
Actor = Literal["coordinator", "family"]
FIRST: Status = "new"


class TransitionRefused(ValueError):
    """A status change that the workflow does not allow; the message is safe to show."""


@dataclass(frozen=True)
class StatusInfo:
    name: Status
    label: str
    meaning: str  # the family's wording
    team_meaning: str  # the study team's wording
    team_moves: tuple[Status, ...]
    corrections: tuple[Status, ...]
    confirm: bool
    asks_message: bool
    family_may_withdraw: bool

    @property
    def final(self) -> bool:
        return not self.team_moves and not self.family_may_withdraw


def _status(value: object, where: str) -> Status:
    if value not in STATUSES:
        raise ValueError(f"eligo/referrals/workflow.yaml: {where} names unknown status {value!r}")
    return value


@cache
def workflow() -> dict[Status, StatusInfo]:
    data = load_yaml(files("eligo.referrals").joinpath("workflow.yaml").read_text(encoding="utf-8"))
    entries = data.get("statuses") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or set(entries) != set(STATUSES):
        raise ValueError(f"eligo/referrals/workflow.yaml must describe exactly the statuses {', '.join(STATUSES)}")
    found: dict[Status, StatusInfo] = {}
    for name in STATUSES:
        entry = entries[name]
        moves = tuple(_status(move, f"{name}.team_moves") for move in entry.get("team_moves") or ())
        corrections = tuple(_status(move, f"{name}.corrections") for move in entry.get("corrections") or ())
        if FIRST in moves or FIRST in corrections:
            raise ValueError(f"eligo/referrals/workflow.yaml: {name} may not move back to {FIRST}")
        if set(moves) & set(corrections) or name in corrections:
            raise ValueError(f"eligo/referrals/workflow.yaml: {name} lists a status as both a move and a correction")
        found[name] = StatusInfo(
            name=name,
            label=str(entry["label"]),
            meaning=str(entry["meaning"]),
            team_meaning=str(entry["team_meaning"]),
            team_moves=moves,
            corrections=corrections,
            confirm=bool(entry.get("confirm", False)),
            asks_message=bool(entry.get("asks_message", False)),
            family_may_withdraw=bool(entry.get("family_may_withdraw", False)),
        )
    return found


def info(status: Status) -> StatusInfo:
    return workflow()[status]


def open_statuses() -> tuple[Status, ...]:
    """The statuses a request is still open in: a family has one open request per site at most."""
    return tuple(name for name, here in workflow().items() if not here.final)


def parse_status(value: str) -> Status | None:
    return _status(value, "a status") if value in STATUSES else None


def moves_for(current: Status, actor: Actor) -> tuple[Status, ...]:
    """Where `actor` may take a referral that is now `current`."""
    here = info(current)
    if actor == "coordinator":
        return here.team_moves
    return ("withdrawn",) if here.family_may_withdraw else ()


def corrections_for(current: Status, set_by: Actor) -> tuple[Status, ...]:
    """Where the study team may put back a status it set by mistake; a family's withdrawal stands."""
    return info(current).corrections if set_by == "coordinator" else ()


def check_correction(current: Status, target: Status, set_by: Actor) -> None:
    allowed = corrections_for(current, set_by)
    if target in allowed:
        return
    here = info(current)
    if not allowed:
        raise TransitionRefused(
            f"This request is “{here.label}” as the family set it; the study team cannot change it."
        )
    choices = " or ".join(f"“{info(move).label}”" for move in allowed)
    raise TransitionRefused(f"A request marked “{here.label}” by mistake can be put back to {choices}.")


def check_move(current: Status, target: Status, actor: Actor) -> None:
    """Refuse a change the workflow does not allow, saying why in words people use."""
    allowed = moves_for(current, actor)
    if target in allowed:
        return
    here, there = info(current), info(target)
    if not allowed:
        raise TransitionRefused(f"This request is “{here.label}” and can no longer be changed.")
    choices = " or ".join(f"“{info(move).label}”" for move in allowed)
    raise TransitionRefused(
        f"A request that is “{here.label}” cannot be moved to “{there.label}”; it can be moved to {choices}."
    )
