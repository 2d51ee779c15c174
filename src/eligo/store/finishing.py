"""What the store asks of whoever hands it studies: finishing one (overlays applied, sites placed, criteria parsed).

The import pipeline (`eligo.ingest`, with `eligo.finish`) passes the real finisher. The store's own default
applies no overlay, takes site coordinates as the record gives them and parses no criteria, so the store
imports no overlay reader, geocoder or criteria parser (issue #14).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from eligo.trials.model import Trial

DeriveCriteria = Callable[[Trial], tuple[str, str]]
SitePoint = tuple[float, float] | None


@dataclass(frozen=True)
class StoredPatch:
    """An overlay patch as the store keeps it: its trial, its source and the patch itself as JSON."""

    nct_id: str
    source: str
    patch: str


class Finisher(Protocol):
    """Turns a registry record into the study the store writes; called again under the write lock if the
    stored overlay patches changed since the read."""

    def apply_overlays(self, base: Trial, patches: Sequence[str]) -> Trial:
        """`base` with each stored patch (JSON, in the order they were first stored) applied."""
        ...

    def place_sites(self, trial: Trial) -> list[SitePoint]:
        """One (lat, lon) or None per location of `trial`, in order."""
        ...

    def parse_criteria(self, trial: Trial) -> tuple[str, str] | None:
        """(parser_version, tree_json) for `trial`, or None to store no criteria."""
        ...

    def overlay_patch(self, item: object) -> StoredPatch | None:
        """`item` as a patch to store, when it is an overlay patch; None for anything else."""
        ...


class BareFinisher:
    """The store's default: no overlays, coordinates as the record has them, criteria only from `derive_criteria`."""

    def __init__(self, derive_criteria: DeriveCriteria | None = None) -> None:
        self.derive_criteria = derive_criteria

    def apply_overlays(self, base: Trial, patches: Sequence[str]) -> Trial:
        if patches:
            raise ValueError(
                f"{base.nct_id} has stored overlays: import it through eligo.ingest, which applies them"
            )
        return base

    def place_sites(self, trial: Trial) -> list[SitePoint]:
        return [(loc.geo.lat, loc.geo.lon) if loc.geo is not None else None for loc in trial.locations]

    def parse_criteria(self, trial: Trial) -> tuple[str, str] | None:
        return self.derive_criteria(trial) if self.derive_criteria is not None else None

    def overlay_patch(self, item: object) -> StoredPatch | None:
        return None
