"""A humane referral workflow (issue #15), on both databases with the real SMTP server: final states are
confirmed, a mistaken status is corrected and recorded, "not eligible" carries the team's message to the family,
internal notes stay at the site, one open request per family per site, and each audience its own wording."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from eligo.store.tables import referrals
from tests.referrals.conftest import LEEDS, LEEDS_EMAIL, Site, refer, sent_id, token_of

FAMILY = "parent@family.example"
FAMILY_WORDING = "Your child has joined the study."
SORRY = "Dr Rao here: the scans show disease outside the criteria, so this study cannot take your son. Call me."


def _post(client: object, path: str, **fields: str) -> object:
    page = client.get("/account")  # type: ignore[attr-defined]
    return client.post(  # type: ignore[attr-defined]
        path, data={"csrf_token": token_of(page.text), **fields}, follow_redirects=False
    )


def _history(site: Site, referral_id: int) -> list[dict[str, object]]:
    with site.store.engine.connect() as connection:
        text = connection.scalar(select(referrals.c.history).where(referrals.c.id == referral_id))
    return list(json.loads(str(text)))


def test_enrolled_is_confirmed_first_and_a_mistake_is_corrected_in_the_history(site: Site) -> None:
    referral_id = sent_id(refer(site.family(FAMILY)))
    nurse = site.coordinator("coord@site.example")
    status = f"/referrals/{referral_id}/status"
    for step in ("contacted", "screening"):
        assert _post(nurse, status, status=step).status_code == 303  # type: ignore[attr-defined]

    asked = _post(nurse, status, status="enrolled")
    assert asked.status_code == 200 and "Mark this request “Enrolled”?" in asked.text  # type: ignore[attr-defined]
    assert [entry["status"] for entry in _history(site, referral_id)][-1] == "screening"  # nothing changed yet
    assert _post(nurse, status, status="enrolled", confirmed="yes").status_code == 303  # type: ignore[attr-defined]

    page = nurse.get(f"/referrals/{referral_id}").text
    assert "Set “Enrolled” by mistake?" in page
    assert FAMILY_WORDING not in page  # the team reads its own wording
    assert "The child is enrolled in the study at this site." in page

    corrected = _post(nurse, status, status="screening", correct="yes", message="Sorry, wrong child clicked.")
    assert corrected.status_code == 303, corrected.text  # type: ignore[attr-defined]
    assert "Corrected." in nurse.get(corrected.headers["location"]).text  # type: ignore[attr-defined]
    last = _history(site, referral_id)[-1]
    assert last["status"] == "screening" and last["correction"] is True and last["by"] == "coordinator"
    assert "corrected by the study team" in site.clients[0].get(f"/referrals/{referral_id}").text
    # Only the listed corrections are allowed; "new" never.
    refused = _post(nurse, status, status="new", correct="yes")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    site.deliver()
    assert any("corrected your request: screening" in subject for subject in site.subjects(FAMILY))


def test_not_eligible_asks_for_a_message_that_the_family_email_includes(site: Site) -> None:
    referral_id = sent_id(refer(site.family(FAMILY)))
    nurse = site.coordinator("coord@site.example")
    status = f"/referrals/{referral_id}/status"

    asked = _post(nurse, status, status="not_eligible")
    assert asked.status_code == 200 and 'name="message"' in asked.text  # type: ignore[attr-defined]
    empty = _post(nurse, status, status="not_eligible", confirmed="yes", message="   ")
    assert empty.status_code == 422 and "Please write a message to the family" in empty.text  # type: ignore[attr-defined]
    assert [entry["status"] for entry in _history(site, referral_id)] == ["new"]

    done = _post(nurse, status, status="not_eligible", confirmed="yes", message=SORRY)
    assert done.status_code == 303, done.text  # type: ignore[attr-defined]
    site.deliver()
    body = site.body(FAMILY)
    assert SORRY in body and "cannot take part in this study" in body
    assert f"The study team at {LEEDS} updated your request: not eligible" in site.subjects(FAMILY)
    # The family's page shows the message; the site's inbox never gets the family's wording.
    assert SORRY in site.clients[0].get(f"/referrals/{referral_id}").text
    for message in site.smtp.inbox.to(LEEDS_EMAIL):
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes) and "Your child" not in payload.decode("utf-8")
    assert "Your child" not in nurse.get(f"/referrals/{referral_id}").text


def test_a_second_open_request_to_the_same_site_shows_the_first(site: Site) -> None:
    family = site.family(FAMILY)
    first = sent_id(refer(family))
    again = refer(family, message="Sending again in case")
    assert again.status_code == 303 and again.headers["location"] == f"/referrals/{first}?done=already"
    assert "You already have an open request to this site" in family.get(again.headers["location"]).text
    with site.store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(referrals)) == 1
    site.deliver()
    assert len(site.smtp.inbox.to(LEEDS_EMAIL)) == 1  # the site is not asked twice

    # Once that request is closed, the family may ask again.
    page = family.get(f"/referrals/{first}")
    family.post(f"/referrals/{first}/withdraw", data={"csrf_token": token_of(page.text)})
    assert sent_id(refer(family)) != first


def test_internal_notes_are_seen_by_the_site_only(site: Site) -> None:
    family = site.family(FAMILY)
    referral_id = sent_id(refer(family))
    nurse = site.coordinator("coord@site.example")
    secret = "Left voicemail; consultant thinks MIBG-avid disease, check with PI"
    assert _post(nurse, f"/referrals/{referral_id}/notes", note="  ").status_code == 422  # type: ignore[attr-defined]
    saved = _post(nurse, f"/referrals/{referral_id}/notes", note=secret)
    assert saved.status_code == 303  # type: ignore[attr-defined]
    assert secret in nurse.get(f"/referrals/{referral_id}").text
    assert secret not in family.get(f"/referrals/{referral_id}").text
    assert secret not in family.get("/account/export.json").text
    site.deliver()
    for message in site.smtp.inbox.messages:
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes) and secret not in payload.decode("utf-8")
