"""How much of the real criteria text in ../shared/data the rules cover, overall and per source.

Run:  .venv/bin/python benchmarks/criteria_coverage.py [--data DIR]
Prints JSON: `eligo.criteria.stats.criteria_stats` for every source (legacy CT.gov XML, API v2
JSON, the 986 LCT criteria texts parsed directly, and the four seed trials bundled with Eligo) and overall.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria, parse_criteria, parse_trial
from eligo.criteria.stats import criteria_stats
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
SEEDS = ROOT / "src" / "eligo" / "trials" / "bundled"
SEED_IDS = ("NCT03363373", "NCT04751383", "NCT01711554", "NCT01370330")
REGISTRY_SOURCES = ("ctgov-samples/legacy-xml", "ctgov-samples/trec2022-legacy-xml", "ctgov-samples/v2-json")


def registry_parses(folder: Path) -> Iterator[ParsedCriteria]:
    seen: set[str] = set()
    for item in read_path(folder):
        # The aact samples hold the same trial more than once (re-downloads); count each trial once.
        if isinstance(item, Trial) and item.nct_id not in seen:
            seen.add(item.nct_id)
            yield parse_trial(item)


def lct_parses(folder: Path) -> Iterator[ParsedCriteria]:
    for path in sorted(folder.glob("NCT*.txt")):
        yield ParsedCriteria(nct_id=path.stem, criteria=parse_criteria(path.read_text("utf-8")))


def coverage(data: Path) -> dict[str, Any]:
    sources: dict[str, list[ParsedCriteria]] = {name: list(registry_parses(data / name)) for name in REGISTRY_SOURCES}
    sources["lct-criteria"] = list(lct_parses(data / "lct-criteria"))
    real = [parsed for parses in sources.values() for parsed in parses]
    overall = criteria_stats(real, PARSER_VERSION)
    report: dict[str, Any] = {"parser_version": PARSER_VERSION, "overall_real_data": overall}
    report["overall_real_data"]["trials"] = len(real)
    per_source: dict[str, Any] = {}
    for name, parses in sources.items():
        per_source[name] = {"trials": len(parses), **criteria_stats(parses, PARSER_VERSION)}
    seeds = [
        parse_trial(item)
        for nct_id in SEED_IDS
        for item in read_path(SEEDS / f"{nct_id}.json")
        if isinstance(item, Trial)
    ]
    per_source["seed-trials"] = {"trials": len(seeds), **criteria_stats(seeds, PARSER_VERSION)}
    report["per_source"] = per_source
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    print(json.dumps(coverage(args.data), indent=2))


if __name__ == "__main__":
    main()
