"""The administrator's page for coordinator links (issue #15): the same linking as `eligo users link-coordinator`,
`unlink` and `list --sites`, with the same folding of names and the same refusals, on both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from eligo.accounts import users
from eligo.ingest import import_paths
from eligo.store.tables import coordinator_sites
from eligo.trials.bundled import bundled_paths
from tests.accounts.conftest import PASSWORD, PUBLIC_URL
from tests.accounts.helpers import log_in, open_emailed_link
from tests.referrals.conftest import Site, token_of

PAGE = "/admin/coordinators"
BUNDLED = "NCT03363373"
CURLY_LEEDS = "Leeds Children\u2019s Hospital"
NURSE = "nurse@site.example"
ADMIN = "admin@eligo.example"


def _with_bundled(site: Site) -> TestClient:
    """The bundled trials (whose Leeds site has a curly apostrophe), a nurse's account, and a signed-in admin."""
    summary = import_paths(site.store, bundled_paths())
    assert summary.failed == 0, summary.problems
    now = datetime.now(UTC)
    users.sign_up(site.store, NURSE, PASSWORD, "clinician", PUBLIC_URL, now)
    users.create_admin(site.store, ADMIN, PASSWORD, now)
    admin = site.client()
    assert log_in(admin, ADMIN).status_code == 303
    return admin


def _links(site: Site) -> list[tuple[str, str]]:
    with site.store.engine.connect() as connection:
        rows = connection.execute(select(coordinator_sites.c.nct_id, coordinator_sites.c.facility))
        return sorted((row.nct_id, row.facility) for row in rows)


def _count(site: Site) -> int:
    with site.store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(coordinator_sites)) or 0)


def _options(html: str) -> dict[str, str]:
    """The site picker: option text -> value."""
    picker = html.split('<select id="site" name="site"', 1)[1].split("</select>", 1)[0]
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)', picker)
    return {unescape(text).strip(): value for value, text in found}


def _post(client: TestClient, path: str, **data: str) -> Response:
    token = token_of(client.get("/account").text)
    response: Response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
    return response


def test_an_admin_links_a_site_picked_from_the_trials_listed_sites(site: Site) -> None:
    admin = _with_bundled(site)
    assert 'href="/admin/coordinators"' in admin.get("/account").text
    page = admin.get(PAGE, params={"trial": BUNDLED.lower()})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    options = _options(page.text)
    leeds = next(text for text in options if text.startswith(CURLY_LEEDS))
    assert "Leeds" in leeds.split("(", 1)[1]  # the place is shown beside the name
    assert options["Every site of this trial"] == "all" and options["Choose a site"] == ""

    linked = _post(admin, f"{PAGE}/link", nct_id=BUNDLED, email=NURSE, site=options[leeds])
    assert linked.status_code == 303, linked.text
    shown = admin.get(linked.headers["location"]).text
    assert "Linked. The coordinator now sees" in shown
    assert _links(site) == [(BUNDLED, CURLY_LEEDS)]  # the site's own name, as referrals to it carry
    row = shown.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert NURSE in row and CURLY_LEEDS in unescape(row)

    # A name posted with a straight apostrophe is folded as the command line folds it: the same site.
    again = _post(admin, f"{PAGE}/link", nct_id=BUNDLED, email=NURSE.upper(), site="  leeds CHILDREN'S hospital ")
    assert "already linked" in admin.get(again.headers["location"]).text
    assert _links(site) == [(BUNDLED, CURLY_LEEDS)]
    whole = _post(admin, f"{PAGE}/link", nct_id=BUNDLED, email=NURSE, site="all")
    assert whole.status_code == 303
    assert _links(site) == [(BUNDLED, ""), (BUNDLED, CURLY_LEEDS)]

    nurse = site.client()
    site.deliver()
    assert open_emailed_link(nurse, site.smtp.inbox.link(NURSE, "/account/confirm/")).status_code == 200
    assert log_in(nurse, NURSE).status_code == 303
    dashboard = nurse.get("/referrals/dashboard")
    assert dashboard.status_code == 200 and CURLY_LEEDS in unescape(dashboard.text)


