"""Coordinators linked to real sites (issue #15): `eligo users link-coordinator / unlink / list --sites`, on both
databases, and the signed-out study team's link that asks them to sign in and returns to the referral."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select
from typer.testing import CliRunner

from eligo.accounts import users
from eligo.cli.main import app
from eligo.ingest import import_paths
from eligo.store import TrialStore
from eligo.store.tables import coordinator_sites
from eligo.trials.bundled import bundled_paths
from tests.accounts.conftest import PASSWORD
from tests.referrals.conftest import LEEDS, Site, refer, sent_id

runner = CliRunner()
NURSE = "nurse@site.example"
CURLY_LEEDS = "Leeds Children\u2019s Hospital"


def _store_with_bundled(store: TrialStore, url: str) -> list[str]:
    summary = import_paths(store, bundled_paths())
    assert summary.failed == 0, summary.problems
    from datetime import UTC, datetime

    users.sign_up(store, NURSE, PASSWORD, "clinician", "http://x", datetime.now(UTC))
    return ["--db", url]


def _links(store: TrialStore) -> list[tuple[str, str]]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(coordinator_sites.c.nct_id, coordinator_sites.c.facility))
        return sorted((row.nct_id, row.facility) for row in rows)


def _count(store: TrialStore) -> int:
    with store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(coordinator_sites)) or 0)


def test_a_straight_apostrophe_finds_the_curly_apostrophe_site(store: TrialStore, database_url: str) -> None:
    db = _store_with_bundled(store, database_url)
    typed = "  leeds CHILDREN'S   hospital "
    linked = runner.invoke(app, ["users", "link-coordinator", NURSE, "NCT03363373", "--facility", typed, *db])
    assert linked.exit_code == 0, linked.output
    assert f"now coordinates NCT03363373 ({CURLY_LEEDS})" in linked.output
    # Stored as the site's own name, which is what referrals to it carry.
    assert _links(store) == [("NCT03363373", CURLY_LEEDS)]


def test_a_site_id_from_list_sites_links_that_site(store: TrialStore, database_url: str) -> None:
    db = _store_with_bundled(store, database_url)
    listed = runner.invoke(app, ["users", "list", "--sites", "NCT03363373", "--format", "json", *db])
    assert listed.exit_code == 0, listed.output
    sites = json.loads(listed.output)["sites"]
    leeds = next(site for site in sites if site["facility"] == CURLY_LEEDS)
    assert re.fullmatch(r"[0-9a-f]{16}", leeds["id"]) and "Leeds" in leeds["place"]
    text = runner.invoke(app, ["users", "list", "--sites", "NCT03363373", *db]).output
    assert f"{leeds['id']}\t{CURLY_LEEDS}" in text

    linked = runner.invoke(app, ["users", "link-coordinator", NURSE, "NCT03363373", "--site", leeds["id"], *db])
    assert linked.exit_code == 0, linked.output
    assert _links(store) == [("NCT03363373", CURLY_LEEDS)]


def test_unknown_trials_and_sites_are_refused_and_nothing_is_stored(store: TrialStore, database_url: str) -> None:
    db = _store_with_bundled(store, database_url)
    cases = {
        ("NCT99999999", "Leeds Children's Hospital"): "not in this Eligo",
        ("NCT99999999", ""): "not in this Eligo",
        ("NCT03363373", "Leeds"): "only part of a site name",
        ("NCT03363373", "Hospital"): "only part of a site name",
        ("NCT03363373", "St Elsewhere"): "has no site called",
    }
    for (nct_id, facility), words in cases.items():
        args = ["users", "link-coordinator", NURSE, nct_id, *(["--facility", facility] if facility else []), *db]
        refused = runner.invoke(app, args)
        assert refused.exit_code == 1, (nct_id, facility, refused.output)
        assert words in refused.output, refused.output
    fragment = runner.invoke(app, ["users", "link-coordinator", NURSE, "NCT03363373", "--facility", "Leeds", *db])
    assert CURLY_LEEDS in fragment.output  # the candidates are listed, with their ids
    assert _count(store) == 0
    role = runner.invoke(app, ["users", "list", "--format", "json", *db])
    assert json.loads(role.output)["users"][0]["role"] == "clinician"  # not promoted by a refused link
    unknown_list = runner.invoke(app, ["users", "list", "--sites", "NCT99999999", *db])
    assert unknown_list.exit_code == 1


def test_unlink_removes_only_that_link(store: TrialStore, database_url: str) -> None:
    db = _store_with_bundled(store, database_url)
    for args in (["--facility", CURLY_LEEDS], []):
        result = runner.invoke(app, ["users", "link-coordinator", NURSE, "NCT03363373", *args, *db])
        assert result.exit_code == 0, result.output
    assert _links(store) == [("NCT03363373", ""), ("NCT03363373", CURLY_LEEDS)]

    gone = runner.invoke(app, ["users", "unlink", NURSE, "NCT03363373", "--facility", "leeds childrens hospital", *db])
    assert gone.exit_code == 0 and "no longer coordinates" in gone.output, gone.output
    assert _links(store) == [("NCT03363373", "")]
    again = runner.invoke(app, ["users", "unlink", NURSE, "NCT03363373", "--facility", CURLY_LEEDS, *db])
    assert again.exit_code == 1 and "is not linked" in again.output
    assert runner.invoke(app, ["users", "unlink", NURSE, "NCT03363373", *db]).exit_code == 0
    assert _links(store) == []


def test_a_signed_out_coordinator_is_asked_to_sign_in_and_returned(site: Site) -> None:
    family = site.family("family@home.example")
    referral = sent_id(refer(family))
    nurse = site.coordinator("leeds@site.example")
    assert nurse.post("/account/logout", data={"csrf_token": _csrf(nurse)}).status_code in (200, 303)
    site.deliver()
    link = site.smtp.inbox.link("leeds-team@site.example", "/referrals/")
    assert link == f"/referrals/{referral}"

    page = nurse.get(link)
    assert "could not find" not in page.text.lower()
    assert "Please sign in" in page.text
    sign_in = re.search(r'href="(/account/login\?next=[^"]+)"', page.text)
    assert sign_in, page.text
    form = nurse.get(sign_in.group(1).replace("&amp;", "&"))
    assert f'value="/referrals/{referral}"' in form.text
    response = nurse.post(
        "/account/login",
        data={"email": "leeds@site.example", "password": PASSWORD, "next": link, "csrf_token": _csrf(nurse)},
        follow_redirects=False,
    )
    assert response.headers["location"] == link
    assert nurse.get(link).status_code == 200 and LEEDS in nurse.get(link).text


def _csrf(client: object) -> str:
    from tests.referrals.conftest import token_of

    page = client.get("/account")  # type: ignore[attr-defined]
    return token_of(page.text)


def test_a_link_made_before_sites_were_checked_can_still_be_unlinked(store: TrialStore, database_url: str) -> None:
    db = _store_with_bundled(store, database_url)
    users.link_coordinator(store, NURSE, "NCT03363373", "Leeds")  # as the old command stored a fragment
    gone = runner.invoke(app, ["users", "unlink", NURSE, "NCT03363373", "--facility", "leeds", *db])
    assert gone.exit_code == 0 and "no longer coordinates NCT03363373 (Leeds)" in gone.output, gone.output
    assert _count(store) == 0
