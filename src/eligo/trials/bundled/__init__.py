"""The trial records shipped inside Eligo: four seed studies as API v2 JSON, and curated overlays."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled_paths() -> list[Path]:
    """The bundled files in import order: the API v2 JSON studies, then the overlays that patch them."""
    # Eligo is installed as a directory (never a zip), so the package resources are real files.
    folder = Path(str(files(__name__)))
    return sorted(folder.glob("NCT*.json")) + sorted(folder.glob("*.yaml"))
