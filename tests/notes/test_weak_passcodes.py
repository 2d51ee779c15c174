"""Chosen share passcodes that anyone would try first are refused with a clear message (issue #11, item 19)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from eligo.accounts.passwords import guessable
from eligo.store import TrialStore
from eligo.store.tables import share_links
from tests.notes.helpers import CRITERION_WORDS, add_note, make_share, share_link


@pytest.mark.parametrize("passcode", ["123456", "password", "PASSWORD", "qwerty", "aaaaaa", "abcdefg", "987654"])
def test_a_guessable_passcode_is_refused_and_nothing_is_shared(
    family: TestClient, store: TrialStore, passcode: str
) -> None:
    add_note(family, CRITERION_WORDS, "a note to share")
    refused = make_share(family, passcode_choice="choose", passcode=passcode)
    assert refused.status_code == 422
    assert "too easy to guess" in refused.text
    with store.engine.connect() as connection:
        assert connection.execute(select(share_links.c.id)).all() == []


def test_a_less_common_passcode_is_accepted(family: TestClient) -> None:
    add_note(family, CRITERION_WORDS, "a note to share")
    _, passcode = share_link(make_share(family, passcode_choice="choose", passcode="blue-harbour-7"))
    assert passcode == "blue-harbour-7"


def test_guessable_knows_runs_repeats_and_the_common_list() -> None:
    assert all(guessable(word) for word in ("123456", "654321", "zxcvbnm", "111111", "letmein", " Password "))
    assert not any(guessable(word) for word in ("blue-harbour-7", "k3v9xq", "my-secret-code"))
