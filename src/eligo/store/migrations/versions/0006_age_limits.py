"""Age columns re-read with the age rule's semantics: "Maximum Age: 21 Years" is stored as 263 months, not 252.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

The age prefilter used to round an upper limit down to the birthday while the age rule runs it
through the whole last year, so a child of 21 years 4 months never saw a trial whose page said
the age criterion was met. The stored records are re-read so existing stores agree without a
re-import.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from eligo.trials.ages import registry_age_limits
from eligo.trials.model import Trial

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_BATCH = 500


def _recompute() -> None:
    connection = op.get_bind()
    trials = sa.table(
        "trials",
        sa.column("nct_id", sa.String),
        sa.column("record", sa.Text),
        sa.column("min_age_months", sa.Integer),
        sa.column("max_age_months", sa.Integer),
    )
    update = (
        sa.update(trials)
        .where(trials.c.nct_id == sa.bindparam("key"))
        .values(min_age_months=sa.bindparam("low"), max_age_months=sa.bindparam("high"))
    )
    # Paged by id so no read cursor stays open across the updates and no more than a page of records is held.
    last = ""
    while True:
        rows = connection.execute(
            sa.select(trials.c.nct_id, trials.c.record)
            .where(trials.c.nct_id > last)
            .order_by(trials.c.nct_id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        changes = []
        for row in rows:
            eligibility = Trial.model_validate_json(row.record).eligibility
            limits = registry_age_limits(eligibility.minimum_age, eligibility.maximum_age)
            low, high = (None, None) if limits is None else (limits.youngest_months, limits.oldest_months)
            changes.append({"key": row.nct_id, "low": low, "high": high})
        connection.execute(update, changes)
        last = rows[-1].nct_id


def upgrade() -> None:
    _recompute()


def downgrade() -> None:
    # The old columns are not restored: they were the bug this revision fixes.
    pass
