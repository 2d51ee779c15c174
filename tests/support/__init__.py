"""Helpers shared by test modules (kept out of conftest.py so tests import them explicitly)."""
