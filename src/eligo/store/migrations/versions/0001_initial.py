"""Initial schema: trials, sites, criteria, overlays, sync state and the full-text index.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "trials",
        sa.Column("nct_id", sa.String(64), primary_key=True),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("base_record", sa.Text, nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("last_update_date", sa.String(10), nullable=True),
        sa.Column("overall_status", sa.String(64), nullable=True),
        sa.Column("study_type", sa.String(64), nullable=True),
        sa.Column("phases", sa.String(200), nullable=False, server_default=""),
        sa.Column("min_age_months", sa.Integer, nullable=True),
        sa.Column("max_age_months", sa.Integer, nullable=True),
        sa.Column("sex", sa.String(16), nullable=True),
        sa.Column("conditions", sa.Text, nullable=False, server_default=""),
        sa.Column("source_format", sa.String(32), nullable=True),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_trials_overall_status", "trials", ["overall_status"])
    op.create_index("ix_trials_study_type", "trials", ["study_type"])
    op.create_index("ix_trials_last_update_date", "trials", ["last_update_date"])

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nct_id", sa.String(64), sa.ForeignKey("trials.nct_id", ondelete="CASCADE"), nullable=False),
        sa.Column("facility", sa.Text, nullable=True),
        sa.Column("city", sa.Text, nullable=True),
        sa.Column("state", sa.Text, nullable=True),
        sa.Column("zip", sa.String(32), nullable=True),
        sa.Column("country", sa.Text, nullable=True),
        sa.Column("status", sa.String(64), nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
    )
    op.create_index("ix_sites_nct_id", "sites", ["nct_id"])
    op.create_index("ix_sites_lat_lon", "sites", ["lat", "lon"])
    op.create_index("ix_sites_country", "sites", ["country"])

    op.create_table(
        "criteria",
        sa.Column("nct_id", sa.String(64), sa.ForeignKey("trials.nct_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("parser_version", sa.String(64), nullable=False),
        sa.Column("tree", sa.Text, nullable=False),
        sa.Column("parsed_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_criteria_parser_version", "criteria", ["parser_version"])

    op.create_table(
        "overlays",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nct_id", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("patch", sa.Text, nullable=False),
        sa.UniqueConstraint("nct_id", "source", name="uq_overlays_nct_id_source"),
    )

    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.add_column("trials", sa.Column("search_vector", sa.dialects.postgresql.TSVECTOR, nullable=True))
        op.create_index("ix_trials_search_vector", "trials", ["search_vector"], postgresql_using="gin")
    else:
        # Porter stemming roughly matches PostgreSQL's 'english' configuration.
        op.execute(
            "CREATE VIRTUAL TABLE trials_fts USING fts5("
            "nct_id UNINDEXED, title, conditions, keywords, mesh, interventions, summary, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_trials_search_vector", table_name="trials")
    else:
        op.execute("DROP TABLE IF EXISTS trials_fts")
    op.drop_table("sync_state")
    op.drop_table("overlays")
    op.drop_table("criteria")
    op.drop_table("sites")
    op.drop_table("trials")
