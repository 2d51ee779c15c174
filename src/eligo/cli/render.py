"""Plain-text renderings of results for people at a terminal (the JSON shapes are in explain)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.explain.payloads import DISCLAIMER
from eligo.explain.verdicts import criterion_label, explain
from eligo.matching.match import Match
from eligo.matching.results import CriterionResult, TrialResult
from eligo.store import ImportSummary, SearchHit
from eligo.trials.model import Trial

_MARK = {"met": "yes ", "not_met": "no  ", "unknown": "?   ", "not_applicable": "n/a "}


def import_summary(summary: ImportSummary) -> str:
    return (
        f"imported {summary.imported}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"skipped {summary.skipped} (older), failed {summary.failed}"
    )


def _site(hit: SearchHit) -> str:
    site = hit.nearest_site
    if site is None:
        return ""
    where = ", ".join(part for part in (site.facility, site.city, site.country) if part)
    distance = f" — {site.distance_km:,.0f} km" if site.distance_km is not None else ""
    return f"\n    nearest site: {where}{distance} ({(site.status or 'status unknown').lower()})"


def search_results(hits: Sequence[SearchHit]) -> str:
    if not hits:
        return "No trials found. Try fewer words or filters."
    lines = []
    for hit in hits:
        phases = "/".join(hit.phases) or "phase n/a"
        lines.append(f"{hit.nct_id}  {hit.title}\n    {hit.overall_status or 'status unknown'} · {phases}{_site(hit)}")
    return "\n".join(lines)


def trial(record: Trial) -> str:
    parts = [
        f"{record.nct_id}: {record.title}",
        f"Status: {record.overall_status or 'unknown'}   Phase: {'/'.join(record.phases) or 'n/a'}",
        f"Sponsor: {record.sponsor or 'unknown'}",
        f"Conditions: {', '.join(record.conditions) or 'not stated'}",
        f"Ages: {record.eligibility.minimum_age or 'no minimum'} to {record.eligibility.maximum_age or 'no maximum'}",
    ]
    if record.brief_summary:
        parts.append("\n" + textwrap.fill(record.brief_summary, 100))
    if record.locations:
        parts.append("\nSites:")
        for site in record.locations:
            where = ", ".join(p for p in (site.facility, site.city, site.country) if p)
            parts.append(f"  - {where} ({(site.status or 'status unknown').lower()})")
    return "\n".join(parts)


def _criterion_lines(node: ParsedCriterion, depth: int) -> list[str]:
    pad = "  " * depth
    kind = node.rule.kind if node.rule else ("group:" + (node.group_op or "all") if node.children else "free text")
    lines = [f"{pad}[{node.id}] ({kind}) {node.text}"]
    if node.question:
        lines.append(f"{pad}    Q: {node.question}")
    if node.problem:
        lines.append(f"{pad}    ! parse problem (kept as free text): {node.problem}")
    for child in node.children:
        lines.extend(_criterion_lines(child, depth + 1))
    return lines


def criteria(parsed: ParsedCriteria) -> str:
    lines = [f"{parsed.nct_id} (parser {parsed.parser_version})"]
    for node in parsed.criteria:
        lines.extend(_criterion_lines(node, 0))
    return "\n".join(lines)


def stats(data: dict[str, Any]) -> str:
    lines = [f"criteria: {data['criteria']}, computable: {data['computable']} ({data['share']:.1%})"]
    for kind, count in sorted(data.get("by_kind", {}).items(), key=lambda item: -item[1]):
        lines.append(f"  {kind}: {count}")
    if data.get("stale"):
        lines.append(f"stale: {data['stale']} trials parsed by an older parser (run eligo criteria --reparse)")
    return "\n".join(lines)


def _result_lines(result: CriterionResult, depth: int) -> list[str]:
    pad = "  " * depth
    flag = " ← rules the child out" if result.rules_out else ""
    if result.remedy is not None or result.set_aside is not None:
        flag = f" ← {criterion_label(result)}"
    lines = [f"{pad}{_MARK[result.verdict.value]}[{result.id}] {result.text}{flag}"]
    if result.evidence:
        lines.append(f"{pad}     {result.evidence}")
    for child in result.children:
        lines.extend(_result_lines(child, depth + 1))
    return lines


def check(result: TrialResult) -> str:
    told = explain(result)
    lines = [
        f"{result.nct_id}: {result.verdict.value.replace('_', ' ')} (on {result.evaluated_on})",
        f"{told.headline}. Checked so far: {told.known}.",
    ]
    if result.eligible_from:
        lines.append(f"eligible from: {result.eligible_from.isoformat()}")
    for reason in told.against:
        lines.append(f"rules out: [{reason.id}] {reason.text}")
    for reason in told.waiting:
        lines.append(f"not yet: [{reason.id}] {reason.label}")
    lines.append("")
    for item in result.criteria:
        lines.extend(_result_lines(item, 0))
    if result.open_questions:
        lines.append("\nQuestions to ask your child's doctor:")
        lines.extend(f"  - {question.question}" for question in result.open_questions)
    lines.append("\n" + DISCLAIMER)
    return "\n".join(lines)


def matches(found: Sequence[Match]) -> str:
    if not found:
        return "No candidate trials in the store for this profile."
    lines = []
    for item in found:
        counts = item.evaluation.counts
        distance = f", {item.distance_km:,.0f} km" if item.distance_km is not None else ""
        if item.evaluation.eligible_from is not None:
            distance += f", eligible from {item.evaluation.eligible_from.isoformat()}"
        lines.append(
            f"{item.evaluation.verdict.value:<18} {item.hit.nct_id}  {item.hit.title}\n"
            f"{'':19}{counts['met']} met, {counts['not_met']} against, {counts['unknown']} open{distance}"
        )
    lines.append("\n" + DISCLAIMER)
    return "\n".join(lines)


def sync_report(data: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in data.items() if not isinstance(value, dict | list))
