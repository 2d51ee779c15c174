"""A schedule's numbers in a family's words: "days 1 to 21", "days 1, 3 and 5", "into a vein (IV)"."""

from __future__ import annotations

from collections.abc import Sequence

from eligo.compare.vocab import wording


def _runs(days: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def days_text(days: Sequence[int]) -> str:
    """ "day 1", "days 1, 3 and 5", "days 1 to 21", "days -4 to 0 and 1 to 5"; "" for no days."""
    runs = _runs(days)
    if not runs:
        return ""
    parts = [str(start) if start == end else f"{start} to {end}" for start, end in runs]
    single = len(runs) == 1 and runs[0][0] == runs[0][1]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("day " if single else "days ") + joined


def route_text(route: str | None) -> str:
    if not route:
        return ""
    return wording().routes.get(route, route.replace("_", " "))
