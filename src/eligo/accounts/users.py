"""What people do with accounts: sign up, confirm, sign in, reset a password; and the admin's commands.

Functions take the store and an explicit `now` (tests pin time) and queue the emails they cause in the
same transaction as the change itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Literal

from eligo.accounts import passwords, rows, tokens
from eligo.accounts.mail import queue_email
from eligo.accounts.records import ROLES, SIGNUP_ROLES, Role, SiteLink, User, normalise_email
from eligo.store import Connection
from eligo.store.repository import TrialStore
from eligo.yamlfile import load_yaml

# Deliberately loose: the confirmation email is the real check.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
_NCT_ID = re.compile(r"NCT\d{8}")
MAX_EMAIL_CHARS = 254


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is safe to show."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: a user, or why not (kept from the visitor: they see one generic message)."""

    user: User | None
    reason: Literal["ok", "unknown", "wrong_password", "unconfirmed"]


@cache
def _emails() -> dict[str, dict[str, str]]:
    data = load_yaml(files("eligo.accounts").joinpath("emails.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all({"subject", "body"} <= set(entry) for entry in data.values()):
        raise ValueError("eligo/accounts/emails.yaml must map names to a subject and a body")
    return data


def email_text(name: str, **values: str) -> tuple[str, str]:
    entry = _emails()[name]
    return entry["subject"], entry["body"].format(**values)


def valid_email(email: str) -> str:
    """The address normalised (trimmed, lower-case), or AccountError."""
    normal = normalise_email(email)
    if len(normal) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(normal):
        raise AccountError("Enter an email address like name@example.org.")
    return normal


def sign_up(
    store: TrialStore, email: str, password: str, role: str, base_url: str, now: datetime, *, remind: bool = True
) -> None:
    """Create an unconfirmed account and email a confirmation link; for a known address, email a reminder
    (unless `remind` is False: the caller's per-address cap was reached, and the owner's inbox is spared).

    Raises AccountError / WeakPassword for input that is wrong whoever asks (checked before the address is
    looked up, so errors never depend on whether it has an account).
    """
    address = valid_email(email)
    if role not in SIGNUP_ROLES:
        raise AccountError("Choose whether you are a parent or family member, or a clinician.")
    passwords.check_policy(password, address)
    # Hash either way: the two answers take the same time.
    password_hash = passwords.hash_password(password)
    with store.engine.begin() as connection:
        existing = rows.user_by_email(connection, address)
        if existing is not None:
            if not remind:
                return
            subject, body = email_text("already_registered", base_url=base_url)
            queue_email(connection, address, subject, body, now=now, user_id=existing[0].id)
            return
        user = rows.insert_user(connection, address, password_hash, role, now)
        token = tokens.issue(connection, user.id, "confirm", now)
        subject, body = email_text("confirm", link=f"{base_url}/account/confirm/{token}")
        queue_email(connection, address, subject, body, now=now, user_id=user.id)


def confirm(store: TrialStore, token: str, now: datetime) -> User | None:
    with store.engine.begin() as connection:
        user_id = tokens.redeem(connection, token, "confirm", now)
        if user_id is None:
            return None
        rows.mark_confirmed(connection, user_id, now)
        return rows.user_by_id(connection, user_id)


def authenticate(store: TrialStore, email: str, password: str, now: datetime) -> SignIn:
    """Check the password (always against some hash, so timing does not tell whether the address exists)."""
    address = normalise_email(email)
    with store.engine.connect() as connection:
        found = rows.user_by_email(connection, address) if len(address) <= MAX_EMAIL_CHARS else None
    # Exactly one hash verification over at most MAX_LENGTH characters on every path: an unknown address
    # and a known one with an over-long password take the same time, so neither tells the address exists.
    bounded = password[: passwords.MAX_LENGTH]
    if found is None:
        passwords.verify_password(passwords.dummy_hash(), bounded)
        return SignIn(None, "unknown")
    user, stored = found
    matches = passwords.verify_password(stored, bounded)
    if len(password) > passwords.MAX_LENGTH or not matches:
        return SignIn(None, "wrong_password")
    if not user.confirmed:
        return SignIn(None, "unconfirmed")
    if passwords.needs_rehash(stored):
        with store.engine.begin() as connection:
            rows.set_password_hash(connection, user.id, passwords.hash_password(password))
    return SignIn(user, "ok")


def request_reset(store: TrialStore, email: str, base_url: str, now: datetime, *, send: bool = True) -> None:
    """Email a reset link if the address has an account; silently nothing otherwise (no enumeration)."""
    try:
        address = valid_email(email)
    except AccountError:
        return
    with store.engine.begin() as connection:
        found = rows.user_by_email(connection, address)
        if found is None or not send:
            return
        token = tokens.issue(connection, found[0].id, "reset", now)
        subject, body = email_text("reset", link=f"{base_url}/account/reset/{token}")
        queue_email(connection, address, subject, body, now=now, user_id=found[0].id)


def reset_token_valid(store: TrialStore, token: str, now: datetime) -> bool:
    with store.engine.connect() as connection:
        return tokens.peek(connection, token, "reset", now) is not None


def reset_password(store: TrialStore, token: str, new_password: str, base_url: str, now: datetime) -> User | None:
    """Spend the token, set the password, confirm the address and sign the user out everywhere.

    None when the token is not (or no longer) valid; WeakPassword before the token is spent.
    """
    with store.engine.begin() as connection:
        user_id = tokens.peek(connection, token, "reset", now)
        user = rows.user_by_id(connection, user_id) if user_id is not None else None
        if user is None:
            return None
        passwords.check_policy(new_password, user.email)
        if not tokens.redeem(connection, token, "reset", now):
            return None
        rows.set_password_hash(connection, user.id, passwords.hash_password(new_password))
        rows.mark_confirmed(connection, user.id, now)  # the link proved the address
        rows.end_sessions(connection, user.id)
        subject, body = email_text("password_changed", base_url=base_url)
        queue_email(connection, user.email, subject, body, now=now, user_id=user.id)
        return rows.user_by_id(connection, user.id)


def check_password(store: TrialStore, user: User, password: str) -> bool:
    with store.engine.connect() as connection:
        found = rows.user_by_email(connection, user.email)
    return found is not None and passwords.verify_password(found[1], password[: passwords.MAX_LENGTH + 1])


# -- sessions ---------------------------------------------------------------------------------------


def bind_session(store: TrialStore, session_id: str, user: User, now: datetime) -> None:
    with store.engine.begin() as connection:
        rows.bind_session(connection, session_id, user.id, now)


def session_user(store: TrialStore, session_id: str, user_id: int) -> User | None:
    with store.engine.connect() as connection:
        return rows.session_user(connection, session_id, user_id)


def end_session(store: TrialStore, session_id: str) -> None:
    with store.engine.begin() as connection:
        rows.unbind_session(connection, session_id)


# -- administration (the CLI) -----------------------------------------------------------------------


def create_admin(store: TrialStore, email: str, password: str, now: datetime) -> User:
    """A confirmed admin account; an existing account is promoted and given the new password."""
    address = valid_email(email)
    passwords.check_policy(password, address)
    password_hash = passwords.hash_password(password)
    with store.engine.begin() as connection:
        found = rows.user_by_email(connection, address)
        if found is None:
            user = rows.insert_user(connection, address, password_hash, "admin", now)
        else:
            user = found[0]
            rows.set_password_hash(connection, user.id, password_hash)
            rows.set_role(connection, user.id, "admin")
        rows.mark_confirmed(connection, user.id, now)
        result = rows.user_by_id(connection, user.id)
    if result is None:  # pragma: no cover - the row was written in the same transaction
        raise AccountError("the account vanished while it was being created")
    return result


def link_coordinator(store: TrialStore, email: str, nct_id: str, facility: str = "") -> tuple[User, bool]:
    """Make the account a coordinator of the trial (or one facility of it); True when the link is new."""
    address = normalise_email(email)
    trial = nct_id.strip().upper()
    if not _NCT_ID.fullmatch(trial):
        raise AccountError(f"{nct_id!r} is not an NCT number (NCT followed by 8 digits)")
    with store.engine.begin() as connection:
        found = rows.user_by_email(connection, address)
        if found is None:
            raise AccountError("no account has that email address")
        user = found[0]
        if user.role not in ("coordinator", "admin"):
            rows.set_role(connection, user.id, "coordinator")
        added = rows.link_site(connection, user.id, SiteLink(nct_id=trial, facility=facility.strip()))
        result = rows.user_by_id(connection, user.id)
    if result is None:  # pragma: no cover
        raise AccountError("the account vanished while it was being linked")
    return result, added


def list_users(store: TrialStore) -> list[tuple[User, list[SiteLink]]]:
    with store.engine.connect() as connection:
        return [(user, rows.sites_of(connection, user.id)) for user in rows.iter_users(connection)]


# -- for other features: a person looked up inside the transaction the caller already holds ------------


def user_with_email(connection: Connection, email: str) -> User | None:
    found = rows.user_by_email(connection, normalise_email(email))
    return found[0] if found is not None else None


def user_with_id(connection: Connection, user_id: int) -> User | None:
    return rows.user_by_id(connection, user_id)


def site_links(connection: Connection, user_id: int) -> list[SiteLink]:
    """The trials (and sites of them) a coordinator answers for."""
    return rows.sites_of(connection, user_id)


def drop_site_link(connection: Connection, user_id: int, link: SiteLink) -> bool:
    return rows.unlink_site(connection, user_id, link)


def role_of(value: str) -> Role:
    if value not in ROLES:
        raise AccountError(f"unknown role {value!r}")
    return value
