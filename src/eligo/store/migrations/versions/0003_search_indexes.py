"""Search indexes: covering indexes so searches read trial columns without reading the large JSON records.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Every column a filter reads, after the sort key: a filter-only search walks this index newest first and
# stops at its LIMIT, touching a trial row (and its large JSON record) only for the hits it returns.
FILTER_ORDER_COLUMNS = [
    "last_update_date",
    "overall_status",
    "study_type",
    "min_age_months",
    "max_age_months",
    "sex",
    "phases",
    "nct_id",
]
# The same columns (and the title a hit shows) by id: a text or distance search looks trials up by id, and in
# SQLite a column stored after `record` is only reached through the record's overflow pages.
BY_ID_COLUMNS = [
    "nct_id",
    "overall_status",
    "study_type",
    "min_age_months",
    "max_age_months",
    "sex",
    "phases",
    "last_update_date",
    "title",
]


def upgrade() -> None:
    op.create_index("ix_trials_filter_order", "trials", FILTER_ORDER_COLUMNS)
    op.create_index("ix_trials_search_by_id", "trials", BY_ID_COLUMNS)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE trials")


def downgrade() -> None:
    op.drop_index("ix_trials_search_by_id", table_name="trials")
    op.drop_index("ix_trials_filter_order", table_name="trials")