def test_unknown_trials_sites_and_accounts_are_refused_and_nothing_is_stored(site: Site) -> None:
    admin = _with_bundled(site)
    unknown = admin.get(PAGE, params={"trial": "NCT99999999"}).text
    assert "NCT99999999 is not in this Eligo" in unknown and 'aria-invalid="true"' in unknown
    assert '<select id="site"' not in unknown
    assert "is not an NCT number" in admin.get(PAGE, params={"trial": "Leeds"}).text
    cases = {
        ("NCT99999999", NURSE, "all"): "NCT99999999 is not in this Eligo",
        (BUNDLED, NURSE, "Leeds"): "is only part of a site name",
        (BUNDLED, NURSE, "St Elsewhere"): "has no site called",
        (BUNDLED, NURSE, "0123456789abcdef"): "has no site called",
        (BUNDLED, "nobody@site.example", "all"): "No account has that email address",
        (BUNDLED, NURSE, ""): "Please choose the site",
    }
    for (nct_id, email, chosen), words in cases.items():
        refused = _post(admin, f"{PAGE}/link", nct_id=nct_id, email=email, site=chosen)
        assert refused.status_code == 422, (nct_id, email, chosen)
        text = unescape(refused.text)
        assert words in text and 'role="alert"' in text, (chosen, text)
    fragment = unescape(_post(admin, f"{PAGE}/link", nct_id=BUNDLED, email=NURSE, site="Leeds").text)
    assert CURLY_LEEDS in fragment.split('role="alert"', 1)[1].split("</div>", 1)[0]  # the candidates are named
    assert f'value="{NURSE}"' in fragment  # what was typed is kept
    assert _count(site) == 0
    listed = {user.email: user.role for user, _ in users.list_users(site.store)}
    assert listed[NURSE] == "clinician"  # not promoted by a refused link


def test_unlink_asks_first_and_removes_only_that_link(site: Site) -> None:
    admin = _with_bundled(site)
    users.link_coordinator(site.store, NURSE, BUNDLED, CURLY_LEEDS)
    users.link_coordinator(site.store, NURSE, BUNDLED, "Leeds")  # made before sites were checked
    users.link_coordinator(site.store, NURSE, BUNDLED)
    page = unescape(admin.get(PAGE).text)
    assert page.count("Not a site this trial lists") == 1  # only the "Leeds" fragment is flagged

    asked = _post(admin, f"{PAGE}/unlink", email=NURSE, nct_id=BUNDLED, facility=CURLY_LEEDS)
    assert asked.status_code == 200
    question = unescape(asked.text)
    assert f"Unlink {NURSE} from {BUNDLED}, {CURLY_LEEDS}?" in question and "Yes, unlink" in question
    assert _count(site) == 3  # asking changes nothing

    gone = _post(admin, f"{PAGE}/unlink", email=NURSE, nct_id=BUNDLED, facility=CURLY_LEEDS, confirmed="yes")
    assert gone.status_code == 303
    assert "Unlinked." in admin.get(gone.headers["location"]).text
    assert _links(site) == [(BUNDLED, ""), (BUNDLED, "Leeds")]
    legacy = _post(admin, f"{PAGE}/unlink", email=NURSE, nct_id=BUNDLED, facility="Leeds", confirmed="yes")
    assert legacy.status_code == 303
    assert _links(site) == [(BUNDLED, "")]
    again = _post(admin, f"{PAGE}/unlink", email=NURSE, nct_id=BUNDLED, facility=CURLY_LEEDS, confirmed="yes")
    assert again.status_code == 409 and "is not linked" in again.text
    assert _links(site) == [(BUNDLED, "")]
    # The account stays a coordinator after its last link goes, and the page says it has no site.
    _post(admin, f"{PAGE}/unlink", email=NURSE, nct_id=BUNDLED, facility="", confirmed="yes")
    assert _count(site) == 0
    assert f"Coordinator accounts with no site: {NURSE}." in admin.get(PAGE).text


def test_only_a_signed_in_admin_reaches_the_page(site: Site) -> None:
    admin = _with_bundled(site)
    nobody = site.client()
    away = nobody.get(PAGE, follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/account/login?next=%2Fadmin%2Fcoordinators"
    family = site.family("family@home.example")
    coordinator = site.coordinator("leeds@site.example")
    for client in (family, coordinator):
        assert client.get(PAGE).status_code == 404
        token = token_of(client.get("/account").text)
        for path, data in (
            (f"{PAGE}/link", {"nct_id": BUNDLED, "email": NURSE, "site": "all"}),
            (f"{PAGE}/unlink", {"email": "leeds@site.example", "nct_id": "NCT99000001", "confirmed": "yes"}),
        ):
            response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
            assert response.status_code == 404, (path, response.status_code)
    forged = admin.post(f"{PAGE}/link", data={"nct_id": BUNDLED, "email": NURSE, "site": "all"})
    assert forged.status_code == 403  # no CSRF token
    assert _links(site) == [("NCT99000001", "Leeds General Infirmary")]  # only the fixture's own link


def test_the_header_offers_admin_only_to_an_admin(site: Site) -> None:
    admin = _with_bundled(site)
    link = '<a href="/admin/coordinators">Admin</a>'
    for path in ("/", "/match", "/account"):
        assert link in admin.get(path).text, path
    for client in (site.client(), site.family("family@home.example"), site.coordinator("leeds@site.example")):
        assert link not in client.get("/").text
