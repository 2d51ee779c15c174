"""Account rows: users, coordinator site links, hashed tokens and signed-in sessions (SQLAlchemy Core).

Every function takes an open connection, so callers compose several writes (and the outbox row of the
email they cause) into one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from eligo.accounts.records import Role, SiteLink, TokenPurpose, User
from eligo.store.tables import account_tokens, coordinator_sites, user_sessions, users, web_sessions
from eligo.store.timestamps import stamp, unstamp


def _user(row: RowMapping | Any) -> User:
    return User(
        id=int(row.id),
        email=str(row.email),
        role=cast(Role, row.role),
        confirmed_at=unstamp(row.confirmed_at),
        created_at=unstamp(row.created_at) or datetime.min,
    )


_USER_COLUMNS = (users.c.id, users.c.email, users.c.role, users.c.confirmed_at, users.c.created_at)


# -- users ------------------------------------------------------------------------------------------


def insert_user(connection: Connection, email: str, password_hash: str, role: Role, now: datetime) -> User:
    values = {"email": email, "password_hash": password_hash, "role": role, "created_at": stamp(now)}
    user_id = connection.execute(insert(users).values(**values).returning(users.c.id)).scalar_one()
    return User(id=int(user_id), email=email, role=role, confirmed_at=None, created_at=now)


def user_by_email(connection: Connection, email: str) -> tuple[User, str] | None:
    """The user and their password hash."""
    row = connection.execute(select(*_USER_COLUMNS, users.c.password_hash).where(users.c.email == email)).first()
    return (_user(row), str(row.password_hash)) if row is not None else None


def user_by_id(connection: Connection, user_id: int) -> User | None:
    row = connection.execute(select(*_USER_COLUMNS).where(users.c.id == user_id)).first()
    return _user(row) if row is not None else None


def iter_users(connection: Connection) -> Iterator[User]:
    for row in connection.execute(select(*_USER_COLUMNS).order_by(users.c.id)):
        yield _user(row)


def set_password_hash(connection: Connection, user_id: int, password_hash: str) -> None:
    connection.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def set_role(connection: Connection, user_id: int, role: Role) -> None:
    connection.execute(update(users).where(users.c.id == user_id).values(role=role))


def mark_confirmed(connection: Connection, user_id: int, now: datetime) -> None:
    connection.execute(
        update(users).where(users.c.id == user_id, users.c.confirmed_at.is_(None)).values(confirmed_at=stamp(now))
    )


# -- coordinator sites ------------------------------------------------------------------------------


def link_site(connection: Connection, user_id: int, link: SiteLink) -> bool:
    """Add the link; False when it was already there."""
    exists = connection.scalar(
        select(coordinator_sites.c.id).where(
            coordinator_sites.c.user_id == user_id,
            coordinator_sites.c.nct_id == link.nct_id,
            coordinator_sites.c.facility == link.facility,
        )
    )
    if exists is not None:
        return False
    connection.execute(insert(coordinator_sites).values(user_id=user_id, nct_id=link.nct_id, facility=link.facility))
    return True


def unlink_site(connection: Connection, user_id: int, link: SiteLink) -> bool:
    """Remove the link; False when it was not there."""
    result = connection.execute(
        delete(coordinator_sites).where(
            coordinator_sites.c.user_id == user_id,
            coordinator_sites.c.nct_id == link.nct_id,
            coordinator_sites.c.facility == link.facility,
        )
    )
    return result.rowcount > 0


def sites_of(connection: Connection, user_id: int) -> list[SiteLink]:
    rows = connection.execute(
        select(coordinator_sites.c.nct_id, coordinator_sites.c.facility)
        .where(coordinator_sites.c.user_id == user_id)
        .order_by(coordinator_sites.c.nct_id, coordinator_sites.c.facility)
    )
    return [SiteLink(nct_id=row.nct_id, facility=row.facility) for row in rows]


# -- tokens -----------------------------------------------------------------------------------------


def insert_token(
    connection: Connection, token_hash: str, user_id: int, purpose: TokenPurpose, now: datetime, expires_at: datetime
) -> None:
    connection.execute(
        insert(account_tokens).values(
            token_hash=token_hash,
            user_id=user_id,
            purpose=purpose,
            created_at=stamp(now),
            expires_at=stamp(expires_at),
        )
    )


def retire_tokens(connection: Connection, user_id: int, purpose: TokenPurpose, now: datetime) -> None:
    """Mark every unused token of this purpose used: only the newest link sent works."""
    connection.execute(
        update(account_tokens)
        .where(
            account_tokens.c.user_id == user_id,
            account_tokens.c.purpose == purpose,
            account_tokens.c.used_at.is_(None),
        )
        .values(used_at=stamp(now))
    )


def live_token(connection: Connection, token_hash: str, purpose: TokenPurpose, now: datetime) -> tuple[str, int] | None:
    """(stored hash, user id) of an unused, unexpired token; the caller compares the hash in constant time."""
    row = connection.execute(
        select(account_tokens.c.token_hash, account_tokens.c.user_id).where(
            account_tokens.c.token_hash == token_hash,
            account_tokens.c.purpose == purpose,
            account_tokens.c.used_at.is_(None),
            account_tokens.c.expires_at > stamp(now),
        )
    ).first()
    return (str(row.token_hash), int(row.user_id)) if row is not None else None


def use_token(connection: Connection, token_hash: str, purpose: TokenPurpose, now: datetime) -> bool:
    """Spend the token; True for exactly one caller even when two race."""
    result = connection.execute(
        update(account_tokens)
        .where(
            account_tokens.c.token_hash == token_hash,
            account_tokens.c.purpose == purpose,
            account_tokens.c.used_at.is_(None),
            account_tokens.c.expires_at > stamp(now),
        )
        .values(used_at=stamp(now))
    )
    return result.rowcount == 1


# -- signed-in sessions -----------------------------------------------------------------------------


def bind_session(connection: Connection, session_id: str, user_id: int, now: datetime) -> None:
    connection.execute(delete(user_sessions).where(user_sessions.c.session_id == session_id))
    connection.execute(insert(user_sessions).values(session_id=session_id, user_id=user_id, created_at=stamp(now)))


def session_user(connection: Connection, session_id: str, user_id: int) -> User | None:
    """The user this session is signed in as, if the binding still stands."""
    row = connection.execute(
        select(*_USER_COLUMNS)
        .select_from(users.join(user_sessions, user_sessions.c.user_id == users.c.id))
        .where(user_sessions.c.session_id == session_id, users.c.id == user_id)
    ).first()
    return _user(row) if row is not None else None


def unbind_session(connection: Connection, session_id: str) -> None:
    connection.execute(delete(user_sessions).where(user_sessions.c.session_id == session_id))


def end_sessions(connection: Connection, user_id: int, *, keep: str | None = None) -> int:
    """Sign the user out everywhere (but `keep`): their web sessions and the data in them go."""
    bound = select(user_sessions.c.session_id).where(user_sessions.c.user_id == user_id)
    if keep is not None:
        bound = bound.where(user_sessions.c.session_id != keep)
    ids = list(connection.scalars(bound))
    if ids:
        connection.execute(delete(web_sessions).where(web_sessions.c.id.in_(ids)))
        connection.execute(delete(user_sessions).where(user_sessions.c.session_id.in_(ids)))
    return len(ids)
