"""Replies on shared notes (issue #15), on both databases with the real SMTP server: a doctor with the link and
passcode replies, the family sees it beside the note and is emailed; a withdrawn link takes no more; the reply is
in the family's export and goes with their account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from eligo.store import TrialStore
from eligo.store.tables import note_replies
from eligo.web.app import create_app
from eligo.web.settings import WebSettings
from tests.accounts.conftest import PASSWORD, SmtpServer
from tests.accounts.helpers import csrf, post
from tests.notes.helpers import CRITERION_WORDS, TRIAL, add_note, make_share, note_id_of, share_link

FAMILY = "family@example.org"
REPLY = "The 2019 biopsy is fine for screening; bring the MIBG report too. Dr Okafor"


class Site:
    """The family's browser, a fresh one for the doctor, and the mail server."""

    def __init__(self, family: TestClient, doctor: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any):
        self.family, self.doctor, self.store, self.smtp, self.deliver = family, doctor, store, smtp, deliver

    def subjects(self, address: str) -> list[str]:
        return [" ".join(str(message["Subject"]).split()) for message in self.smtp.inbox.to(address)]

    def body(self, address: str) -> str:
        payload = self.smtp.inbox.to(address)[-1].get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode("utf-8")


@pytest.fixture
def site(
    family: TestClient, settings: WebSettings, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> Iterator[Site]:
    with TestClient(create_app(settings, store=store)) as doctor:
        yield Site(family, doctor, store, smtp, deliver)


def _count(site: Site) -> int:
    with site.store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(note_replies)) or 0)


def test_a_doctor_replies_through_the_share_link(site: Site) -> None:
    family = site.family
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "Is the 2019 biopsy enough?", trial=TRIAL))
    made = make_share(family, trial=TRIAL)
    assert 'data-copy="share-url"' in made.text  # the copy button
    path, passcode = share_link(made)

    doctor = site.doctor  # a fresh browser, no account
    reply = {"note_id": str(note_id), "name": "Dr Okafor", "body": REPLY}
    before = doctor.post(f"{path}/reply", data={"csrf_token": csrf(doctor), **reply}, follow_redirects=False)
    assert before.status_code == 401 and _count(site) == 0  # the passcode comes first
    opened = doctor.post(path, data={"csrf_token": csrf(doctor), "passcode": passcode}, follow_redirects=False)
    assert opened.status_code == 303
    page = doctor.get(path).text
    assert "Is the 2019 biopsy enough?" in page and 'action="' + path + '/reply"' in page

    empty = doctor.post(f"{path}/reply", data={"csrf_token": csrf(doctor), **reply, "body": " "})
    assert empty.status_code == 422 and "Please write your reply." in empty.text
    sent = doctor.post(f"{path}/reply", data={"csrf_token": csrf(doctor), **reply}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert REPLY in doctor.get(sent.headers["location"]).text

    # The family sees it beside the note, and is told by email.
    assert (
        REPLY in family.get(f"/trials/{TRIAL}").text and "Reply from Dr Okafor" in family.get(f"/trials/{TRIAL}").text
    )
    site.deliver()
    assert any("Dr Okafor replied to your note" in subject for subject in site.subjects(FAMILY))
    assert REPLY not in site.body(FAMILY)  # the email says where to read it, not what it says

    # Withdrawn: no more replies.
    share_id = int(family.get("/account").text.split('action="/shares/')[1].split("/")[0])
    revoked = post(family, f"/shares/{share_id}/revoke", {"back": "account"}, "/account")
    assert revoked.status_code == 303
    after = doctor.post(f"{path}/reply", data={"csrf_token": csrf(doctor), **reply}, follow_redirects=False)
    assert after.status_code == 410 and _count(site) == 1

    # Export has it; deletion removes it.
    exported = json.loads(family.get("/account/export.json").text)
    assert [row["body"] for row in exported["note_replies"]] == [REPLY]
    assert post(family, "/account/delete", {"password": PASSWORD}, "/account").status_code == 200
    assert _count(site) == 0


def test_a_reply_to_a_note_outside_the_link_is_refused(site: Site) -> None:
    family = site.family
    shared = note_id_of(add_note(family, CRITERION_WORDS, "Shared one", trial=TRIAL))
    private = note_id_of(add_note(family, CRITERION_WORDS, "Private one", trial=TRIAL))
    path, passcode = share_link(make_share(family, trial=TRIAL, what=str(shared)))
    doctor = site.doctor
    doctor.post(path, data={"csrf_token": csrf(doctor), "passcode": passcode})
    page = doctor.get(path).text
    assert "Shared one" in page and "Private one" not in page  # exactly what the family chose
    refused = doctor.post(
        f"{path}/reply", data={"csrf_token": csrf(doctor), "note_id": str(private), "name": "X", "body": "Y"}
    )
    assert refused.status_code == 422 and _count(site) == 0
