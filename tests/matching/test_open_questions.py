"""The open questions name one idea each (issue #13 leftover, issue #15): a compound or conditional
criterion's parts are separate questions under their part ids, only the parts still open, and a follow-up
only once its condition holds."""

from __future__ import annotations

from datetime import date

from eligo.criteria.parse import ParsedCriteria, parse_trial
from eligo.matching.evaluate import evaluate
from eligo.patients.answers import Answers
from eligo.patients.load import profile_from_data
from eligo.trials.model import Eligibility, Trial

ON = date(2026, 12, 1)
TEXT = """Inclusion Criteria:
* Adequate organ function: serum creatinine <= 1.5 x ULN and total bilirubin <= 1.5 x ULN
Exclusion Criteria:
* Patients with known hepatitis B infection must have an undetectable viral load
"""


def _parsed() -> ParsedCriteria:
    return parse_trial(Trial(nct_id="NCT09999991", brief_title="Parts", eligibility=Eligibility(criteria=TEXT)))


def _asked(profile: dict[str, object], answers: dict[str, str] | None = None) -> dict[str, str]:
    evaluation = evaluate(_parsed(), profile_from_data(profile), ON, Answers.from_mapping(answers or {}))
    found = {question.id: question.question for question in evaluation.result().open_questions}
    assert evaluation.open_question_count == len(found)
    return found


def test_each_part_of_a_compound_criterion_is_its_own_question() -> None:
    asked = _asked({"age_years": 7})
    assert list(asked) == ["inc-1#1", "inc-1#2", "exc-1#1"]
    assert asked["inc-1#1"].startswith("Was your child's most recent creatinine")
    assert "bilirubin" not in asked["inc-1#1"] and "creatinine" not in asked["inc-1#2"]
    # The follow-up of a conditional waits for its condition.
    assert "hepatitis B" in asked["exc-1#1"] and "viral load" not in asked["exc-1#1"]
    # Every line keeps its criterion's own text.
    evaluation = evaluate(_parsed(), profile_from_data({"age_years": 7}), ON)
    texts = {question.id: question.text for question in evaluation.result().open_questions}
    assert texts["inc-1#1"] == texts["inc-1#2"] and "creatinine" in texts["inc-1#1"]


def test_only_the_parts_still_open_are_asked() -> None:
    creatinine = {"test": "creatinine", "value": 40, "unit": "umol/L", "upper_limit_normal": 60}
    asked = _asked({"age_years": 7, "labs": [creatinine]}, {"exc-1#1": "yes"})
    assert list(asked) == ["inc-1#2", "exc-1#2"]
    assert "bilirubin" in asked["inc-1#2"] and "viral load" in asked["exc-1#2"]
    # Answering a part closes it; "Not sure" keeps it open.
    assert list(_asked({"age_years": 7, "labs": [creatinine]}, {"exc-1#1": "no", "inc-1#2": "yes"})) == []
    assert list(_asked({"age_years": 7}, {"inc-1#1": "not_sure", "exc-1#1": "no"})) == ["inc-1#1", "inc-1#2"]
