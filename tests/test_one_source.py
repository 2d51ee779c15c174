"""Each shared fact is written once in src/eligo (issue #10): the open statuses, the comparators, the radiation
fields and the disease sites. Anything else that needs one imports it, so the copies cannot drift apart."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from eligo.patients.profile import DiseaseSites
from eligo.terms import (
    COMPARATORS,
    DISEASE_SITES,
    RADIATION_FIELDS,
    Comparator,
    DiseaseSite,
    RadiationField,
)
from eligo.trials.statuses import OPEN_STATUSES

SRC = Path(__file__).resolve().parents[1] / "src" / "eligo"

FACTS = {
    "open statuses": frozenset(OPEN_STATUSES),
    "comparators": frozenset(COMPARATORS),
    "radiation fields": frozenset(RADIATION_FIELDS),
    "disease sites": frozenset(DISEASE_SITES),
}


def _string_collections(tree: ast.AST) -> list[tuple[frozenset[str], int]]:
    """Every tuple, list or set literal (and Literal[...] subscript) made only of strings, with its line."""
    found = []
    for node in ast.walk(tree):
        elements: list[ast.expr] | None = None
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            elements = list(node.elts)
        strings = [e.value for e in elements or () if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if elements and len(elements) > 1 and len(strings) == len(elements):
            found.append((frozenset(strings), node.lineno))
    return found


def _where_written() -> dict[str, list[str]]:
    written: dict[str, list[str]] = {name: [] for name in FACTS}
    for path in sorted(SRC.rglob("*.py")):
        for values, line in _string_collections(ast.parse(path.read_text(encoding="utf-8"))):
            for name, fact in FACTS.items():
                if values == fact:
                    written[name].append(f"{path.relative_to(SRC)}:{line}")
    return written


@pytest.mark.parametrize("name", sorted(FACTS))
def test_each_fact_is_written_once(name: str) -> None:
    places = _where_written()[name]
    assert len(places) == 1, f"{name} written {len(places)} times: {places}"


def test_the_tuples_are_the_literals() -> None:
    assert get_args(Comparator) == COMPARATORS
    assert get_args(RadiationField) == RADIATION_FIELDS
    assert get_args(DiseaseSite) == DISEASE_SITES
    # Each disease site is also a yes / no / unknown flag of the profile.
    assert set(DISEASE_SITES) <= set(DiseaseSites.model_fields)


def _calls_to(name: str) -> list[str]:
    """Every place in src/eligo that calls a function named `name` (`geocode(...)`, `x.geocode(...)`)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if called == name:
                    found.append(str(path.relative_to(SRC)))
    return found


def test_a_search_place_is_resolved_in_one_place() -> None:
    """Turning a place into the point a search starts from is `patients.origin`'s; the other geocoders
    look up a trial site's city (the import pipeline's finisher), a country for units (the visitor) or warm
    the gazetteer."""
    assert sorted(set(_calls_to("geocode"))) == ["finish.py", "patients/origin.py", "web/app.py", "web/visitor.py"]


def test_registry_ages_are_parsed_in_one_place() -> None:
    """"21 Years" becomes months only in `trials.ages`; the store and the age rule call it."""
    assert sorted(set(_calls_to("registry_age_limits"))) == [
        "rules/age.py",
        "store/migrations/versions/0006_age_limits.py",
        "trials/model.py",
    ]
    unit_words = [
        f"{path.relative_to(SRC)}"
        for path in sorted(SRC.rglob("*.py"))
        if "(year|month|week|day" in path.read_text(encoding="utf-8")
    ]
    assert unit_words == ["trials/ages.py"]
