"""A window over a stem cell transplant named beside an organ transplant (issue #12): the organ transplant is no
therapy a washout can name, so the criterion is left to the family rather than read as the stem cell transplant
alone. The wording is NCT03424005's "Prior allogeneic stem cell or solid organ transplantation" with a window."""

from __future__ import annotations

from eligo.criteria.parse import parse_criteria


def _leaf(text: str):  # type: ignore[no-untyped-def]
    return parse_criteria(f"Exclusion Criteria:\n\n* {text}\n")[0]


def test_a_window_over_stem_cell_or_organ_transplant_drops_neither() -> None:
    node = _leaf("Prior allogeneic stem cell or solid organ transplantation within 5 years")
    assert node.rule is None
    assert "organ" in node.question


def test_a_window_over_a_stem_cell_transplant_alone_is_read() -> None:
    node = _leaf("Prior allogeneic stem cell transplantation within 5 years")
    assert node.rule is not None
    assert node.rule.kind == "washout"
    assert node.rule.exposure.transplant == "allogeneic"  # type: ignore[union-attr]
    assert node.rule.min_months == 60  # type: ignore[union-attr]


def test_without_a_window_both_transplants_are_read() -> None:
    node = _leaf("Prior allogeneic stem cell or solid organ transplantation")
    assert node.rule is not None
    assert node.rule.kind == "any_of"
