"""Referral rows (SQLAlchemy Core): write one, read one or a list, change its status.

Every function takes an open connection, so a referral and the emails it causes share one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, and_, false, func, insert, or_, select, update

from eligo.accounts.records import SiteLink
from eligo.referrals.records import ContactMethod, HistoryEntry, Referral, SharedSummary, TeamNote
from eligo.referrals.workflow import Actor, Status, open_statuses
from eligo.store.tables import referrals
from eligo.store.timestamps import stamp, unstamp


def _history_json(history: Sequence[HistoryEntry]) -> str:
    entries: list[dict[str, Any]] = []
    for entry in history:
        item: dict[str, Any] = {"status": entry.status, "at": stamp(entry.at), "by": entry.by}
        if entry.message:
            item["message"] = entry.message
        if entry.correction:
            item["correction"] = True
        entries.append(item)
    return json.dumps(entries)


def _history(text: str) -> tuple[HistoryEntry, ...]:
    entries = []
    for item in json.loads(text):
        at = unstamp(item["at"])
        if at is not None:
            entries.append(
                HistoryEntry(
                    status=cast(Status, item["status"]),
                    at=at,
                    by=cast(Actor, item["by"]),
                    message=str(item.get("message", "")),
                    correction=bool(item.get("correction", False)),
                )
            )
    return tuple(entries)


def _notes_json(notes: Sequence[TeamNote]) -> str:
    return json.dumps([{"at": stamp(note.at), "by": note.by, "text": note.text} for note in notes])


def _notes(text: str | None) -> tuple[TeamNote, ...]:
    found = []
    for item in json.loads(text or "[]"):
        at = unstamp(item["at"])
        if at is not None:
            found.append(TeamNote(at=at, by=str(item["by"]), text=str(item["text"])))
    return tuple(found)


def _referral(row: Any) -> Referral:
    return Referral(
        id=int(row.id),
        user_id=int(row.user_id),
        nct_id=str(row.nct_id),
        facility=str(row.facility),
        site_email=str(row.site_email),
        name=str(row.name),
        contact_email=str(row.contact_email),
        phone=str(row.phone or ""),
        preferred_contact=cast(ContactMethod, row.preferred_contact),
        message=str(row.message or ""),
        shared=SharedSummary.model_validate_json(row.shared) if row.shared else None,
        status=cast(Status, row.status),
        history=_history(row.history),
        team_notes=_notes(row.team_notes),
        created_at=unstamp(row.created_at) or datetime.min,
        updated_at=unstamp(row.updated_at) or datetime.min,
    )


def insert_referral(
    connection: Connection,
    *,
    user_id: int,
    nct_id: str,
    facility: str,
    site_email: str,
    name: str,
    contact_email: str,
    phone: str,
    preferred_contact: ContactMethod,
    message: str,
    shared: SharedSummary | None,
    first: HistoryEntry,
) -> Referral:
    values = {
        "user_id": user_id,
        "nct_id": nct_id,
        "facility": facility,
        "site_email": site_email,
        "name": name,
        "contact_email": contact_email,
        "phone": phone,
        "preferred_contact": preferred_contact,
        "message": message,
        "shared": shared.model_dump_json() if shared is not None else None,
        "status": first.status,
        "history": _history_json([first]),
        "team_notes": "[]",
        "created_at": stamp(first.at),
        "updated_at": stamp(first.at),
    }
    referral_id = connection.execute(insert(referrals).values(**values).returning(referrals.c.id)).scalar_one()
    found = referral_by_id(connection, int(referral_id))
    if found is None:  # pragma: no cover - written in the same transaction
        raise LookupError("the referral vanished while it was being written")
    return found


def referral_by_id(connection: Connection, referral_id: int) -> Referral | None:
    row = connection.execute(select(referrals).where(referrals.c.id == referral_id)).first()
    return _referral(row) if row is not None else None


def referrals_of_user(connection: Connection, user_id: int, nct_id: str | None = None) -> list[Referral]:
    """The user's own referrals, newest first."""
    query = select(referrals).where(referrals.c.user_id == user_id)
    if nct_id is not None:
        query = query.where(referrals.c.nct_id == nct_id)
    rows = connection.execute(query.order_by(referrals.c.created_at.desc(), referrals.c.id.desc()))
    return [_referral(row) for row in rows]


def _at_sites(links: Sequence[SiteLink]) -> ColumnElement[bool]:
    """Referrals at the linked sites: a link with facility "" covers every site of its trial."""
    clauses: list[ColumnElement[bool]] = []
    for link in links:
        if link.facility:
            clauses.append(
                and_(referrals.c.nct_id == link.nct_id, func.lower(referrals.c.facility) == link.facility.lower())
            )
        else:
            clauses.append(referrals.c.nct_id == link.nct_id)
    return or_(*clauses) if clauses else false()


def referrals_at_sites(
    connection: Connection, links: Sequence[SiteLink], status: Status | None = None, limit: int = 500
) -> list[Referral]:
    """Referrals to the coordinator's sites, newest first, optionally of one status."""
    query = select(referrals).where(_at_sites(links))
    if status is not None:
        query = query.where(referrals.c.status == status)
    rows = connection.execute(query.order_by(referrals.c.created_at.desc(), referrals.c.id.desc()).limit(limit))
    return [_referral(row) for row in rows]


def status_counts(connection: Connection, links: Sequence[SiteLink]) -> dict[str, int]:
    rows = connection.execute(
        select(referrals.c.status, func.count()).where(_at_sites(links)).group_by(referrals.c.status)
    )
    return {str(status): int(count) for status, count in rows}


def set_status(connection: Connection, referral: Referral, entry: HistoryEntry) -> bool:
    """Move the referral to entry.status, appending to its history; False when someone changed it meanwhile."""
    result = connection.execute(
        update(referrals)
        .where(referrals.c.id == referral.id, referrals.c.status == referral.status)
        .values(status=entry.status, history=_history_json([*referral.history, entry]), updated_at=stamp(entry.at))
    )
    return result.rowcount == 1


def add_team_note(connection: Connection, referral: Referral, note: TeamNote) -> bool:
    """Append a study-team note; False when another note was added meanwhile (the caller re-reads and retries)."""
    result = connection.execute(
        update(referrals)
        .where(referrals.c.id == referral.id, referrals.c.team_notes == _notes_json(referral.team_notes))
        .values(team_notes=_notes_json([*referral.team_notes, note]))
    )
    return result.rowcount == 1


def open_referral(connection: Connection, user_id: int, nct_id: str, facility: str) -> Referral | None:
    """The family's request to this site that is still open (not final), if any."""
    row = connection.execute(
        select(referrals)
        .where(
            referrals.c.user_id == user_id,
            referrals.c.nct_id == nct_id,
            func.lower(referrals.c.facility) == facility.lower(),
            referrals.c.status.in_(open_statuses()),
        )
        .order_by(referrals.c.id.desc())
        .limit(1)
    ).first()
    return _referral(row) if row is not None else None
