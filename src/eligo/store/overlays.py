"""Curated overlay patches kept beside the registry records, and re-applied whenever their trial is re-imported.

The store keeps the patches as JSON; applying them is the finisher's (see `store.finishing`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from eligo.store.finishing import StoredPatch
from eligo.store.tables import overlays


def load_patches(connection: Connection, nct_ids: Sequence[str]) -> dict[str, list[str]]:
    rows = connection.execute(
        select(overlays.c.nct_id, overlays.c.patch).where(overlays.c.nct_id.in_(nct_ids)).order_by(overlays.c.id)
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.nct_id, []).append(row.patch)
    return found


def save_patch(connection: Connection, patch: StoredPatch) -> None:
    """Keep the patch, replacing (in place, so patches keep their order) an earlier one from the same source."""
    same = (overlays.c.nct_id == patch.nct_id) & (overlays.c.source == patch.source)
    replaced = connection.execute(update(overlays).where(same).values(patch=patch.patch))
    if replaced.rowcount == 0:
        connection.execute(insert(overlays).values(nct_id=patch.nct_id, source=patch.source, patch=patch.patch))
