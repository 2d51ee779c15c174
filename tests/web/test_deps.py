"""The web dependencies on their own: a signed-out visitor is sent to sign in (or told 404 where an object
is named), and a posted form without this session's CSRF token is refused."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.testclient import TestClient
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from eligo.accounts.records import User
from eligo.web.deps import CsrfForm, CurrentUser, SignInRequired, owner_or_404, redirect_to_sign_in
from eligo.web.errors import EligoHTTPError

TOKEN = "the-session-token"
Owner = owner_or_404("No such note.")


def _app() -> FastAPI:
    app = FastAPI()

    async def signed_out_session(request: Request, call_next: RequestResponseEndpoint) -> Response:
        request.state.session = SimpleNamespace(user_id=None, id="s1", csrf_token=TOKEN, data={}, changed=False)
        return await call_next(request)

    def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, EligoHTTPError)
        return JSONResponse({"code": error.code, "message": str(error)}, status_code=error.status)

    app.add_middleware(BaseHTTPMiddleware, dispatch=signed_out_session)
    app.add_exception_handler(SignInRequired, redirect_to_sign_in)
    app.add_exception_handler(EligoHTTPError, http_error)

    @app.get("/account")
    def account(user: CurrentUser) -> PlainTextResponse:
        return PlainTextResponse(user.email)

    @app.get("/notes/{note_id}")
    def note(note_id: int, user: User = Owner) -> PlainTextResponse:
        return PlainTextResponse(f"{note_id} {user.email}")

    @app.post("/form")
    def posted(form: CsrfForm) -> dict[str, Any]:
        return {"name": form.get("name")}

    return app


def test_signed_out_visitor_is_sent_to_sign_in() -> None:
    with TestClient(_app()) as client:
        response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account/login"


def test_owner_or_404_answers_a_signed_out_visitor_as_for_a_missing_object() -> None:
    with TestClient(_app()) as client:
        response = client.get("/notes/7", follow_redirects=False)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such note."}


def test_csrf_form_refuses_a_missing_or_wrong_token_and_takes_the_right_one() -> None:
    with TestClient(_app()) as client:
        missing = client.post("/form", data={"name": "a"})
        wrong = client.post("/form", data={"name": "a", "csrf_token": "not-it"})
        right = client.post("/form", data={"name": "a", "csrf_token": TOKEN})
    assert (missing.status_code, missing.json()["code"]) == (403, "csrf")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "csrf")
    assert (right.status_code, right.json()) == (200, {"name": "a"})
