"""Curated overlay patches kept beside the registry records, and re-applied whenever their trial is re-imported."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select, update

from eligo.store.tables import overlays
from eligo.trials.model import Trial

if TYPE_CHECKING:
    from eligo.trials.overlay import OverlayPatch


def overlay_patch_type() -> type[OverlayPatch] | None:
    # Imported late: the overlay reader pulls in YAML, which a store that never sees overlays does not need.
    try:
        from eligo.trials.overlay import OverlayPatch
    except ImportError:
        return None
    return OverlayPatch


def apply_overlays(trial: Trial, patches: Sequence[str]) -> Trial:
    """`trial` with each stored patch (JSON, in the order they were first stored) applied."""
    if not patches:
        return trial
    from eligo.trials.overlay import OverlayPatch, apply_patch

    for patch in patches:
        trial = apply_patch(trial, OverlayPatch.model_validate_json(patch))
    return trial


def load_patches(connection: Connection, nct_ids: Sequence[str]) -> dict[str, list[str]]:
    rows = connection.execute(
        select(overlays.c.nct_id, overlays.c.patch).where(overlays.c.nct_id.in_(nct_ids)).order_by(overlays.c.id)
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.nct_id, []).append(row.patch)
    return found


def save_patch(connection: Connection, patch: OverlayPatch) -> None:
    """Keep the patch, replacing (in place, so patches keep their order) an earlier one from the same source."""
    same = (overlays.c.nct_id == patch.nct_id) & (overlays.c.source == patch.source)
    replaced = connection.execute(update(overlays).where(same).values(patch=patch.model_dump_json()))
    if replaced.rowcount == 0:
        connection.execute(
            insert(overlays).values(nct_id=patch.nct_id, source=patch.source, patch=patch.model_dump_json())
        )
