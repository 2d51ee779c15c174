"""Hostile JSON (issue #11, items 1-3 and 5): deep nesting, huge numbers and bad records cost only
themselves, are named, and never stop the file or the run. Every file is generated here and read in a
child process under a memory cap, so a regression fails the test instead of exhausting the machine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.confined import read_confined
from tests.support.studies import deep, study, study_bytes, with_raw_enrollment

MiB = 1024 * 1024


def summary(items: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    trials = [item["id"] for item in items if item["kind"] == "Trial"]
    problems = [item["text"] for item in items if item["kind"] == "ImportProblem"]
    return trials, problems


def test_40000_nested_arrays_cost_bounded_memory_and_only_their_file(tmp_path: Path) -> None:
    # 80 KB took 4 GB inside ijson, 212 KB was killed at 23 GB; both files sit between good ones.
    (tmp_path / "a.json").write_bytes(study_bytes(1))
    (tmp_path / "b.json").write_bytes(deep(40_000))
    (tmp_path / "c.json").write_bytes(b'{"studies": [' + deep(106_000) + b"]}")
    (tmp_path / "d.json").write_bytes(b'{"nextPageToken": ' + deep(106_000) + b', "studies": []}')
    (tmp_path / "e.json").write_bytes(study_bytes(5))
    trials, problems = summary(read_confined(tmp_path, memory_bytes=512 * MiB))
    assert trials == ["NCT00000001", "NCT00000005"]
    assert len(problems) == 3
    assert all("nested deeper than 64 levels" in problem for problem in problems)
    assert [problem.split(":")[0].rsplit("/", 1)[-1] for problem in problems] == ["b.json", "c.json", "d.json"]
    assert "record studies[0]" in problems[1]


def test_a_deep_study_in_a_page_is_named_and_its_neighbours_import(tmp_path: Path) -> None:
    page = b'{"studies": [' + study_bytes(1) + b", " + deep(50_000) + b", " + study_bytes(3) + b"]}"
    (tmp_path / "page.json").write_bytes(page)
    trials, problems = summary(read_confined(tmp_path / "page.json", memory_bytes=512 * MiB))
    assert trials == ["NCT00000001", "NCT00000003"]
    [problem] = problems
    assert "record studies[1]" in problem and "nested deeper than 64 levels" in problem


def test_a_study_nested_1000_levels_is_refused_and_the_good_files_beside_it_import(tmp_path: Path) -> None:
    # 4-10 KB raised RecursionError, which stopped the whole import: nothing of good, bad, good was kept.
    hostile = study(2)
    hostile["protocolSection"]["descriptionModule"]["briefSummary"] = "x"
    raw = json.dumps(hostile).encode().replace(b'"briefSummary": "x"', b'"briefSummary": ' + deep(1_000))
    (tmp_path / "1-good.json").write_bytes(study_bytes(1))
    (tmp_path / "2-bad.json").write_bytes(raw)
    (tmp_path / "3-good.json").write_bytes(study_bytes(3))
    trials, problems = summary(read_confined(tmp_path))
    assert trials == ["NCT00000001", "NCT00000003"]
    [problem] = problems
    assert "2-bad.json" in problem and "nested deeper than 64 levels" in problem


def test_a_deep_json_lines_line_is_named_by_its_line_and_the_others_import(tmp_path: Path) -> None:
    lines = [study_bytes(1), b'{"protocolSection": ' + deep(1_000) + b"}", study_bytes(3)]
    (tmp_path / "studies.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    trials, problems = summary(read_confined(tmp_path / "studies.jsonl"))
    assert trials == ["NCT00000001", "NCT00000003"]
    [problem] = problems
    assert "record line 2" in problem and "nested deeper than 64 levels" in problem


def test_a_5000_digit_number_is_refused_in_every_layout(tmp_path: Path) -> None:
    # In an array or page the C backend died with a segmentation fault; in JSON Lines, a ValueError traceback.
    huge = b"9" * 5_000
    (tmp_path / "1-page.json").write_bytes(
        b'{"studies": [' + study_bytes(1) + b", " + with_raw_enrollment(2, huge) + b", " + study_bytes(3) + b"]}"
    )
    (tmp_path / "2-lines.jsonl").write_bytes(
        b"\n".join([study_bytes(4), with_raw_enrollment(5, huge), study_bytes(6)]) + b"\n"
    )
    (tmp_path / "3-study.json").write_bytes(with_raw_enrollment(7, huge))
    (tmp_path / "4-float.json").write_bytes(with_raw_enrollment(8, b"1" + huge + b".5e3"))
    (tmp_path / "5-good.json").write_bytes(study_bytes(9))
    trials, problems = summary(read_confined(tmp_path, memory_bytes=512 * MiB))
    assert trials == ["NCT00000001", "NCT00000003", "NCT00000004", "NCT00000006", "NCT00000009"]
    assert len(problems) == 4
    assert all("a number longer than 40 digits" in problem for problem in problems)
    assert "record studies[1]" in problems[0]
    assert "record line 2" in problems[1]


def test_a_bad_record_inside_an_array_is_named_and_every_later_study_imports(tmp_path: Path) -> None:
    # Bad UTF-8 or a 20-digit integer in study 2 used to drop studies 2..n of the file without a name.
    bad_utf8 = study_bytes(2).replace(b"Neuroblastoma", b"Neuroblast\xff\xfema", 1)
    twenty_digits = with_raw_enrollment(12, b"12345678901234567890")
    (tmp_path / "utf8.json").write_bytes(b"[" + b", ".join([study_bytes(1), bad_utf8, study_bytes(3)]) + b"]")
    (tmp_path / "int.json").write_bytes(
        b"[" + b", ".join([study_bytes(11), twenty_digits, study_bytes(13), b"{", study_bytes(14)]) + b"]"
    )
    trials, problems = summary(read_confined(tmp_path))
    assert trials == ["NCT00000011", "NCT00000013", "NCT00000001", "NCT00000003"]
    assert len(problems) == 3
    int_problem, broken, utf8_problem = problems
    assert "record NCT00000012" in int_problem and "enrollmentInfo.count" in int_problem
    # A study whose brackets do not balance takes the rest of the array with it; the problem says how many came first.
    assert "int.json" in broken and "after 3 record(s)" in broken
    assert "record item[1] (NCT00000002)" in utf8_problem and "not UTF-8" in utf8_problem
