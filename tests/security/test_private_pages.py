"""Pages with private data are never cached, and signing in returns only to a page of this site."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from eligo.web.deps import safe_next
from tests.accounts.helpers import csrf, log_in, open_emailed_link, post, sign_up
from tests.referrals.conftest import TRIAL
from tests.security.conftest import World


def test_pages_with_private_data_are_not_cached(world: World) -> None:
    alice, referral = world.alice.client, world.alice.referral
    private = [
        f"/trials/{TRIAL}",
        f"/trials/{TRIAL}/share",
        f"/trials/{TRIAL}/refer",
        "/search?q=neuroblastoma",
        "/match",
        "/match/results",
        "/match/results.json",
        "/match/results.csv",
        "/match/summary",
        "/account",
        "/account/export.json",
        f"/notes/{world.alice.note}/edit",
        f"/referrals/{referral}",
        f"/referrals/{referral}/sent",
        "/alerts/profiles/new",
        world.alice.share_path,
    ]
    for path in private:
        response = alice.get(path, follow_redirects=False)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    dashboard = world.leeds.get("/referrals/dashboard")
    assert dashboard.status_code == 200 and dashboard.headers["cache-control"] == "no-store"
    assert world.nobody.get(f"/trials/{TRIAL}").headers["cache-control"] == "no-store"  # answers live in a session


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/\\/evil.example",
        "https://evil.example/",
        "http:/evil.example",
        "evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/%09/x\r\nSet-Cookie: a=b",
        "/trials/\x00",
        "/" + "a" * 600,
        "",
    ],
)
def test_open_redirects_are_refused(target: str) -> None:
    assert safe_next(target) is None


def test_same_site_paths_are_kept() -> None:
    for target in ("/", "/trials/NCT99000001", "/trials/NCT99000001#notes", "/search?q=neuroblastoma&near=Leeds"):
        assert safe_next(target) == target


def test_sign_in_returns_to_the_page_and_never_off_site(world: World) -> None:
    client = world.site.client()
    page = client.get(f"/trials/{TRIAL}")
    assert f'href="/account/login?next={quote(f"/trials/{TRIAL}#notes", safe="/")}"' in page.text
    assert f'href="/account/login?next={quote(f"/trials/{TRIAL}#connect", safe="/")}"' in page.text
    form = client.get("/account/login", params={"next": f"/trials/{TRIAL}#notes"}).text
    assert f'name="next" value="/trials/{TRIAL}#notes"' in form
    for bad in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example"):
        assert 'name="next"' not in client.get("/account/login", params={"next": bad}).text
        response = post(
            client, "/account/login", {"email": world.alice.email, "password": "wrong password", "next": bad}
        )
        assert response.status_code == 401 and 'name="next"' not in response.text
    response = post(
        client,
        "/account/login",
        {"email": world.alice.email, "password": "correct horse battery", "next": "//evil.example/"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/account"
    other = world.site.client()
    response = post(
        other,
        "/account/login",
        {"email": world.bob.email, "password": "correct horse battery", "next": f"/trials/{TRIAL}#notes"},
    )
    assert response.status_code == 303 and response.headers["location"] == f"/trials/{TRIAL}#notes"


def test_sign_up_carries_the_page_through_confirmation(world: World) -> None:
    client = world.site.client()
    form = client.get("/account/signup", params={"next": f"/trials/{TRIAL}#connect"}).text
    assert f'name="next" value="/trials/{TRIAL}#connect"' in form
    data = {"email": "carol@family.example", "password": "correct horse battery", "role": "family"}
    assert (
        post(client, "/account/signup", {**data, "next": f"/trials/{TRIAL}#connect"}, "/account/signup").status_code
        == 200
    )
    world.site.deliver()
    confirmed = open_emailed_link(client, world.site.smtp.inbox.link("carol@family.example", "/account/confirm/"))
    sign_in = f"/account/login?next={quote(f'/trials/{TRIAL}#connect', safe='')}"
    assert confirmed.status_code == 200 and f'href="{sign_in}"' in confirmed.text
    response = post(
        client,
        "/account/login",
        {"email": "carol@family.example", "password": "correct horse battery", "next": f"/trials/{TRIAL}#connect"},
    )
    assert response.headers["location"] == f"/trials/{TRIAL}#connect"
    assert csrf(client, "/account")  # signed in


def test_emailed_links_change_nothing_until_the_button_is_pressed(world: World) -> None:
    client = world.site.client()
    sign_up(client, "dave@family.example")
    world.site.deliver()
    link = world.site.smtp.inbox.link("dave@family.example", "/account/confirm/")
    for _ in range(3):  # a mail scanner fetching the link, perhaps more than once
        assert client.get(link).status_code == 200
    assert log_in(client, "dave@family.example").status_code == 401  # still unconfirmed
    assert open_emailed_link(client, link).status_code == 200
    assert log_in(client, "dave@family.example").status_code == 303
