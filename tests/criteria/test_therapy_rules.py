"""Golden cases for therapy-history extraction, plus rule validation and JSON round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from eligo.rules._therapy import Exposure
from eligo.rules.base import CriterionContext
from eligo.rules.prior_therapy import PriorTherapyRule
from eligo.rules.registry import BY_NAME, RULE_ADAPTER
from eligo.rules.stored_stem_cells import StemCellRule
from eligo.rules.washout import WashoutRule, extract_therapy_rule

EXTRACTORS = tuple(step.extract for step in BY_NAME["washout"].steps)
GOLDEN: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "golden_rules" / "therapy.yaml").read_text())


@pytest.mark.parametrize("case", GOLDEN, ids=[c["text"][:60] for c in GOLDEN])
def test_golden_extraction(case: dict[str, Any]) -> None:
    ctx = CriterionContext(
        text=case["text"],
        section=case["section"],
        parent_text=case.get("parent_text"),
        cancer_trial=case.get("cancer_trial", False),
    )
    rule = extract_therapy_rule(ctx)
    if case["rule"] is None:
        assert rule is None
        return
    assert rule is not None
    assert rule.model_dump(mode="json", exclude_defaults=True) | {"kind": rule.kind} == case["rule"]
    assert RULE_ADAPTER.validate_json(RULE_ADAPTER.dump_json(rule)) == rule
    question = rule.question(case["section"])
    assert question.endswith("?") or question.endswith(".")


def test_golden_covers_seeds_and_variants() -> None:
    assert len(GOLDEN) >= 45
    assert sum(1 for c in GOLDEN if c["rule"] is not None) >= 40


def test_extractors_tuple_exposes_the_extractor() -> None:
    assert extract_therapy_rule in EXTRACTORS


def test_question_names_the_class_and_example() -> None:
    rule = extract_therapy_rule(
        CriterionContext(
            text="Monoclonal antibodies: At least 3 weeks must have elapsed since prior therapy "
            "that included a monoclonal antibody",
            section="inclusion",
        )
    )
    assert rule is not None
    assert rule.question("inclusion") == (
        "Has it been at least 3 weeks since your child's last monoclonal antibody treatment "
        "(for example dinutuximab, naxitamab)?"
    )


def _mab(**kw: Any) -> Exposure:
    return Exposure(therapy_classes=("monoclonal_antibody",), label="monoclonal antibody", **kw)


def test_washout_needs_exactly_one_window() -> None:
    with pytest.raises(ValidationError):
        WashoutRule(exposure=_mab())
    with pytest.raises(ValidationError):
        WashoutRule(exposure=_mab(), min_days=7, min_months=1)


def test_longer_for_must_be_longer_and_known() -> None:
    with pytest.raises(ValidationError):
        WashoutRule(exposure=_mab(), min_days=21, longer_for={"nitrosourea": 14})
    with pytest.raises(ValidationError):
        WashoutRule(exposure=_mab(), min_days=21, longer_for={"not_a_class": 42})


def test_exposure_rejects_unknown_class_and_agent() -> None:
    with pytest.raises(ValidationError):
        Exposure(therapy_classes=("monoclonals",), label="x")
    with pytest.raises(ValidationError):
        Exposure(agents=("notadrug",), label="x")
    with pytest.raises(ValidationError):
        Exposure(label="nothing")


def test_half_lives_only_for_drugs() -> None:
    with pytest.raises(ValidationError):
        WashoutRule(exposure=Exposure(radiation_fields=("small_port",), label="r"), min_days=14, half_lives=3)


def test_not_concomitant_needs_two_agents() -> None:
    with pytest.raises(ValidationError):
        PriorTherapyRule(exposure=Exposure(agents=("isotretinoin",), label="i"), condition="not_concomitant")


def test_rules_are_frozen() -> None:
    rule = StemCellRule(min_cd34_per_kg=1e6)
    with pytest.raises(ValidationError):
        rule.min_cd34_per_kg = 2e6  # type: ignore[misc]


def test_escaped_text_is_not_expected() -> None:
    # The splitter undoes "10\\^6"; the extractor reads the unescaped form.
    rule = extract_therapy_rule(
        CriterionContext(
            text="Stem cells: Patients must have an autologous hematopoietic stem cell product available. "
            "The minimum quantity is 2.0 x 10^6 CD34+ cells/kg",
            section="inclusion",
        )
    )
    assert isinstance(rule, StemCellRule)
    assert rule.min_cd34_per_kg == 2e6
