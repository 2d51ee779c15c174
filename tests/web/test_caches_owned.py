"""Each app has the caches its entry point gave it (issue #10): two apps on one store share nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from eligo.process import Caches
from eligo.store import TrialStore
from eligo.web.app import create_app
from eligo.web.settings import WebSettings


def test_two_apps_keep_their_own_caches(loaded_store: TrialStore) -> None:
    mine, theirs = Caches(), Caches()
    first = create_app(WebSettings(environment="test"), store=loaded_store, caches=mine)
    second = create_app(WebSettings(environment="test"), store=loaded_store, caches=theirs)
    assert first.state.caches is mine and second.state.caches is theirs
    with TestClient(first) as client:
        assert client.get("/trials/NCT01711554").status_code == 200
        assert client.get("/search", params={"q": "neuroblastoma"}).status_code == 200
    assert len(mine.parsed) >= 1
    assert len(mine.blank_pages) >= 2 and len(mine.trials) == 1
    assert len(theirs.parsed) == len(theirs.blank_pages) == len(theirs.trials) == len(theirs.searches) == 0


def test_an_app_without_caches_given_gets_new_ones(loaded_store: TrialStore) -> None:
    one = create_app(WebSettings(environment="test"), store=loaded_store)
    two = create_app(WebSettings(environment="test"), store=loaded_store)
    assert isinstance(one.state.caches, Caches) and one.state.caches is not two.state.caches
