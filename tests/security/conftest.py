"""Security fixtures: two families, each with every kind of private object, and coordinators of two sites.

Built through the pages, as browsers would, on the referral test trials (whose sites can receive email),
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from eligo.store import tables
from eligo.store.tables import alert_subscriptions, child_profiles, notes, share_links
from tests.accounts.helpers import post
from tests.alerts.helpers import subscribe
from tests.notes.helpers import add_note, make_share, share_link
from tests.referrals.conftest import *  # noqa: F403
from tests.referrals.conftest import GOSH, LEEDS, TRIAL, Site, refer, sent_id

QUOTE = "Patients must have high-risk neuroblastoma"


@dataclass(frozen=True)
class Owner:
    """A signed-in family and the ids of everything they keep, with words only their pages should show."""

    email: str
    client: TestClient
    secrets: tuple[str, ...]
    note: int
    share: int
    share_path: str
    passcode: str
    profile: int
    subscription: int
    referral: int


def _id_of(site: Site, table: object, user_id: int, extra: object = None) -> int:
    from sqlalchemy import Table

    assert isinstance(table, Table)
    query = select(table.c.id).where(table.c.user_id == user_id)
    if extra is not None:
        query = query.where(extra)  # type: ignore[arg-type]
    with site.store.engine.connect() as connection:
        found = connection.scalars(query.order_by(table.c.id.desc())).first()
    assert found is not None, table.name
    return int(found)


def make_owner(site: Site, name: str) -> Owner:
    email = f"{name}@family.example"
    client = site.family(email)
    note_text, child, message = f"{name}-note-Qx7", f"{name.title()}Kid", f"{name}-message-Zq4"
    assert add_note(client, QUOTE, note_text, trial=TRIAL).status_code == 303
    path, passcode = share_link(make_share(client, trial=TRIAL))
    assert post(client, "/match", {"age_years": "7", "diagnosis": "neuroblastoma"}, "/match").status_code == 303
    saved = post(client, "/alerts/profiles", {"name": child, "frequency": "daily", "alert": "1"}, "/match/results")
    assert saved.status_code == 303, saved.text
    assert subscribe(client, email).status_code == 200
    referral = sent_id(refer(client, LEEDS, name=f"{name.title()} Parent", contact_email=email, message=message))
    with site.store.engine.connect() as connection:
        user_id = int(connection.scalars(select(tables.users.c.id).where(tables.users.c.email == email)).one())
    return Owner(
        email=email,
        client=client,
        secrets=(email, note_text, child, message),
        note=_id_of(site, notes, user_id),
        share=_id_of(site, share_links, user_id),
        share_path=path,
        passcode=passcode,
        profile=_id_of(site, child_profiles, user_id),
        subscription=_id_of(site, alert_subscriptions, user_id, alert_subscriptions.c.profile_id.is_(None)),
        referral=referral,
    )


@dataclass(frozen=True)
class World:
    site: Site
    alice: Owner
    bob: Owner
    leeds: TestClient  # the coordinator of the site both referrals went to
    gosh: TestClient  # a coordinator of another site of the same trial
    nobody: TestClient


@pytest.fixture
def world(site: Site) -> Iterator[World]:
    yield World(
        site=site,
        alice=make_owner(site, "alice"),
        bob=make_owner(site, "bob"),
        leeds=site.coordinator("leeds.coordinator@site.example", TRIAL, LEEDS),
        gosh=site.coordinator("gosh.coordinator@site.example", TRIAL, GOSH),
        nobody=site.client(),
    )
