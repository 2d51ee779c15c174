"""The schedules issue #16 names, checked fact by fact against the registry text (not only by golden file)."""

from __future__ import annotations

from eligo.schedule import AgentDose, DurationUnit, ProcedureKind, Route, extract_schedule, family_weeks
from tests.schedule.bundled_trials import bundled_trial


def _agents(nct_id: str, arm: int = 0) -> dict[str, AgentDose]:
    schedule = extract_schedule(bundled_trial(nct_id))
    return {agent.name: agent for agent in schedule.arms[arm].agents}


def test_lenalidomide_dinutuximab_isotretinoin_every_28_days_for_12_courses() -> None:
    schedule = extract_schedule(bundled_trial("NCT01711554"))
    (arm,) = schedule.arms
    agents = {agent.name: agent for agent in arm.agents}
    assert agents["lenalidomide"].route is Route.ORAL
    assert agents["lenalidomide"].days == tuple(range(1, 22))
    assert agents["lenalidomide"].frequency == "once daily"
    assert agents["dinutuximab"].route is Route.IV
    assert agents["dinutuximab"].days == (8, 9, 10, 11)
    assert agents["dinutuximab"].infusion_hours == 10
    assert agents["isotretinoin"].route is Route.ORAL
    assert agents["isotretinoin"].days == tuple(range(15, 29))
    assert agents["isotretinoin"].frequency == "twice daily"
    assert (arm.cycle_length_days, arm.cycles) == (28, 12)
    assert arm.conditions == ("in the absence of disease progression or unacceptable toxicity",)
    # "followed up periodically": follow-up is stated, its length is not, and none is guessed
    assert schedule.follow_up is None
    assert schedule.follow_up_evidence is not None and "periodically" in schedule.follow_up_evidence


def test_naxitamab_gm_csf_priming_cycles_every_4_weeks_up_to_101_weeks_then_5_years() -> None:
    schedule = extract_schedule(bundled_trial("NCT03363373"))
    (arm,) = schedule.arms
    agents = {agent.name: agent for agent in arm.agents}
    assert agents["GM-CSF"].days == (-4, -3, -2, -1, 0, 1, 2, 3, 4, 5)  # 5 days before each cycle, then 1-5
    assert agents["naxitamab"].days == (1, 3, 5)
    # the text never says how either is given: no route is guessed
    assert agents["GM-CSF"].route is None and agents["naxitamab"].route is None
    assert arm.cycle_length_days == 28
    assert arm.max_duration is not None and (arm.max_duration.amount, arm.max_duration.unit) == (
        101,
        DurationUnit.WEEKS,
    )
    assert schedule.follow_up is not None
    assert (schedule.follow_up.amount, schedule.follow_up.unit) == (5, DurationUnit.YEARS)
    # the later 8-weekly cycles contradict the first cycle length: shown as written, not merged
    assert any("every 8 weeks" in sentence for sentence in arm.unparsed)


def test_magrolimab_arms_read_from_the_outline_paragraphs() -> None:
    schedule = extract_schedule(bundled_trial("NCT04751383"))
    assert [arm.label for arm in schedule.arms] == ["Arm A", "Arm B"]
    arm_a = schedule.arms[0]
    magrolimab = [agent for agent in arm_a.agents if agent.name == "magrolimab"]
    assert [(a.days, a.first_cycle, a.last_cycle) for a in magrolimab] == [((1, 8, 15), 1, 2), ((1, 15), 3, None)]
    assert all(agent.route is Route.IV and agent.infusion_hours == 2 for agent in magrolimab)
    dinutuximab = next(agent for agent in arm_a.agents if agent.name == "dinutuximab")
    assert dinutuximab.days == (2, 3, 4, 5) and dinutuximab.infusion_hours == 10
    assert (arm_a.cycle_length_days, arm_a.cycles) == (21, 12)
    # only Arm B's paragraph mentions surgery
    assert [p.kind for p in schedule.arms[1].procedures] == [ProcedureKind.SURGERY]
    assert not arm_a.procedures
    # "at 30 days, at 2, 4, 6, 9, and 12 months, and then yearly for 4 years"
    assert schedule.follow_up is not None and (schedule.follow_up.amount, schedule.follow_up.unit) == (5, "years")


def test_mibg_infusion_lengths_and_stem_cell_rescue_without_a_cycle() -> None:
    schedule = extract_schedule(bundled_trial("NCT01370330"))
    (arm,) = schedule.arms
    (mibg,) = arm.agents
    assert mibg.route is Route.IV and mibg.days == ()
    assert mibg.infusion_text == "over 30-60 minutes; over 90-120 minutes"
    assert mibg.infusion_hours == 2
    assert arm.cycle_length_days is None and arm.cycles is None
    assert [p.kind for p in arm.procedures] == [ProcedureKind.STEM_CELL_RESCUE]
    assert "does not give treatment days or cycles" in family_weeks(schedule).summary


def test_uk_overlay_lorlatinib_daily_with_chemotherapy_days_1_to_5() -> None:
    agents = _agents("ELIGO-NANT-LORLATINIB")
    lorlatinib = agents["lorlatinib"]
    assert lorlatinib.every_day and lorlatinib.route is Route.ORAL
    for name in ("cyclophosphamide", "topotecan"):
        assert agents[name].route is Route.IV
        assert agents[name].days == (1, 2, 3, 4, 5)


def test_radiotherapy_named_beside_an_agent_is_not_that_agents_route() -> None:
    # VERITAS Arm A: "molecular radiotherapy and topotecan" says nothing about how topotecan is given
    assert "topotecan" not in _agents("ELIGO-VERITAS")


def test_observational_studies_have_no_schedule_and_say_so() -> None:
    for nct_id in ("ELIGO-NEUROBLASTOMA-EPIDEMIOLOGICAL", "ELIGO-SMPAEDS"):
        schedule = extract_schedule(bundled_trial(nct_id))
        assert all(not arm.agents and arm.cycle_length_days is None for arm in schedule.arms)
        assert family_weeks(schedule).summary == "The registry text does not describe the treatment schedule."
