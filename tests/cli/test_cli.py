"""The `eligo` command end to end, on SQLite and PostgreSQL: JSON shapes, bad input, exit codes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from typer.testing import CliRunner

from eligo.cli.main import app
from eligo.store import open_store
from tests.fakes.ctgov_server import running_fake_ctgov

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
EXAMPLE_PROFILE = ROOT / "docs" / "examples" / "child-relapsed.json"
BUNDLED = ("NCT03363373", "NCT04751383", "NCT01711554", "NCT01370330")

runner = CliRunner()


def _registry() -> Registry:
    registry: Registry = Registry()
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        if "$id" in schema:
            registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return registry


def validate(name: str, data: Any) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    validator = Draft202012Validator(schema, registry=_registry())
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def run_json(*args: str) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def db(database_url: str) -> str:
    result = run("import", "--bundled", "--db", database_url)
    assert result.exit_code == 0, result.output
    return database_url


def test_import_then_reimport_reports_unchanged(database_url: str) -> None:
    first = run_json("import", "--bundled", "--db", database_url)
    validate("import", first)
    assert first["imported"] >= 4 and first["failed"] == 0
    again = run_json("import", "--bundled", "--db", database_url)
    assert again["imported"] == 0 and again["updated"] == 0
    assert again["unchanged"] == first["imported"]


def test_bad_inputs_are_named_counted_and_lose_nothing(db: str, tmp_path: Path, test_data: Path) -> None:
    store = open_store(db)
    before = {nct: store.get(nct) for nct in BUNDLED}
    count_before = store.count()
    sample = json.loads((test_data / "ctgov-samples" / "v2-json" / "NCT05594173.json").read_text())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.json").write_text("")
    (bad / "malformed.json").write_text("{this is not json")
    (bad / "truncated.json").write_text(json.dumps(sample)[:500])
    (bad / "truncated.xml").write_text("<clinical_study><id_info><nct_id>NCT00000001</nct_id>")
    no_id = json.loads(json.dumps(sample))
    del no_id["protocolSection"]["identificationModule"]["nctId"]
    (bad / "no-id.json").write_text(json.dumps(no_id))
    bad_id = json.loads(json.dumps(sample))
    bad_id["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    (bad / "bad-id.json").write_text(json.dumps(bad_id))
    wrong_type = json.loads(json.dumps(sample))
    wrong_type["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": "many"}
    (bad / "wrong-type.json").write_text(json.dumps(wrong_type))
    # A bundled trial's id with broken content must not damage the stored one.
    clash = json.loads(json.dumps(sample))
    clash["protocolSection"]["identificationModule"]["nctId"] = "NCT04751383"
    clash["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "not a date"}
    (bad / "clash.json").write_text(json.dumps(clash))
    with zipfile.ZipFile(bad / "bulk.zip", "w") as archive:
        archive.writestr("NCT05594173.json", json.dumps(sample))
        archive.writestr("junk.bin", b"\x00\x01\x02garbage")
        archive.writestr("cut.json", json.dumps(sample)[:300])

    result = runner.invoke(app, ["import", str(bad), "--db", db, "--format", "json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    validate("import", summary)
    assert summary["imported"] == 1  # the one good record inside the zip
    assert summary["failed"] >= 9
    problems = "\n".join(summary["problems"])
    for name in (
        "empty.json",
        "malformed.json",
        "truncated.json",
        "truncated.xml",
        "no-id.json",
        "bad-id.json",
        "wrong-type.json",
        "clash.json",
        "junk.bin",
        "cut.json",
    ):
        assert name in problems, f"{name} not named in:\n{problems}"
    assert "nctId" in problems and "NCT123" in problems and "enrollment" in problems.lower()
    assert "problem:" in result.stderr
    store = open_store(db)
    assert store.count() == count_before + 1
    assert {nct: store.get(nct) for nct in BUNDLED} == before


def test_import_of_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "nope.json"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_search_json_lists_the_bundled_trials(db: str) -> None:
    data = run_json("search", "neuroblastoma", "--db", db)
    validate("search", data)
    found = {row["nct_id"] for row in data["results"]}
    assert set(BUNDLED) <= found


def test_search_near_leeds_puts_leeds_sites_first(db: str) -> None:
    data = run_json("search", "neuroblastoma", "--near", "Leeds", "--within", "100", "--db", db)
    validate("search", data)
    assert data["results"], "a bundled or overlay trial has a Leeds site"
    first = data["results"][0]
    assert first["nearest_site"]["city"] and "Leeds" in (
        first["nearest_site"]["city"] + (first["nearest_site"]["facility"] or "")
    )
    distances = [row["nearest_site"]["distance_km"] for row in data["results"]]
    assert all(distance <= 100 for distance in distances)
    assert distances == sorted(distances)


def test_search_filters_and_bad_options(db: str) -> None:
    data = run_json("search", "neuroblastoma", "--status", "active_not_recruiting", "--db", db)
    assert {row["overall_status"] for row in data["results"]} == {"ACTIVE_NOT_RECRUITING"}
    assert run("search", "--near", "Nowhereville Qqq", "--db", db).exit_code == 2
    assert run("search", "--age", "lots", "--db", db).exit_code == 2
    assert run("search", "--within", "10", "--db", db).exit_code == 2


def test_show_json_has_the_documented_fields(db: str) -> None:
    data = run_json("show", "NCT01370330", "--db", db)
    validate("show", data)
    assert data["nct_id"] == "NCT01370330"
    assert data["overall_status"] == "AVAILABLE"
    assert data["locations"][0]["city"] == "San Francisco"
    missing = run("show", "NCT00000000", "--db", db)
    assert missing.exit_code == 2 and "no such trial" in missing.stderr


def test_criteria_tree_and_stats(db: str) -> None:
    tree = run_json("criteria", "NCT01711554", "--db", db)
    validate("criteria", tree)
    assert any(node["section"] == "exclusion" for node in tree["criteria"])
    assert all(node["question"] or node["children"] for node in tree["criteria"])
    stats = run_json("criteria", "--stats", "--db", db)
    validate("criteria-stats", stats)
    assert stats["criteria"] > 100 and 0 < stats["share"] <= 1
    assert stats["stale"] == 0
    reparsed = run("criteria", "--reparse", "--db", db)
    assert reparsed.exit_code == 0 and "reparsed" in reparsed.output


def test_check_and_match_with_the_example_profile(db: str, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"inc-1": "yes"}))
    checked = run_json(
        "check",
        "NCT04751383",
        "--patient",
        str(EXAMPLE_PROFILE),
        "--answers",
        str(answers),
        "--on",
        "2026-11-23",
        "--db",
        db,
    )
    validate("check", checked)
    assert checked["verdict"] in {"eligible", "possibly_eligible", "ineligible"}
    assert "study team" in checked["disclaimer"]
    matched = run_json("match", "--patient", str(EXAMPLE_PROFILE), "--on", "2026-11-23", "--db", db)
    validate("match", matched)
    order = {"eligible": 0, "possibly_eligible": 1, "ineligible": 2}
    ranks = [order[row["verdict"]] for row in matched["results"]]
    assert ranks == sorted(ranks)
    # The profile lives in Leeds and travels up to 300 km: every result has a site within reach.
    assert matched["results"] and all(row["distance_km"] <= 300 for row in matched["results"])
    anywhere = json.loads(EXAMPLE_PROFILE.read_text())
    del anywhere["location"]
    anywhere_path = tmp_path / "anywhere.json"
    anywhere_path.write_text(json.dumps(anywhere))
    everywhere = run_json("match", "--patient", str(anywhere_path), "--on", "2026-11-23", "--db", db)
    assert {row["nct_id"] for row in everywhere["results"]} >= set(BUNDLED)


def test_check_is_reproducible_with_on(db: str) -> None:
    first = run_json("check", "NCT01711554", "--patient", str(EXAMPLE_PROFILE), "--on", "2026-11-23", "--db", db)
    second = run_json("check", "NCT01711554", "--patient", str(EXAMPLE_PROFILE), "--on", "2026-11-23", "--db", db)
    assert first == second


def test_bad_profile_names_every_bad_field(db: str, tmp_path: Path) -> None:
    profile = tmp_path / "bad.json"
    profile.write_text(json.dumps({"age_years": 300, "sex": "robot", "labs": [{"test": "platelets", "value": -5}]}))
    result = run("check", "NCT04751383", "--patient", str(profile), "--db", db)
    assert result.exit_code == 2
    for field in ("age_years", "sex"):
        assert field in result.stderr
    labs = tmp_path / "labs.json"
    labs.write_text(json.dumps({"labs": [{"test": "platelets", "value": -5, "unit": "/mcL"}]}))
    result = run("match", "--patient", str(labs), "--db", db)
    assert result.exit_code == 2 and "labs.0.value" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run("match", "--patient", str(broken), "--db", db).exit_code == 2
    bad_answers = tmp_path / "answers.json"
    bad_answers.write_text(json.dumps({"inc-1": "maybe"}))
    result = run("check", "NCT04751383", "--patient", str(EXAMPLE_PROFILE), "--answers", str(bad_answers), "--db", db)
    assert result.exit_code == 2 and "inc-1" in result.stderr
    assert (
        run("check", "NCT04751383", "--patient", str(EXAMPLE_PROFILE), "--on", "yesterday", "--db", db).exit_code == 2
    )


def test_sync_pulls_from_the_registry_api_and_is_incremental(database_url: str) -> None:
    with running_fake_ctgov() as fake:
        first = run_json("sync", "--condition", "", "--base-url", fake.url, "--db", database_url)
        assert first["completed"] is True
        assert first["imported"] >= 10 and first["failed"] == 0
        second = run_json("sync", "--condition", "", "--base-url", fake.url, "--db", database_url)
        assert second["imported"] == 0
        assert second["since"] is not None  # only what changed since the last run was asked for
    store = open_store(database_url)
    assert store.get("NCT05594173") is not None
    assert store.get_criteria("NCT05594173") is not None  # rules parsed at import, as for files


def test_match_location_needs_both_lat_and_lon(db: str, tmp_path: Path) -> None:
    """Issue #10: a latitude without a longitude is a clear error, not a search around longitude 0.0."""
    child = json.loads(EXAMPLE_PROFILE.read_text())
    child["location"] = {"lat": 53.8, "max_travel_km": 300}
    half = tmp_path / "half.json"
    half.write_text(json.dumps(child))
    result = run("match", "--patient", str(half), "--on", "2026-11-23", "--db", db)
    assert result.exit_code == 2 and "both lat and lon" in result.stderr
    # The same place as a whole point gives the same trials as the place's name.
    child["location"] = {"lat": 53.7965, "lon": -1.5478, "max_travel_km": 300}
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(child))
    by_point = run_json("match", "--patient", str(whole), "--on", "2026-11-23", "--db", db)
    by_name = run_json("match", "--patient", str(EXAMPLE_PROFILE), "--on", "2026-11-23", "--db", db)
    assert by_point["results"] and all(row["distance_km"] <= 300 for row in by_point["results"])
    assert {row["nct_id"] for row in by_point["results"]} == {row["nct_id"] for row in by_name["results"]}


