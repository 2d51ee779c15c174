"""How much of the real registry text in ../shared/data the schedule extractor reads, per arm and per source.

Run:  PYTHONPATH=src .venv/bin/python benchmarks/schedule_coverage.py [--data DIR] [--examples N]
Prints a markdown table and JSON: for every source (legacy CT.gov XML, TREC 2022 XML, API v2 JSON, and
the trials bundled with Eligo), the arms read and the share that get a cycle length, days within a
cycle, both, a route for at least one agent, a number of cycles or maximum duration, and unparsed
timing text; the share of trials with a follow-up length. Interventional trials' arms are counted
apart from all arms, since observational "arms" are groups that receive no treatment.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eligo.schedule import ArmSchedule, TrialSchedule, extract_schedule
from eligo.trials.bundled import bundled_paths
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
REGISTRY_SOURCES = ("ctgov-samples/legacy-xml", "ctgov-samples/trec2022-legacy-xml", "ctgov-samples/v2-json")
MEASURES = ("cycle_length", "days_per_cycle", "cycle_and_days", "route", "cycles_or_duration", "unparsed")


def trials_in(paths: list[Path]) -> Iterator[Trial]:
    seen: set[str] = set()
    for path in paths:
        for item in read_path(path):
            # The aact samples hold the same trial more than once (re-downloads); count each trial once.
            if isinstance(item, Trial) and item.nct_id not in seen:
                seen.add(item.nct_id)
                yield item


def arm_facts(arm: ArmSchedule) -> dict[str, bool]:
    days = any(agent.days or agent.every_day for agent in arm.agents)
    return {
        "cycle_length": arm.cycle_length_days is not None,
        "days_per_cycle": days,
        "cycle_and_days": days and arm.cycle_length_days is not None,
        "route": any(agent.route is not None for agent in arm.agents),
        "cycles_or_duration": arm.cycles is not None or arm.max_duration is not None,
        "unparsed": bool(arm.unparsed),
    }


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


_CYCLE_WORDS = re.compile(r"\b(?:cycles?|courses?)\b", re.IGNORECASE)


def mentions_cycles(trial: Trial) -> bool:
    """Whether the trial's arms, interventions or descriptions use the word cycle or course at all: the
    arms that could have a cycle length to read."""
    texts = [trial.brief_summary, trial.detailed_description]
    texts += [arm.description for arm in trial.arm_groups] + [i.description for i in trial.interventions]
    return any(_CYCLE_WORDS.search(text) for text in texts if text)


def summarise(pairs: list[tuple[Trial, TrialSchedule]]) -> dict[str, Any]:
    report: dict[str, Any] = {"trials": len(pairs)}
    cyclic = [arm for trial, schedule in pairs if mentions_cycles(trial) for arm in schedule.arms]
    read = sum(arm.cycle_length_days is not None for arm in cyclic)
    report["arms_of_trials_mentioning_cycles"] = {
        "arms": len(cyclic),
        "cycle_length": {"count": read, "percent": _share(read, len(cyclic))},
    }
    for scope, keep in (
        ("all_arms", lambda t: True),
        ("interventional_arms", lambda t: t.study_type == "INTERVENTIONAL"),
    ):
        facts = [arm_facts(arm) for trial, schedule in pairs if keep(trial) for arm in schedule.arms]
        counts = {measure: sum(fact[measure] for fact in facts) for measure in MEASURES}
        report[scope] = {
            "arms": len(facts),
            **{
                measure: {"count": counts[measure], "percent": _share(counts[measure], len(facts))}
                for measure in MEASURES
            },
        }
    follow = sum(schedule.follow_up is not None for _, schedule in pairs)
    report["follow_up_length"] = {"count": follow, "percent": _share(follow, len(pairs))}
    return report


def coverage(data: Path, examples: int) -> dict[str, Any]:
    sources: dict[str, list[Path]] = {name: [data / name] for name in REGISTRY_SOURCES}
    sources["bundled"] = bundled_paths()
    report: dict[str, Any] = {"per_source": {}}
    every: list[tuple[Trial, TrialSchedule]] = []
    samples: list[dict[str, Any]] = []
    for name, paths in sources.items():
        pairs = [(trial, extract_schedule(trial)) for trial in trials_in(paths)]
        report["per_source"][name] = summarise(pairs)
        if name != "bundled":
            every.extend(pairs)
        for trial, schedule in pairs:
            for arm in schedule.arms:
                if len(samples) < examples and arm.cycle_length_days and arm.agents:
                    samples.append({"nct_id": trial.nct_id, "arm": arm.label, "cycle": arm.cycle_length_days})
    report["overall_real_data"] = summarise(every)
    report["examples"] = samples
    return report


def table(report: dict[str, Any]) -> str:
    rows = [
        "| source | scope | arms | cycle length | days per cycle | both | a route "
        "| cycles or max. duration | unparsed text |"
    ]
    rows.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    named = [("overall (real data)", report["overall_real_data"]), *report["per_source"].items()]
    for name, data in named:
        for scope in ("all_arms", "interventional_arms"):
            part = data[scope]
            cells = " | ".join(f"{part[m]['count']} ({part[m]['percent']}%)" for m in MEASURES)
            rows.append(f"| {name} | {scope.replace('_', ' ')} | {part['arms']} | {cells} |")
    rows += [
        "",
        "| source | arms of trials whose text says cycle or course | with a cycle length "
        "| trials with a follow-up length |",
    ]
    rows.append("| --- | ---: | ---: | ---: |")
    for name, data in named:
        cyclic, follow = data["arms_of_trials_mentioning_cycles"], data["follow_up_length"]
        rows.append(
            f"| {name} | {cyclic['arms']} | {cyclic['cycle_length']['count']} ({cyclic['cycle_length']['percent']}%) "
            f"| {follow['count']} of {data['trials']} ({follow['percent']}%) |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--examples", type=int, default=0, help="list this many arms that got a cycle length")
    args = parser.parse_args()
    if not (args.data / "ctgov-samples").is_dir():
        sys.stderr.write(f"no ctgov-samples under {args.data}\n")
        return 2
    report = coverage(args.data, args.examples)
    sys.stdout.write(table(report) + "\n\n" + json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
