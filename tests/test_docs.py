"""Docs are checked like code: generated schemas are current, examples validate, README starts right."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from eligo.patients.load import load_profile
from eligo.patients.profile import PatientProfile

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = sorted((ROOT / "docs" / "schemas").glob("*.json"))


def test_patient_profile_schema_is_current() -> None:
    on_disk = json.loads((ROOT / "docs" / "schemas" / "patient-profile.json").read_text())
    generated = PatientProfile.model_json_schema()
    generated["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    assert on_disk == generated, "run: .venv/bin/python scripts/write_schemas.py"


@pytest.mark.parametrize("path", SCHEMAS, ids=[path.name for path in SCHEMAS])
def test_every_schema_is_a_valid_json_schema(path: Path) -> None:
    Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_example_profile_loads_and_validates_against_its_schema() -> None:
    example = ROOT / "docs" / "examples" / "child-relapsed.json"
    profile = load_profile(example)
    assert profile.diagnosis == "neuroblastoma"
    schema = json.loads((ROOT / "docs" / "schemas" / "patient-profile.json").read_text())
    errors = list(Draft202012Validator(schema).iter_errors(json.loads(example.read_text())))
    assert not errors


def test_readme_opens_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_changelog_entries_name_an_issue() -> None:
    entries = [line for line in (ROOT / "CHANGELOG.md").read_text().splitlines() if line.startswith("- ")]
    assert entries
    assert all(re.search(r"issue #\d+", line) for line in entries)
