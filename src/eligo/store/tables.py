"""The store's tables as SQLAlchemy Core objects; migrations create them, the repository reads and writes them."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

trials = Table(
    "trials",
    metadata,
    Column("nct_id", String(64), primary_key=True),
    # The effective record (base plus overlays) as Trial.model_dump_json().
    Column("record", Text, nullable=False),
    # The registry's record before overlays were applied; NULL when no overlay touches the trial.
    Column("base_record", Text, nullable=True),
    Column("title", Text, nullable=False),
    Column("last_update_date", String(10), nullable=True),
    Column("overall_status", String(64), nullable=True),
    Column("study_type", String(64), nullable=True),
    # "|PHASE1|PHASE2|": delimiters on both ends so one LIKE finds any phase.
    Column("phases", String(200), nullable=False, default=""),
    Column("min_age_months", Integer, nullable=True),
    Column("max_age_months", Integer, nullable=True),
    Column("sex", String(16), nullable=True),
    Column("conditions", Text, nullable=False, default=""),
    Column("source_format", String(32), nullable=True),
    Column("imported_at", String(32), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Index("ix_trials_overall_status", "overall_status"),
    Index("ix_trials_study_type", "study_type"),
    Index("ix_trials_last_update_date", "last_update_date"),
    # Covering indexes for search (migration 0003): filters and hits read these, never the JSON record.
    Index(
        "ix_trials_filter_order",
        "last_update_date",
        "overall_status",
        "study_type",
        "min_age_months",
        "max_age_months",
        "sex",
        "phases",
        "nct_id",
    ),
    Index(
        "ix_trials_search_by_id",
        "nct_id",
        "overall_status",
        "study_type",
        "min_age_months",
        "max_age_months",
        "sex",
        "phases",
        "last_update_date",
        "title",
    ),
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nct_id", String(64), ForeignKey("trials.nct_id", ondelete="CASCADE"), nullable=False),
    Column("facility", Text, nullable=True),
    Column("city", Text, nullable=True),
    Column("state", Text, nullable=True),
    Column("zip", String(32), nullable=True),
    Column("country", Text, nullable=True),
    Column("status", String(64), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Index("ix_sites_nct_id", "nct_id"),
    Index("ix_sites_lat_lon", "lat", "lon"),
    Index("ix_sites_country", "country"),
)

criteria = Table(
    "criteria",
    metadata,
    Column("nct_id", String(64), ForeignKey("trials.nct_id", ondelete="CASCADE"), primary_key=True),
    Column("parser_version", String(64), nullable=False),
    Column("tree", Text, nullable=False),
    Column("parsed_at", String(32), nullable=False),
    Index("ix_criteria_parser_version", "parser_version"),
)

# No foreign key: a patch may arrive before the trial it patches.
overlays = Table(
    "overlays",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nct_id", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("patch", Text, nullable=False),
    UniqueConstraint("nct_id", "source", name="uq_overlays_nct_id_source"),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
)

# Server-side visitor sessions of eligo.web (migration 0002; read and written by eligo.store.sessions).
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("data", Text, nullable=False),
    Column("expires_at", String(32), nullable=False),
    Index("ix_web_sessions_expires_at", "expires_at"),
)

# -- accounts (migration 0004; read and written by eligo.accounts.rows, eligo.store.outbox and .ratelimits) -----
# Times are UTC ISO-8601 strings with microseconds, so they compare correctly as text on both dialects.

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("confirmed_at", String(32), nullable=True),
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("email", name="uq_users_email"),
)

# A coordinator may manage a whole trial (facility "") or one site of it. No foreign key to trials:
# a re-import may delete and re-create a trial, and the link must survive that.
coordinator_sites = Table(
    "coordinator_sites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("nct_id", String(64), nullable=False),
    Column("facility", Text, nullable=False, default=""),
    UniqueConstraint("user_id", "nct_id", "facility", name="uq_coordinator_sites_link"),
    Index("ix_coordinator_sites_nct_id", "nct_id"),
)

# Only the sha256 of a token is kept: a copy of the database does not hand out working links.
account_tokens = Table(
    "account_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("used_at", String(32), nullable=True),
    Index("ix_account_tokens_user_id", "user_id"),
)

# Which web sessions are signed in as which user: lets a password reset or an account deletion end them all.
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("session_id", String(128), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", String(32), nullable=False),
    Index("ix_user_sessions_user_id", "user_id"),
)

# Mail waits here, written in the same transaction as the action that sends it, until `deliver_outbox` sends it.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("recipient", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    # Emptied once sent: bodies carry single-use links.
    Column("body", Text, nullable=False),
    # Extra headers as a JSON object (List-Unsubscribe on alert emails; added by migration 0005); emptied once sent.
    Column("headers", Text, nullable=True),
    Column("status", String(16), nullable=False),  # pending | sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", String(32), nullable=False),
    Column("claimed_until", String(32), nullable=True),
    Column("last_error", String(200), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("sent_at", String(32), nullable=True),
    Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

# Fixed-window counters shared by every worker; `key` is a sha256, so no address or IP is stored.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("window_start", String(32), nullable=False),
    Column("count", Integer, nullable=False),
    Column("locked_until", String(32), nullable=True),
)

# -- what users keep: child profiles, notes, share links, alerts, referrals (issue 5) -----------------
# Every table here points at users.id (directly, or through a parent that does), so account export
# and deletion find its rows without being told (store.user_data.user_owned_columns).

# A child profile saved by a signed-in user (the PatientProfile JSON), for matches and alerts.
child_profiles = Table(
    "child_profiles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("profile", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_child_profiles_user_id", "user_id"),
)

# A private note anchored to text of a trial page, in the spirit of the W3C Web Annotation
# TextQuoteSelector (quote with prefix and suffix) plus a TextPositionSelector (offsets) as a hint.
# `field` names the part of the trial the text was in ("summary", "criteria", ...).
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("nct_id", String(64), nullable=False),
    Column("field", String(32), nullable=False),
    Column("quote", Text, nullable=False),
    Column("prefix", Text, nullable=False, default=""),
    Column("suffix", Text, nullable=False, default=""),
    Column("position_start", Integer, nullable=True),
    Column("position_end", Integer, nullable=True),
    Column("body", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_notes_user_id_nct_id", "user_id", "nct_id"),
)

# A read-only link for a doctor: one note (note_id) or all of the user's notes on a trial (note_id NULL),
# with the pre-screener answers copied in when the user chose to share them. Only hashes of the token
# and of the passcode are kept.
share_links = Table(
    "share_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("nct_id", String(64), nullable=False),
    Column("note_id", Integer, ForeignKey("notes.id", ondelete="CASCADE"), nullable=True),
    Column("answers", Text, nullable=True),
    Column("passcode_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("revoked_at", String(32), nullable=True),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", String(32), nullable=True),
    Column("last_opened_at", String(32), nullable=True),
    UniqueConstraint("token_hash", name="uq_share_links_token_hash"),
    Index("ix_share_links_user_id", "user_id"),
)

# A doctor's reply, through a share link, to one of the family's notes (issue #15; migration 0007). It belongs
# to the family through the note (export and deletion walk that key) and names the link it came through.
note_replies = Table(
    "note_replies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("note_id", Integer, ForeignKey("notes.id", ondelete="CASCADE"), nullable=False),
    Column("share_id", Integer, ForeignKey("share_links.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Index("ix_note_replies_note_id", "note_id"),
)

# "Sign up as a volunteer": alerts for a search (kind "search", `search` holds its parameters as JSON)
# or for a saved child profile (kind "profile"). Visitors without an account subscribe by email only
# (user_id NULL). Double opt-in: confirmed_at stays NULL until the emailed link is opened.
alert_subscriptions = Table(
    "alert_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("email", String(320), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("search", Text, nullable=True),
    Column("profile_id", Integer, ForeignKey("child_profiles.id", ondelete="CASCADE"), nullable=True),
    Column("label", Text, nullable=False),
    Column("frequency", String(16), nullable=False),  # daily | immediate
    Column("confirm_token_hash", String(64), nullable=True),
    Column("unsubscribe_token_hash", String(64), nullable=False),
    Column("confirmed_at", String(32), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("last_sent_at", String(32), nullable=True),
    UniqueConstraint("unsubscribe_token_hash", name="uq_alert_subscriptions_unsubscribe"),
    Index("ix_alert_subscriptions_email", "email"),
    Index("ix_alert_subscriptions_user_id", "user_id"),
)

# One row per (subscription, trial, reason) ever alerted: the unique constraint is what makes an
# alert go out at most once, however often the same import is run. `outbox_id` is set when the
# alert has been put into an email (a digest or an immediate alert).
alert_matches = Table(
    "alert_matches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, ForeignKey("alert_subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("nct_id", String(64), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("outbox_id", Integer, nullable=True),
    UniqueConstraint("subscription_id", "nct_id", "reason", name="uq_alert_matches_once"),
    Index("ix_alert_matches_outbox_id", "outbox_id"),
)

# "Connect with a study center": a family's referral to one site of a trial. `shared` holds the
# pre-screener answers and verdict when the family chose to send them; `history` is the JSON list of
# status changes [{"status", "at", "by"}].
referrals = Table(
    "referrals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("nct_id", String(64), nullable=False),
    Column("facility", Text, nullable=False),
    Column("site_email", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    Column("contact_email", String(320), nullable=False),
    Column("phone", String(64), nullable=False, default=""),
    Column("preferred_contact", String(16), nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("shared", Text, nullable=True),
    Column("status", String(16), nullable=False),
    Column("history", Text, nullable=False),
    # The study team's own notes (JSON list, migration 0007): shown at the site only and left out of the
    # family's export; they go with the referral when the family deletes their account.
    Column("team_notes", Text, nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_referrals_user_id", "user_id"),
    Index("ix_referrals_nct_id", "nct_id"),
)

# A signed-in family's shortlist of trials to compare (issue #16); a visitor's lives in their web session.
shortlist_items = Table(
    "shortlist_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("nct_id", String(64), nullable=False),
    Column("added_at", String(32), nullable=False),
    UniqueConstraint("user_id", "nct_id", name="uq_shortlist_items_user_trial"),
)

# The full-text index is dialect-specific and lives outside this metadata:
# SQLite: FTS5 table `trials_fts` whose rowid is the trials rowid;
# PostgreSQL: `trials.search_vector` tsvector with a GIN index.
FTS_TABLE = "trials_fts"
FTS_COLUMNS = ("nct_id", "title", "conditions", "keywords", "mesh", "interventions", "summary")
