"""Pre-screener answers: criterion id → yes / no / not sure, as a family gives them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from eligo.patients.errors import ProfileError
from eligo.patients.limits import MAX_PROFILE_BYTES, parse_json
from eligo.trials.model import TRIAL_ID_PATTERN


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


_SPELLINGS = {
    "yes": Answer.YES,
    "y": Answer.YES,
    "true": Answer.YES,
    "no": Answer.NO,
    "n": Answer.NO,
    "false": Answer.NO,
    "not_sure": Answer.NOT_SURE,
    "not sure": Answer.NOT_SURE,
    "unsure": Answer.NOT_SURE,
    "unknown": Answer.NOT_SURE,
    "dont_know": Answer.NOT_SURE,
}


def parse_answer(value: object) -> Answer:
    if isinstance(value, bool):
        return Answer.YES if value else Answer.NO
    if isinstance(value, str):
        word = value.strip().lower().replace("-", "_")
        found = _SPELLINGS.get(word) or _SPELLINGS.get(word.replace("_", " "))
        if found is not None:
            return found
    raise ValueError(f"{value!r} is not an answer (use yes, no or not_sure)")


class Answers(BaseModel):
    """Answers keyed by criterion id; an unanswered criterion is simply absent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by_id: dict[str, Answer] = {}

    def get(self, criterion_id: str) -> Answer | None:
        return self.by_id.get(criterion_id)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, source: str = "answers") -> Answers:
        problems: list[str] = []
        parsed: dict[str, Answer] = {}
        for key, value in data.items():
            try:
                parsed[str(key)] = parse_answer(value)
            except ValueError as error:
                problems.append(f"{key}: {error}")
        if problems:
            raise ProfileError(source, problems)
        return cls(by_id=parsed)


def _read_answers_json(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as error:
        raise ProfileError(str(path), [f"not readable: {error.strerror}"]) from error
    data = parse_json(raw, str(path))
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    return data


def load_answers(path: Path) -> Answers:
    """Read a JSON object {criterion id: "yes" | "no" | "not_sure"} (or {"answers": {...}})."""
    data = _read_answers_json(path)
    if not isinstance(data, dict):
        raise ProfileError(str(path), ["expected a JSON object mapping criterion ids to yes / no / not_sure"])
    try:
        return Answers.from_mapping(data, source=str(path))
    except ValidationError as error:  # pragma: no cover - from_mapping validates first
        raise ProfileError(str(path), [str(error)]) from error


MAX_ANSWERED_TRIALS = 10_000


def load_answers_by_trial(path: Path) -> Answers | dict[str, Answers]:
    """Read answers for `eligo match`: either one object {criterion id: answer} for every trial (as
    `eligo check` takes), or {trial id: {criterion id: answer}} with each trial's own answers."""
    data = _read_answers_json(path)
    if not isinstance(data, dict):
        raise ProfileError(str(path), ["expected a JSON object of answers, or of trial ids mapping to answers"])
    nested = [key for key, value in data.items() if isinstance(value, dict)]
    if not nested:
        return Answers.from_mapping(data, source=str(path))
    if len(nested) != len(data):
        flat = sorted(set(data) - set(nested))[:5]
        raise ProfileError(
            str(path), [f"mixes trial ids with criterion ids ({', '.join(flat)}): use one form or the other"]
        )
    if len(data) > MAX_ANSWERED_TRIALS:
        raise ProfileError(str(path), [f"answers for more than {MAX_ANSWERED_TRIALS:,} trials"])
    problems: list[str] = []
    by_trial: dict[str, Answers] = {}
    for key, answers in data.items():
        nct_id = str(key).strip().upper()
        if not TRIAL_ID_PATTERN.match(nct_id):
            problems.append(f"{str(key)[:40]!r} is not a trial id (NCT followed by 8 digits)")
            continue
        try:
            by_trial[nct_id] = Answers.from_mapping(answers, source=f"{path}: {nct_id}")
        except ProfileError as error:
            problems.extend(f"{nct_id}.{problem}" for problem in error.problems)
    if problems:
        raise ProfileError(str(path), problems)
    return by_trial
