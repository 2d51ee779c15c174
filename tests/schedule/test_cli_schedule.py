"""`eligo schedule` end to end on SQLite and PostgreSQL: the JSON shape against its schema, text, .ics, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from eligo.cli.main import app
from eligo.schedule.payload import schedule_schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "schemas" / "schedule.json"

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def db(database_url: str) -> str:
    result = run("import", "--bundled", "--db", database_url)
    assert result.exit_code == 0, result.output
    return database_url


def test_schema_file_is_current() -> None:
    assert json.loads(SCHEMA.read_text("utf-8")) == schedule_schema(), "run: python scripts/write_schemas.py"


def test_json_validates_against_the_schema_for_every_bundled_trial(db: str) -> None:
    validator = Draft202012Validator(json.loads(SCHEMA.read_text("utf-8")))
    for nct_id in ("NCT01711554", "NCT03363373", "NCT04751383", "NCT01370330", "ELIGO-VERITAS", "ELIGO-SMPAEDS"):
        result = run("schedule", nct_id, "--db", db, "--start", "2027-01-04", "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        errors = sorted(validator.iter_errors(data), key=lambda error: list(error.path))
        assert not errors, f"{nct_id}: " + "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert data["nct_id"] == "ELIGO-SMPAEDS" and data["calendar"] == []


def test_json_carries_schedule_weeks_and_calendar(db: str) -> None:
    result = run("schedule", "nct01711554", "--db", db, "--start", "2027-01-04", "--format", "json")
    data = json.loads(result.stdout)
    (arm,) = data["schedule"]["arms"]
    assert [agent["name"] for agent in arm["agents"]] == ["lenalidomide", "dinutuximab", "isotretinoin"]
    assert data["weeks"]["arms"][0]["clinic_days_per_cycle"] == 4
    assert data["calendar"][7] | {"notes": []} == {
        "date": "2027-01-11",
        "arm": arm["label"],
        "cycle": 1,
        "day": 8,
        "kind": "clinic",
        "agents": ["lenalidomide", "dinutuximab"],
        "notes": [],
    }
    assert data["start"] == "2027-01-04" and data["cycles"] == 2
    without_start = json.loads(run("schedule", "NCT01711554", "--db", db, "--format", "json").stdout)
    assert without_start["start"] is None and without_start["calendar"] == []


def test_text_output_and_ics_file(db: str, tmp_path: Path) -> None:
    target = tmp_path / "naxitamab.ics"
    result = run("schedule", "NCT03363373", "--db", db, "--start", "2027-01-04", "--ics", str(target))
    assert result.exit_code == 0, result.output
    assert "(about 2 years); then check-ups until 5 years after the first treatment" in result.stdout
    assert "Not read (as written): Subsequent cycles are repeated every 8 weeks" in result.stdout
    assert "Mon 2027-01-04  cycle 1 day  -4" in result.stdout
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == 20 and all(str(event["SUMMARY"]).startswith("Estimate:") for event in events)
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("NCT99999999",), "NCT99999999: no such trial in the store"),
        (("NCT01711554", "--start", "4 Jan"), "--start: '4 Jan' is not a date"),
        (("NCT01711554", "--ics", "out.ics"), "--ics needs --start"),
        (("NCT04751383", "--arm", "Arm Z"), "has no arm 'Arm Z' (its arms: Arm A; Arm B)"),
    ],
)
def test_bad_input_is_named_and_exits_2(db: str, args: tuple[str, ...], message: str) -> None:
    result = runner.invoke(app, ["schedule", *args, "--db", db])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not Path("out.ics").exists()  # nothing half-written


def test_cycles_are_bounded(db: str) -> None:
    result = runner.invoke(app, ["schedule", "NCT01711554", "--db", db, "--start", "2027-01-04", "--cycles", "500"])
    assert result.exit_code == 2
