"""Helpers that test modules import (kept out of conftest.py, which holds only fixtures and hooks)."""
