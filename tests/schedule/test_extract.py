"""The extractor on small made-up records: day lists, clauses, arms, follow-up sums, and unread text kept."""

from __future__ import annotations

import pytest

from eligo.schedule import DurationUnit, Route, extract_schedule
from eligo.schedule.agents import parse_day_list
from eligo.trials.model import ArmGroup, Intervention, Trial


def _trial(description: str = "", arms: tuple[ArmGroup, ...] = (), *names: str, summary: str | None = None) -> Trial:
    interventions = tuple(Intervention(type="DRUG", name=name) for name in names)
    return Trial(
        nct_id="NCT00000001",
        detailed_description=description,
        brief_summary=summary,
        arm_groups=arms,
        interventions=interventions,
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("1-21", tuple(range(1, 22))),
        ("1, 3, and 5", (1, 3, 5)),
        ("-4 to 0", (-4, -3, -2, -1, 0)),
        ("1 through 5", (1, 2, 3, 4, 5)),
        ("1, 8 and 15", (1, 8, 15)),
        ("1 and 15", (1, 15)),
        ("21-1", ()),  # backwards: not read
        ("1-999", ()),  # beyond any cycle: not read
    ],
)
def test_day_lists(text: str, days: tuple[int, ...]) -> None:
    assert parse_day_list(text) == days


def test_agents_sharing_a_clause_share_its_route_and_days() -> None:
    trial = _trial(
        "Once a dose is found, intravenous chemotherapy (cyclophosphamide and topotecan) "
        "will be given on days 1-5 of the cycle.",
        (),
        "cyclophosphamide",
        "topotecan",
    )
    agents = {a.name: a for a in extract_schedule(trial).arms[0].agents}
    assert agents["cyclophosphamide"].route is Route.IV and agents["topotecan"].route is Route.IV
    assert agents["cyclophosphamide"].days == agents["topotecan"].days == (1, 2, 3, 4, 5)


def test_intervention_description_speaks_for_its_own_agent() -> None:
    trial = Trial(
        nct_id="NCT00000002",
        interventions=(Intervention(type="DRUG", name="Sirolimus", description="Given PO"),),
    )
    (agent,) = extract_schedule(trial).arms[0].agents
    assert (agent.name, agent.route) == ("sirolimus", Route.ORAL)


def test_single_drug_arm_description_without_the_drug_name() -> None:
    arm = ArmGroup(label="Ganaxolone", description="Intravenous", intervention_names=("Ganaxolone",))
    trial = Trial(
        nct_id="NCT00000003", arm_groups=(arm,), interventions=(Intervention(type="DRUG", name="Ganaxolone"),)
    )
    (agent,) = extract_schedule(trial).arms[0].agents
    assert agent.route is Route.IV


def test_subcutaneous_inpatient_and_daily_for_n_days() -> None:
    trial = _trial(
        "OUTLINE: Patients receive filgrastim SC daily for 10 days as an inpatient. "
        "Courses repeat every 3 weeks for a maximum of 6 cycles.",
        (),
        "filgrastim",
    )
    arm = extract_schedule(trial).arms[0]
    (agent,) = arm.agents
    assert agent.route is Route.SUBCUTANEOUS and agent.inpatient is True
    assert agent.days == tuple(range(1, 11))
    assert (arm.cycle_length_days, arm.cycles) == (21, 6)


def test_objectives_before_the_outline_are_not_read() -> None:
    trial = _trial(
        "PRIMARY OBJECTIVES: I. To measure levels on day 28 of course one and bone marrow biopsy results.\n\n"
        "OUTLINE: Patients receive temozolomide PO on days 1-5. Courses repeat every 28 days.",
        (),
        "temozolomide",
    )
    arm = extract_schedule(trial).arms[0]
    assert [agent.days for agent in arm.agents] == [(1, 2, 3, 4, 5)]
    assert not arm.procedures


