"""Choosing between trials as the CCLG guide does: the shortlist, the side-by-side factors and posted side effects."""
