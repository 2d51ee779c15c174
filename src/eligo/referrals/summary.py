"""The pre-screener answers and Eligo's verdict a family may send with a referral, and their plain-text form."""

from __future__ import annotations

from collections.abc import Mapping

from eligo.explain.payloads import DISCLAIMER
from eligo.matching.results import TrialResult
from eligo.referrals.records import SharedAnswer, SharedSummary

ANSWER_WORDS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}


def shared_summary(result: TrialResult, answers: Mapping[str, str], verdict_words: str) -> SharedSummary:
    """Copy the answered criteria (in the trial's order, with their text) and the verdict as they are now."""
    given = []
    for top in result.criteria:
        for node in top.walk():
            # The criterion's own answer, then its parts' ("inc-13#1"), asked one idea each (issue #13).
            prefix = f"{node.id}#"
            parts = [k for k in answers if k.startswith(prefix) and k[len(prefix) :].isdigit()]
            keys = [node.id, *sorted(parts, key=lambda k: int(k[len(prefix) :]))]
            for key in keys:
                answer = answers.get(key)
                if answer in ANSWER_WORDS:
                    question = node.question if key == node.id else f"Part {key[len(prefix) :]} of: {node.question}"
                    given.append(
                        SharedAnswer(
                            criterion_id=key,
                            section=node.section,
                            criterion=node.text,
                            question=question,
                            answer=answer,
                        )
                    )
    return SharedSummary(
        verdict=result.verdict.value,
        verdict_words=verdict_words,
        evaluated_on=result.evaluated_on,
        answers=tuple(given),
        disclaimer=DISCLAIMER,
    )


def summary_text(summary: SharedSummary | None) -> str:
    """The block of the site's email that carries (or says there are no) shared answers."""
    if summary is None:
        return "They chose not to send their answers to Eligo's pre-screening questions."
    lines = [
        f"They chose to send their answers to Eligo's pre-screening questions "
        f"(as of {summary.evaluated_on.isoformat()}).",
        f"Eligo's summary: {summary.verdict_words}.",
    ]
    if not summary.answers:
        lines.append("They have not answered any of the questions yet.")
    for item in summary.answers:
        section = "Inclusion" if item.section == "inclusion" else "Exclusion"
        lines += ["", f"{section} criterion: {item.criterion}", f"  Their answer: {ANSWER_WORDS[item.answer]}"]
    lines += ["", "These are the family's own answers; nobody has checked them. " + summary.disclaimer]
    return "\n".join(lines)
