"""Write the engine's CURRENT verdicts into golden profile cases, for review.

Run:  .venv/bin/python tests/matching/regen_golden_profiles.py [CASE_NAME ...] [--check]
With no names, every case. `--check` only prints the differences. Then REVIEW
`git diff tests/matching/golden_profiles/` against the criteria text: an expected verdict is a
person's judgement, not a snapshot. Cases marked `known_engine_bug` are left alone (their
expectation is what the engine should say); fix them by hand once the bug is fixed.
"""

from __future__ import annotations

import json
import sys

from golden_profiles_support import CASES_DIR, case_paths, differences, load_case, observed


def main(argv: list[str]) -> int:
    check = "--check" in argv
    names = [arg for arg in argv if not arg.startswith("--")]
    paths = [CASES_DIR / f"{name}.json" for name in names] if names else case_paths()
    for path in paths:
        case = load_case(path)
        lines = differences(case)
        status = "known engine bug, kept" if case.get("known_engine_bug") else ("changed" if lines else "same")
        print(f"{path.stem}: {status}")
        for line in lines:
            print(f"    {line}")
        if check or not lines or case.get("known_engine_bug"):
            continue
        current = observed(case)
        expected = case["expected"]
        expected["verdict"] = current["verdict"]
        expected["ruled_out_by"] = current["ruled_out_by"]
        expected["criteria"] = current["criteria"]
        if "open_questions" in expected:
            expected["open_questions"] = current["open_questions"]
        path.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
