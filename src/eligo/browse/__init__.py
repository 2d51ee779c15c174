"""Browsing open trials by condition and by treatment type, with counts taken from the very lists they link to."""
