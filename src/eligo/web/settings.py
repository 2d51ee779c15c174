"""Typed web settings read from the environment; production refuses default secrets."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import tempfile
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import BaseModel, ConfigDict, Field

from eligo.accounts.mail import SmtpSettings
from eligo.accounts.ratelimit import RULES

# Only for settings built in code (tests); a site started from the environment never signs with it.
DEV_SECRET = "eligo-development-secret-do-not-use-in-production"
SECRET_FILE_ENV = "ELIGO_SECRET_FILE"
MIN_SECRET_CHARS = 32


class InsecureSettings(RuntimeError):
    """Raised at start-up when production settings would be unsafe."""


class WebSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    secret_key: str = DEV_SECRET
    database_url: str | None = None
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    session_days: int = Field(default=30, gt=0)
    # Anonymous visitors' sessions: idle days before deletion, size of one, how many are kept at most.
    anonymous_session_days: int = Field(default=3, gt=0)
    max_session_bytes: int = Field(default=128_000, gt=0)
    max_sessions: int = Field(default=20_000, gt=0)
    # POST /api/match per client a minute; 0 turns the limit off (a private deployment, a benchmark).
    api_match_per_minute: int = Field(default=RULES["api:match"].limit, ge=0)
    # Cookies get the Secure flag when Eligo is served over HTTPS (behind a TLS proxy in production).
    https: bool = False
    # Links in emails point here; no trailing slash.
    public_url: str = "http://127.0.0.1:8000"
    smtp: SmtpSettings = SmtpSettings()
    # Where the secret came from when it was not given: this installation's own file (said at start-up).
    secret_file: Path | None = None
    # Peers whose X-Forwarded-For names the real client (addresses or networks; "*" trusts any).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)

    @classmethod
    def from_env(cls) -> WebSettings:
        env = os.environ
        environment = env.get("ELIGO_ENV", "development")
        secret_key, secret_file = env.get("ELIGO_SECRET_KEY", ""), None
        if not secret_key and environment != "production":
            # Never a constant that every copy of Eligo shares: it signs sessions and unsubscribe links.
            secret_file = Path(env.get(SECRET_FILE_ENV) or Path(user_data_dir("eligo")) / "secret_key")
            secret_key = installation_secret(secret_file)
        settings = cls(
            environment=environment,
            secret_key=secret_key or DEV_SECRET,
            secret_file=secret_file,
            trusted_proxies=_addresses(env.get("ELIGO_TRUSTED_PROXIES", "127.0.0.1")),
            database_url=env.get("ELIGO_DATABASE_URL"),
            max_body_bytes=int(env.get("ELIGO_MAX_BODY_BYTES", "1000000")),
            anonymous_session_days=int(env.get("ELIGO_ANONYMOUS_SESSION_DAYS", "3")),
            max_session_bytes=int(env.get("ELIGO_MAX_SESSION_BYTES", "128000")),
            max_sessions=int(env.get("ELIGO_MAX_SESSIONS", "20000")),
            api_match_per_minute=int(env.get("ELIGO_API_MATCH_PER_MINUTE", str(RULES["api:match"].limit))),
            https=_flag(env.get("ELIGO_HTTPS", "0")),
            public_url=env.get("ELIGO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            smtp=SmtpSettings(
                host=env.get("ELIGO_SMTP_HOST") or None,
                port=int(env.get("ELIGO_SMTP_PORT", "587")),
                user=env.get("ELIGO_SMTP_USER") or None,
                password=env.get("ELIGO_SMTP_PASSWORD") or None,
                starttls=_flag(env.get("ELIGO_SMTP_STARTTLS", "1")),
                ssl=_flag(env.get("ELIGO_SMTP_SSL", "0")),
                sender=env.get("ELIGO_SMTP_FROM", SmtpSettings().sender),
            ),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.environment == "production":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < MIN_SECRET_CHARS:
                raise InsecureSettings(
                    "ELIGO_SECRET_KEY must be set to a random value of at least 32 characters in production "
                    f"(for example: {secrets.token_urlsafe(48)})"
                )
            if not self.https:
                raise InsecureSettings("production needs ELIGO_HTTPS=1 (serve Eligo behind TLS)")
            if not self.public_url.startswith("https://") or "127.0.0.1" in self.public_url:
                raise InsecureSettings("production needs ELIGO_PUBLIC_URL=https://... (the address in emailed links)")
            self._check_smtp()

    def _check_smtp(self) -> None:
        smtp = self.smtp
        if smtp.host is None:
            raise InsecureSettings("production needs ELIGO_SMTP_HOST (accounts send confirmation emails)")
        local = smtp.host in ("localhost", "127.0.0.1", "::1")
        if not (smtp.ssl or smtp.starttls or local):
            raise InsecureSettings(
                "production mail to a remote SMTP server needs ELIGO_SMTP_STARTTLS=1 or ELIGO_SMTP_SSL=1"
            )
        if smtp.user and not smtp.password:
            raise InsecureSettings("ELIGO_SMTP_USER is set but ELIGO_SMTP_PASSWORD is empty")
        if "@localhost" in smtp.sender:
            raise InsecureSettings("production needs ELIGO_SMTP_FROM (a real sender address)")


def installation_secret(path: Path) -> str:
    """The secret kept in `path`, made (random, readable by its owner only) the first time it is asked for.

    Written beside the final name, then linked to it: two processes starting at once both end up with the
    one that was linked first, and nobody ever reads a half-written file.
    """
    try:
        kept = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        kept = ""
    if len(kept) >= MIN_SECRET_CHARS:
        return kept
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp makes it 0600
            handle.write(secrets.token_urlsafe(48) + "\n")
        if kept:  # too short to use (edited by hand): replaced
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):  # another process made it first: theirs is the one
                os.link(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


def _addresses(value: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks, each checked (a typo must not silently trust nobody, or anybody)."""
    items = tuple(item.strip() for item in value.split(",") if item.strip())
    for item in items:
        if item != "*":
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as error:
                raise InsecureSettings(f"{item!r} is not an IP address or network (in the trusted proxies)") from error
    return items


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes")
