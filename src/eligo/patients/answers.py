"""Pre-screener answers: criterion id → yes / no / not sure, as a family gives them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from eligo.patients.errors import ProfileError
from eligo.patients.limits import MAX_PROFILE_BYTES, parse_json


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


def load_answers(path: Path) -> Answers:
    """Read a JSON object {criterion id: "yes" | "no" | "not_sure"} (or {"answers": {...}})."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as error:
        raise ProfileError(str(path), [f"not readable: {error.strerror}"]) from error
    data = parse_json(raw, str(path))
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise ProfileError(str(path), ["expected a JSON object mapping criterion ids to yes / no / not_sure"])
    try:
        return Answers.from_mapping(data, source=str(path))
    except ValidationError as error:  # pragma: no cover - from_mapping validates first
        raise ProfileError(str(path), [str(error)]) from error
