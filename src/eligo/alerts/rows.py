"""Alert rows: subscriptions (alert_subscriptions), the alerts recorded for them (alert_matches) and the saved
child profiles they watch (child_profiles).

Every function takes an open connection, so callers put a subscription and its confirmation email, or a
digest and the marking of its alerts, into one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, delete, exists, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from eligo.alerts.records import AlertSearch, Frequency, Kind, PendingAlert, Reason, SavedProfile, Subscription
from eligo.store.tables import alert_matches, alert_subscriptions, child_profiles, sites, trials
from eligo.store.timestamps import stamp, unstamp
from eligo.trials.statuses import OPEN_STATUSES

_COLUMNS = (
    alert_subscriptions.c.id,
    alert_subscriptions.c.user_id,
    alert_subscriptions.c.email,
    alert_subscriptions.c.kind,
    alert_subscriptions.c.search,
    alert_subscriptions.c.profile_id,
    alert_subscriptions.c.label,
    alert_subscriptions.c.frequency,
    alert_subscriptions.c.confirmed_at,
    alert_subscriptions.c.created_at,
    alert_subscriptions.c.last_sent_at,
)


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=int(row.id),
        user_id=int(row.user_id) if row.user_id is not None else None,
        email=str(row.email),
        kind=cast(Kind, row.kind),
        search=AlertSearch.model_validate(json.loads(row.search)) if row.search else None,
        profile_id=int(row.profile_id) if row.profile_id is not None else None,
        label=str(row.label),
        frequency=cast(Frequency, row.frequency),
        confirmed_at=unstamp(row.confirmed_at),
        created_at=unstamp(row.created_at) or datetime.min,
        last_sent_at=unstamp(row.last_sent_at),
    )


# -- subscriptions ----------------------------------------------------------------------------------


def insert_subscription(
    connection: Connection,
    *,
    user_id: int | None,
    email: str,
    kind: Kind,
    search: AlertSearch | None,
    profile_id: int | None,
    label: str,
    frequency: Frequency,
    confirm_token_hash: str | None,
    unsubscribe_token_hash: str,
    confirmed_at: datetime | None,
    now: datetime,
) -> int:
    values = {
        "user_id": user_id,
        "email": email,
        "kind": kind,
        "search": search.model_dump_json() if search is not None else None,
        "profile_id": profile_id,
        "label": label,
        "frequency": frequency,
        "confirm_token_hash": confirm_token_hash,
        "unsubscribe_token_hash": unsubscribe_token_hash,
        "confirmed_at": stamp(confirmed_at) if confirmed_at is not None else None,
        "created_at": stamp(now),
    }
    return int(
        connection.execute(
            insert(alert_subscriptions).values(**values).returning(alert_subscriptions.c.id)
        ).scalar_one()
    )


def set_unsubscribe_hash(connection: Connection, subscription_id: int, token_hash: str) -> None:
    connection.execute(
        update(alert_subscriptions)
        .where(alert_subscriptions.c.id == subscription_id)
        .values(unsubscribe_token_hash=token_hash)
    )


def set_confirm_hash(connection: Connection, subscription_id: int, token_hash: str) -> None:
    connection.execute(
        update(alert_subscriptions)
        .where(alert_subscriptions.c.id == subscription_id, alert_subscriptions.c.confirmed_at.is_(None))
        .values(confirm_token_hash=token_hash)
    )


def same_subscription(
    connection: Connection, email: str, kind: Kind, search: AlertSearch | None, profile_id: int | None
) -> Subscription | None:
    """An existing subscription of this address to exactly the same thing."""
    encoded = search.model_dump_json() if search is not None else None
    where = [alert_subscriptions.c.email == email, alert_subscriptions.c.kind == kind]
    where.append(
        alert_subscriptions.c.search == encoded if encoded is not None else alert_subscriptions.c.search.is_(None)
    )
    if profile_id is not None:
        where.append(alert_subscriptions.c.profile_id == profile_id)
    row = connection.execute(select(*_COLUMNS).where(*where).order_by(alert_subscriptions.c.id)).first()
    return _subscription(row) if row is not None else None


def confirm(
    connection: Connection, confirm_token_hash: str, created_after: datetime, now: datetime
) -> Subscription | None:
    """Confirm the subscription this token belongs to (once); None when unknown, used or too old."""
    pending = (
        alert_subscriptions.c.confirm_token_hash == confirm_token_hash,
        alert_subscriptions.c.confirmed_at.is_(None),
        alert_subscriptions.c.created_at > stamp(created_after),
    )
    row = connection.execute(select(*_COLUMNS).where(*pending)).first()
    if row is None:
        return None
    result = connection.execute(
        update(alert_subscriptions).where(*pending).values(confirmed_at=stamp(now), confirm_token_hash=None)
    )
    if result.rowcount != 1:
        return None
    return subscription_by_id(connection, int(row.id))


def attach_to_user(connection: Connection, subscription_id: int, user_id: int) -> None:
    connection.execute(
        update(alert_subscriptions)
        .where(alert_subscriptions.c.id == subscription_id, alert_subscriptions.c.user_id.is_(None))
        .values(user_id=user_id)
    )


def adopt_confirmed(connection: Connection, email: str, user_id: int) -> int:
    """Join the confirmed alerts made with this address while signed out to the account that owns it."""
    result = connection.execute(
        update(alert_subscriptions)
        .where(
            alert_subscriptions.c.email == email,
            alert_subscriptions.c.user_id.is_(None),
            alert_subscriptions.c.confirmed_at.is_not(None),
        )
        .values(user_id=user_id)
    )
    return int(result.rowcount)


def subscription_by_id(connection: Connection, subscription_id: int) -> Subscription | None:
    row = connection.execute(select(*_COLUMNS).where(alert_subscriptions.c.id == subscription_id)).first()
    return _subscription(row) if row is not None else None


def subscription_by_unsubscribe(connection: Connection, token_hash: str) -> Subscription | None:
    row = connection.execute(
        select(*_COLUMNS).where(alert_subscriptions.c.unsubscribe_token_hash == token_hash)
    ).first()
    return _subscription(row) if row is not None else None


def subscriptions_of(connection: Connection, user_id: int) -> list[Subscription]:
    rows = connection.execute(
        select(*_COLUMNS).where(alert_subscriptions.c.user_id == user_id).order_by(alert_subscriptions.c.id)
    )
    return [_subscription(row) for row in rows]


def subscription_of(connection: Connection, user_id: int, subscription_id: int) -> Subscription | None:
    row = connection.execute(
        select(*_COLUMNS).where(alert_subscriptions.c.id == subscription_id, alert_subscriptions.c.user_id == user_id)
    ).first()
    return _subscription(row) if row is not None else None


def any_confirmed(connection: Connection) -> bool:
    """One cheap query: whether an import has anyone to alert."""
    return bool(connection.scalar(select(exists().where(alert_subscriptions.c.confirmed_at.is_not(None)))))


def confirmed_subscriptions(connection: Connection) -> list[Subscription]:
    rows = connection.execute(
        select(*_COLUMNS).where(alert_subscriptions.c.confirmed_at.is_not(None)).order_by(alert_subscriptions.c.id)
    )
    return [_subscription(row) for row in rows]


def delete_subscriptions(connection: Connection, ids: Sequence[int]) -> int:
    """Delete the subscriptions and their alerts (explicitly: nothing relies on cascades being on)."""
    if not ids:
        return 0
    connection.execute(delete(alert_matches).where(alert_matches.c.subscription_id.in_(ids)))
    return int(connection.execute(delete(alert_subscriptions).where(alert_subscriptions.c.id.in_(ids))).rowcount)


def delete_for_email(connection: Connection, email: str) -> int:
    """Every subscription made with this address, signed in or not (account deletion)."""
    ids = list(connection.scalars(select(alert_subscriptions.c.id).where(alert_subscriptions.c.email == email)))
    return delete_subscriptions(connection, ids)


def delete_for_profile(connection: Connection, profile_id: int) -> int:
    ids = list(
        connection.scalars(select(alert_subscriptions.c.id).where(alert_subscriptions.c.profile_id == profile_id))
    )
    return delete_subscriptions(connection, ids)


def purge_unconfirmed(connection: Connection, created_before: datetime) -> int:
    """Unconfirmed subscriptions whose link has expired: nobody asked for them, so nothing is kept."""
    ids = list(
        connection.scalars(
            select(alert_subscriptions.c.id).where(
                alert_subscriptions.c.confirmed_at.is_(None),
                alert_subscriptions.c.created_at <= stamp(created_before),
            )
        )
    )
    return delete_subscriptions(connection, ids)


def mark_sent(connection: Connection, subscription_id: int, now: datetime) -> None:
    connection.execute(
        update(alert_subscriptions).where(alert_subscriptions.c.id == subscription_id).values(last_sent_at=stamp(now))
    )


# -- recorded alerts --------------------------------------------------------------------------------


def record(
    connection: Connection, subscription_id: int, nct_id: str, reason: Reason, detail: str, now: datetime
) -> bool:
    """Record the alert unless this (subscription, trial, reason) already has one; True when it is new.

    INSERT ... ON CONFLICT DO NOTHING on the unique constraint: exactly once even when two imports race.
    """
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        dialect_insert(alert_matches)
        .values(
            subscription_id=subscription_id,
            nct_id=nct_id,
            reason=reason,
            detail=detail,
            created_at=stamp(now),
        )
        .on_conflict_do_nothing(index_elements=["subscription_id", "nct_id", "reason"])
    )
    return int(connection.execute(statement).rowcount) == 1


def pending(connection: Connection) -> dict[int, list[PendingAlert]]:
    """Alerts not yet emailed, by confirmed subscription."""
    rows = connection.execute(
        select(
            alert_matches.c.id,
            alert_matches.c.subscription_id,
            alert_matches.c.nct_id,
            alert_matches.c.reason,
            alert_matches.c.detail,
        )
        .join(alert_subscriptions, alert_subscriptions.c.id == alert_matches.c.subscription_id)
        .where(alert_matches.c.outbox_id.is_(None), alert_subscriptions.c.confirmed_at.is_not(None))
        .order_by(alert_matches.c.subscription_id, alert_matches.c.id)
    )
    found: dict[int, list[PendingAlert]] = {}
    for row in rows:
        alert = PendingAlert(int(row.id), int(row.subscription_id), row.nct_id, cast(Reason, row.reason), row.detail)
        found.setdefault(alert.subscription_id, []).append(alert)
    return found


def claim_for_email(connection: Connection, alert_ids: Iterable[int], outbox_id: int) -> int:
    """Point the alerts at their email; returns how many were still unclaimed (the caller checks all were)."""
    ids = list(alert_ids)
    result = connection.execute(
        update(alert_matches)
        .where(alert_matches.c.id.in_(ids), alert_matches.c.outbox_id.is_(None))
        .values(outbox_id=outbox_id)
    )
    return int(result.rowcount)


def alerts_of(connection: Connection, subscription_id: int) -> list[tuple[str, str, str | None]]:
    """(nct_id, reason, outbox_id as text or None) of every alert recorded for the subscription."""
    rows = connection.execute(
        select(alert_matches.c.nct_id, alert_matches.c.reason, alert_matches.c.outbox_id)
        .where(alert_matches.c.subscription_id == subscription_id)
        .order_by(alert_matches.c.id)
    )
    return [(row.nct_id, row.reason, None if row.outbox_id is None else str(row.outbox_id)) for row in rows]


# -- what an import changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialState:
    """What alert detection compares before and after an import, for one stored trial."""

    status: str | None
    content_hash: str
    # (lat, lon) of the sites open to new patients (a site without a status of its own takes the trial's).
    open_sites: frozenset[tuple[float, float]]


def trial_states(connection: Connection, nct_ids: Sequence[str], *, with_sites: bool = True) -> dict[str, TrialState]:
    """The stored state of those of `nct_ids` that are in the store: two queries, whatever their number."""
    if not nct_ids:
        return {}
    found = {
        row.nct_id: (row.overall_status, row.content_hash)
        for row in connection.execute(
            select(trials.c.nct_id, trials.c.overall_status, trials.c.content_hash).where(trials.c.nct_id.in_(nct_ids))
        )
    }
    open_sites: dict[str, set[tuple[float, float]]] = {}
    if with_sites and found:
        located = connection.execute(
            select(sites.c.nct_id, sites.c.status, sites.c.lat, sites.c.lon).where(
                sites.c.nct_id.in_(list(found)), sites.c.lat.is_not(None), sites.c.lon.is_not(None)
            )
        )
        for row in located:
            if (row.status or found[row.nct_id][0]) in OPEN_STATUSES:
                open_sites.setdefault(row.nct_id, set()).add((float(row.lat), float(row.lon)))
    return {
        nct_id: TrialState(status, content_hash, frozenset(open_sites.get(nct_id, ())))
        for nct_id, (status, content_hash) in found.items()
    }


# -- saved child profiles: a signed-in user's named copies of a profile, for matches and alerts ------

_PROFILE_COLUMNS = (
    child_profiles.c.id,
    child_profiles.c.user_id,
    child_profiles.c.name,
    child_profiles.c.profile,
    child_profiles.c.created_at,
    child_profiles.c.updated_at,
)


def _profile(row: Any) -> SavedProfile:
    return SavedProfile(
        id=int(row.id),
        user_id=int(row.user_id),
        name=str(row.name),
        profile=json.loads(row.profile),
        created_at=unstamp(row.created_at) or datetime.min,
        updated_at=unstamp(row.updated_at) or datetime.min,
    )


def insert_profile(connection: Connection, user_id: int, name: str, profile: dict[str, Any], now: datetime) -> int:
    values = {
        "user_id": user_id,
        "name": name,
        "profile": json.dumps(profile, sort_keys=True),
        "created_at": stamp(now),
        "updated_at": stamp(now),
    }
    return int(connection.execute(insert(child_profiles).values(**values).returning(child_profiles.c.id)).scalar_one())


def count_profiles(connection: Connection, user_id: int) -> int:
    return int(connection.scalar(select(func.count()).where(child_profiles.c.user_id == user_id)) or 0)


def profiles_of(connection: Connection, user_id: int) -> list[SavedProfile]:
    rows = connection.execute(
        select(*_PROFILE_COLUMNS).where(child_profiles.c.user_id == user_id).order_by(child_profiles.c.id)
    )
    return [_profile(row) for row in rows]


def profile_of(connection: Connection, user_id: int, profile_id: int) -> SavedProfile | None:
    """The profile when it belongs to this user; None for anyone else's (the caller answers 404)."""
    row = connection.execute(
        select(*_PROFILE_COLUMNS).where(child_profiles.c.id == profile_id, child_profiles.c.user_id == user_id)
    ).first()
    return _profile(row) if row is not None else None


def profiles_by_id(connection: Connection, profile_ids: list[int]) -> dict[int, SavedProfile]:
    if not profile_ids:
        return {}
    rows = connection.execute(select(*_PROFILE_COLUMNS).where(child_profiles.c.id.in_(profile_ids)))
    return {int(row.id): _profile(row) for row in rows}


def delete_profile(connection: Connection, user_id: int, profile_id: int) -> bool:
    """Delete the user's profile and the alerts that watch it; False when it is not theirs."""
    if profile_of(connection, user_id, profile_id) is None:
        return False
    delete_for_profile(connection, profile_id)
    connection.execute(delete(child_profiles).where(child_profiles.c.id == profile_id))
    return True
