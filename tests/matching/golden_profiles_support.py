"""Golden evaluation cases: a profile against a seed trial, with the verdicts a person expects.

Each case is one JSON file in golden_profiles/. `expected.criteria` lists every leaf criterion
(as `eligo.criteria.stats.leaf_criteria` counts them) with its verdict; `expected.verdict` and
`expected.ruled_out_by` are the trial's; `expected.open_questions`, when present, the ids of the
questions still open; `expected.temporary` and `expected.eligible_from`, when present, the criteria
against the child today that waiting or a transfusion clears and the day every wait is over (issue
#13); `expected.wording`, when present, phrases the explanation (`eligo.explain.verdicts`: headline,
what is known, the reasons against and the temporary barriers) must say, `expected.not_wording`
phrases it must not, and `expected.labels` the words beside given criteria (a group's heading words
for an any-of group). A case whose expectation the engine does not meet yet, because the
engine is wrong, says why in `known_engine_bug` (its test is a strict xfail).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from eligo.criteria.parse import ParsedCriteria, parse_trial
from eligo.criteria.stats import leaf_criteria
from eligo.explain.verdicts import criterion_label, explain, group_label
from eligo.matching.evaluate import evaluate_trial
from eligo.matching.results import TrialResult
from eligo.patients.answers import Answers
from eligo.patients.load import profile_from_data
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

CASES_DIR = Path(__file__).resolve().parent / "golden_profiles"
BUNDLED = Path(__file__).resolve().parents[2] / "src" / "eligo" / "trials" / "bundled"


def case_paths() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return case


@cache
def parsed_trial(nct_id: str) -> ParsedCriteria:
    trials = [item for item in read_path(BUNDLED / f"{nct_id}.json") if isinstance(item, Trial)]
    if len(trials) != 1:
        raise ValueError(f"expected one trial in the bundled {nct_id}.json, read {len(trials)}")
    return parse_trial(trials[0])


def evaluate_case(case: dict[str, Any]) -> TrialResult:
    profile = profile_from_data(case["profile"])
    answers = Answers.from_mapping(case.get("answers", {}))
    return evaluate_trial(parsed_trial(case["trial"]), profile, date.fromisoformat(case["on"]), answers)


def observed(case: dict[str, Any]) -> dict[str, Any]:
    """What the engine says today, in the shape of a case's `expected`."""
    result = evaluate_case(case)
    verdicts = {node.id: node.verdict.value for root in result.criteria for node in root.walk()}
    leaves = [node.id for node in leaf_criteria(parsed_trial(case["trial"]).criteria)]
    return {
        "verdict": result.verdict.value,
        "ruled_out_by": list(result.ruled_out_by),
        "open_questions": [question.id for question in result.open_questions],
        "temporary": list(result.temporary),
        "eligible_from": result.eligible_from.isoformat() if result.eligible_from else None,
        "criteria": {leaf: verdicts[leaf] for leaf in leaves},
    }


def evidence(case: dict[str, Any]) -> dict[str, str]:
    result = evaluate_case(case)
    return {node.id: node.evidence for root in result.criteria for node in root.walk()}


def explanation_text(case: dict[str, Any]) -> str:
    """Everything the explanation says, one line per part, as a family reads it."""
    told = explain(evaluate_case(case))
    lines = [told.headline, told.known]
    lines += [f"{reason.label} {reason.text} {reason.evidence}" for reason in (*told.against, *told.waiting)]
    return "\n".join(lines)


def labels(case: dict[str, Any]) -> dict[str, str]:
    result = evaluate_case(case)
    found = {}
    for root in result.criteria:
        for node in root.walk():
            is_options = node.children and node.id in case["expected"].get("any_groups", ())
            found[node.id] = group_label(node) if is_options else criterion_label(node)
    return found


def wording_differences(case: dict[str, Any]) -> list[str]:
    expected = case["expected"]
    lines: list[str] = []
    if not ({"wording", "not_wording", "labels"} & expected.keys()):
        return lines
    text = explanation_text(case)
    lines += [
        f"wording: missing {phrase!r} in:\n{text}" for phrase in expected.get("wording", ()) if phrase not in text
    ]
    lines += [
        f"wording: should not say {phrase!r} in:\n{text}"
        for phrase in expected.get("not_wording", ())
        if phrase in text
    ]
    said = labels(case)
    for criterion, label in expected.get("labels", {}).items():
        if said.get(criterion) != label:
            lines.append(f"label of {criterion}: expected {label!r}, got {said.get(criterion)!r}")
    return lines


def differences(case: dict[str, Any]) -> list[str]:
    """Readable lines, one per disagreement between the case's expectation and the engine."""
    expected = case["expected"]
    actual = observed(case)
    why = evidence(case)
    lines: list[str] = []
    if expected["verdict"] != actual["verdict"]:
        lines.append(f"trial verdict: expected {expected['verdict']}, got {actual['verdict']}")
    if sorted(expected["ruled_out_by"]) != sorted(actual["ruled_out_by"]):
        lines.append(f"ruled_out_by: expected {sorted(expected['ruled_out_by'])}, got {sorted(actual['ruled_out_by'])}")
    if "open_questions" in expected and sorted(expected["open_questions"]) != sorted(actual["open_questions"]):
        lines.append(
            f"open_questions: expected {sorted(expected['open_questions'])}, got {sorted(actual['open_questions'])}"
        )
    for key in ("temporary", "eligible_from"):
        if key in expected and expected[key] != actual[key]:
            lines.append(f"{key}: expected {expected[key]}, got {actual[key]}")
    wanted: dict[str, str] = expected["criteria"]
    got: dict[str, str] = actual["criteria"]
    for criterion in sorted(wanted.keys() - got.keys()):
        lines.append(f"{criterion}: in the case but not a leaf criterion of {case['trial']} any more")
    for criterion in sorted(got.keys() - wanted.keys()):
        lines.append(f"{criterion}: a leaf criterion the case does not list (engine: {got[criterion]})")
    for criterion in sorted(wanted.keys() & got.keys()):
        if wanted[criterion] != got[criterion]:
            lines.append(f"{criterion}: expected {wanted[criterion]}, got {got[criterion]} -- {why.get(criterion, '')}")
    return lines + wording_differences(case)