def test_arm_labels_from_registry_arms_pick_their_outline_paragraph() -> None:
    description = (
        "OUTLINE: Patients are randomized to 1 of 2 arms.\n\n"
        "ARM I: Patients receive irinotecan IV over 90 minutes on days 1-5. Treatment repeats every 21 days.\n\n"
        "ARM II: Patients receive temozolomide PO on days 1-5. Treatment repeats every 28 days."
    )
    arms = (ArmGroup(label="Arm I (irinotecan)"), ArmGroup(label="Arm II (temozolomide)"))
    schedule = extract_schedule(_trial(description, arms, "irinotecan", "temozolomide"))
    first, second = schedule.arms
    assert [a.name for a in first.agents] == ["irinotecan"] and first.cycle_length_days == 21
    assert first.agents[0].infusion_hours == 1.5
    assert [a.name for a in second.agents] == ["temozolomide"] and second.cycle_length_days == 28


def test_timing_text_that_cannot_be_read_is_kept_word_for_word() -> None:
    sentence = "Nivolumab is given two weekly and dinutuximab beta six weekly after the second treatment."
    schedule = extract_schedule(_trial(sentence, (), "nivolumab"))
    assert schedule.arms[0].unparsed == (sentence,)
    assert not schedule.arms[0].agents


def test_a_second_different_cycle_length_is_shown_not_merged() -> None:
    text = (
        "OUTLINE: Cycles repeat every 21 days for up to 4 cycles. Later cycles repeat every 42 days for up to 6 cycles."
    )
    arm = extract_schedule(_trial(text)).arms[0]
    assert (arm.cycle_length_days, arm.cycles) == (21, 4)
    assert arm.unparsed == ("Later cycles repeat every 42 days for up to 6 cycles.",)


@pytest.mark.parametrize(
    ("sentence", "amount", "unit"),
    [
        ("Patients are followed up at 30 days, at 2, 4, 6, 9, and 12 months, and then yearly for 4 years.", 5, "years"),
        ("Patients are followed up every 3 months for 2 years, then every 6 months for 3 years.", 5, "years"),
        ("Patients will be followed for up to five years after first dose.", 5, "years"),
        (
            "After completion of treatment, patients are followed up at 30 days and then every 3 months for 1 year.",
            1,
            "years",
        ),
        ("Long-term follow-up continues for 10 years.", 10, "years"),
    ],
)
def test_follow_up_length(sentence: str, amount: float, unit: str) -> None:
    schedule = extract_schedule(_trial(sentence))
    assert schedule.follow_up is not None
    assert (schedule.follow_up.amount, schedule.follow_up.unit) == (amount, DurationUnit(unit))
    assert schedule.follow_up_evidence == sentence


def test_a_follow_up_sentence_is_not_a_treatment_length() -> None:
    arm = extract_schedule(_trial("Patients will be followed for up to 15 years.")).arms[0]
    assert arm.max_duration is None


def test_absurd_numbers_are_not_read() -> None:
    arm = extract_schedule(_trial("OUTLINE: Treatment repeats every 900 days for up to 5000 cycles.")).arms[0]
    assert arm.cycle_length_days is None and arm.cycles is None
    assert arm.unparsed  # kept visible instead


def test_a_route_in_the_agents_own_name_and_dotted_abbreviations() -> None:
    trial = Trial(
        nct_id="NCT00000004",
        interventions=(
            Intervention(
                type="DRUG",
                name="Placebo tablet",
                other_names=("Corn starch tablet",),
                description="Corn starch tablet, 8 g t.i.d. for 28 days",
            ),
        ),
    )
    (agent,) = extract_schedule(trial).arms[0].agents
    assert (agent.route, agent.frequency) == (Route.ORAL, "three times daily")


def test_regimen_names_split_on_combined_with() -> None:
    from eligo.schedule.agents import regimen_parts

    assert regimen_parts("Camrelizumab combined with apatinib mesylate") == ["Camrelizumab", "apatinib mesylate"]
    assert regimen_parts("GM-CSF + Naxitamab") == ["GM-CSF", "Naxitamab"]
    assert regimen_parts("131I-MIBG") == ["131I-MIBG"]
