"""Sending a referral: stored, emailed to the site's address (really, over SMTP) and confirmed to the family."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import select

from eligo.store.tables import outbox, referrals
from tests.referrals.conftest import (
    CENTRAL_EMAIL,
    GOSH,
    LEEDS,
    LEEDS_EMAIL,
    MANCHESTER,
    PHONE_ONLY_TRIAL,
    TRIAL,
    Site,
    refer,
    sent_id,
    token_of,
)


def _rows(site: Site) -> list[dict[str, object]]:
    with site.store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(referrals))]


def _answer_first_questions(site: Site, client: object, count: int = 2) -> list[str]:
    """Answer the trial page's first questions: "yes", then "not_sure"; returns the criterion ids."""
    page = client.get(f"/trials/{TRIAL}")  # type: ignore[attr-defined]
    ids = list(dict.fromkeys(re.findall(r'name="a:([^"]+)"', page.text)))[:count]
    assert len(ids) == count
    answers = {f"a:{ids[0]}": "yes", f"a:{ids[1]}": "not_sure"}
    response = client.post(  # type: ignore[attr-defined]
        f"/trials/{TRIAL}/answers", data={"csrf_token": token_of(page.text), **answers}, follow_redirects=False
    )
    assert response.status_code == 303
    return ids


def test_referral_with_answers_reaches_the_site_and_the_family(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    family = site.family("parent@family.example")
    ids = _answer_first_questions(site, family)
    caplog.set_level(logging.DEBUG, logger="eligo")
    referral_id = sent_id(refer(family, include_answers="yes"))

    sent = family.get(f"/referrals/{referral_id}/sent")
    assert sent.status_code == 200
    assert sent.headers["cache-control"] == "no-store"
    assert "Your request is on its way" in sent.text and LEEDS in sent.text

    [row] = _rows(site)
    assert row["nct_id"] == TRIAL and row["facility"] == LEEDS and row["site_email"] == LEEDS_EMAIL
    assert row["status"] == "new" and row["preferred_contact"] == "email"
    assert [entry["status"] for entry in json.loads(str(row["history"]))] == ["new"]
    shared = json.loads(str(row["shared"]))
    assert [item["criterion_id"] for item in shared["answers"]] == ids
    assert [item["answer"] for item in shared["answers"]] == ["yes", "not_sure"]
    assert shared["verdict"] in ("eligible", "possibly_eligible", "ineligible")
    assert "Eligo does not decide eligibility" in shared["disclaimer"]

    site.deliver()
    body = site.body(LEEDS_EMAIL)
    [subject] = site.subjects(LEEDS_EMAIL)
    assert site.smtp.inbox.to(LEEDS_EMAIL)[0]["Reply-To"] == "sam.contact@family.example"
    assert TRIAL in subject and LEEDS in subject and "Sam" not in subject
    for expected in (
        "Sam Parent",
        "sam.contact@family.example",
        "+44 7700 900123",
        "contacted by email",
        "My son is 7 and relapsed in March.",
        "Connecting Families Test Study",
        f"http://eligo.test/referrals/{referral_id}",
        shared["answers"][0]["criterion"],
        "Their answer: Yes",
        "Their answer: Not sure",
        shared["verdict_words"],
        "Eligo does not decide eligibility: the study team does.",
    ):
        assert expected in body, expected
    confirmation = site.body("parent@family.example")
    assert "We have sent your request" in confirmation and LEEDS in confirmation
    assert "You chose to send them your pre-screening answers" in confirmation
    assert "Their answer" not in confirmation  # health details go only to the site

    # Nothing personal in the logs: no name, address, message or answer.
    for secret in ("Sam Parent", "sam.contact", "parent@family.example", "relapsed in March", "not_sure"):
        assert secret not in caplog.text


def test_referral_without_answers_sends_none(site: Site) -> None:
    family = site.family("parent@family.example")
    _answer_first_questions(site, family)
    referral_id = sent_id(refer(family, preferred_contact="phone"))  # box left unticked
    [row] = _rows(site)
    assert row["id"] == referral_id and row["shared"] is None and row["preferred_contact"] == "phone"
    site.deliver()
    body = site.body(LEEDS_EMAIL)
    assert "chose not to send their answers" in body and "Their answer" not in body
    assert "contacted by phone" in body
    assert "You chose not to send them your pre-screening answers" in site.body("parent@family.example")


def test_a_site_without_email_falls_back_to_the_central_contact(site: Site) -> None:
    family = site.family("parent@family.example")
    form = family.get(f"/trials/{TRIAL}/refer")
    assert "your request goes to the trial's central contact" in form.text
    sent_id(refer(family, facility=GOSH))
    assert _rows(site)[0]["site_email"] == CENTRAL_EMAIL
    site.deliver()
    assert GOSH in site.body(CENTRAL_EMAIL)


def test_the_form_lists_open_sites_first_and_nearest_first(site: Site) -> None:
    family = site.family("parent@family.example")
    page = family.get("/match")
    profile = {"csrf_token": token_of(page.text), "age_years": "7", "place": "London", "max_travel_km": "1000"}
    family.post("/match", data=profile, follow_redirects=False)
    form = family.get(f"/trials/{TRIAL}/refer").text
    assert form.index(GOSH) < form.index(LEEDS) < form.index(MANCHESTER.replace("'", "&#39;"))
    # In the visitor's units, as the rest of the site (issue #16): miles for a family in London.
    assert re.search(r"\d+ miles away", form) and not re.search(r"\d+ km away", form)


def test_a_trial_whose_sites_have_no_email_says_to_phone(site: Site) -> None:
    family = site.family("parent@family.example")
    form = family.get(f"/trials/{PHONE_ONLY_TRIAL}/refer")
    assert form.status_code == 200
    assert "Please phone the study team" in form.text
    assert 'href="tel:+1 555 0199"' in form.text and "Phone Only Hospital" in form.text
    assert 'name="site"' not in form.text
    # Posting a site of it anyway is refused, naming the number to phone.
    from eligo.referrals.sites import site_choices

    trial = site.store.get(PHONE_ONLY_TRIAL)
    assert trial is not None
    key = next(choice.key for choice in site_choices(trial) if choice.facility == "Phone Only Hospital")
    response = family.post(
        f"/trials/{PHONE_ONLY_TRIAL}/refer",
        data={
            "csrf_token": token_of(family.get(f"/trials/{PHONE_ONLY_TRIAL}").text),
            "site": key,
            "name": "Sam",
            "contact_email": "a@b.example",
            "preferred_contact": "email",
        },
    )
    assert response.status_code == 422
    assert (
        "Phone Only Hospital has no email address in the registry; please phone them on +1 555 0199." in response.text
    )
    assert _rows(site) == []


def test_not_signed_in_the_trial_page_explains_and_links_to_sign_in(site: Site) -> None:
    visitor = site.client()
    page = visitor.get(f"/trials/{TRIAL}")
    section = page.text[page.text.index('id="connect"') :]
    assert "Connect with a study center" in page.text
    back = f"?next=/trials/{TRIAL}%23connect"  # signing in returns here
    assert f'href="/account/login{back}"' in section and f'href="/account/signup{back}"' in section
    assert f'href="/trials/{TRIAL}/refer"' not in section
    assert visitor.get(f"/trials/{TRIAL}/refer", follow_redirects=False).headers["location"] == "/account/login"

    family = site.family("parent@family.example")
    page = family.get(f"/trials/{TRIAL}")
    assert f'href="/trials/{TRIAL}/refer"' in page.text


def test_the_trial_page_lists_the_familys_requests(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family))
    page = family.get(f"/trials/{TRIAL}").text
    assert f'href="/referrals/{referral_id}"' in page and "Your requests about this trial" in page


def test_coordinators_cannot_send_referrals(site: Site) -> None:
    coordinator = site.coordinator("coord@site.example")
    page = coordinator.get(f"/trials/{TRIAL}/refer")
    assert page.status_code == 403 and "Requests come from families and clinicians" in page.text


def test_unknown_trial_is_404(site: Site) -> None:
    family = site.family("parent@family.example")
    assert family.get("/trials/NCT00000000/refer").status_code == 404


def test_every_outbox_row_of_a_referral_belongs_to_the_family(site: Site) -> None:
    family = site.family("parent@family.example")
    sent_id(refer(family))
    with site.store.engine.connect() as connection:
        owners = {row.recipient: row.user_id for row in connection.execute(select(outbox))}
    assert owners[LEEDS_EMAIL] == owners["parent@family.example"] is not None
