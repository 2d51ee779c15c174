"""The study team's side: the dashboard, moving a referral through its states, and the family seeing each change."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from eligo.store.tables import referrals
from tests.referrals.conftest import LEEDS, LEEDS_EMAIL, TRIAL, Site, refer, sent_id, token_of


def _move(client: object, referral_id: int, status: str, **fields: str) -> object:
    """Post the status form; a final state (enrolled, not eligible, withdrawn) is confirmed as asked (issue #15)."""
    page = client.get("/account")  # type: ignore[attr-defined]  # a final referral's page has no form
    if status in ("enrolled", "not_eligible", "withdrawn"):
        fields = {"confirmed": "yes", **fields}
    if status in ("not_eligible", "withdrawn"):
        fields = {"message": "We are sorry: the study cannot take your child.", **fields}
    return client.post(  # type: ignore[attr-defined]
        f"/referrals/{referral_id}/status",
        data={"csrf_token": token_of(page.text), "status": status, **fields},
        follow_redirects=False,
    )


def _history(site: Site, referral_id: int) -> list[dict[str, str]]:
    with site.store.engine.connect() as connection:
        text = connection.scalar(select(referrals.c.history).where(referrals.c.id == referral_id))
    return list(json.loads(str(text)))


def test_coordinator_moves_a_referral_and_the_family_hears_of_each_change(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family, include_answers="yes"))
    coordinator = site.coordinator("coord@site.example")

    board = coordinator.get("/referrals/dashboard")
    assert board.status_code == 200 and board.headers["cache-control"] == "no-store"
    assert f'href="/referrals/{referral_id}"' in board.text and "Sam Parent" in board.text
    assert 'href="/referrals/dashboard">Referrals</a>' in coordinator.get("/").text  # the nav link

    detail = coordinator.get(f"/referrals/{referral_id}")
    assert detail.status_code == 200 and detail.headers["cache-control"] == "no-store"
    assert "sam.contact@family.example" in detail.text and "My son is 7" in detail.text
    assert 'value="contacted"' in detail.text and 'value="enrolled"' not in detail.text

    for status, words in (("contacted", "contacted"), ("screening", "screening"), ("enrolled", "enrolled")):
        moved = _move(coordinator, referral_id, status)
        assert moved.status_code == 303, moved.text  # type: ignore[attr-defined]
        assert "Saved. The family will get an email" in coordinator.get(moved.headers["location"]).text  # type: ignore[attr-defined]
        account = family.get("/account").text
        assert f'href="/referrals/{referral_id}"' in account
        assert re.search(rf'referral-status-{status}">{words.capitalize()}<', account)
    assert [(entry["status"], entry["by"]) for entry in _history(site, referral_id)] == [
        ("new", "family"),
        ("contacted", "coordinator"),
        ("screening", "coordinator"),
        ("enrolled", "coordinator"),
    ]
    site.deliver()
    subjects = site.subjects("parent@family.example")
    for status in ("contacted", "screening", "enrolled"):
        assert f"The study team at {LEEDS} updated your request: {status}" in subjects
    assert "Your child has joined the study." in site.body("parent@family.example")

    # Final: it cannot be moved on (only corrected, see test_workflow_humane.py), and the page says so.
    assert "This request is enrolled." in coordinator.get(f"/referrals/{referral_id}").text
    refused = _move(coordinator, referral_id, "withdrawn")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "can no longer be changed" in refused.text  # type: ignore[attr-defined]


def test_an_invalid_transition_is_refused_with_a_clear_message(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family))
    coordinator = site.coordinator("coord@site.example")
    refused = _move(coordinator, referral_id, "enrolled")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "A request that is “New” cannot be moved to “Enrolled”" in refused.text  # type: ignore[attr-defined]
    assert "“Contacted” or “Not eligible” or “Withdrawn”" in refused.text  # type: ignore[attr-defined]
    unknown = _move(coordinator, referral_id, "approved")
    assert unknown.status_code == 422 and "Please choose the new status." in unknown.text  # type: ignore[attr-defined]
    assert [entry["status"] for entry in _history(site, referral_id)] == ["new"]


def test_dashboard_filters_by_status_newest_first(site: Site) -> None:
    family = site.family("parent@family.example")
    first = sent_id(refer(family, name="First Parent"))
    # One open request per family per site (issue #15): the second comes from another family.
    second = sent_id(refer(site.family("other@family.example"), name="Second Parent"))
    coordinator = site.coordinator("coord@site.example")
    board = coordinator.get("/referrals/dashboard").text
    assert board.index("Second Parent") < board.index("First Parent")
    assert _move(coordinator, first, "contacted").status_code == 303  # type: ignore[attr-defined]
    contacted = coordinator.get("/referrals/dashboard?status=contacted").text
    assert "First Parent" in contacted and "Second Parent" not in contacted
    new = coordinator.get("/referrals/dashboard?status=new").text
    assert "Second Parent" in new and "First Parent" not in new
    assert f'href="/referrals/{second}"' in new
    odd = coordinator.get("/referrals/dashboard?status=bogus")
    assert odd.status_code == 200 and "There is no such status" in odd.text and "First Parent" in odd.text


def test_family_withdraws_and_the_site_is_told(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family))
    page = family.get(f"/referrals/{referral_id}")
    assert "Withdraw my request" in page.text
    response = family.post(
        f"/referrals/{referral_id}/withdraw", data={"csrf_token": token_of(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    page = family.get(response.headers["location"])
    assert "Your request is withdrawn" in page.text and "Withdraw my request" not in page.text
    assert [(entry["status"], entry["by"]) for entry in _history(site, referral_id)] == [
        ("new", "family"),
        ("withdrawn", "family"),
    ]
    site.deliver()
    assert any("withdrew" in subject for subject in site.subjects("parent@family.example"))
    assert "has withdrawn their request" in site.body(LEEDS_EMAIL)
    # The study team can no longer move it.
    coordinator = site.coordinator("coord@site.example")
    assert _move(coordinator, referral_id, "contacted").status_code == 409  # type: ignore[attr-defined]


def test_a_whole_trial_coordinator_sees_every_site(site: Site) -> None:
    family = site.family("parent@family.example")
    referral_id = sent_id(refer(family))
    trial_wide = site.coordinator("lead@trial.example", TRIAL, "")
    assert f'href="/referrals/{referral_id}"' in trial_wide.get("/referrals/dashboard").text
    assert trial_wide.get(f"/referrals/{referral_id}").status_code == 200


def test_coordinator_account_page_points_to_the_dashboard(site: Site) -> None:
    family = site.family("parent@family.example")
    sent_id(refer(family))
    coordinator = site.coordinator("coord@site.example")
    account = coordinator.get("/account").text
    assert "1 new request is waiting" in account and 'href="/referrals/dashboard"' in account
