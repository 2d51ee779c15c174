"""Subscribing to alerts: double opt-in by email, one-click unsubscribe, and saved child profiles to watch.

Functions take the store and an explicit `now`, and queue the emails they cause in the same transaction as
the change itself. What a visitor is told never depends on whether the address already has alerts or an
account: that is said, if at all, in an email to the address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal

from eligo.accounts.mail import queue_email
from eligo.accounts.records import User
from eligo.accounts.users import AccountError, email_text, user_with_email, valid_email
from eligo.alerts import rows
from eligo.alerts.records import FREQUENCIES, AlertSearch, Frequency, Kind, SavedProfile, Subscription
from eligo.geo.units import distance_text, parse_units
from eligo.patients.errors import ProfileError
from eligo.patients.load import profile_from_data, split_known
from eligo.store import OPEN_STATUSES, Connection, SearchQuery, TrialStore

CONFIRM_LIFETIME = timedelta(days=7)
MAX_TOKEN_CHARS = 128
MAX_PROFILES = 20
MAX_PROFILE_NAME_CHARS = 100
_STATUS_WORDS = {
    "RECRUITING": "recruiting",
    "NOT_YET_RECRUITING": "not yet recruiting",
    "ENROLLING_BY_INVITATION": "enrolling by invitation",
    "AVAILABLE": "expanded access",
}

Outcome = Literal["check_email", "active", "already_active"]


class AlertError(ValueError):
    """A request about alerts that cannot be done; the message is safe to show."""


# -- what a subscription watches --------------------------------------------------------------------


def search_alert(form: dict[str, str], query: SearchQuery, place: str | None) -> AlertSearch:
    """The search to watch. Alerts are about trials a child could join, so only open statuses are kept
    (all of them when the search asked for none, or for closed ones)."""
    statuses = tuple(status for status in query.statuses if status in OPEN_STATUSES) or OPEN_STATUSES
    watched = query.model_copy(update={"statuses": statuses, "limit": 20, "offset": 0, "nct_ids": ()})
    kept = {name: value.strip() for name, value in form.items() if value and value.strip()}
    return AlertSearch(form=kept, query=watched, place=place)


def describe(search: AlertSearch) -> str:
    """The alert in words: "neuroblastoma, open to new patients, within 300 km of Leeds, age 7"."""
    query = search.query
    parts = [query.text.strip() if query.text and query.text.strip() else "any trial"]
    if set(query.statuses) == set(OPEN_STATUSES):
        parts.append("open to new patients")
    else:
        parts.append(" or ".join(_STATUS_WORDS.get(status, status.lower()) for status in query.statuses))
    if query.phases:
        parts.append(" or ".join(phase.replace("PHASE", "phase ") for phase in query.phases))
    if query.within_km is not None:
        # In the units the visitor searched in ("within 50 miles of Leeds"); links older than the units
        # field meant kilometres.
        units = parse_units(search.form.get("within_units")) or "km"
        parts.append(f"within {distance_text(query.within_km, units)} of {search.place or 'the place you gave'}")
    if search.form.get("age"):
        parts.append(f"age {float(search.form['age']):g}")
    return ", ".join(parts)


def describe_profile(name: str) -> str:
    return f"trials that may suit {name}"


# -- tokens -----------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def unsubscribe_token(secret: str, subscription_id: int) -> str:
    """The subscription's unsubscribe token, derivable again for every email (so every old link keeps working);
    only its sha256 is stored, and without the secret key a copy of the database gives no working link."""
    mac = hmac.new(secret.encode("utf-8"), f"eligo-alert-unsubscribe:{subscription_id}".encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def _fresh_confirm_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _digest(token)


# -- subscribe, confirm, unsubscribe ----------------------------------------------------------------


def _checked(email: str, frequency: str) -> tuple[str, Frequency]:
    try:
        address = valid_email(email)
    except AccountError as error:
        raise AlertError(str(error)) from error
    for known in FREQUENCIES:
        if frequency == known:
            return address, known
    raise AlertError("Choose how often to hear from us: a daily summary, or at once.")


def subscribe(
    store: TrialStore,
    *,
    email: str,
    frequency: str,
    label: str,
    search: AlertSearch | None = None,
    profile: SavedProfile | None = None,
    user: User | None,
    base_url: str,
    secret: str,
    now: datetime,
    send: bool = True,
) -> Outcome:
    """Subscribe `email` to a search or (signed in) a saved profile.

    A signed-in user's own confirmed address is on at once; any other address gets a confirmation link
    and nothing else until it is opened. `send` False (a throttled address) changes nothing the visitor
    sees, but sends no email. Raises AlertError for input that is wrong whoever asks.
    """
    address, chosen = _checked(email, frequency)
    kind: Kind = "profile" if profile is not None else "search"
    if (search is None) == (profile is None):
        raise AlertError("An alert watches either a search or a saved profile.")
    trusted = user is not None and user.confirmed and user.email == address
    with store.engine.begin() as connection:
        existing = rows.same_subscription(connection, address, kind, search, profile.id if profile else None)
        if existing is not None and existing.confirmed:
            if trusted:
                return "already_active"
            if send:
                subject, body = email_text(
                    "alert_already",
                    label=existing.label,
                    unsubscribe=f"{base_url}/alerts/unsubscribe/{unsubscribe_token(secret, existing.id)}",
                )
                queue_email(connection, address, subject, body, now=now, user_id=existing.user_id)
            return "check_email"
        if existing is not None:  # asked again before confirming: start afresh with a new link
            rows.delete_subscriptions(connection, [existing.id])
        confirm_token, confirm_hash = _fresh_confirm_token()
        subscription_id = rows.insert_subscription(
            connection,
            user_id=user.id if user is not None else None,
            email=address,
            kind=kind,
            search=search,
            profile_id=profile.id if profile is not None else None,
            label=label,
            frequency=chosen,
            confirm_token_hash=None if trusted else confirm_hash,
            # A placeholder until the id is known: the real token is derived from the id.
            unsubscribe_token_hash=_digest(secrets.token_urlsafe(32)),
            confirmed_at=now if trusted else None,
            now=now,
        )
        rows.set_unsubscribe_hash(connection, subscription_id, _digest(unsubscribe_token(secret, subscription_id)))
        if trusted:
            return "active"
        if send:
            subject, body = email_text("alert_confirm", label=label, link=f"{base_url}/alerts/confirm/{confirm_token}")
            queue_email(connection, address, subject, body, now=now, user_id=user.id if user else None)
    return "check_email"


def confirm(store: TrialStore, token: str, now: datetime) -> Subscription | None:
    """Turn the alert on; None when the link is unknown, used or older than 7 days.

    A confirmed address that has an account joins it: the owner then sees (and can cancel, export or
    delete) the alert on their account page.
    """
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    with store.engine.begin() as connection:
        subscription = rows.confirm(connection, _digest(token), now - CONFIRM_LIFETIME, now)
        if subscription is None:
            return None
        if subscription.user_id is None:
            owner = user_with_email(connection, subscription.email)
            if owner is not None and owner.confirmed:
                rows.attach_to_user(connection, subscription.id, owner.id)
        return subscription


def by_unsubscribe_token(store: TrialStore, token: str) -> Subscription | None:
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    with store.engine.connect() as connection:
        return rows.subscription_by_unsubscribe(connection, _digest(token))


def unsubscribe(store: TrialStore, token: str) -> Subscription | None:
    """Delete the alert the link belongs to, with its unsent alerts; None when there is none (any more)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    with store.engine.begin() as connection:
        found = rows.subscription_by_unsubscribe(connection, _digest(token))
        if found is None:
            return None
        rows.delete_subscriptions(connection, [found.id])
        return found


