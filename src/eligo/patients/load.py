"""Read a `PatientProfile` from JSON, reporting every bad field at once."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from eligo.patients.errors import ProfileError
from eligo.patients.limits import MAX_PROFILE_BYTES, parse_json
from eligo.patients.profile import PatientProfile
from eligo.units import UnitError, plausible, vocabulary

__all__ = ["MAX_PROFILE_BYTES", "load_profile", "profile_from_bytes", "profile_from_data"]


def split_known(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A profile file's fields Eligo reads, and the rest (kept as they are: a saved or uploaded profile
    gives back exactly what it was given, and matching reads only the first part)."""
    known = {key: value for key, value in data.items() if key in PatientProfile.model_fields}
    return known, {key: value for key, value in data.items() if key not in PatientProfile.model_fields}


def profile_from_data(data: Any, *, source: str = "profile") -> PatientProfile:
    if not isinstance(data, dict):
        raise ProfileError(source, ["expected a JSON object with the profile's fields"])
    try:
        profile = PatientProfile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(source, [_describe(item) for item in error.errors()]) from error
    problems = list(_lab_problems(profile))
    if problems:
        raise ProfileError(source, problems)
    return profile


def _lab_problems(profile: PatientProfile) -> Iterator[str]:
    """Unknown tests and absurd values are refused; a unit Eligo cannot read is kept (the
    criteria that need it become `unknown` with the reason)."""
    known = vocabulary().tests
    for index, lab in enumerate(profile.labs):
        where = f"labs.{index}"
        if lab.test not in known:
            yield f"{where}.test: unknown test {lab.test!r} (use one of {', '.join(sorted(known))})"
            continue
        if not math.isfinite(lab.value) or lab.value < 0:
            yield f"{where}.value: {lab.test} {lab.value:g} is not a possible value"
            continue
        if not lab.unit:
            continue
        try:
            canonical = lab.canonical_value  # converted when the profile was validated
        except UnitError:
            continue
        if not plausible(lab.test, canonical):
            yield f"{where}.value: {lab.test} {lab.value:g} {lab.unit} is outside any plausible range"


def _describe(item: Any) -> str:
    where = ".".join(str(part) for part in item.get("loc", ())) or "(profile)"
    message = str(item.get("msg", "invalid"))
    if item.get("type") == "extra_forbidden":
        message = "unknown field"
    return f"{where}: {message}"


def profile_from_bytes(raw: bytes, *, source: str) -> tuple[PatientProfile, dict[str, Any]]:
    """The profile in an uploaded or read JSON file, and the data it was built from; ProfileError if unusable."""
    data = parse_json(raw, source)
    return profile_from_data(data, source=source), data


def load_profile(path: Path) -> PatientProfile:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROFILE_BYTES + 1)  # never more than the limit, whatever the file's size
    except OSError as error:
        raise ProfileError(str(path), [f"cannot read the file: {error.strerror}"]) from error
    return profile_from_bytes(raw, source=str(path))[0]
