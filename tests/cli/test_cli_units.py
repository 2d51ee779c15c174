"""`eligo search --format json` carries distances in both units (issue #16)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from eligo.cli.main import app
from eligo.geo.units import KM_PER_MILE

runner = CliRunner()


def test_search_json_near_leeds_has_km_and_miles(database_url: str) -> None:
    assert runner.invoke(app, ["import", "--bundled", "--db", database_url]).exit_code == 0
    result = runner.invoke(
        app, ["search", "neuroblastoma", "--near", "Leeds", "--within", "400", "--db", database_url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    sites = [row["nearest_site"] for row in json.loads(result.stdout)["results"] if row["nearest_site"]]
    assert any(site["distance_km"] > 0 for site in sites)
    for site in sites:
        assert site["distance_miles"] == pytest.approx(site["distance_km"] / KM_PER_MILE, abs=0.1)
