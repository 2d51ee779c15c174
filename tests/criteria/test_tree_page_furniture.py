"""A protocol page's header or footer copied into a criterion ("Protocol Number: L18006 v5.0 11192018 Page 9 of
52", NCT04207047) is no part of it: out of the text, and off the end's source offset (issue #12)."""

from __future__ import annotations

from eligo.criteria.tree import split_criteria


def test_a_footer_closing_a_criterion_is_cut_off_its_text_and_its_end() -> None:
    original = (
        "Exclusion Criteria:\n"
        "1. Topical retinoid in the exposure area within the past one week; and "
        "Protocol Number: L18006 v5.0 11192018 Page 9 of 52\n"
        "2. Known HIV infection\n"
    )
    first = split_criteria(original).exclusion[0]
    assert first.text == "Topical retinoid in the exposure area within the past one week; and"
    assert first.source_text == original[first.start : first.end] == first.text


def test_a_header_inside_a_criterion_leaves_its_text_but_not_its_source() -> None:
    original = (
        "Exclusion Criteria:\n"
        "- Active infection or other comorbidities that may contribute to REDOSE, February 2019 Page 7 of 53 "
        "fatigue or cognition change within 4 weeks of study entry\n"
    )
    only = split_criteria(original).exclusion[0]
    assert only.text == (
        "Active infection or other comorbidities that may contribute to fatigue or cognition change "
        "within 4 weeks of study entry"
    )
    assert only.source_text == original[only.start : only.end]
    assert "Page 7 of 53" in only.source_text


def test_a_footer_continuing_a_wrapped_criterion_is_cut_off_too() -> None:
    original = (
        "Inclusion Criteria:\n"
        "- Fitzpatrick Skin Type I to VI.\n"
        "  Protocol Number: L18006 v5.0 11192018 Page 8 of 52\n"
        "- Age 18 years or older\n"
    )
    tree = split_criteria(original)
    first = tree.inclusion[0]
    assert first.text == "Fitzpatrick Skin Type I to VI."
    assert first.source_text == original[first.start : first.end]
    assert [node.text for node in tree.inclusion[1:]] == ["Age 18 years or older"]


def test_page_words_in_a_criterion_of_its_own_stay() -> None:
    tree = split_criteria("Inclusion Criteria:\n- Able to read a page of text\n")
    assert tree.inclusion[0].text == "Able to read a page of text"
