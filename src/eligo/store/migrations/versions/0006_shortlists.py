"""Shortlists: the trials a signed-in family keeps to compare (issue #16).

Revision ID: 0006_shortlists
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_shortlists"
# Chained after 0006 (age limits), which was written at the same time: one head, not two.
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "shortlist_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("nct_id", sa.String(64), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("user_id", "nct_id", name="uq_shortlist_items_user_trial"),
    )


def downgrade() -> None:
    op.drop_table("shortlist_items")
