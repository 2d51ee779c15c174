"""What users keep: child profiles, notes, share links, alert subscriptions and matches, referrals.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def _user_fk(nullable: bool = False) -> sa.Column[int]:
    return sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable)


def _stamp(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(32), nullable=nullable)


def upgrade() -> None:
    # Alert emails carry List-Unsubscribe headers (RFC 8058) through the outbox.
    op.add_column("outbox", sa.Column("headers", sa.Text, nullable=True))
    op.create_table(
        "child_profiles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user_fk(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("profile", sa.Text, nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
    )
    op.create_index("ix_child_profiles_user_id", "child_profiles", ["user_id"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user_fk(),
        sa.Column("nct_id", sa.String(64), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False, server_default=""),
        sa.Column("suffix", sa.Text, nullable=False, server_default=""),
        sa.Column("position_start", sa.Integer, nullable=True),
        sa.Column("position_end", sa.Integer, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
    )
    op.create_index("ix_notes_user_id_nct_id", "notes", ["user_id", "nct_id"])
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user_fk(),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("nct_id", sa.String(64), nullable=False),
        sa.Column("note_id", sa.Integer, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=True),
        sa.Column("answers", sa.Text, nullable=True),
        sa.Column("passcode_hash", sa.Text, nullable=False),
        _stamp("created_at"),
        _stamp("expires_at"),
        _stamp("revoked_at", nullable=True),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        _stamp("locked_until", nullable=True),
        _stamp("last_opened_at", nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_share_links_token_hash"),
    )
    op.create_index("ix_share_links_user_id", "share_links", ["user_id"])
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user_fk(nullable=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("search", sa.Text, nullable=True),
        sa.Column("profile_id", sa.Integer, sa.ForeignKey("child_profiles.id", ondelete="CASCADE"), nullable=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("confirm_token_hash", sa.String(64), nullable=True),
        sa.Column("unsubscribe_token_hash", sa.String(64), nullable=False),
        _stamp("confirmed_at", nullable=True),
        _stamp("created_at"),
        _stamp("last_sent_at", nullable=True),
        sa.UniqueConstraint("unsubscribe_token_hash", name="uq_alert_subscriptions_unsubscribe"),
    )
    op.create_index("ix_alert_subscriptions_email", "alert_subscriptions", ["email"])
    op.create_index("ix_alert_subscriptions_user_id", "alert_subscriptions", ["user_id"])
    op.create_table(
        "alert_matches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("alert_subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("nct_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        _stamp("created_at"),
        sa.Column("outbox_id", sa.Integer, nullable=True),
        sa.UniqueConstraint("subscription_id", "nct_id", "reason", name="uq_alert_matches_once"),
    )
    op.create_index("ix_alert_matches_outbox_id", "alert_matches", ["outbox_id"])
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user_fk(),
        sa.Column("nct_id", sa.String(64), nullable=False),
        sa.Column("facility", sa.Text, nullable=False),
        sa.Column("site_email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(64), nullable=False, server_default=""),
        sa.Column("preferred_contact", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("shared", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("history", sa.Text, nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
    )
    op.create_index("ix_referrals_user_id", "referrals", ["user_id"])
    op.create_index("ix_referrals_nct_id", "referrals", ["nct_id"])


def downgrade() -> None:
    for table, indexes in (
        ("referrals", ("ix_referrals_nct_id", "ix_referrals_user_id")),
        ("alert_matches", ("ix_alert_matches_outbox_id",)),
        ("alert_subscriptions", ("ix_alert_subscriptions_user_id", "ix_alert_subscriptions_email")),
        ("share_links", ("ix_share_links_user_id",)),
        ("notes", ("ix_notes_user_id_nct_id",)),
        ("child_profiles", ("ix_child_profiles_user_id",)),
    ):
        for index in indexes:
            op.drop_index(index, table_name=table)
        op.drop_table(table)
    op.drop_column("outbox", "headers")
