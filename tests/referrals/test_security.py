"""Who may see and change a referral, CSRF, inert XSS, clear limits, throttling, export and deletion."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from eligo.store.tables import outbox, referrals
from tests.accounts.conftest import PASSWORD
from tests.referrals.conftest import MANCHESTER, TRIAL, Site, refer, sent_id, token_of

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _count(site: Site) -> int:
    with site.store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(referrals)) or 0)


def test_a_referral_is_404_to_everyone_but_its_author_and_its_sites_coordinators(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family))
    other_family = site.family("other@family.example")
    other_site = site.coordinator("manchester@site.example", TRIAL, MANCHESTER)
    other_trial = site.coordinator("elsewhere@site.example", "NCT03363373", "")
    anonymous = site.client()

    for client in (other_family, other_site, other_trial, anonymous):
        token = token_of(client.get("/account/login").text)
        for path in (f"/referrals/{referral_id}", f"/referrals/{referral_id}/sent"):
            assert client.get(path).status_code == 404, path
        for path, data in (
            (f"/referrals/{referral_id}/status", {"status": "contacted"}),
            (f"/referrals/{referral_id}/withdraw", {}),
        ):
            response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
            assert response.status_code == 404, path
    for coordinator in (other_site, other_trial):
        assert f"/referrals/{referral_id}" not in coordinator.get("/referrals/dashboard").text
    # The author cannot act as the study team; the study team cannot withdraw for the family.
    coordinator = site.coordinator("coord@site.example")
    token = token_of(family.get("/account").text)
    assert (
        family.post(f"/referrals/{referral_id}/status", data={"csrf_token": token, "status": "enrolled"}).status_code
        == 404
    )
    token = token_of(coordinator.get("/account").text)
    assert coordinator.post(f"/referrals/{referral_id}/withdraw", data={"csrf_token": token}).status_code == 404
    # Ids that are not ids are simply not found.
    for path in ("/referrals/abc", "/referrals/-1", "/referrals/99999999999999999999", "/referrals/0"):
        assert family.get(path).status_code == 404
    with site.store.engine.connect() as connection:
        assert connection.scalar(select(referrals.c.status)) == "new"


def test_the_dashboard_is_404_for_anyone_but_coordinators(site: Site) -> None:
    family = site.family("parent@family.example")
    assert family.get("/referrals/dashboard").status_code == 404
    assert site.client().get("/referrals/dashboard").status_code == 404
    assert 'href="/referrals/dashboard"' not in family.get("/").text


def test_every_form_needs_the_csrf_token(site: Site) -> None:
    family = site.family("parent@family.example")
    assert refer(family, csrf=False).status_code == 403
    assert _count(site) == 0
    referral_id = sent_id(refer(family))
    coordinator = site.coordinator("coord@site.example")
    assert coordinator.post(f"/referrals/{referral_id}/status", data={"status": "contacted"}).status_code == 403
    wrong = {"csrf_token": "forged", "status": "contacted"}
    assert coordinator.post(f"/referrals/{referral_id}/status", data=wrong).status_code == 403
    assert family.post(f"/referrals/{referral_id}/withdraw", data={}).status_code == 403
    with site.store.engine.connect() as connection:
        assert connection.scalar(select(referrals.c.status)) == "new"


def test_xss_in_name_and_message_is_inert_everywhere(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family, name=f"Sam {SCRIPT}", message=f"Hello {IMG} and {SCRIPT}"))
    coordinator = site.coordinator("coord@site.example")
    pages = {
        "dashboard": coordinator.get("/referrals/dashboard").text,
        "detail (team)": coordinator.get(f"/referrals/{referral_id}").text,
        "detail (family)": family.get(f"/referrals/{referral_id}").text,
        "account": family.get("/account").text,
        "trial": family.get(f"/trials/{TRIAL}").text,
    }
    for where, text in pages.items():
        assert SCRIPT not in text and "<img src=x" not in text, where
    for where in ("dashboard", "detail (team)", "detail (family)"):
        assert html.escape(SCRIPT, quote=False) in pages[where].replace("&#34;", '"').replace("&#39;", "'"), where
    assert "onerror=alert(1)&gt;" in pages["detail (team)"]


def test_bad_input_gets_clear_messages_and_sends_nothing(site: Site) -> None:
    family = site.family("parent@family.example")
    cases = {
        "name": ("x" * 201, "Your name: please use at most 200 characters (this has 201)."),
        "contact_email": ("not-an-address", "Contact email: Enter an email address like name@example.org."),
        "message": ("m" * 2001, "Message: please shorten it to at most 2,000 characters (it has 2,001)."),
        "phone": ("call me maybe", "Phone: please use digits, spaces and + ( ) - only"),
        "preferred_contact": ("pigeon", "Preferred contact: please choose email or phone."),
    }
    for field, (value, message) in cases.items():
        response = refer(family, **{field: value})
        assert response.status_code == 422, field
        text = html.unescape(response.text)
        assert message in text, (field, text[text.find("Please check") :][:400])
        if field != "preferred_contact":  # a radio group is described by its error instead
            assert f'id="r-{field}" ' in response.text and 'aria-invalid="true"' in response.text
    empty = refer(family, name="  ", phone="", preferred_contact="phone")
    text = html.unescape(empty.text)
    assert "Your name: please tell the study team who is asking." in text
    assert "Phone: please give a number, since you would like to be phoned." in text
    # The form keeps what was typed.
    assert 'value="not-an-address"' in refer(family, contact_email="not-an-address").text
    no_site = refer(family, site="0000000000000000")
    assert no_site.status_code == 422 and "Study site: please choose one of the sites listed." in no_site.text
    too_big = refer(family, message="m" * 6000)
    assert too_big.status_code == 422
    assert _count(site) == 0
    with site.store.engine.connect() as connection:
        recipients = set(connection.scalars(select(outbox.c.recipient)))
    assert recipients == {"parent@family.example"}  # only the sign-up confirmation


def test_sending_is_rate_limited_per_user(site: Site) -> None:
    family = site.family("parent@family.example")
    for _ in range(10):
        sent = sent_id(refer(family, message=""))
        # One open request per family per site (issue #15): withdraw it before asking again.
        page = family.get(f"/referrals/{sent}")
        family.post(f"/referrals/{sent}/withdraw", data={"csrf_token": token_of(page.text)})
    blocked = refer(family)
    assert blocked.status_code == 429
    assert "Eligo has paused sending more for a day" in html.unescape(blocked.text)
    assert _count(site) == 10
    # Another family on another connection is not held back by this one's count.
    other = site.family("other@family.example")
    sent_id(refer(other))


def test_export_includes_referrals_and_deletion_removes_them(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family, include_answers="yes", name="Exported Name"))
    exported = family.get("/account/export.json").json()
    [row] = exported["referrals"]
    assert row["id"] == referral_id and row["name"] == "Exported Name" and row["status"] == "new"
    assert "history" in row and "shared" in row

    token = token_of(family.get("/account").text)
    response = family.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert response.status_code == 200
    assert _count(site) == 0
    with site.store.engine.connect() as connection:
        left = list(connection.execute(select(outbox.c.recipient, outbox.c.user_id)))
    assert left == []  # the site's pending email went with the account
