"""Referral workflow: the study team's own notes on a referral (issue #15).

Revision ID: 0007
Revises: 0006_shortlists
Create Date: 2026-12-02

Messages to the family and corrections live in the history JSON, which needs no new column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006_shortlists"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("team_notes", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("team_notes")
