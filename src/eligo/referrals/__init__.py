"""Referrals to a study site ("Connect with a study center"): who may send one, where it goes, and its states."""
