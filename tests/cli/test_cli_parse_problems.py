"""A reader that fails on one criterion never drops a trial: `eligo import` stores it, `eligo criteria
--reparse` goes on past it and names it, and `eligo criteria NCT_ID` shows the problem (issue #10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eligo.cli.main import app
from eligo.rules import extract as extract_module
from eligo.rules.base import CriterionContext
from eligo.store import open_store

runner = CliRunner()
BUNDLED = {"NCT03363373", "NCT04751383", "NCT01711554", "NCT01370330"}
# NCT03363373's criteria never name platelets; the other three do.
TROUBLED = BUNDLED - {"NCT03363373"}


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def failing_on_platelets(monkeypatch: pytest.MonkeyPatch) -> None:
    original = extract_module._first_rule

    def first_rule(ctx: CriterionContext, prefilter: bool) -> Any:
        if "platelet" in ctx.text.lower():
            raise ZeroDivisionError("float division by zero")
        return original(ctx, prefilter)

    monkeypatch.setattr(extract_module, "_first_rule", first_rule)


@pytest.mark.usefixtures("failing_on_platelets")
def test_a_failing_reader_drops_no_trial_and_is_reported(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'eligo.db'}"
    imported = run("import", "--bundled", "--db", db)
    assert imported.exit_code == 0, imported.output
    store = open_store(db)
    try:
        stored = {trial.nct_id for trial in store.iter_trials()}
    finally:
        store.close()

    assert stored >= BUNDLED  # with the UK overlay's trials

    reparsed = run("criteria", "--reparse", "--db", db)
    assert reparsed.exit_code == 0, reparsed.output
    assert f"reparsed {len(stored)} trials" in reparsed.output
    assert "parse problem" in reparsed.output
    named = reparsed.output.split("(eligo criteria NCT_ID):", 1)[1]
    assert {nct for nct in BUNDLED if nct in named} == TROUBLED

    shown = run("criteria", "NCT01370330", "--db", db)
    assert shown.exit_code == 0, shown.output
    assert "! parse problem (kept as free text): ZeroDivisionError: float division by zero" in shown.output
    clean = run("criteria", "NCT03363373", "--db", db)
    assert clean.exit_code == 0 and "parse problem" not in clean.output
