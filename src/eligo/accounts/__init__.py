"""Accounts: users and roles, passwords, single-use email tokens, the mail outbox, throttling, export and deletion."""
