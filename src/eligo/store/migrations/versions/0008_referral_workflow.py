"""Referral workflow and replies: the study team's own notes on a referral; a doctor's replies to shared notes
(issue #15).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Messages to the family and corrections live in the history JSON, which needs no new column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("team_notes", sa.Text, nullable=True))
    op.create_table(
        "note_replies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("note_id", sa.Integer, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("share_id", sa.Integer, sa.ForeignKey("share_links.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_note_replies_note_id", "note_replies", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_note_replies_note_id", table_name="note_replies")
    op.drop_table("note_replies")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("team_notes")
