"""Typed web settings read from the environment; production refuses default secrets."""

from __future__ import annotations

import os
import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eligo.accounts.mail import SmtpSettings

DEV_SECRET = "eligo-development-secret-do-not-use-in-production"


class InsecureSettings(RuntimeError):
    """Raised at start-up when production settings would be unsafe."""


class WebSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    secret_key: str = DEV_SECRET
    database_url: str | None = None
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    session_days: int = Field(default=30, gt=0)
    # Cookies get the Secure flag when Eligo is served over HTTPS (behind a TLS proxy in production).
    https: bool = False
    # Links in emails point here; no trailing slash.
    public_url: str = "http://127.0.0.1:8000"
    smtp: SmtpSettings = SmtpSettings()

    @classmethod
    def from_env(cls) -> WebSettings:
        env = os.environ
        environment = env.get("ELIGO_ENV", "development")
        settings = cls(
            environment=environment,
            secret_key=env.get("ELIGO_SECRET_KEY", DEV_SECRET),
            database_url=env.get("ELIGO_DATABASE_URL"),
            max_body_bytes=int(env.get("ELIGO_MAX_BODY_BYTES", "1000000")),
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
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
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


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes")
