"""Format detection and streaming reads of registry files, directories and bulk zips, on the samples in tests/data."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from tests.support.data import LEGACY_XML, SAMPLE_COUNTS, TREC_XML, V2_JSON, data_dir

from eligo.trials.model import ImportProblem, SourceFormat, Trial
from eligo.trials.readers import read_path

V2 = data_dir(V2_JSON)
LEGACY = data_dir(LEGACY_XML)
TREC = data_dir(TREC_XML)
V2_STUDIES = ["NCT00763412.json", "NCT02210780.json", "NCT05594173.json", "NCT06171568.json"]


def split(results: list[Trial | ImportProblem]) -> tuple[list[Trial], list[ImportProblem]]:
    trials = [item for item in results if isinstance(item, Trial)]
    problems = [item for item in results if isinstance(item, ImportProblem)]
    assert len(trials) + len(problems) == len(results)
    return trials, problems


def study(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((V2 / name).read_text(encoding="utf-8"))
    return document


def test_every_sample_file_reads_without_problems() -> None:
    for folder, count in ((V2, 16), (LEGACY, 15), (TREC, 11)):
        assert SAMPLE_COUNTS[folder] == count
        trials, problems = split(list(read_path(folder)))
        assert problems == []
        assert len(trials) == count
    trial = next(item for item in read_path(V2 / "NCT04780763.json") if isinstance(item, Trial))
    assert trial.provenance is not None and trial.provenance.source_format is SourceFormat.CTGOV_V1_JSON


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "one.xml").write_bytes((TREC / "NCT00055081.xml").read_bytes())
    (tmp_path / "a" / "two.json").write_bytes((V2 / "NCT05594173.json").read_bytes())
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01junk")
    trials, problems = split(list(read_path(tmp_path)))
    assert problems == []
    assert [trial.nct_id for trial in trials] == ["NCT05594173", "NCT00055081"]
    assert trials[1].provenance is not None
    assert trials[1].provenance.source_file == str(tmp_path / "b" / "one.xml")


def test_api_page_is_streamed(tmp_path: Path) -> None:
    page = {"studies": [study(name) for name in V2_STUDIES], "nextPageToken": "abc"}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    trials, problems = split(list(read_path(path)))
    assert problems == []
    assert [trial.nct_id for trial in trials] == [name.removesuffix(".json") for name in V2_STUDIES]
    assert trials[0].provenance is not None and trials[0].provenance.source_format is SourceFormat.CTGOV_V2
    # The streamed page gives the same trials as the single files (bar where they came from).
    single = next(item for item in read_path(V2 / V2_STUDIES[1]) if isinstance(item, Trial))
    assert trials[1].model_copy(update={"provenance": None}) == single.model_copy(update={"provenance": None})


def test_page_with_a_bad_record_keeps_the_rest(tmp_path: Path) -> None:
    bad = study("NCT05594173.json")
    del bad["protocolSection"]["identificationModule"]["nctId"]
    page = {"nextPageToken": None, "studies": [study("NCT00763412.json"), bad, study("NCT06171568.json")]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, indent=2), encoding="utf-8")
    trials, problems = split(list(read_path(path)))
    assert [trial.nct_id for trial in trials] == ["NCT00763412", "NCT06171568"]
    [problem] = problems
    assert (problem.file, problem.record) == (str(path), "studies[1]")
    assert problem.field == "protocolSection.identificationModule.nctId"


def test_json_lines_name_the_line_of_each_problem(tmp_path: Path) -> None:
    wrong = study("NCT05594173.json")
    wrong["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "many"
    lines = [
        json.dumps(study("NCT00763412.json")),
        "",
        json.dumps(wrong),
        '{"protocolSection": {"identificationModule": ',
        json.dumps(study("NCT06171568.json")),
    ]
    path = tmp_path / "studies.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    trials, problems = split(list(read_path(path)))
    assert [trial.nct_id for trial in trials] == ["NCT00763412", "NCT06171568"]
    assert trials[1].provenance is not None and trials[1].provenance.source_member == "line 5"
    assert [problem.record for problem in problems] == ["line 3", "line 4"]
    assert problems[0].field == "protocolSection.designModule.enrollmentInfo.count"
    assert "NCT05594173" in problems[0].message
    assert "invalid JSON" in problems[1].message


def test_bulk_zip_with_junk_members(tmp_path: Path) -> None:
    path = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ctg-studies/", "")  # a directory entry
        for name in V2_STUDIES[:2]:
            archive.write(V2 / name, f"ctg-studies/{name}")
        archive.writestr("ctg-studies/blob.bin", bytes(range(256)) * 8)
        archive.writestr("ctg-studies/NCT99999999.json", (V2 / "NCT05594173.json").read_bytes()[:500])
        archive.write(TREC / "NCT00055081.xml", "legacy/NCT00055081.xml")
        archive.write(V2 / V2_STUDIES[2], f"ctg-studies/{V2_STUDIES[2]}")
    trials, problems = split(list(read_path(path)))
    assert [trial.nct_id for trial in trials] == ["NCT00763412", "NCT02210780", "NCT00055081", "NCT05594173"]
    provenance = trials[0].provenance
    assert provenance is not None
    assert (provenance.source_file, provenance.source_member) == (str(path), "ctg-studies/NCT00763412.json")
    assert trials[2].provenance is not None
    assert trials[2].provenance.source_format is SourceFormat.CTGOV_LEGACY_XML
    assert [problem.record for problem in problems] == ["ctg-studies/blob.bin", "ctg-studies/NCT99999999.json"]
    assert all(problem.file == str(path) for problem in problems)
    assert "truncated" in problems[1].message


def test_truncated_zip_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "bulk.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(V2 / "NCT05594173.json", "NCT05594173.json")
    path.write_bytes(path.read_bytes()[:300])
    results = list(read_path(path))
    assert len(results) == 1
    assert isinstance(results[0], ImportProblem)
    assert results[0].file == str(path)


def test_truncated_single_study(tmp_path: Path) -> None:
    path = tmp_path / "NCT05594173.json"
    path.write_bytes((V2 / "NCT05594173.json").read_bytes()[:-200])
    [problem] = list(read_path(path))
    assert isinstance(problem, ImportProblem)
    assert problem.file == str(path)
    assert "truncated or invalid JSON" in problem.message


def test_truncated_page_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    text = json.dumps({"studies": [study(name) for name in V2_STUDIES]})
    cut = text.index('"NCT05594173"') + 2000
    path = tmp_path / "page.json"
    path.write_text(text[:cut], encoding="utf-8")
    trials, problems = split(list(read_path(path)))
    assert [trial.nct_id for trial in trials] == ["NCT00763412", "NCT02210780"]
    [problem] = problems
    assert problem.file == str(path)
    assert "after 2 complete record(s)" in problem.message


def test_truncated_xml_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    bodies = []
    for name in ("NCT00055081.xml", "NCT00055354.xml", "NCT00055497.xml"):
        text = (TREC / name).read_text(encoding="utf-8")
        bodies.append(text[text.index("<clinical_study>") :])
    whole = "<?xml version='1.0' encoding='UTF-8'?>\n<studies>\n" + "\n".join(bodies) + "\n</studies>\n"
    wrapper = tmp_path / "many.xml"
    wrapper.write_text(whole, encoding="utf-8")
    trials, problems = split(list(read_path(wrapper)))
    assert problems == []
    assert [trial.nct_id for trial in trials] == ["NCT00055081", "NCT00055354", "NCT00055497"]

    cut = tmp_path / "cut.xml"
    cut.write_text(whole[: whole.index("NCT00055497") + 500], encoding="utf-8")
    trials, problems = split(list(read_path(cut)))
    assert [trial.nct_id for trial in trials] == ["NCT00055081", "NCT00055354"]
    [problem] = problems
    assert problem.file == str(cut)
    assert "after 2 complete record(s)" in problem.message


def test_single_xml_without_clinical_study(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<rss><channel/></rss>", encoding="utf-8")
    [problem] = list(read_path(path))
    assert isinstance(problem, ImportProblem)
    assert "clinical_study" in problem.message


def test_empty_and_blank_files(tmp_path: Path) -> None:
    for content in (b"", b"  \n\t\n"):
        path = tmp_path / "empty.json"
        path.write_bytes(content)
        [problem] = list(read_path(path))
        assert isinstance(problem, ImportProblem)
        assert (problem.file, problem.message) == (str(path), "empty file")


def test_format_comes_from_content_not_extension(tmp_path: Path) -> None:
    as_text = tmp_path / "study.txt"
    as_text.write_bytes((V2 / "NCT05594173.json").read_bytes())
    xml_as_json = tmp_path / "study.json"
    xml_as_json.write_bytes((LEGACY / "NCT00151216.xml").read_bytes())
    zip_as_txt = tmp_path / "bulk.txt"
    with zipfile.ZipFile(zip_as_txt, "w") as archive:
        archive.write(V2 / "NCT06171568.json", "NCT06171568.json")
    page_as_txt = tmp_path / "page.txt"
    page_as_txt.write_text(json.dumps({"studies": [study("NCT00763412.json")]}), encoding="utf-8")
    found = {}
    for path in (as_text, xml_as_json, zip_as_txt, page_as_txt):
        [trial] = list(read_path(path))
        assert isinstance(trial, Trial), trial
        assert trial.provenance is not None
        found[path.name] = (trial.nct_id, trial.provenance.source_format)
    assert found == {
        "study.txt": ("NCT05594173", SourceFormat.CTGOV_V2),
        "study.json": ("NCT00151216", SourceFormat.CTGOV_LEGACY_XML),
        "bulk.txt": ("NCT06171568", SourceFormat.CTGOV_V2),
        "page.txt": ("NCT00763412", SourceFormat.CTGOV_V2),
    }


def test_binary_and_missing_files_are_problems(tmp_path: Path) -> None:
    blob = tmp_path / "NCT00000000.json"
    blob.write_bytes(bytes(range(256)))
    [problem] = list(read_path(blob))
    assert isinstance(problem, ImportProblem)
    assert "not a registry record" in problem.message
    [missing] = list(read_path(tmp_path / "nope.json"))
    assert isinstance(missing, ImportProblem)


def test_record_without_nct_id_and_invalid_id(tmp_path: Path) -> None:
    no_id = study("NCT05594173.json")
    del no_id["protocolSection"]["identificationModule"]["nctId"]
    short = study("NCT05594173.json")
    short["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    for document in (no_id, short):
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        [problem] = list(read_path(path))
        assert isinstance(problem, ImportProblem)
        assert (problem.file, problem.field) == (str(path), "protocolSection.identificationModule.nctId")


def test_v1_envelope_and_bare_array(tmp_path: Path) -> None:
    [trial] = list(read_path(V2 / "NCT02028676.json"))
    assert isinstance(trial, Trial) and trial.nct_id == "NCT02028676"
    path = tmp_path / "array.json"
    path.write_text("\n" + json.dumps([study("NCT00763412.json"), study("NCT06171568.json")]), encoding="utf-8")
    trials, problems = split(list(read_path(path)))
    assert problems == []
    assert [trial.nct_id for trial in trials] == ["NCT00763412", "NCT06171568"]


def test_yaml_is_handed_to_the_overlay_reader(tmp_path: Path) -> None:
    path = tmp_path / "overlay.data"
    path.write_text("# curated\nsource: nowhere\ntrials: [\n", encoding="utf-8")
    results = list(read_path(path))
    assert results
    assert all(isinstance(item, ImportProblem) for item in results)
    assert all(isinstance(item, ImportProblem) and item.file == str(path) for item in results)
