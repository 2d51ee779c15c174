"""The clinic summary and the downloads carry everything a clinic needs, in full (issue #15): every
open question's text, the criterion text of every reason that might rule the child out, the evaluation
date, the nearest site's contact and the disclaimer; the list is ranked by the core, the same for
`eligo match` and the website (issue #10)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eligo.cli.main import app as cli
from eligo.explain.payloads import DISCLAIMER
from eligo.store import TrialStore
from tests.support.accounts import sign_in_as
from tests.support.clinic import clinic_child
from tests.web.conftest import csrf_of


def upload(client: TestClient, profile: dict[str, Any]) -> None:
    token = csrf_of(client.get("/match").text)
    response = client.post(
        "/match/upload",
        data={"csrf_token": token},
        files={"profile_file": ("child.json", json.dumps(profile).encode(), "application/json")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _text(page: str) -> str:
    """The page's text as a reader sees it: tags gone, entities decoded, white space folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _folded(value: str) -> str:
    return " ".join(value.split())


def test_the_summary_prints_every_trial_in_full(client: TestClient) -> None:
    upload(client, clinic_child())
    rows = client.get("/match/results.json", params={"closed": "1"}).json()["results"]
    page = client.get("/match/summary", params={"closed": "1"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    # Nothing collapsed: what is on the page is what prints.
    assert "<details" not in page.text
    text = _text(page.text)
    assert f"Evaluated on {date.today().day} {date.today():%B %Y}" in text
    assert "Date of birth 2017-05-14" in text and "Active infection yes" in text
    assert "anc 0.5 x10^9/L" in text
    assert text.count(DISCLAIMER) >= len(rows)
    ruling_out = [line for row in rows for line in row["might_rule_out"]]
    questions = [question for row in rows for question in row["open_questions"]]
    assert ruling_out and len(questions) > 8, "the child must give both reasons against and many open questions"
    for line in ruling_out:
        assert _folded(line["text"]) in text, line
    for question in questions:
        assert _folded(question["question"]) in text, question
    # One section per trial, in the ranked order of the list.
    assert re.findall(r'class="clinic-trial" data-nct="([^"]+)"', page.text) == [row["nct_id"] for row in rows]


def test_the_downloads_carry_the_same_content(client: TestClient) -> None:
    upload(client, clinic_child())
    data = client.get("/match/results.json", params={"closed": "1"}).json()
    rows = data["results"]
    assert data["disclaimer"] == DISCLAIMER and "docs/ranking.md" in data["score"]
    ruled_out = [row for row in rows if row["verdict"] == "ineligible"]
    assert ruled_out
    for row in ruled_out:
        # The ids that rule the child out come with their criterion text.
        assert {line["id"] for line in row["might_rule_out"]} >= set(row["ruled_out_by"])
        assert all(line["text"].strip() for line in row["might_rule_out"])
    for row in rows:
        assert isinstance(row["open_questions"], list)
        assert row["open_question_count"] == len(row["open_questions"]) >= 1
        assert all(question["question"].strip() for question in row["open_questions"])
    naxitamab = next(row for row in rows if row["nct_id"] == "NCT03363373")
    assert naxitamab["contact"]["facility"] == "Leeds Children’s Hospital"
    assert naxitamab["looks_met"] and naxitamab["verdict_words"]

    table = list(csv.DictReader(io.StringIO(client.get("/match/results.csv", params={"closed": "1"}).text)))
    assert [line["nct_id"] for line in table] == [row["nct_id"] for row in rows]
    for line, row in zip(table, rows, strict=True):
        assert line["evaluated_on"] == date.today().isoformat()
        assert line["verdict_words"] == row["verdict_words"]
        for reason in row["might_rule_out"]:
            assert _folded(reason["text"]) in line["might_rule_out"]
        for question in row["open_questions"]:
            assert _folded(question["question"]) in line["open_questions"]
        assert float(line["score"]) == row["score"]
    assert len({line["score"] for line in table}) > 2, "the score tells trials apart"


def test_the_shortlist_summary_lists_only_the_shortlist(client: TestClient) -> None:
    upload(client, clinic_child())
    chosen = {"NCT04751383", "NCT03363373"}
    for nct_id in sorted(chosen):
        results = client.get("/match/results").text
        client.post(
            "/shortlist/add",
            data={"csrf_token": csrf_of(results), "nct_id": nct_id, "next": "/match/results"},
            follow_redirects=False,
        )
    assert 'href="/match/summary?shortlist=1"' in client.get("/compare").text
    ranked = [row["nct_id"] for row in client.get("/match/results.json", params={"closed": "1"}).json()["results"]]
    page = client.get("/match/summary", params={"shortlist": "1"}).text
    assert re.findall(r'class="clinic-trial" data-nct="([^"]+)"', page) == [n for n in ranked if n in chosen]


def test_a_shortened_list_says_so_and_links_to_the_rest(client: TestClient) -> None:
    upload(client, clinic_child())
    page = client.get("/match/results", params={"closed": "1"}).text
    card = re.search(r'<li class="card" data-nct="NCT04751383">.*?</li>\s*(?=<li class="card"|</ol>)', page, re.S)
    assert card
    shown = re.search(r"(\d+) of (\d+) shown", _text(card.group(0)))
    assert shown and int(shown.group(1)) < int(shown.group(2))
    assert 'href="/trials/NCT04751383#prescreener"' in card.group(0)
    assert 'href="/match/summary?closed=1"' in page


def test_eligo_match_ranks_exactly_as_the_website(client: TestClient, database_url: str, tmp_path: Path) -> None:
    """Issue #10: one ranking in the core; the CLI and the web list the same trials in the same order."""
    profile = clinic_child()
    upload(client, profile)
    web = client.get("/match/results.json", params={"closed": "1"}).json()["results"]
    path = tmp_path / "child.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["match", "--patient", str(path), "--on", date.today().isoformat(), "--db", database_url, "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)["results"]
    assert len(web) >= 8
    assert [(r["nct_id"], r["verdict"], r["score"]) for r in shown] == [
        (r["nct_id"], r["verdict"], r["score"]) for r in web
    ]


def test_the_summary_needs_a_profile(client: TestClient, loaded_store: TrialStore) -> None:
    response = client.get("/match/summary", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/match"


def test_a_clinician_reads_the_summary_and_downloads_about_the_patient(client: TestClient, store: TrialStore) -> None:
    upload(client, clinic_child())
    family_rows = client.get("/match/results.json", params={"closed": "1"}).json()["results"]
    family_questions = [q["question"] for row in family_rows for q in row["open_questions"]]
    assert any("your child" in question.lower() for question in family_questions)

    sign_in_as(client, store, "clinician")
    upload(client, clinic_child())
    data = client.get("/match/results.json", params={"closed": "1"}).json()
    questions = [q["question"] for row in data["results"] for q in row["open_questions"]]
    assert len(questions) == len(family_questions)
    assert not [question for question in questions if "your child" in question.lower()]
    # The same questions, about the patient; the criterion's own quoted text is untouched.
    assert any(question.startswith(("Has the patient", "Does the patient", "Is the patient")) for question in questions)
    assert [q["text"] for row in data["results"] for q in row["open_questions"]] == [
        q["text"] for row in family_rows for q in row["open_questions"]
    ]
    assert data["disclaimer"] != DISCLAIMER and "your child" not in data["disclaimer"]
    page = _text(client.get("/match/summary", params={"closed": "1"}).text)
    main = page[page.index("Clinic summary") :]
    assert "your child" not in main.lower()
    for question in questions:
        assert _folded(question) in main, question
    table = client.get("/match/results.csv", params={"closed": "1"}).text
    assert "your child" not in table.lower() and "the patient" in table
    # The match list's open questions too.
    listed = client.get("/match/results", params={"closed": "1"}).text
    lists = re.findall(r"questions? still open</summary><ul>(.*?)</ul>", listed, re.S)
    assert lists and all("your child" not in html.unescape(found).lower() for found in lists)
    assert any("the patient" in html.unescape(found) for found in lists)
