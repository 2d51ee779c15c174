"""Where Eligo keeps files it can always rebuild from its installed packages, and never anything about a user."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

CACHE_DIR_ENV = "ELIGO_CACHE_DIR"


def cache_dir() -> Path:
    """$ELIGO_CACHE_DIR, else the user cache directory (~/.cache/eligo on Linux); not created here."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(user_cache_dir("eligo"))
