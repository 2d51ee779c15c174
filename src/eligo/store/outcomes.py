"""What an import did: per study (UpsertOutcome) and per run (ImportSummary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class UpsertOutcome(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED_OLDER = "skipped_older"


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    # Overlay patches stored (and applied where their trial was already there).
    overlays: int = 0
    problems: list[str] = field(default_factory=list)
    # Records imported with something left out or trimmed (an empty list entry, an over-long title), named.
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.imported + self.updated + self.unchanged + self.skipped + self.failed + self.overlays

    def count(self, outcome: UpsertOutcome) -> None:
        if outcome is UpsertOutcome.IMPORTED:
            self.imported += 1
        elif outcome is UpsertOutcome.UPDATED:
            self.updated += 1
        elif outcome is UpsertOutcome.UNCHANGED:
            self.unchanged += 1
        else:
            self.skipped += 1

    def fail(self, message: str) -> None:
        self.failed += 1
        self.problems.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def snapshot(self) -> ImportSummary:
        return ImportSummary(
            self.imported,
            self.updated,
            self.unchanged,
            self.skipped,
            self.failed,
            self.overlays,
            list(self.problems),
            list(self.warnings),
        )