def test_match_origin_errors_name_the_option_or_the_profile(db: str, tmp_path: Path) -> None:
    result = run("match", "--patient", str(EXAMPLE_PROFILE), "--near", "Nowhereville Qqq", "--db", db)
    assert result.exit_code == 2 and "--near: could not find" in result.stderr
    result = run("match", "--patient", str(EXAMPLE_PROFILE), "--within", "0", "--db", db)
    assert result.exit_code == 2 and "--within:" in result.stderr
    child = json.loads(EXAMPLE_PROFILE.read_text())
    child["location"] = {"place": "Nowhereville Qqq"}
    lost = tmp_path / "lost.json"
    lost.write_text(json.dumps(child))
    result = run("match", "--patient", str(lost), "--db", db)
    assert result.exit_code == 2 and "the profile's location.place: could not find" in result.stderr


def test_match_takes_answers_per_trial(db: str, tmp_path: Path) -> None:
    """Issue #10: `eligo match --answers` maps trial ids to answers, as the website keeps them."""
    case = json.loads((ROOT / "tests/matching/golden_profiles/nct01370330_eligible_with_answers.json").read_text())
    patient = tmp_path / "child.json"
    patient.write_text(json.dumps(case["profile"]))
    per_trial = tmp_path / "per-trial.json"
    per_trial.write_text(json.dumps({"NCT01370330": case["answers"]}))
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps(case["answers"]))
    common = ("--patient", str(patient), "--on", case["on"], "--db", db)
    answered = {row["nct_id"]: row for row in run_json("match", *common, "--answers", str(per_trial))["results"]}
    unanswered = {row["nct_id"]: row for row in run_json("match", *common)["results"]}
    checked = run_json("check", "NCT01370330", *common, "--answers", str(flat))
    assert answered["NCT01370330"]["verdict"] == checked["verdict"] == case["expected"]["verdict"]
    assert answered["NCT01370330"] != unanswered["NCT01370330"]
    assert {k: v for k, v in answered.items() if k != "NCT01370330"} == {
        k: v for k, v in unanswered.items() if k != "NCT01370330"
    }
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({"NCT01370330": case["answers"], "inc-1": "yes"}))
    result = run("match", *common, "--answers", str(mixed))
    assert result.exit_code == 2 and "mixes trial ids with criterion ids" in result.stderr
    not_an_id = tmp_path / "not-an-id.json"
    not_an_id.write_text(json.dumps({"trial one": {"inc-1": "yes"}}))
    result = run("match", *common, "--answers", str(not_an_id))
    assert result.exit_code == 2 and "is not a trial id" in result.stderr
    bad_answer = tmp_path / "bad-answer.json"
    bad_answer.write_text(json.dumps({"NCT01370330": {"inc-1": "maybe"}}))
    result = run("match", *common, "--answers", str(bad_answer))
    assert result.exit_code == 2 and "NCT01370330.inc-1" in result.stderr
