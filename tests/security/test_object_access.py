"""Every parameterised route of the private features, tried on another user's objects and by nobody.

Another user's note, share link, saved profile, alert or referral is a 404 (never a 403, which would tell
that it exists, and never the data); "my stuff" pages send a stranger to sign in. A new parameterised route
fails `test_every_parameterised_route_is_classified` until it is added here, and so tested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from starlette.routing import BaseRoute

from eligo.store.tables import alert_subscriptions, child_profiles, notes, referrals, share_links
from tests.referrals.conftest import TRIAL
from tests.security.conftest import Owner, World

# Routes that act on one object, found by its row id: the placeholder names which of the owner's objects.
OBJECT_ROUTES = {
    "/notes/{note_id}/edit": "note",
    "/notes/{note_id}/delete": "note",
    "/shares/{share_id}/revoke": "share",
    "/alerts/{subscription_id}/cancel": "subscription",
    "/alerts/profiles/{profile_id}/watch": "profile",
    "/alerts/profiles/{profile_id}/use": "profile",
    "/alerts/profiles/{profile_id}/delete": "profile",
    "/referrals/{referral_id}": "referral",
    "/referrals/{referral_id}/sent": "referral",
    "/referrals/{referral_id}/status": "referral",
    "/referrals/{referral_id}/withdraw": "referral",
    "/referrals/{referral_id}/notes": "referral",
}
# Routes whose secret token in the address is the authority (links sent by email or shared by a family).
TOKEN_ROUTES = {
    "/shared/{token}",
    "/shared/{token}/reply",
    "/account/confirm/{token}",
    "/account/reset/{token}",
    "/alerts/confirm/{token}",
    "/alerts/unsubscribe/{token}",
}
# Routes on a trial that act on the signed-in user's own things: a stranger is sent to sign in.
MY_TRIAL_ROUTES = {"/trials/{nct_id}/notes", "/trials/{nct_id}/share", "/trials/{nct_id}/refer"}
# Public trial pages; what they show of a visitor is only their own session's.
PUBLIC_ROUTES = {
    "/trials/{nct_id}",
    "/trials/{nct_id}/answers",
    "/trials/{nct_id}/answers/clear",
    "/trials/{nct_id}/letter",
    "/trials/{nct_id}/calendar",
    "/trials/{nct_id}/schedule.ics",
}
# Public lists of open trials, addressed by a vocabulary word: nobody's things, the same for everyone.
CATALOGUE_ROUTES = {
    "/browse/condition/{name:path}": "/browse/condition/Neuroblastoma",
    "/browse/treatment/{key}": "/browse/treatment/antibody",
}
# Pages of one's own things with no id in the address.
MY_PAGES = ("/account", "/account/export.json", "/alerts/profiles/new")
FORM = {
    "body": "changed",
    "note": "changed",
    "status": "contacted",
    "frequency": "daily",
    "back": "account",
    "passcode": "x" * 8,
}


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI keeps an included router whole
        if included is not None:
            yield from _api_routes(included.routes)


def _routes(world: World) -> dict[str, set[str]]:
    """Path -> methods of every HTML route with a parameter (the JSON API keeps no accounts)."""
    found: dict[str, set[str]] = {}
    for route in _api_routes(world.site.app.routes):
        if "{" in route.path and not route.path.startswith("/api/"):
            found.setdefault(route.path, set()).update(route.methods - {"HEAD"})
    assert found, "no routes found: has FastAPI changed how it keeps them?"
    return found


def _csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account/login").text)
    assert found
    return found.group(1)


def _call(client: TestClient, method: str, path: str) -> Response:
    if method == "GET":
        return client.get(path, follow_redirects=False)
    return client.request(method, path, data={"csrf_token": _csrf(client), **FORM}, follow_redirects=False)


def _leaks(response: Response, owner: Owner) -> list[str]:
    return [secret for secret in owner.secrets if secret in response.text]


def _counts(world: World) -> list[int]:
    with world.site.store.engine.connect() as connection:
        counts = [
            int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in (notes, share_links, child_profiles, alert_subscriptions, referrals)
        ]
        revoked = connection.scalar(select(func.count()).where(share_links.c.revoked_at.is_not(None)))
        moved = connection.scalar(select(func.count()).where(referrals.c.status != "sent"))
    return [*counts, int(revoked or 0), int(moved or 0)]


def test_every_parameterised_route_is_classified(world: World) -> None:
    known = set(OBJECT_ROUTES) | TOKEN_ROUTES | MY_TRIAL_ROUTES | PUBLIC_ROUTES | set(CATALOGUE_ROUTES)
    assert set(_routes(world)) == known, "classify the new route here, so that its access is tested"


def test_another_users_objects_are_not_found(world: World) -> None:
    alice = world.alice
    for path in ("/notes/{note_id}/edit", "/referrals/{referral_id}", "/referrals/{referral_id}/sent"):
        own = alice.client.get(path.format_map({"note_id": alice.note, "referral_id": alice.referral}))
        assert own.status_code == 200  # the ids are right: the owner sees them
    before = _counts(world)
    visitors = {"bob": world.bob.client, "nobody": world.nobody, "another site's coordinator": world.gosh}
    tried = 0
    for path, methods in _routes(world).items():
        if path not in OBJECT_ROUTES:
            continue
        object_id = getattr(alice, OBJECT_ROUTES[path])
        address = re.sub(r"\{[a-z_]+\}", str(object_id), path)
        for method in sorted(methods):
            for who, client in visitors.items():
                response = _call(client, method, address)
                assert response.status_code == 404, (who, method, address, response.status_code)
                assert _leaks(response, alice) == [], (who, method, address)
                tried += 1
    assert tried == 3 * 13  # twelve routes, one with two methods, as three visitors
    assert _counts(world) == before  # nothing was changed, withdrawn or deleted


def test_the_right_coordinator_sees_the_referral_and_no_other(world: World) -> None:
    assert world.leeds.get(f"/referrals/{world.alice.referral}").status_code == 200
    assert world.gosh.get(f"/referrals/{world.alice.referral}").status_code == 404
    assert world.gosh.get("/referrals/dashboard").status_code == 200
    for secret in world.alice.secrets:
        assert secret not in world.gosh.get("/referrals/dashboard").text
    assert world.bob.client.get("/referrals/dashboard").status_code == 404
    assert world.nobody.get("/referrals/dashboard").status_code == 404


def test_a_stranger_is_sent_to_sign_in_from_my_pages(world: World) -> None:
    for path in MY_PAGES:
        response = world.nobody.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login"), path
    for path in MY_TRIAL_ROUTES:
        address = path.format(nct_id=TRIAL)
        for method in sorted(_routes(world)[path]):
            response = _call(world.nobody, method, address)
            assert response.status_code == 303, (method, address, response.status_code)
            assert response.headers["location"].startswith("/account/login"), (method, address)


def test_trial_pages_show_only_the_visitors_own_things(world: World) -> None:
    before = _counts(world)
    for path in sorted(MY_TRIAL_ROUTES | PUBLIC_ROUTES):
        address = path.format(nct_id=TRIAL)
        for method in sorted(_routes(world)[path]):
            for client in (world.bob.client, world.nobody, world.gosh):
                response = _call(client, method, address)
                assert response.status_code < 500, (method, address)
                assert _leaks(response, world.alice) == [], (method, address)
    assert world.bob.client.get(f"/trials/{TRIAL}").status_code == 200
    assert "bob-note-Qx7" in world.bob.client.get(f"/trials/{TRIAL}").text
    assert _counts(world)[2:] == before[2:]  # bob may have added a note or a link of his own; nothing else moved


def test_catalogue_pages_show_nobody_elses_things(world: World) -> None:
    before = _counts(world)
    for path, address in sorted(CATALOGUE_ROUTES.items()):
        for method in sorted(_routes(world)[path]):
            for client in (world.bob.client, world.nobody, world.gosh):
                response = _call(client, method, address)
                assert response.status_code < 500, (method, address)
                assert _leaks(response, world.alice) == [], (method, address)
    assert _counts(world) == before


def test_token_routes_refuse_a_made_up_token_and_show_nothing(world: World) -> None:
    for path in sorted(TOKEN_ROUTES):
        address = path.format(token="Made-Up-Token-0123456789abcdefghij")
        for method in sorted(_routes(world)[path]):
            for client in (world.bob.client, world.nobody):
                response = _call(client, method, address)
                if method == "GET" and "/confirm/" in path:
                    # A page with a button; pressing it (the POST) is what tries the token.
                    assert response.status_code == 200 and "<form" in response.text
                else:
                    assert response.status_code in (400, 404), (method, address, response.status_code)
                assert _leaks(response, world.alice) == [], (method, address)


def test_a_share_link_shows_nothing_without_its_passcode(world: World) -> None:
    for client in (world.bob.client, world.nobody):
        page = client.get(world.alice.share_path)
        assert page.status_code == 200 and "passcode" in page.text.lower()
        assert _leaks(page, world.alice) == []
    data = {"csrf_token": _csrf(world.nobody), "passcode": world.alice.passcode}
    opened = world.nobody.post(world.alice.share_path, data=data)
    assert opened.status_code == 200 and "alice-note-Qx7" in opened.text
    assert "alice-note-Qx7" not in world.bob.client.get(world.alice.share_path).text  # access is per browser
