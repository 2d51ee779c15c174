"""The error raised for a profile or answers file that cannot be used, naming every bad field."""

from __future__ import annotations


class ProfileError(ValueError):
    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))
