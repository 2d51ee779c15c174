"""Private notes through the web pages, on SQLite and PostgreSQL: add, show, edit, delete, re-anchor, and
nobody but the author ever sees or touches one."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from eligo.store import TrialStore
from eligo.store.tables import notes
from eligo.trials.model import Trial
from tests.accounts.conftest import SmtpServer
from tests.accounts.helpers import csrf, log_in, sign_up_confirmed
from tests.notes.helpers import CRITERION_WORDS, TRIAL, add_note, note_id_of

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def note_rows(store: TrialStore) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(notes).order_by(notes.c.id)))


def post_form(client: TestClient, path: str, data: dict[str, str], page: str = f"/trials/{TRIAL}") -> Any:
    return client.post(path, data={"csrf_token": csrf(client, page), **data}, follow_redirects=False)


def test_a_note_on_selected_text_is_kept_and_shown_beside_it(family: TestClient, store: TrialStore) -> None:
    response = add_note(family, CRITERION_WORDS, "Ask the oncologist whether the 2019 biopsy counts.")
    assert response.status_code == 303
    note_id = note_id_of(response)
    page = family.get(f"/trials/{TRIAL}")
    assert page.status_code == 200
    text = page.text
    # The words are marked in the criterion itself, and the note is listed right after it.
    mark = f'<mark class="note-mark" id="note-mark-{note_id}" data-note-ids="{note_id}">{CRITERION_WORDS}</mark>'
    assert mark in text
    criterion = text[text.index('id="c-inc-1"') : text.index('id="c-inc-2"')]
    assert "Ask the oncologist whether the 2019 biopsy counts." in criterion
    assert '<script src="/static/notes.js" defer></script>' in text
    [row] = note_rows(store)
    assert (row.field, row.quote, row.position_start) == ("criteria", CRITERION_WORDS, 0)
    assert row.suffix.startswith(" or")


def test_the_position_sent_by_the_page_picks_the_occurrence(family: TestClient, store: TrialStore) -> None:
    trial = store.get(TRIAL)
    assert trial is not None and trial.brief_summary is not None
    summary = trial.brief_summary
    word = "neuroblastoma"
    second = summary.index(word, summary.index(word) + 1)
    response = add_note(family, word, "second mention", field="summary", start=str(second), end=str(second + len(word)))
    assert response.status_code == 303
    [row] = note_rows(store)
    assert (row.field, row.position_start, row.position_end) == ("summary", second, second + len(word))


def test_pasted_text_is_found_without_javascript_despite_spacing(family: TestClient, store: TrialStore) -> None:
    pasted = "Patients must have a history of\n  histologically   or cytologically confirmed NBL"
    assert add_note(family, pasted, "pasted").status_code == 303
    [row] = note_rows(store)
    assert row.quote == CRITERION_WORDS and row.field == "criteria"


def test_text_not_on_the_page_is_refused_with_a_clear_message(family: TestClient, store: TrialStore) -> None:
    response = add_note(family, "This sentence is nowhere in the trial.", "my note")
    assert response.status_code == 422
    assert "We could not find that text on this trial&#39;s page" in response.text
    assert "my note" in response.text  # what was typed is kept
    assert response.headers["cache-control"] == "no-store"
    assert note_rows(store) == []


def test_limits_and_missing_fields_have_clear_messages(family: TestClient, store: TrialStore) -> None:
    too_long = add_note(family, CRITERION_WORDS, "x" * 4001)
    assert too_long.status_code == 422
    assert "Your note is 4,001 characters long; the most is 4,000" in too_long.text
    long_quote = add_note(family, "y" * 1001, "ok")
    assert long_quote.status_code == 422
    assert "1,001 characters long; the most is 1,000" in long_quote.text
    assert "Please write your note." in add_note(family, CRITERION_WORDS, "   ").text
    assert "Please select or paste the text" in add_note(family, " ", "a note").text
    assert "Please choose a part of the page" in add_note(family, CRITERION_WORDS, "n", field="bogus").text
    assert add_note(family, CRITERION_WORDS, "x" * 4000).status_code == 303
    assert len(note_rows(store)) == 1


def test_edit_and_delete(family: TestClient, store: TrialStore) -> None:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "first words"))
    form = family.get(f"/notes/{note_id}/edit")
    assert form.status_code == 200 and "first words" in form.text
    assert form.headers["cache-control"] == "no-store"
    edited = post_form(family, f"/notes/{note_id}/edit", {"body": "better words"})
    assert edited.status_code == 303 and edited.headers["location"] == f"/trials/{TRIAL}#note-{note_id}"
    assert "better words" in family.get(f"/trials/{TRIAL}").text
    refused = post_form(family, f"/notes/{note_id}/edit", {"body": "z" * 4001})
    assert refused.status_code == 422 and "the most is 4,000" in refused.text
    assert note_rows(store)[0].body == "better words"
    deleted = post_form(family, f"/notes/{note_id}/delete", {})
    assert deleted.status_code == 303
    assert note_rows(store) == []
    assert family.get(f"/notes/{note_id}/edit").status_code == 404


def test_notes_are_private_to_their_author(
    family: TestClient, app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "private words"))
    missing = note_id + 1000
    family.cookies.clear()  # now nobody is signed in
    assert "private words" not in family.get(f"/trials/{TRIAL}").text
    for target in (note_id, missing):
        assert family.get(f"/notes/{target}/edit").status_code == 404
        assert post_form(family, f"/notes/{target}/edit", {"body": "hacked"}).status_code == 404
        assert post_form(family, f"/notes/{target}/delete", {}).status_code == 404
    sign_up_confirmed(app_client, smtp.inbox, deliver, "other@example.org")
    assert log_in(app_client, "other@example.org").status_code == 303
    page = app_client.get(f"/trials/{TRIAL}").text
    assert "private words" not in page and "note-mark" not in page
    for target in (note_id, missing):
        edit_page = app_client.get(f"/notes/{target}/edit")
        assert edit_page.status_code == 404 and "private words" not in edit_page.text
        assert post_form(app_client, f"/notes/{target}/edit", {"body": "hacked"}).status_code == 404
        assert post_form(app_client, f"/notes/{target}/delete", {}).status_code == 404
    # A share link of someone else's note cannot be made either.
    share = post_form(
        app_client,
        f"/trials/{TRIAL}/share",
        {"what": str(note_id), "passcode_choice": "generate", "days": "7"},
        f"/trials/{TRIAL}/share",
    )
    assert share.status_code == 422 and "not one of yours" in share.text
    [row] = note_rows(store)
    assert row.body == "private words"
    assert "private words" not in json.dumps(app_client.get("/account/export.json").json())


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_saved(
    trials: TrialStore, app_client: TestClient
) -> None:
    page = app_client.get(f"/trials/{TRIAL}").text
    back = f"?next=/trials/{TRIAL}%23notes"  # signing in returns here
    assert f'<a href="/account/login{back}">Sign in</a> or <a href="/account/signup{back}">create' in page
    assert "notes.js" not in page and "annotatable" not in page
    response = add_note(app_client, CRITERION_WORDS, "hello")
    assert response.status_code == 303 and response.headers["location"] == "/account/login"
    assert note_rows(trials) == []


def test_csrf_is_required(family: TestClient, store: TrialStore) -> None:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "kept"))
    for path, data in (
        (f"/trials/{TRIAL}/notes", {"quote": CRITERION_WORDS, "body": "no token"}),
        (f"/notes/{note_id}/edit", {"body": "no token"}),
        (f"/notes/{note_id}/delete", {}),
    ):
        assert family.post(path, data=data, follow_redirects=False).status_code == 403
        wrong = {**data, "csrf_token": "not-the-token"}
        assert family.post(path, data=wrong, follow_redirects=False).status_code == 403
    assert [row.body for row in note_rows(store)] == ["kept"]


def test_xss_in_notes_and_quotes_renders_inert(family: TestClient, store: TrialStore) -> None:
    for payload in XSS:
        assert add_note(family, CRITERION_WORDS, payload).status_code == 303
    # A quote that is not on the page comes back in the form, escaped.
    refused = add_note(family, XSS[1], "x")
    assert refused.status_code == 422
    assert XSS[1] not in refused.text and escape(XSS[1]) in refused.text
    pages = [family.get(f"/trials/{TRIAL}").text, family.get("/account").text]
    pages += [family.get(f"/notes/{row.id}/edit").text for row in note_rows(store)]
    for text in pages:
        for payload in XSS:
            assert payload not in text
    assert escape(XSS[0]) in pages[0] and escape(XSS[1]) in pages[0]


def _moved(trial: Trial) -> Trial:
    """The record with a new first criterion, so every criterion after it moves."""
    criteria = trial.eligibility.criteria or ""
    new_first = "* Patients must be able to swallow tablets or have a feeding tube\n"
    assert "Inclusion Criteria:" in criteria
    changed = criteria.replace("Inclusion Criteria:\n\n", "Inclusion Criteria:\n\n" + new_first, 1)
    assert changed != criteria
    summary = "Updated record. " + (trial.brief_summary or "")
    return trial.model_copy(
        update={
            "eligibility": trial.eligibility.model_copy(update={"criteria": changed}),
            "brief_summary": summary,
            "last_update_date": "2030-01-01",
        }
    )


def test_a_note_survives_an_update_that_moves_its_text(family: TestClient, store: TrialStore) -> None:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "survives the update"))
    old = store.get(TRIAL)
    assert old is not None
    store.upsert(_moved(old))
    page = family.get(f"/trials/{TRIAL}").text
    assert f'id="note-mark-{note_id}" data-note-ids="{note_id}">{CRITERION_WORDS}</mark>' in page
    assert "Notes whose text has changed" not in page
    [row] = note_rows(store)
    assert row.position_start == 0  # the stored hint is old; the page found the words elsewhere
    start = page.index(f'id="note-mark-{note_id}"')
    passage = page.rfind('<span class="annotatable" data-note-field="criteria" data-note-start="', 0, start)
    assert 'data-note-start="0"' not in page[passage : passage + 80]


def test_a_note_whose_text_was_removed_is_listed_as_orphaned(family: TestClient, store: TrialStore) -> None:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "orphan to be"))
    kept_id = note_id_of(add_note(family, "Cohort B2: Evaluable NBL", "still here"))
    old = store.get(TRIAL)
    assert old is not None and old.eligibility.criteria is not None
    removed = old.eligibility.criteria.replace(CRITERION_WORDS, "Patients must have confirmed disease")
    eligibility = old.eligibility.model_copy(update={"criteria": removed})
    store.upsert(old.model_copy(update={"eligibility": eligibility, "last_update_date": "2030-01-01"}))
    page = family.get(f"/trials/{TRIAL}").text
    orphans = page[page.index("Notes whose text has changed") : page.index('id="note-form-heading"')]
    assert "is no longer in the trial record" in orphans
    assert f'id="note-{note_id}"' in orphans and CRITERION_WORDS in orphans and "orphan to be" in orphans
    assert f'id="note-{kept_id}"' not in orphans
    assert f"note-mark-{note_id}" not in page and f'id="note-mark-{kept_id}"' in page


def test_the_account_page_lists_notes_by_trial(family: TestClient) -> None:
    note_id = note_id_of(add_note(family, CRITERION_WORDS, "for the account page"))
    page = family.get("/account").text
    assert "Your notes" in page and f'href="/trials/{TRIAL}#notes"' in page
    assert "for the account page" in page and f'href="/notes/{note_id}/edit"' in page


def test_a_note_in_the_full_description_opens_it(family: TestClient, store: TrialStore) -> None:
    trial = store.get(TRIAL)
    assert trial is not None and trial.detailed_description is not None
    words = trial.detailed_description.split("\n")[0][:40].strip()
    note_id = note_id_of(add_note(family, words, "about the aims", field="description"))
    page = family.get(f"/trials/{TRIAL}").text
    assert "<details open><summary>Full description from the registry</summary>" in page
    assert f'id="note-mark-{note_id}"' in page
