"""Splitting eligibility text into sections, groups, headings, notes and table rows, with exact offsets."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from criteria_seeds import seed_trial
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.data import LCT_CRITERIA, LEGACY_XML, TREC_XML, sample_files

from eligo.criteria.tree import CriteriaNode, CriteriaTree, split_criteria


def offsets_hold(text: str, tree: CriteriaTree) -> None:
    for node in tree.walk():
        assert text[node.start : node.end] == node.source_text
        assert 0 <= node.start <= node.end <= len(text)


def texts(nodes: tuple[CriteriaNode, ...]) -> list[str]:
    return [node.text for node in nodes]


def test_sections_and_bullets() -> None:
    text = "Inclusion Criteria:\n\n* Age >= 1 year\n* Signed consent\n\nExclusion Criteria:\n\n- Pregnant\n"
    tree = split_criteria(text)
    assert texts(tree.inclusion) == ["Age >= 1 year", "Signed consent"]
    assert texts(tree.exclusion) == ["Pregnant"]
    assert [node.id for node in tree.roots] == ["inc-1", "inc-2", "exc-1"]
    offsets_hold(text, tree)


def test_text_without_headings_is_inclusion_and_heading_variants() -> None:
    assert texts(split_criteria("1. Age over 2\n2. ANC > 750").inclusion) == ["Age over 2", "ANC > 750"]
    tree = split_criteria("INCLUSION CRITERIA\na) one\nb) two\nexclusion criteria\n(i) three")
    assert texts(tree.inclusion) == ["one", "two"] and texts(tree.exclusion) == ["three"]


def test_nci_headings_are_inclusion_groups_with_label_subheadings() -> None:
    text = (
        "        DISEASE CHARACTERISTICS:\n\n          -  Confirmed neuroblastoma\n\n"
        "        PATIENT CHARACTERISTICS:\n\n        Age:\n\n          -  Under 21\n\n"
        "        Hepatic:\n\n          -  Bilirubin normal\n"
    )
    tree = split_criteria(text)
    assert [(node.kind, node.text) for node in tree.inclusion] == [
        ("heading", "DISEASE CHARACTERISTICS:"),
        ("heading", "PATIENT CHARACTERISTICS:"),
    ]
    patient = tree.inclusion[1]
    assert [(child.kind, child.text, texts(child.children)) for child in patient.children] == [
        ("heading", "Age:", ["Under 21"]),
        ("heading", "Hepatic:", ["Bilirubin normal"]),
    ]
    offsets_hold(text, tree)


def test_nesting_by_indentation_and_wrapped_lines() -> None:
    text = "  -  Histologically confirmed cancer of the\n     ovary\n       -  Stage III\n  -  ECOG 0-1\n"
    tree = split_criteria(text)
    first = tree.inclusion[0]
    assert first.text == "Histologically confirmed cancer of the ovary"
    assert first.group_op == "all" and texts(first.children) == ["Stage III"]
    assert first.children[0].id == "inc-1.1"
    offsets_hold(text, tree)


def test_at_least_one_of_the_following_is_any_of() -> None:
    tree = split_criteria(
        "* Must have at least ONE of the following:\n  * Bone disease\n  * Marrow disease\n* ANC > 750"
    )
    group = tree.inclusion[0]
    assert (group.kind, group.group_op) == ("group", "any")
    assert texts(group.children) == ["Bone disease", "Marrow disease"]


def test_either_and_trailing_or_make_any_of() -> None:
    tree = split_criteria("* Patients must have\n  * Relapsed neuroblastoma or\n  * Relapsed osteosarcoma\n* Age > 1")
    assert tree.inclusion[0].group_op == "any"
    tree = split_criteria("* Relapsed neuroblastoma, or\n* Relapsed osteosarcoma\n* Age > 1")
    group = tree.inclusion[0]
    assert (group.kind, group.group_op, group.text) == ("group", "any", "")
    assert texts(group.children) == ["Relapsed neuroblastoma, or", "Relapsed osteosarcoma"]
    assert texts(tree.inclusion[1:]) == ["Age > 1"]


def test_label_heading_is_all_of_and_its_children_carry_on() -> None:
    text = (
        "* Radiation:\n* No radiation within 2 weeks\n* Except for palliative radiation\n"
        "* Stem Cell Transplant (SCT):\n* No allogeneic stem cell transplant\n"
    )
    tree = split_criteria(text)
    assert [(node.kind, node.group_op, node.text) for node in tree.inclusion] == [
        ("heading", "all", "Radiation:"),
        ("heading", "all", "Stem Cell Transplant (SCT):"),
    ]
    assert len(tree.inclusion[0].children) == 2


def test_notes_attach_to_the_criterion_before() -> None:
    text = (
        "* Female patients must have a negative pregnancy test\n"
        "  * Note: Females after sterilization are not of childbearing potential\n* ANC >= 1000"
    )
    tree = split_criteria(text)
    assert tree.inclusion[0].notes == ("Note: Females after sterilization are not of childbearing potential",)
    assert texts(tree.inclusion) == ["Female patients must have a negative pregnancy test", "ANC >= 1000"]


def test_plain_lines_join_when_wrapped() -> None:
    text = (
        "Inclusion Criteria\n\nGrowth factors (G-CSF or\n"
        "colony stimulating factor) EXCEPT erythropoietin\nLife expectancy >= 6 months\n"
    )
    assert texts(split_criteria(text).inclusion) == [
        "Growth factors (G-CSF or colony stimulating factor) EXCEPT erythropoietin",
        "Life expectancy >= 6 months",
    ]


def test_escapes_are_undone_in_text_but_kept_in_source() -> None:
    text = "* Curie score of \\>= 3 \\[note\\] 10\\^6 \\*x\\_y"
    node = split_criteria(text).inclusion[0]
    assert node.text == "Curie score of >= 3 [note] 10^6 *x_y"
    assert node.source_text == text[2:]


def test_flat_table_rows_become_children_of_the_criterion() -> None:
    text = (
        "* Age-adjusted serum creatinine =\\< 1.5 x normal for age\n"
        "* Age 1 to \\< 2 years: 0.6 mg/dL\n* Age 2 to \\< 6 years: 0.8 mg/dL\n* Age \\>= 16 years: 1.7 mg/dL\n"
        "* Total bilirubin =\\< 1.5 x ULN\n"
    )
    tree = split_criteria(text)
    creatinine = tree.inclusion[0]
    assert (creatinine.kind, creatinine.group_op, len(creatinine.children)) == ("criterion", None, 3)
    assert texts(tree.inclusion[1:]) == ["Total bilirubin =< 1.5 x ULN"]


def test_nct01711554_flat_list_recovers_its_structure() -> None:
    text = seed_trial("NCT01711554").eligibility.criteria or ""
    tree = split_criteria(text)
    offsets_hold(text, tree)
    by_text = {node.text.split(" (")[0]: node for node in tree.walk()}
    first = by_text["Patients must have at least ONE of the following:"]
    assert (first.group_op, len(first.children)) == ("any", 3)
    sites = by_text["Patients must have at least ONE of the following"]
    assert sites.group_op == "any"
    assert [child.text[:20] for child in sites.children] == [
        "Bone disease",
        "Any amount of neurob",
        "At least one soft ti",
    ]
    target = sites.children[2]
    assert target.children[1].group_op == "any" and len(target.children[1].children) == 3
    radiation = by_text["Radiation:"]
    assert (radiation.kind, radiation.group_op, len(radiation.children)) == ("heading", "all", 4)
    creatinine = next(node for node in tree.walk() if node.text.startswith("Age-adjusted serum creatinine"))
    assert creatinine.group_op is None and len(creatinine.children) == 8
    assert all(child.text.startswith("Age ") for child in creatinine.children)
    cardiac = by_text["Cardiac function:"]
    assert (cardiac.group_op, len(cardiac.children)) == ("any", 2)
    assert len(tree.exclusion) == 7


lines = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60).map(
    lambda s: s.replace("\r", " ")
)
markers = st.sampled_from(
    ["* ", "- ", "• ", "+ ", "1. ", "2) ", "(3) ", "a. ", "b) ", "(c) ", "iv. ", "", "  * ", "    - "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(markers, lines, st.booleans()), max_size=25), st.booleans())
def test_offsets_hold_for_generated_bullet_lists(items: list[tuple[str, str, bool]], headings: bool) -> None:
    parts = ["Inclusion Criteria:\n"] if headings else []
    for index, (marker, line, blank) in enumerate(items):
        parts.append(f"{marker}{line}\n" + ("\n" if blank else ""))
        if headings and index == len(items) // 2:
            parts.append("Exclusion Criteria:\n")
    text = "".join(parts)
    offsets_hold(text, split_criteria(text))


def _lct_texts() -> list[Path]:
    return sample_files(LCT_CRITERIA, "NCT*.txt")


def _xml_criteria() -> list[tuple[str, str]]:
    found = []
    for path in sample_files(LEGACY_XML, "NCT*.xml") + sample_files(TREC_XML, "NCT*.xml"):
        try:
            block = ElementTree.parse(path).find(".//eligibility/criteria/textblock")
        except ElementTree.ParseError:
            continue
        if block is not None and block.text:
            found.append((path.name, block.text))
    return found


def test_every_lct_criteria_text_splits_with_valid_offsets() -> None:
    count = 0
    for path in _lct_texts():
        text = path.read_text("utf-8")
        tree = split_criteria(text)
        offsets_hold(text, tree)
        count += bool(tree.roots) or not text.strip()
    assert count == len(_lct_texts())


def test_every_legacy_xml_criteria_text_splits_with_valid_offsets() -> None:
    found = _xml_criteria()
    assert len(found) > 20
    for _name, text in found:
        tree = split_criteria(text)
        offsets_hold(text, tree)
        assert all(re.sub(r"\s+", "", node.text) for node in tree.walk() if node.kind != "group")
