"""The stable JSON shapes that the CLI's `--format json` and the web API both return.

Every shape here has a JSON Schema in docs/schemas/; tests validate real output against them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.explain.summary import Audience, SiteContact, clinic_words, disclaimer_for, summarise
from eligo.explain.verdicts import criterion_label, explain
from eligo.geo.units import rounded_pair
from eligo.matching.evaluate import Evaluation
from eligo.matching.match import Match
from eligo.matching.results import CriterionResult, TrialResult
from eligo.store import ImportSummary, SearchHit, SiteHit
from eligo.trials.model import Trial

if TYPE_CHECKING:  # the sync module brings httpx and rich: not loaded for match, check or criteria
    from eligo.trials.sync import SyncReport

JSON = dict[str, Any]


def site_payload(site: SiteHit | None) -> JSON | None:
    if site is None:
        return None
    return {
        "facility": site.facility,
        "city": site.city,
        "country": site.country,
        "status": site.status,
        "lat": site.lat,
        "lon": site.lon,
        **rounded_pair(site.distance_km),
    }


def trial_payload(trial: Trial) -> JSON:
    """`eligo show --format json`: the record users need, flat names first, then the rest."""
    record = trial.model_dump(mode="json")
    return {
        "nct_id": trial.nct_id,
        "title": trial.title,
        "official_title": trial.official_title,
        "acronym": trial.acronym,
        "overall_status": trial.overall_status,
        "phases": list(trial.phases),
        "study_type": trial.study_type,
        "conditions": list(trial.conditions),
        "sponsor": trial.sponsor,
        "minimum_age": trial.eligibility.minimum_age,
        "maximum_age": trial.eligibility.maximum_age,
        "sex": trial.eligibility.sex,
        "eligibility_criteria": trial.eligibility.criteria,
        "last_update_date": trial.last_update_date,
        "locations": [
            {
                "facility": site.facility,
                "city": site.city,
                "state": site.state,
                "country": site.country,
                "status": site.status,
                "lat": site.geo.lat if site.geo else None,
                "lon": site.geo.lon if site.geo else None,
            }
            for site in trial.locations
        ],
        "record": record,
    }


def search_payload(hits: Sequence[SearchHit]) -> JSON:
    return {
        "results": [
            {
                "nct_id": hit.nct_id,
                "title": hit.title,
                "overall_status": hit.overall_status,
                "phases": list(hit.phases),
                "score": round(hit.score, 4),
                "nearest_site": site_payload(hit.nearest_site),
                "sites_within": [site_payload(site) for site in hit.sites_within],
            }
            for hit in hits
        ]
    }


def _criterion_payload(node: ParsedCriterion) -> JSON:
    return {
        "id": node.id,
        "section": node.section,
        "kind": node.kind,
        "group_op": node.group_op,
        "min_count": node.min_count,
        "text": node.text,
        "start": node.start,
        "end": node.end,
        "notes": list(node.notes),
        "rule": None if node.rule is None else node.rule.model_dump(mode="json"),
        "partial": node.partial,
        "computable": node.computable,
        "question": node.question,
        "problem": node.problem,
        "children": [_criterion_payload(child) for child in node.children],
    }


def criteria_payload(parsed: ParsedCriteria) -> JSON:
    return {
        "nct_id": parsed.nct_id,
        "parser_version": parsed.parser_version,
        "criteria": [_criterion_payload(node) for node in parsed.criteria],
    }


def _result_payload(result: CriterionResult) -> JSON:
    return {
        "id": result.id,
        "section": result.section,
        "text": result.text,
        "verdict": result.verdict.value,
        "evidence": result.evidence,
        "rules_out": result.rules_out,
        "label": criterion_label(result),
        "set_aside": result.set_aside,
        "remedy": result.remedy,
        "clears_on": result.clears_on.isoformat() if result.clears_on else None,
        "source": result.source,
        "question": result.question,
        "missing": list(result.missing),
        "children": [_result_payload(child) for child in result.children],
    }


def _why(criterion_id: str, ruled_out_by: Sequence[str], temporary: Sequence[str]) -> str:
    if criterion_id in ruled_out_by:
        return "rules_out"
    return "temporary" if criterion_id in temporary else "open"


def deciding_payload(evaluation: Evaluation) -> list[JSON]:
    """The criteria that decide the verdict, with their text and how each decides."""
    texts = {node.id: (node.section, node.text) for node in (evaluation.plan.nodes[i] for i in evaluation.plan.top)}
    return [
        {
            "id": criterion_id,
            "section": texts[criterion_id][0],
            "text": texts[criterion_id][1],
            "why": _why(criterion_id, evaluation.ruled_out_by, evaluation.temporary),
        }
        for criterion_id in evaluation.deciding
    ]


def check_payload(result: TrialResult) -> JSON:
    told = explain(result)
    return {
        "nct_id": result.nct_id,
        "verdict": result.verdict.value,
        "headline": told.headline,
        "known": told.known,
        "evaluated_on": result.evaluated_on.isoformat(),
        "eligible_from": result.eligible_from.isoformat() if result.eligible_from else None,
        "ruled_out_by": list(result.ruled_out_by),
        "temporary": list(result.temporary),
        "deciding": [
            {
                "id": item.id,
                "section": item.section,
                "text": item.text,
                "why": _why(item.id, result.ruled_out_by, result.temporary),
            }
            for item in result.deciding_criteria()
        ],
        "counts": result.counts(),
        "criteria": [_result_payload(item) for item in result.criteria],
        "open_questions": [question.model_dump(mode="json") for question in result.open_questions],
        "disclaimer": DISCLAIMER,
    }


def match_payload(
    matches: Iterable[Match], sites: Mapping[str, SiteContact] | None = None, audience: Audience = "family"
) -> JSON:
    """The ranked list with everything the clinic summary prints (`eligo.explain.summary`): criterion
    text beside every id, open questions in full, the nearest site's contact when `sites` gives it,
    worded for `audience`."""
    results = []
    for item in summarise(matches, sites, audience):
        match = item.match
        evaluation = match.evaluation
        counts = evaluation.counts
        results.append(
            {
                "nct_id": match.hit.nct_id,
                "title": match.hit.title,
                "overall_status": match.hit.overall_status,
                "verdict": evaluation.verdict.value,
                "verdict_words": item.headline,
                "score": match.score,
                "checked": item.checked,
                "met": counts["met"],
                "not_met": counts["not_met"],
                "unknown": counts["unknown"],
                "not_applicable": counts["not_applicable"],
                **rounded_pair(match.distance_km),
                "nearest_site": site_payload(match.hit.nearest_site),
                "contact": item.site.as_json() if item.site else None,
                "ruled_out_by": list(evaluation.ruled_out_by),
                "temporary": list(evaluation.temporary),
                "eligible_from": evaluation.eligible_from.isoformat() if evaluation.eligible_from else None,
                "deciding": deciding_payload(evaluation),
                "looks_met": [line.as_json() for line in item.looks_met],
                "might_rule_out": [line.as_json() for line in item.might_rule_out],
                "waiting": [line.as_json() for line in item.waiting],
                "open_questions": [question.as_json() for question in item.open_questions],
                "open_question_count": len(item.open_questions),
            }
        )
    return {"results": results, "score": clinic_words().score, "disclaimer": disclaimer_for(audience, DISCLAIMER)}


def import_payload(summary: ImportSummary) -> JSON:
    return {
        "imported": summary.imported,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "skipped": summary.skipped,
        "failed": summary.failed,
        "problems": list(summary.problems),
        "warnings": list(summary.warnings),
    }


def sync_payload(report: SyncReport) -> JSON:
    return {
        "pages": report.pages,
        "studies": report.studies,
        "imported": report.imported,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
        "failed": report.failed,
        "problems": list(report.problems),
        "resumed_from": report.resumed_from,
        "since": report.since.isoformat() if report.since else None,
        "total_count": report.total_count,
        "completed": report.completed,
        "warnings": list(report.warnings),
        "record_warnings": list(report.record_warnings),
    }


DISCLAIMER = (
    "Eligo does not decide eligibility: the study team does. "
    "These results are a guide to discuss with your child's doctor."
)
