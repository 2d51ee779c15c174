"""One family uses every feature that keeps personal data; export holds all of it, deletion leaves nothing.

Checked against every table of the store, so a feature added later without joining export and deletion
makes this test fail.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from eligo.store.tables import metadata, users
from tests.accounts.conftest import PASSWORD
from tests.accounts.helpers import csrf, post
from tests.alerts.helpers import subscribe
from tests.notes.helpers import add_note, make_share, share_link
from tests.referrals.conftest import TRIAL, Site, refer, sent_id

EMAIL = "everything@family.example"
NOTE = "Ask Dr Patel about the 6-week rule"
MESSAGE = "Our daughter relapsed in March; we live near Leeds."
CRITERION_WORDS = "Patients must have high-risk neuroblastoma"
REPLY = "Reply-trace-5521: the biopsy is recent enough"


def _use_every_feature(site: Site) -> None:
    family = site.family(EMAIL)
    assert post(family, "/match", {"age_years": "7", "diagnosis": "neuroblastoma"}, "/match").status_code == 303
    saved = post(family, "/alerts/profiles", {"name": "Mia", "frequency": "daily", "alert": "1"}, "/match/results")
    assert saved.status_code == 303, saved.text
    assert subscribe(family, EMAIL).status_code in (200, 303)
    assert add_note(family, CRITERION_WORDS, NOTE, trial=TRIAL).status_code == 303
    made = make_share(family, trial=TRIAL)
    assert made.status_code == 200
    # A doctor replies to the shared note (issue #15): the reply is the family's data too.
    path, passcode = share_link(made)
    doctor = site.client()
    doctor.post(path, data={"csrf_token": csrf(doctor), "passcode": passcode})
    note_id = doctor.get(path).text.split('name="note_id" value="')[1].split('"')[0]
    reply = {"csrf_token": csrf(doctor), "note_id": note_id, "name": "Dr Okafor", "body": REPLY}
    assert doctor.post(f"{path}/reply", data=reply, follow_redirects=False).status_code == 303
    sent_id(refer(family, message=MESSAGE, include_answers="yes"))
    # A signed-out alert for the same address, made from another browser.
    assert subscribe(site.client(), EMAIL, frequency="daily").status_code in (200, 303)
    site.clients[0].get("/account")  # keep the first browser's session alive


def test_export_holds_every_feature_and_deletion_leaves_nothing(site: Site) -> None:
    _use_every_feature(site)
    family = site.clients[0]

    exported = json.loads(family.get("/account/export.json").text)
    for table in ("child_profiles", "alert_subscriptions", "notes", "share_links", "referrals", "note_replies"):
        assert exported.get(table), f"the export has no {table}"
    assert exported["notes"][0]["body"] == NOTE
    assert exported["referrals"][0]["message"] == MESSAGE
    text = json.dumps(exported)
    for secret in ("passcode_hash", "token_hash", "password_hash", "argon2"):
        assert secret not in text

    with site.store.engine.connect() as connection:
        user_id = connection.scalar(select(users.c.id).where(users.c.email == EMAIL))
    assert post(family, "/account/delete", {"password": PASSWORD}, "/account").status_code == 200

    with site.store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                values = json.dumps([str(value) for value in row], ensure_ascii=False)
                for trace in (EMAIL, NOTE, MESSAGE, "Mia", REPLY):
                    assert trace not in values, f"{trace!r} left in {table.name}"
                if table.name == "web_sessions":  # the signed-in session held the child's details
                    assert "age_years" not in values
                for column in table.columns:
                    if any(key.column is users.c.id for key in column.foreign_keys):
                        assert row._mapping[column.name] != user_id, table.name