# -- a signed-in user's alerts and saved profiles ---------------------------------------------------


def subscriptions_of(store: TrialStore, user: User) -> list[Subscription]:
    """The user's alerts, including those confirmed with their (confirmed) address before they had an account,
    which join the account here: they are then listed, exported and deleted with it."""
    with store.engine.begin() as connection:
        if user.confirmed:
            rows.adopt_confirmed(connection, user.email, user.id)
        return rows.subscriptions_of(connection, user.id)


def cancel(store: TrialStore, user: User, subscription_id: int) -> bool:
    """Cancel one of the user's alerts; False when it is not theirs (the caller answers 404)."""
    with store.engine.begin() as connection:
        if rows.subscription_of(connection, user.id, subscription_id) is None:
            return False
        rows.delete_subscriptions(connection, [subscription_id])
        return True


def profiles_of(store: TrialStore, user: User) -> list[SavedProfile]:
    with store.engine.connect() as connection:
        return rows.profiles_of(connection, user.id)


def profile_of(store: TrialStore, user: User, profile_id: int) -> SavedProfile | None:
    with store.engine.connect() as connection:
        return rows.profile_of(connection, user.id, profile_id)


def profile_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise AlertError("Name: give the profile a name, for example your child's first name.")
    if len(cleaned) > MAX_PROFILE_NAME_CHARS:
        raise AlertError(f"Name: please use at most {MAX_PROFILE_NAME_CHARS} characters.")
    return cleaned


def save_profile(store: TrialStore, user: User, name: str, profile: dict[str, Any], now: datetime) -> SavedProfile:
    """Keep a copy of the child's profile under a name; AlertError when the name or profile will not do."""
    cleaned = profile_name(name)
    try:
        profile_from_data(split_known(profile)[0], source="profile")
    except ProfileError as error:
        raise AlertError("The profile could not be read: " + "; ".join(error.problems)) from error
    with store.engine.begin() as connection:
        if rows.count_profiles(connection, user.id) >= MAX_PROFILES:
            raise AlertError(f"You can keep up to {MAX_PROFILES} profiles. Delete one you no longer need first.")
        profile_id = rows.insert_profile(connection, user.id, cleaned, profile, now)
        saved = rows.profile_of(connection, user.id, profile_id)
    if saved is None:  # pragma: no cover - written in the same transaction
        raise AlertError("the profile vanished while it was being saved")
    return saved


def delete_profile(store: TrialStore, user: User, profile_id: int) -> bool:
    with store.engine.begin() as connection:
        return rows.delete_profile(connection, user.id, profile_id)


def forget_email(connection: Connection, email: str) -> None:
    """Account deletion's hook: subscriptions made with the address while signed out (user_id NULL) go too."""
    rows.delete_for_email(connection, email)
