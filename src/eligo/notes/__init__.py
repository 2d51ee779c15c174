"""Private notes anchored to a trial's text, and passcode-protected share links for a doctor (issue 5)."""
