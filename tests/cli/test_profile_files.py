"""Profile and answers files that cannot be used end the CLI with a message and exit code 2, never a
traceback (issue #11, item 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eligo.cli.main import app
from eligo.patients.limits import MAX_DEPTH, MAX_NUMBER_CHARS

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PROFILE = ROOT / "docs" / "examples" / "child-relapsed.json"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, f"nested more than {MAX_DEPTH} levels deep"),
        (b'{"labs": [{"test": "anc", "value": ' + b"9" * 5000 + b"}]}", f"longer than {MAX_NUMBER_CHARS} characters"),
        (b'{"birth_date": "9999-01-01"}', "the birth date is in the future"),
        (
            b'{"conditions": ' + json.dumps(["asthma"] * 201).encode() + b"}",
            "conditions: Tuple should have at most 200",
        ),
    ],
)
@pytest.mark.parametrize("command", ["check", "match"])
def test_a_hostile_profile_is_a_clear_error(
    tmp_path: Path, database_url: str, content: bytes, message: str, command: str
) -> None:
    profile = tmp_path / "child.json"
    profile.write_bytes(content)
    args = [command, *(["NCT04751383"] if command == "check" else []), "--patient", str(profile), "--db", database_url]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_hostile_answers_file_is_a_clear_error(tmp_path: Path, database_url: str) -> None:
    answers = tmp_path / "answers.json"
    answers.write_bytes(b'{"answers": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    args = ["check", "NCT04751383", "--patient", str(EXAMPLE_PROFILE), "--answers", str(answers), "--db", database_url]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 2 and f"nested more than {MAX_DEPTH} levels deep" in result.stderr
