"""Steps the notes tests share: add notes and make share links through the forms, as a browser does."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from tests.accounts.helpers import csrf

TRIAL = "NCT04751383"
# Words of one of the trial's inclusion criteria, as the page shows them.
CRITERION_WORDS = "Patients must have a history of histologically or cytologically confirmed NBL"


def add_note(client: TestClient, quote: str, body: str, trial: str = TRIAL, **extra: str) -> Response:
    data = {"csrf_token": csrf(client, f"/trials/{trial}"), "quote": quote, "body": body, **extra}
    response: Response = client.post(f"/trials/{trial}/notes", data=data, follow_redirects=False)
    return response


def note_id_of(response: Response) -> int:
    found = re.search(r"#note-(\d+)$", response.headers["location"])
    assert found, response.headers.get("location")
    return int(found.group(1))


def make_share(client: TestClient, trial: str = TRIAL, **fields: str) -> Response:
    data = {"what": "all", "passcode_choice": "generate", "days": "7", **fields}
    data["csrf_token"] = csrf(client, f"/trials/{trial}/share")
    response: Response = client.post(f"/trials/{trial}/share", data=data, follow_redirects=False)
    return response


def share_link(response: Response) -> tuple[str, str]:
    """(path of the link, passcode) from the "link is ready" page."""
    url = re.search(r'id="share-url" type="text" readonly value="[^"]*?(/shared/[A-Za-z0-9_-]+)"', response.text)
    passcode = re.search(r'<strong class="passcode" id="passcode">([^<]+)</strong>', response.text)
    assert url and passcode, response.text
    return url.group(1), passcode.group(1)
