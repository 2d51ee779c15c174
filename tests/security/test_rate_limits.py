"""Throttles not covered by the feature tests: sign-up and password reset, per client and per address.

(Log-in, share passcodes, alert subscriptions and referrals have theirs in tests/accounts, tests/notes,
tests/alerts and tests/referrals.)
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.accounts.conftest import SmtpServer
from tests.accounts.helpers import post, sign_up, sign_up_confirmed


def test_sign_up_is_throttled_per_client(app_client: TestClient) -> None:
    codes = [sign_up(app_client, f"parent{n}@example.org").status_code for n in range(11)]
    assert codes == [200] * 10 + [429]
    refused = sign_up(app_client, "one.more@example.org")
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert 'value="one.more@example.org"' in refused.text  # what was typed is kept


def test_reset_is_throttled_per_client(app_client: TestClient) -> None:
    codes = [
        post(app_client, "/account/reset", {"email": f"p{n}@example.org"}, "/account/reset").status_code
        for n in range(11)
    ]
    assert codes == [200] * 10 + [429]


def test_reset_mail_to_one_address_stops_after_three_with_the_same_answer(
    app_client: TestClient, smtp: SmtpServer, deliver: Any
) -> None:
    sign_up_confirmed(app_client, smtp.inbox, deliver, "target@example.org")
    answers = [post(app_client, "/account/reset", {"email": "target@example.org"}, "/account/reset") for _ in range(5)]
    assert len({(answer.status_code, answer.text) for answer in answers}) == 1
    deliver()
    subjects = [message["Subject"] for message in smtp.inbox.to("target@example.org")]
    assert subjects.count("Set a new Eligo password") == 3
