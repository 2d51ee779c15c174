"""Trial pages for visitors who have brought nothing (empty session) are rendered once and served again
with each visitor's own CSRF token; anything in the session, or new store data, renders afresh."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eligo import ingest
from eligo.store import TrialStore
from eligo.trials.bundled import bundled_paths
from eligo.trials.readers import read_path
from eligo.web import blank_pages, views
from tests.web.conftest import csrf_of

TRIAL = "/trials/NCT03363373"


def _without_token(html: str, token: str) -> str:
    return html.replace(token, "TOKEN")


def test_blank_visitors_share_one_rendering_with_their_own_tokens(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    page_of = views.trial_page

    def counted(request: Any, nct_id: str) -> dict[str, Any]:
        built.append(nct_id)
        return page_of(request, nct_id)

    monkeypatch.setattr(views, "trial_page", counted)
    other = TestClient(client.app)
    first, second = client.get(TRIAL), other.get(TRIAL)
    assert built == ["NCT03363373"]
    assert first.status_code == second.status_code == 200
    assert first.headers["cache-control"] == second.headers["cache-control"] == "no-store"
    mine, theirs = csrf_of(first.text), csrf_of(second.text)
    assert mine != theirs
    assert blank_pages.TOKEN_PLACEHOLDER not in first.text + second.text
    # Every form carries the visitor's own token, and the pages are otherwise the same.
    assert set(re.findall(r'name="csrf_token" value="([^"]+)"', second.text)) == {theirs}
    assert _without_token(first.text, mine) == _without_token(second.text, theirs)
    # The token from the shared rendering works.
    saved = other.post(f"{TRIAL}/answers/clear", data={"csrf_token": theirs}, follow_redirects=False)
    assert saved.status_code == 303


def test_answers_make_the_page_personal(client: TestClient) -> None:
    token = csrf_of(client.get(TRIAL).text)
    criteria = client.get(f"/api{TRIAL}/criteria").json()["criteria"]
    first = next(node for node in criteria if node["question"])
    client.post(f"{TRIAL}/answers", data={"csrf_token": token, f"a:{first['id']}": "no"}, follow_redirects=False)
    assert f'name="a:{first["id"]}" value="no" checked' in client.get(TRIAL).text
    # Another, blank visitor still gets the shared page, without those answers.
    fresh = TestClient(client.app).get(TRIAL).text
    assert f'name="a:{first["id"]}" value="no" checked' not in fresh


def test_new_store_data_renders_afresh(client: TestClient, loaded_store: TrialStore) -> None:
    before = client.get(TRIAL).text
    assert "A brand-new title for this trial" not in before
    trial = next(t for path in bundled_paths() for t in read_path(path) if getattr(t, "nct_id", "") == "NCT03363373")
    ingest.upsert(loaded_store, trial.model_copy(update={"brief_title": "A brand-new title for this trial"}))
    after = TestClient(client.app).get(TRIAL).text
    assert "A brand-new title for this trial" in after


def test_searches_are_shared_between_blank_visitors_only(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[object] = []
    search_of = views.search_with_verdicts

    def counted(request: Any, query: Any) -> Any:
        searched.append(query)
        return search_of(request, query)

    monkeypatch.setattr(views, "search_with_verdicts", counted)
    path = "/search?q=neuroblastoma&age=7"
    first, second = client.get(path), TestClient(client.app).get(path)
    assert first.status_code == second.status_code == 200
    # The same page, but for each visitor's own token in its "Add to shortlist" forms (issue #16).
    assert _without_token(first.text, csrf_of(first.text)) == _without_token(second.text, csrf_of(second.text))
    assert "NCT04751383" in first.text
    assert len(searched) == 1
    # Other words are another page.
    assert client.get("/search?q=naxitamab").status_code == 200
    assert len(searched) == 2
    # A visitor with a child profile gets their own page, with verdicts.
    form = {"csrf_token": csrf_of(client.get("/match").text), "age_years": "7", "state_relapsed": "on"}
    assert client.post("/match", data=form).status_code == 200
    personal = client.get(path)
    assert len(searched) == 3
    assert personal.text != first.text
