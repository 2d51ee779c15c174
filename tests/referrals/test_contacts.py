"""Contacts that lead somewhere (issue #15): each site's contact is its own, else the trial's central contact,
else the sponsor; with nothing listed the pages offer a printable letter for the child's consultant."""

from __future__ import annotations

from eligo.ingest import import_paths
from eligo.referrals.sites import site_choices
from eligo.trials.bundled import bundled_paths
from tests.referrals.conftest import GOSH, LEEDS, MANCHESTER, PHONE_ONLY_TRIAL, TRIAL, Site

CURLY_LEEDS = "Leeds Children\u2019s Hospital"


def test_each_site_has_its_own_contact_else_the_central_one(site: Site) -> None:
    trial = site.store.get(TRIAL)
    assert trial is not None
    by_name = {choice.facility: choice for choice in site_choices(trial)}
    leeds, gosh, manchester = by_name[LEEDS], by_name[GOSH], by_name[MANCHESTER]
    assert (leeds.contact_from, leeds.contact_name, leeds.email) == ("site", "Leeds Team", "leeds-team@site.example")
    assert (gosh.contact_from, gosh.contact_name, gosh.phone) == ("site", "GOSH Research", "+44 20 7405 9200")
    assert (manchester.contact_from, manchester.contact_name, manchester.email) == (
        "site",
        None,
        "manchester@site.example",
    )
    phone_only = site.store.get(PHONE_ONLY_TRIAL)
    assert phone_only is not None
    silent = next(choice for choice in site_choices(phone_only) if choice.facility == "Silent Hospital")
    assert (silent.contact_from, silent.contact_name, silent.phone) == ("central", "Study Line", "+1 555 0100")


def test_a_trial_with_no_contact_offers_the_consultant_letter(site: Site) -> None:
    assert import_paths(site.store, bundled_paths()).failed == 0
    trial = site.store.get("NCT03363373")
    assert trial is not None
    choices = site_choices(trial)
    assert choices and all(c.contact_from == "sponsor" and not c.reachable for c in choices)
    assert {c.contact_name for c in choices} == {"Y-mAbs Therapeutics"}  # named, with no invented address

    visitor = site.client()
    page = visitor.get("/trials/NCT03363373").text
    assert "No contact listed; the sponsor is Y-mAbs Therapeutics" in page
    assert 'href="/trials/NCT03363373/letter"' in page

    letter = visitor.get("/trials/NCT03363373/letter")
    assert letter.status_code == 200
    text = letter.text.replace("&#39;", "'")
    for expected in ("NCT03363373", CURLY_LEEDS, "Y-mAbs Therapeutics", "none listed", "lists no telephone number"):
        assert expected in text, expected
    assert "@" not in text.split("Where it takes place")[1].split("The trial's full record")[0]  # no address made up

    family = site.family("parent@family.example")
    form = family.get("/trials/NCT03363373/refer").text
    assert "no phone number listed" not in form
    assert "Print a letter for your child's consultant" in form.replace("&#39;", "'")
    assert visitor.get("/trials/NCT99999999/letter").status_code == 404
