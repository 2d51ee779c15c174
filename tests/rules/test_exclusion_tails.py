"""An exclusion that ends by saying so ("... are not eligible", "... will not be entered on this study"), as the
paediatric cooperative-group protocols write their exclusions, is read from the words before it (issue #12)."""

from __future__ import annotations

import json

import pytest

from eligo.criteria.parse import parse_criteria


def _exclusion(text: str) -> tuple[dict[str, object] | None, tuple[str, ...]]:
    node = parse_criteria(f"Exclusion Criteria:\n\n* {text}\n")[0]
    rule = None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))
    return rule, tuple(node.unparsed)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Patients who have received prior 131I-MIBG therapy are not eligible", "prior_therapy"),
        ("Patients who have received a prior allogeneic stem cell transplant are not eligible", "prior_therapy"),
        ("Patients who are currently receiving another investigational drug are not eligible", "prior_therapy"),
        ("Pregnant or breast-feeding women will not be entered on this study", "pregnancy"),
        ("Patients with uncontrolled infection are not eligible", "condition"),
    ],
)
def test_the_words_before_the_tail_are_read_whole(text: str, kind: str) -> None:
    rule, unparsed = _exclusion(text)
    assert rule is not None and rule["kind"] == kind
    assert unparsed == ()


def test_the_tail_alone_or_a_qualified_radiation_gives_no_rule() -> None:
    assert _exclusion("Patients are not eligible")[0] is None
    # Radiation to "maximally tolerated levels" is not any radiation (NCT03867682).
    rule, _ = _exclusion("Have received prior radiation to maximally tolerated levels to any critical normal organ.")
    assert rule is None
