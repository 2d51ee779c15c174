"""Rule quality on the real criteria text in ../shared/data: coverage by kind, and precision on a hand-reviewed sample.

Run:  .venv/bin/python benchmarks/criteria_quality.py [--data DIR]   (prints JSON)
      .venv/bin/python benchmarks/criteria_quality.py --draw 300   (adds unreviewed rows to the sample)

Coverage: every leaf criterion (see `eligo.criteria.stats`) of the 141 registry records
(ctgov-samples, duplicates counted once) and the 986 LCT texts; *covered* = a computable rule
covering the whole text (partial rules and attestations are not counted). By kind: the kind of
the leaf's top-level rule (`all_of` / `any_of` / `conditional` named as such).

Precision: `review/rules_sample.yaml` holds rules drawn at random (fixed seed) from the LCT
texts' leaves that have any rule (computable, partial or attestation), each reviewed by a person
reading the criterion text against the rule: right (the rule says what the whole criterion
says, in the right section), partly (part dropped, the rest right), wrong (says something else,
wrong direction or wrong section). A partial rule (`unparsed` lists the parts it leaves to the
family) is right when what it computes is right and every part it does not compute is in
`unparsed`. Rows are matched to today's parse by NCT id + criterion text; a row whose rule,
section or unparsed parts changed since review is listed as needing re-review and left out of
the precision figures; a row whose criterion has no rule any more is counted in
`no_longer_a_rule` (by its old verdict). Precision = right / reviewed; `right_or_partly` adds partly.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml
from criteria_coverage import DEFAULT_DATA, REGISTRY_SOURCES, lct_parses, registry_parses

from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria, ParsedCriterion
from eligo.criteria.stats import bucket, leaf_criteria

ROOT = Path(__file__).resolve().parent
SAMPLE = ROOT / "review" / "rules_sample.yaml"
SEED = 20261202
VERDICTS = ("right", "partly", "wrong")


def rule_json(node: ParsedCriterion) -> str:
    return "" if node.rule is None else node.rule.model_dump_json(exclude_none=True)


def top_kind(node: ParsedCriterion) -> str:
    return "" if node.rule is None else node.rule.kind


def coverage(sources: dict[str, list[ParsedCriteria]]) -> dict[str, Any]:
    buckets: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    partial_by_kind: Counter[str] = Counter()
    per_source: dict[str, Any] = {}
    for name, parses in sources.items():
        local: Counter[str] = Counter()
        for trial in parses:
            for node in leaf_criteria(trial.criteria):
                outcome = bucket(node)
                local[outcome] += 1
                if outcome == "computable":
                    by_kind[top_kind(node)] += 1
                elif outcome == "partial":
                    partial_by_kind[top_kind(node)] += 1
        total = sum(local.values())
        per_source[name] = {
            "trials": len(parses),
            "leaves": total,
            **dict(local),
            "coverage": round(local["computable"] / total, 3),
        }
        buckets.update(local)
    leaves = sum(buckets.values())
    return {
        "leaves": leaves,
        **dict(buckets),
        "coverage": round(buckets["computable"] / leaves, 3),
        # The same with attestations (consent, willingness, ability) left out of the denominator too.
        "coverage_without_attestations": round(buckets["computable"] / (leaves - buckets["attestation"]), 3),
        "by_kind": {
            kind: {"computable": count, "share_of_leaves": round(count / leaves, 4)}
            for kind, count in by_kind.most_common()
        },
        "partial_by_kind": dict(partial_by_kind.most_common()),
        "per_source": per_source,
    }


def ruled_leaves(parses: list[ParsedCriteria]) -> dict[tuple[str, str], ParsedCriterion]:
    """(NCT id, criterion text) -> leaf with a rule; a text repeated within one trial keeps its first leaf."""
    found: dict[tuple[str, str], ParsedCriterion] = {}
    for trial in parses:
        for node in leaf_criteria(trial.criteria):
            if node.rule is not None:
                found.setdefault((trial.nct_id, node.text), node)
    return found


def load_sample(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows: list[dict[str, Any]] = yaml.safe_load(path.read_text("utf-8"))["rules"]
    for row in rows:
        if row.get("verdict") not in (*VERDICTS, None):
            raise SystemExit(f"{path}: {row['nct_id']}: verdict must be one of {VERDICTS}, not {row['verdict']!r}")
    return rows


def draw(path: Path, lct: list[ParsedCriteria], count: int) -> None:
    """Add `count` unreviewed rows drawn at random (fixed seed) from rules not yet in the sample."""
    rows = load_sample(path)
    have = {(row["nct_id"], row["text"]) for row in rows}
    candidates = sorted(key for key in ruled_leaves(lct) if key not in have)
    leaves = ruled_leaves(lct)
    for key in random.Random(SEED + len(rows)).sample(candidates, count):
        node = leaves[key]
        rows.append(
            {
                "nct_id": key[0],
                "text": key[1],
                "section": node.section,
                "section_source": node.section_source,
                "bucket": bucket(node),
                "kind": top_kind(node),
                "rule": rule_json(node),
                "unparsed": list(node.unparsed),
                "verdict": None,
                "reason": "",
            }
        )
    header = (
        "# Hand-reviewed rules drawn at random (benchmarks/criteria_quality.py --draw, fixed seed) from the LCT\n"
        "# criteria texts (../shared/data/lct-criteria). verdict: right | partly | wrong; reason says why.\n"
        "# A row whose rule or section the parser now gives differently is reported for re-review.\n"
    )
    body = yaml.safe_dump(
        {"parser_version": PARSER_VERSION, "rules": rows}, sort_keys=False, allow_unicode=True, width=120
    )
    path.write_text(header + body, "utf-8")


def precision(rows: list[dict[str, Any]], lct: list[ParsedCriteria]) -> dict[str, Any]:
    leaves = ruled_leaves(lct)
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: Counter[str] = Counter()
    changed: list[dict[str, Any]] = []
    dropped: Counter[str] = Counter()
    unreviewed = 0
    for row in rows:
        if row.get("verdict") is None:
            unreviewed += 1
            continue
        node = leaves.get((row["nct_id"], row["text"]))
        now = "" if node is None else rule_json(node)
        if node is None:
            # The parser no longer gives this criterion a rule (a precision check dropped it): it is
            # free text now, asked in its own words, and no longer a rule to judge.
            dropped[row["verdict"]] += 1
            continue
        if now != row["rule"] or node.section != row["section"] or node.unparsed != tuple(row.get("unparsed", ())):
            changed.append(
                {
                    "nct_id": row["nct_id"],
                    "text": row["text"][:100],
                    "was": row["rule"],
                    "now": now,
                    "unparsed": list(node.unparsed),
                }
            )
            continue
        tally["overall"][row["verdict"]] += 1
        if row["bucket"] != "attestation":
            tally["computable_rules"][row["verdict"]] += 1
        tally[row["kind"]][row["verdict"]] += 1
        if row["verdict"] != "right":
            reasons[f"{row['verdict']}: {row['reason'].split('(')[0].strip()}"] += 1

    def figures(counts: Counter[str]) -> dict[str, Any]:
        total = sum(counts.values())
        return {
            "reviewed": total,
            **{verdict: counts[verdict] for verdict in VERDICTS},
            "precision": round(counts["right"] / total, 3) if total else None,
            "right_or_partly": round((counts["right"] + counts["partly"]) / total, 3) if total else None,
        }

    return {
        "rows": len(rows),
        "unreviewed": unreviewed,
        "changed_since_review": len(changed),
        # Reviewed rows whose criterion has no rule any more, by their old verdict.
        "no_longer_a_rule": dict(dropped),
        "overall": figures(tally.pop("overall", Counter())),
        # Attestations are never decisive without an answer; the computable rules are the ones that decide.
        "computable_rules": figures(tally.pop("computable_rules", Counter())),
        "by_kind": {
            kind: figures(counts) for kind, counts in sorted(tally.items(), key=lambda kv: -sum(kv[1].values()))
        },
        "error_types": dict(reasons.most_common()),
        "to_re_review": changed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--draw", type=int, default=0, help="add this many unreviewed rows to the sample")
    args = parser.parse_args()
    lct = list(lct_parses(args.data / "lct-criteria"))
    if args.draw:
        draw(args.sample, lct, args.draw)
        return
    sources = {name: list(registry_parses(args.data / name)) for name in REGISTRY_SOURCES}
    sources["lct-criteria"] = lct
    report = {
        "parser_version": PARSER_VERSION,
        "coverage": coverage(sources),
        "precision": precision(load_sample(args.sample), lct),
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
