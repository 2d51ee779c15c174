"""Alert fixtures: the account fixtures (real SMTP server, web app on SQLite and PostgreSQL) reused."""

from __future__ import annotations

from tests.accounts.conftest import *  # noqa: F403
