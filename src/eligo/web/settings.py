"""Typed web settings read from the environment; production refuses default secrets."""

from __future__ import annotations

import os
import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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

    @classmethod
    def from_env(cls) -> WebSettings:
        env = os.environ
        environment = env.get("ELIGO_ENV", "development")
        settings = cls(
            environment=environment,
            secret_key=env.get("ELIGO_SECRET_KEY", DEV_SECRET),
            database_url=env.get("ELIGO_DATABASE_URL"),
            max_body_bytes=int(env.get("ELIGO_MAX_BODY_BYTES", "1000000")),
            https=env.get("ELIGO_HTTPS", "0") in ("1", "true", "yes"),
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
