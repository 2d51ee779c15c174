"""The account pages end to end: real store (SQLite and PostgreSQL), real SMTP server, real sessions."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from eligo.accounts import users
from eligo.accounts.mail import deliver_outbox
from eligo.accounts.ratelimit import RULES
from eligo.store import TrialStore
from eligo.store.tables import users as users_table
from eligo.web.sessions import COOKIE
from tests.accounts.conftest import PASSWORD, PUBLIC_URL, SmtpServer
from tests.accounts.helpers import log_in, open_emailed_link, post, sign_up, sign_up_confirmed

NEW_PASSWORD = "purple giraffe umbrella"


def test_sign_up_confirm_and_sign_in(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    response = sign_up(app_client, "Parent@Example.org ", role="family")
    assert response.status_code == 200 and "Check your email" in response.text
    assert smtp.inbox.messages == []  # queued, not sent from the request
    deliver()
    (message,) = smtp.inbox.to("parent@example.org")
    assert message["Subject"] == "Confirm your Eligo account"
    link = smtp.inbox.link("parent@example.org", "/account/confirm/")
    assert app_client.get(link).status_code == 200  # a page with a button: fetching it changes nothing
    assert open_emailed_link(app_client, link).status_code == 200
    assert open_emailed_link(app_client, link).status_code == 400  # single use
    response = log_in(app_client, "parent@example.org")
    assert response.status_code == 303 and response.headers["location"] == "/account"
    page = app_client.get("/account")
    assert page.status_code == 200 and "parent@example.org" in page.text and "Your account" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_unconfirmed_and_wrong_password_get_the_same_generic_answer(app_client: TestClient, store: TrialStore) -> None:
    sign_up(app_client, "new@example.org")
    users.sign_up(store, "known@example.org", PASSWORD, "family", PUBLIC_URL, datetime.now(UTC))
    with store.engine.begin() as connection:
        connection.execute(
            users_table.update()
            .values(confirmed_at="2026-01-01T00:00:00.000000+00:00")
            .where(users_table.c.email == "known@example.org")
        )
    answers = [
        log_in(app_client, "new@example.org"),  # right password, not confirmed
        log_in(app_client, "known@example.org", "wrong password here"),
        log_in(app_client, "nobody@example.org"),
    ]
    assert {answer.status_code for answer in answers} == {401}
    assert len({answer.text for answer in answers} - {answers[0].text.replace("new@", "known@")}) <= 2
    for answer in answers:
        assert "do not match an account that is ready to use" in answer.text
    assert app_client.get("/account", follow_redirects=False).headers["location"] == "/account/login"


def test_failed_sign_ins_lock_the_account(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    sign_up_confirmed(app_client, smtp.inbox, deliver, "target@example.org")
    sign_up_confirmed(app_client, smtp.inbox, deliver, "other@example.org")
    limit = RULES["login:account"].limit
    for _ in range(limit):
        assert log_in(app_client, "target@example.org", "not the password").status_code == 401
    locked = log_in(app_client, "target@example.org")  # even the right password waits
    assert locked.status_code == 429 and "Too many attempts" in locked.text
    assert log_in(app_client, "other@example.org").status_code == 303  # one account's lock is not the client's


def test_failed_sign_ins_lock_the_client(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    sign_up_confirmed(app_client, smtp.inbox, deliver, "real@example.org")
    for number in range(RULES["login:ip"].limit):
        assert log_in(app_client, f"guess{number}@example.org", "not the password").status_code == 401
    assert log_in(app_client, "real@example.org").status_code == 429


def test_password_reset(app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any) -> None:
    sign_up_confirmed(app_client, smtp.inbox, deliver, "reset@example.org")
    other_device = TestClient(app_client.app)
    assert log_in(other_device, "reset@example.org").status_code == 303
    assert other_device.get("/account", follow_redirects=False).status_code == 200

    response = post(app_client, "/account/reset", {"email": "reset@example.org"}, "/account/reset")
    assert response.status_code == 200
    deliver()
    link = smtp.inbox.link("reset@example.org", "/account/reset/")
    assert app_client.get(link).status_code == 200
    weak = post(app_client, link, {"password": "1234567890"}, link)
    assert weak.status_code == 422  # the token survives a refused password
    done = post(app_client, link, {"password": NEW_PASSWORD}, link)
    assert done.status_code == 303 and done.headers["location"] == "/account/login?changed=1"
    assert app_client.get(link).status_code == 400
    assert post(app_client, link, {"password": "another fine password"}, "/account/reset").status_code == 400

    assert log_in(app_client, "reset@example.org").status_code == 401  # the old password
    assert log_in(app_client, "reset@example.org", NEW_PASSWORD).status_code == 303
    # The device signed in before the reset is signed out.
    assert other_device.get("/account", follow_redirects=False).headers["location"] == "/account/login"
    deliver()
    assert smtp.inbox.to("reset@example.org")[-1]["Subject"] == "Your Eligo password was changed"


def test_expired_reset_link_is_refused(app_client: TestClient, store: TrialStore, smtp: SmtpServer) -> None:
    users.sign_up(store, "late@example.org", PASSWORD, "family", PUBLIC_URL, datetime.now(UTC))
    asked = datetime.now(UTC) - timedelta(hours=2)
    users.request_reset(store, "late@example.org", PUBLIC_URL, asked)
    assert deliver_outbox(store, smtp.settings, datetime.now(UTC)).sent == 2
    link = smtp.inbox.link("late@example.org", "/account/reset/")
    assert app_client.get(link).status_code == 400
    assert post(app_client, link, {"password": NEW_PASSWORD}, "/account/reset").status_code == 400


def test_no_enumeration_on_sign_up_and_reset(
    app_client: TestClient, smtp: SmtpServer, deliver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_up_confirmed(app_client, smtp.inbox, deliver, "exists@example.org")
    existing = sign_up(app_client, "exists@example.org", role="clinician")
    new = sign_up(app_client, "fresh@example.org", role="clinician")
    assert (existing.status_code, existing.text) == (new.status_code, new.text)
    reset_known = post(app_client, "/account/reset", {"email": "exists@example.org"}, "/account/reset")
    reset_unknown = post(app_client, "/account/reset", {"email": "nobody@example.org"}, "/account/reset")
    assert (reset_known.status_code, reset_known.text) == (reset_unknown.status_code, reset_unknown.text)
    deliver()
    # The owner of the address is told instead.
    subjects = [message["Subject"] for message in smtp.inbox.to("exists@example.org")]
    assert subjects == ["Confirm your Eligo account", "Your Eligo account", "Set a new Eligo password"]
    assert smtp.inbox.to("nobody@example.org") == []
    ours = [record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")]
    assert not [line for line in ours if "@example.org" in line]  # the test SMTP server's own log aside


POSTS = [
    "/account/signup",
    "/account/login",
    "/account/logout",
    "/account/reset",
    "/account/reset/sometoken",
    "/account/confirm/sometoken",
    "/account/delete",
]


def test_every_account_post_needs_the_csrf_token(app_client: TestClient) -> None:
    from fastapi.routing import APIRoute

    from eligo.web.routes.account import router

    account_posts = {
        route.path for route in router.routes if isinstance(route, APIRoute) and "POST" in (route.methods or ())
    }
    assert {path.replace("/sometoken", "/{token}") for path in POSTS} == account_posts
    app_client.get("/account/login")
    for path in POSTS:
        for data in ({}, {"csrf_token": "forged"}):
            response = app_client.post(path, data={"email": "a@example.org", "password": PASSWORD, **data})
            assert response.status_code == 403, path


def test_session_id_rotates_at_sign_in(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    sign_up_confirmed(app_client, smtp.inbox, deliver, "rotate@example.org")
    before = app_client.cookies.get(COOKIE)
    assert before
    assert log_in(app_client, "rotate@example.org").status_code == 303
    after = app_client.cookies.get(COOKIE)
    assert after and after != before
    planted = TestClient(app_client.app, cookies={COOKIE: before})  # an attacker who knew the old id
    assert planted.get("/account", follow_redirects=False).status_code == 303
    response = post(app_client, "/account/logout", {}, "/account")
    assert response.status_code == 303
    assert app_client.get("/account", follow_redirects=False).headers["location"] == "/account/login"


def test_cookie_flags(store: TrialStore, smtp: SmtpServer) -> None:
    from eligo.web.app import create_app
    from eligo.web.settings import WebSettings

    settings = WebSettings(environment="test", https=True, public_url=PUBLIC_URL, smtp=smtp.settings)
    with TestClient(create_app(settings, store=store), base_url="https://testserver") as client:
        cookie = client.get("/account/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def _signed_in_with_profile(client: TestClient, smtp: SmtpServer, deliver: Any, email: str) -> None:
    sign_up_confirmed(client, smtp.inbox, deliver, email)
    assert log_in(client, email).status_code == 303
    response = post(client, "/match", {"age_years": "7", "sex": "female"}, "/match")
    assert response.status_code == 303


def test_export_holds_the_users_data(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    _signed_in_with_profile(app_client, smtp, deliver, "export@example.org")
    response = app_client.get("/account/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["account"]["email"] == "export@example.org" and data["account"]["role"] == "family"
    assert data["account"]["confirmed_at"]
    assert [token["purpose"] for token in data["account_tokens"]] == ["confirm"]
    assert [mail["subject"] for mail in data["outbox"]] == ["Confirm your Eligo account"]
    (session,) = data["web_sessions"]
    # The profile itself is the one record of what was entered: the editor rebuilds its form from it (issue #15).
    assert session["data"]["profile"]["age_years"] == 7 and session["data"]["profile"]["sex"] == "female"
    text = response.text
    for secret in ("password_hash", "token_hash", "argon2", "session_id", "/account/confirm/"):
        assert secret not in text


def test_delete_removes_every_row_about_the_user(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    from eligo.store.tables import metadata

    _signed_in_with_profile(app_client, smtp, deliver, "leaving@example.org")
    users.link_coordinator(store, "leaving@example.org", "NCT03363373", "Site A")
    post(app_client, "/account/reset", {"email": "leaving@example.org"}, "/account/reset")  # pending mail
    with store.engine.connect() as connection:
        user_id = connection.scalar(select(users_table.c.id).where(users_table.c.email == "leaving@example.org"))

    refused = post(app_client, "/account/delete", {"password": "not my password"}, "/account")
    assert refused.status_code == 401
    response = post(app_client, "/account/delete", {"password": PASSWORD}, "/account")
    assert response.status_code == 200 and "deleted" in response.text

    with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                text = json.dumps([str(value) for value in row], ensure_ascii=False)
                assert "leaving@example.org" not in text, table.name
                assert "age_years" not in text, table.name  # the session with the child's profile
                for column in table.columns:
                    if any(key.column is users_table.c.id for key in column.foreign_keys):
                        assert row._mapping[column.name] != user_id, table.name
    assert log_in(app_client, "leaving@example.org").status_code == 401
    assert app_client.get("/account", follow_redirects=False).status_code == 303
