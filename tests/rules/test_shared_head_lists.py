"""The list reader's shared heads (eligo.rules._clinical_text, issue #12): a hyphen that says the head is to
come, the end of a hyphened word as the head, and names before a shared head; a qualifier inside the shared
part is never spread over the other items."""

from __future__ import annotations

from eligo.rules._clinical_text import _consume_conditions, headed_item


def test_a_suspended_hyphen_takes_the_head() -> None:
    # "Severe liver- or renal disease" (NCT03928171), its qualifier read elsewhere.
    assert _consume_conditions("liver- or renal disease") == ["liver_disease", "kidney_disease"]


def test_the_end_of_a_hyphened_word_is_a_head() -> None:
    # "Second and third-degree heart block." (NCT03925779)
    assert _consume_conditions("Second and third-degree heart block") == [
        "second_degree_heart_block",
        "complete_heart_block",
    ]


def test_names_before_a_shared_head() -> None:
    # "History of cardiovascular diseases , diabetes mellitus, liver and kidney disease." (NCT03925909)
    assert _consume_conditions("cardiovascular diseases , diabetes mellitus, liver and kidney disease") == [
        "cardiovascular_disease",
        "diabetes_mellitus",
        "liver_disease",
        "kidney_disease",
    ]


def test_a_qualifier_in_the_shared_part_leaves_the_list_unread() -> None:
    # "severe" is for the liver and the kidney only: no reading spreads it, none drops it.
    assert _consume_conditions("hypertension, severe liver or kidney disease") is None
    assert _consume_conditions("asthma, cardiac or active hepatic disease") is None


def test_a_word_that_is_no_name_leaves_the_list_unread() -> None:
    # "Congenital cardiac disease or deformation" (NCT03860363)
    assert _consume_conditions("Congenital cardiac disease or deformation") is None


def test_a_bare_word_takes_the_head_of_a_qualified_last_item() -> None:
    # "Cardiac or active hepatic disease" (NCT03867201): "active" stays with the liver.
    assert headed_item("Cardiac", "active hepatic disease") == "Cardiac disease"


def test_no_head_is_lent_without_a_qualifier_or_to_a_name_or_a_qualified_word() -> None:
    assert headed_item("Cardiac", "hepatic disease") is None  # the whole list reads with the shared head
    assert headed_item("asthma", "active hepatic disease") is None  # a name of its own
    assert headed_item("severe cardiac", "active hepatic disease") is None  # its own qualifier: left free
