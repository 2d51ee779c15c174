"""Share links through the web pages, on SQLite and PostgreSQL: passcode, lock-out, throttling, expiry,
withdrawal, privacy of the stored secrets, and the read-only page a doctor sees."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from eligo.accounts import ratelimit
from eligo.notes import shares as share_ops
from eligo.store import TrialStore
from eligo.store.tables import notes as notes_table
from eligo.store.tables import share_links
from eligo.store.timestamps import stamp
from eligo.web.app import create_app
from eligo.web.settings import WebSettings
from tests.accounts.conftest import SmtpServer
from tests.accounts.helpers import csrf, log_in, sign_up_confirmed
from tests.notes.helpers import CRITERION_WORDS, TRIAL, add_note, make_share, note_id_of, share_link

WRONG = "That passcode is not right"


def rows(store: TrialStore) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(share_links).order_by(share_links.c.id)))


def set_column(store: TrialStore, **values: Any) -> None:
    with store.engine.begin() as connection:
        connection.execute(update(share_links).values(**values))


def enter(visitor: TestClient, path: str, passcode: str) -> Any:
    data = {"csrf_token": csrf(visitor), "passcode": passcode}  # the token is per session, not per page
    return visitor.post(path, data=data, follow_redirects=False)


@pytest.fixture
def visitor(family: TestClient, settings: WebSettings, store: TrialStore) -> Any:
    """A second browser with no account: the doctor."""
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def shared_with_note(family: TestClient, **fields: str) -> tuple[str, str, int]:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "Is the 2019 biopsy enough?"))
    response = make_share(family, **fields)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    path, passcode = share_link(response)
    return path, passcode, note_id


def test_the_link_opens_with_its_passcode_and_shows_the_notes(
    family: TestClient, visitor: TestClient, store: TrialStore
) -> None:
    path, passcode, _ = shared_with_note(family)
    assert len(passcode) == share_ops.PASSCODE_LENGTH and set(passcode) <= set(share_ops.PASSCODE_ALPHABET)
    form = visitor.get(path)
    assert form.status_code == 200 and 'name="passcode"' in form.text
    assert "Is the 2019 biopsy enough?" not in form.text
    for response in (form,):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-robots-tag"].startswith("noindex")
    opened = enter(visitor, path, passcode)
    assert opened.status_code == 303 and opened.headers["location"] == path
    page = visitor.get(path)
    assert page.status_code == 200
    assert page.headers["x-robots-tag"].startswith("noindex") and page.headers["cache-control"] == "no-store"
    text = page.text
    assert "Is the 2019 biopsy enough?" in text and CRITERION_WORDS in text
    assert f'<a href="/trials/{TRIAL}">' in text
    assert "Eligo does not decide eligibility: the study team does." in text
    assert 'name="passcode"' not in text
    # The visit is remembered a while: a reload does not ask again, and the owner sees when it was opened.
    assert "Is the 2019 biopsy enough?" in visitor.get(path).text
    [row] = rows(store)
    assert row.last_opened_at is not None
    assert "Not yet" not in family.get("/account").text.split("Your share links")[1]


def test_a_chosen_passcode_works_and_a_wrong_one_is_refused(family: TestClient, visitor: TestClient) -> None:
    path, passcode, _ = shared_with_note(family, passcode_choice="choose", passcode="blue-harbour-7")
    assert passcode == "blue-harbour-7"
    wrong = enter(visitor, path, "blue-harbour-8")
    assert wrong.status_code == 401 and WRONG in wrong.text
    assert "After 4 more wrong tries, the link locks for 15 minutes." in wrong.text
    assert "Is the 2019 biopsy enough?" not in wrong.text and "Is the 2019" not in visitor.get(path).text
    assert enter(visitor, path, "blue-harbour-7").status_code == 303
    assert "Is the 2019 biopsy enough?" in visitor.get(path).text


def test_share_form_errors_are_clear(family: TestClient, store: TrialStore) -> None:
    short = make_share(family, passcode_choice="choose", passcode="abc")
    assert short.status_code == 422 and "at least 6 characters" in short.text
    assert "There is nothing to share yet" in make_share(family).text
    add_note(family, CRITERION_WORDS, "n")
    assert "from 1 to 90 days" in make_share(family, days="91").text
    assert "how long the link works" in make_share(family, days="soon").text
    assert "no answers to share" in make_share(family, answers="yes").text
    assert "choose what to share" in make_share(family, what="everything").text
    assert rows(store) == []


def test_the_link_locks_after_five_wrong_passcodes_and_says_until_when(
    family: TestClient, visitor: TestClient, store: TrialStore
) -> None:
    path, passcode, _ = shared_with_note(family)
    for attempt in range(4):
        assert enter(visitor, path, f"wrong-{attempt}").status_code == 401
    before = datetime.now(UTC)
    locked = enter(visitor, path, "wrong-5")
    assert locked.status_code == 429
    pattern = r"Too many wrong passcodes\. This link is locked until (\d\d:\d\d) UTC; try again later\."
    found = re.search(pattern, locked.text)
    assert found
    expected = {(before + share_ops.LOCK_FOR + timedelta(minutes=extra)).strftime("%H:%M") for extra in (0, 1)}
    assert found.group(1) in expected
    # The right passcode does not open a locked link, and the page says so without a form.
    assert enter(visitor, path, passcode).status_code == 429
    page = visitor.get(path)
    assert page.status_code == 429 and "This link is locked until" in page.text and 'name="passcode"' not in page.text
    assert "Locked after wrong passcodes until" in family.get("/account").text
    # Once the lock has passed, the right passcode works again.
    set_column(store, locked_until=stamp(datetime.now(UTC) - timedelta(seconds=1)))
    assert enter(visitor, path, passcode).status_code == 303
    assert "Is the 2019 biopsy enough?" in visitor.get(path).text


def test_one_client_is_throttled_across_links(family: TestClient, visitor: TestClient, store: TrialStore) -> None:
    add_note(family, CRITERION_WORDS, "n")
    links = [share_link(make_share(family)) for _ in range(5)]
    limit = ratelimit.RULES["share:ip"].limit
    tries = 0
    for path, _ in links:
        for _ in range(share_ops.LOCK_AFTER - 1):  # stay under each link's own lock
            if tries < limit:
                assert enter(visitor, path, "not-it").status_code == 401
                tries += 1
    assert tries == limit
    path, passcode = links[-1]
    refused = enter(visitor, path, passcode)
    assert refused.status_code == 429 and "Too many wrong passcodes have been tried from your network" in refused.text
    assert 'name="passcode"' in refused.text  # the link itself is not locked


def test_the_link_dies_at_expiry(family: TestClient, visitor: TestClient, store: TrialStore) -> None:
    path, passcode, _ = shared_with_note(family, days="1")
    [row] = rows(store)
    made = datetime.fromisoformat(row.created_at)
    assert datetime.fromisoformat(row.expires_at) - made == timedelta(days=1)
    assert enter(visitor, path, passcode).status_code == 303
    set_column(store, expires_at=stamp(datetime.now(UTC) - timedelta(seconds=1)))
    for response in (visitor.get(path), enter(visitor, path, passcode)):
        assert response.status_code == 410
        assert "This link has expired." in response.text
        assert "Is the 2019" not in response.text and CRITERION_WORDS not in response.text
        assert 'name="passcode"' not in response.text
    assert "Expired" in family.get("/account").text


def test_the_default_expiry_is_seven_days(family: TestClient, store: TrialStore) -> None:
    add_note(family, CRITERION_WORDS, "n")
    form = family.get(f"/trials/{TRIAL}/share").text
    assert '<option value="7" selected>7 days</option>' in form and '<option value="90"' in form
    share_link(make_share(family))
    [row] = rows(store)
    assert datetime.fromisoformat(row.expires_at) - datetime.fromisoformat(row.created_at) == timedelta(days=7)


def test_the_link_dies_on_withdrawal(family: TestClient, visitor: TestClient, store: TrialStore) -> None:
    path, passcode, _ = shared_with_note(family)
    assert enter(visitor, path, passcode).status_code == 303
    [row] = rows(store)
    trial_page = family.get(f"/trials/{TRIAL}").text
    assert f'action="/shares/{row.id}/revoke"' in trial_page
    data = {"csrf_token": csrf(family, "/account"), "back": "account"}
    withdrawn = family.post(f"/shares/{row.id}/revoke", data=data, follow_redirects=False)
    assert withdrawn.status_code == 303 and withdrawn.headers["location"] == "/account#share-links"
    page = visitor.get(path)  # even a visitor who had opened it
    assert page.status_code == 410 and "This link was withdrawn by the person who shared it." in page.text
    assert "Is the 2019" not in page.text
    assert enter(visitor, path, passcode).status_code == 410
    account = family.get("/account").text
    assert "Withdrawn" in account and f'action="/shares/{row.id}/revoke"' not in account


def test_share_endpoints_are_404_for_others(
    family: TestClient, app_client: TestClient, visitor: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    path, passcode, _ = shared_with_note(family)
    [row] = rows(store)
    for target in (row.id, row.id + 1000):
        data = {"csrf_token": csrf(visitor, "/account/login")}
        assert visitor.post(f"/shares/{target}/revoke", data=data, follow_redirects=False).status_code == 404
    family.cookies.clear()
    sign_up_confirmed(family, smtp.inbox, deliver, "stranger@example.org")
    assert log_in(family, "stranger@example.org").status_code == 303
    for target in (row.id, row.id + 1000):
        data = {"csrf_token": csrf(family, "/account")}
        assert family.post(f"/shares/{target}/revoke", data=data, follow_redirects=False).status_code == 404
    assert "Is the 2019" not in family.get("/account").text
    assert rows(store)[0].revoked_at is None
    # Without a token in the form, nothing happens at all.
    assert family.post(f"/shares/{row.id}/revoke", data={}, follow_redirects=False).status_code == 403
    assert visitor.post(path, data={"passcode": passcode}, follow_redirects=False).status_code == 403


def test_an_unknown_token_is_a_plain_404(trials: TrialStore, visitor: TestClient) -> None:
    for path in ("/shared/not-a-real-token", "/shared/" + "x" * 300):
        response = visitor.get(path)
        assert response.status_code == 404 and "We could not find that page." in response.text
        assert 'name="passcode"' not in response.text
    assert enter(visitor, "/shared/" + "a" * 43, "whatever").status_code in (403, 404)


def test_token_and_passcode_are_stored_only_as_hashes(family: TestClient, store: TrialStore) -> None:
    path, passcode, _ = shared_with_note(family, passcode_choice="choose", passcode="my-secret-code")
    token = path.rsplit("/", 1)[1]
    [row] = rows(store)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.passcode_hash.startswith("$argon2id$")
    stored = json.dumps([str(value) for value in row._mapping.values()])
    assert token not in stored and passcode not in stored


def test_one_note_only_and_the_answers_as_they_were(family: TestClient, visitor: TestClient, store: TrialStore) -> None:
    first = note_id_of(add_note(family, CRITERION_WORDS, "shared note"))
    add_note(family, "Cohort B2: Evaluable NBL", "not shared note")
    answers = {"csrf_token": csrf(family, f"/trials/{TRIAL}"), "a:inc-1": "yes", "a:exc-4": "not_sure"}
    assert family.post(f"/trials/{TRIAL}/answers", data=answers, follow_redirects=False).status_code == 303
    form = family.get(f"/trials/{TRIAL}/share?note={first}").text
    assert f'value="{first}" checked' in form and "Also share my 2 answers" in form
    path, passcode = share_link(make_share(family, what=str(first), answers="yes"))
    # Answers changed after sharing do not change what the doctor sees.
    cleared = {"csrf_token": csrf(family, f"/trials/{TRIAL}")}
    family.post(f"/trials/{TRIAL}/answers/clear", data=cleared, follow_redirects=False)
    enter(visitor, path, passcode)
    page = visitor.get(path).text
    assert "shared note" in page and "not shared note" not in page
    table = page[page.index("Answers to the trial") :]
    assert "histologically or cytologically confirmed NBL" in table  # the criterion's own words
    assert '<td data-label="Answer">Yes</td>' in table and '<td data-label="Answer">Not sure</td>' in table
    [row] = rows(store)
    snapshot = json.loads(row.answers)
    assert {item["id"]: item["answer"] for item in snapshot["answers"]} == {"inc-1": "yes", "exc-4": "not_sure"}
    assert snapshot["verdict"] in ("eligible", "possibly_eligible", "ineligible")


def test_deleting_a_shared_note_ends_its_link(family: TestClient, visitor: TestClient, store: TrialStore) -> None:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "soon gone"))
    path, _ = share_link(make_share(family, what=str(note_id)))
    data = {"csrf_token": csrf(family, f"/trials/{TRIAL}")}
    assert family.post(f"/notes/{note_id}/delete", data=data, follow_redirects=False).status_code == 303
    assert rows(store) == []
    assert visitor.get(path).status_code == 404


def test_export_has_notes_and_links_without_hashes(family: TestClient) -> None:
    shared_with_note(family, passcode_choice="choose", passcode="exported-code")
    exported = family.get("/account/export.json")
    data = exported.json()
    assert [note["body"] for note in data["notes"]] == ["Is the 2019 biopsy enough?"]
    [link] = data["share_links"]
    assert link["nct_id"] == TRIAL and "token_hash" not in link and "passcode_hash" not in link
    assert "argon2" not in exported.text and "exported-code" not in exported.text


def test_xss_in_shared_notes_renders_inert(family: TestClient, visitor: TestClient) -> None:
    payloads = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
    for payload in payloads:
        add_note(family, CRITERION_WORDS, payload)
    path, passcode = share_link(make_share(family))
    enter(visitor, path, passcode)
    page = visitor.get(path).text
    for payload in payloads:
        assert payload not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_withdrawing_from_the_trial_page_goes_back_there(family: TestClient, store: TrialStore) -> None:
    shared_with_note(family)
    [row] = rows(store)
    data = {"csrf_token": csrf(family, f"/trials/{TRIAL}"), "back": "trial"}
    response = family.post(f"/shares/{row.id}/revoke", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/trials/{TRIAL}#share-links"
    assert rows(store)[0].revoked_at is not None


def test_ids_out_of_range_are_refused_cleanly(family: TestClient) -> None:
    data = {"csrf_token": csrf(family, "/account")}
    for path in ("/notes/99999999999999999999/delete", "/shares/99999999999999999999/revoke", "/notes/x/delete"):
        assert family.post(path, data=data, follow_redirects=False).status_code in (404, 422)
    assert family.get("/notes/99999999999999999999/edit").status_code in (404, 422)


def test_deleting_the_account_removes_notes_and_links(
    family: TestClient, visitor: TestClient, store: TrialStore
) -> None:
    path, _, _ = shared_with_note(family)
    data = {"csrf_token": csrf(family, "/account"), "password": "correct horse battery"}
    assert family.post("/account/delete", data=data, follow_redirects=False).status_code == 200
    assert rows(store) == []
    with store.engine.connect() as connection:
        assert connection.execute(select(notes_table)).first() is None
    assert visitor.get(path).status_code == 404
