"""Throttling of sign-in, sign-up and reset requests, counted in the store so that all workers share it.

Keys name what is counted ("login:ip:<address>", "login:account:<email>"); they are hashed before they are
stored, so the table holds no address or IP.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from eligo.store import ratelimits
from eligo.store.repository import TrialStore


@dataclass(frozen=True)
class Rule:
    limit: int
    window: timedelta
    lock: timedelta


# Failed sign-ins lock an account briefly (a short lock limits how long someone else can keep it locked);
# one client gets more tries, as a clinic may share one address.
RULES: dict[str, Rule] = {
    "login:account": Rule(limit=5, window=timedelta(minutes=15), lock=timedelta(minutes=15)),
    "login:ip": Rule(limit=20, window=timedelta(minutes=15), lock=timedelta(minutes=15)),
    "signup:ip": Rule(limit=10, window=timedelta(hours=1), lock=timedelta(hours=1)),
    # Sign-ups for an address that has an account mail its owner a reminder: over this, answered as usual
    # but nothing is sent (issue #11: 30 mails in seconds before).
    "signup:address": Rule(limit=3, window=timedelta(hours=1), lock=timedelta(hours=1)),
    "reset:ip": Rule(limit=10, window=timedelta(hours=1), lock=timedelta(hours=1)),
    # Over this, reset requests for one address are answered as usual but send nothing: no mail-bombing.
    "reset:account": Rule(limit=3, window=timedelta(hours=1), lock=timedelta(hours=1)),
    # Alert subscriptions email a confirmation link: per client, and per address (over it, answered as usual
    # but nothing is sent, so nobody can fill someone's inbox with confirmation requests).
    "alerts:ip": Rule(limit=20, window=timedelta(hours=1), lock=timedelta(hours=1)),
    "alerts:address": Rule(limit=5, window=timedelta(hours=1), lock=timedelta(hours=1)),
    # Wrong share-link passcodes from one client across all links (each link also locks itself after 5).
    "share:ip": Rule(limit=20, window=timedelta(minutes=15), lock=timedelta(minutes=15)),
    # Making a share link hashes a passcode (slow on purpose): a person shares a few, not hundreds.
    "share:create": Rule(limit=30, window=timedelta(hours=1), lock=timedelta(hours=1)),
    # Matching a profile over the JSON API costs server time: a script may match many children, but not
    # flood the site (issue #11: six clients at once slowed every page a hundredfold).
    "api:match": Rule(limit=30, window=timedelta(minutes=1), lock=timedelta(minutes=1)),
    # Anonymous visitors whose sessions are stored (a profile, answers): new ones per client per hour.
    "session:ip": Rule(limit=60, window=timedelta(hours=1), lock=timedelta(hours=1)),
    # Referrals email study teams: a family writes to a few sites, not dozens a day.
    "referral:user": Rule(limit=10, window=timedelta(days=1), lock=timedelta(days=1)),
    "referral:ip": Rule(limit=30, window=timedelta(days=1), lock=timedelta(days=1)),
}


def key(kind: str, subject: str) -> str:
    if kind not in RULES:
        raise KeyError(f"no rate-limit rule named {kind!r}")
    return hashlib.sha256(f"{kind}:{subject}".encode()).hexdigest()


def blocked(store: TrialStore, keys: list[tuple[str, str]], now: datetime) -> datetime | None:
    """The latest lock among (kind, subject) keys, or None when all are free."""
    locks = [ratelimits.locked_until(store.engine, key(kind, subject), now) for kind, subject in keys]
    found = [until for until in locks if until is not None]
    return max(found) if found else None


def hit(store: TrialStore, kind: str, subject: str, now: datetime, *, limit: int | None = None) -> bool:
    """Count one event; True when this event reached the limit (the key is now locked).

    `limit` replaces the rule's own where an operator set it (the match API's requests a minute)."""
    rule = RULES[kind]
    most = limit or rule.limit
    reached = ratelimits.count(store.engine, key(kind, subject), now, limit=most, window=rule.window, lock=rule.lock)
    return reached >= most


def allow(store: TrialStore, kind: str, subject: str, now: datetime, *, limit: int | None = None) -> bool:
    """For requests limited by volume (sign-up, reset): count it, and say whether it may go ahead."""
    if blocked(store, [(kind, subject)], now) is not None:
        return False
    hit(store, kind, subject, now, limit=limit)  # the `limit`-th still goes ahead; it locks the key for the next
    return True


def clear(store: TrialStore, kind: str, subject: str) -> None:
    ratelimits.clear(store.engine, key(kind, subject))
