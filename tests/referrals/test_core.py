"""The referral core without the web: workflow data, site choices, form checks, the shared summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eligo.accounts import users
from eligo.matching.results import CriterionResult, TrialResult
from eligo.referrals import service
from eligo.referrals.form import InvalidReferral, check_request
from eligo.referrals.records import ReferralRequest
from eligo.referrals.sites import site_choices
from eligo.referrals.summary import shared_summary, summary_text
from eligo.referrals.workflow import STATUSES, TransitionRefused, check_move, moves_for, workflow
from eligo.rules.verdicts import CriterionVerdict, TrialVerdict
from eligo.store import TrialStore
from eligo.trials.model import Trial
from eligo.trials.readers import read_path
from tests.referrals.conftest import CENTRAL_EMAIL, GOSH, LEEDS, LEEDS_EMAIL, MANCHESTER, TRIALS

NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def _trial(nct_id: str = "NCT99000001") -> Trial:
    return next(record for record in read_path(TRIALS) if isinstance(record, Trial) and record.nct_id == nct_id)


def test_the_workflow_is_complete_and_only_moves_forward() -> None:
    described = workflow()
    assert set(described) == set(STATUSES)
    assert moves_for("new", "coordinator") == ("contacted", "not_eligible", "withdrawn")
    assert moves_for("screening", "coordinator") == ("enrolled", "not_eligible", "withdrawn")
    for final in ("enrolled", "not_eligible", "withdrawn"):
        assert described[final].final and moves_for(final, "coordinator") == () and moves_for(final, "family") == ()
    for status in STATUSES:
        assert "new" not in moves_for(status, "coordinator")
        assert moves_for(status, "family") in ((), ("withdrawn",))
    check_move("contacted", "screening", "coordinator")
    with pytest.raises(TransitionRefused, match="cannot be moved to “Enrolled”"):
        check_move("new", "enrolled", "coordinator")
    with pytest.raises(TransitionRefused):
        check_move("new", "contacted", "family")  # families only withdraw


def test_site_choices_fall_back_to_the_central_contact_and_sort_open_and_near_first() -> None:
    choices = site_choices(_trial(), origin=(51.5074, -0.1278))  # London
    assert [choice.facility for choice in choices] == [GOSH, LEEDS, MANCHESTER]
    gosh, leeds, manchester = choices
    assert (gosh.email, gosh.email_is_central) == (CENTRAL_EMAIL, True)
    assert (leeds.email, leeds.email_is_central) == (LEEDS_EMAIL, False)
    assert leeds.phone == "+44 113 243 3144" and not manchester.open
    assert gosh.distance_km is not None and gosh.distance_km < 5
    assert [choice.facility for choice in site_choices(_trial())][:2] == [LEEDS, GOSH]  # no place: registry order
    assert len({choice.key for choice in choices}) == 3
    phone_only = site_choices(_trial("NCT99000002"))
    assert not any(choice.can_receive for choice in phone_only)
    assert [choice.phone for choice in phone_only] == ["+1 555 0199", "+1 555 0100"]


def test_form_checks_name_every_problem() -> None:
    ok = check_request(
        {
            "name": " Sam \n Parent ",
            "contact_email": "Sam@Example.ORG ",
            "preferred_contact": "email",
            "message": "Hi\r\n",
        }
    )
    assert ok == ReferralRequest(
        name="Sam Parent",
        contact_email="sam@example.org",
        phone="",
        preferred_contact="email",
        message="Hi",
        include_answers=False,
    )
    with pytest.raises(InvalidReferral) as caught:
        check_request({"name": "", "contact_email": "x", "preferred_contact": "phone", "message": "m" * 2001})
    assert set(caught.value.problems) == {"name", "contact_email", "phone", "message"}
    assert (
        check_request(
            {
                "name": "A",
                "contact_email": "a@b.example",
                "phone": "+1 (555) 010-0199 ext. 12",
                "preferred_contact": "phone",
            }
        ).phone
        == "+1 (555) 010-0199 ext. 12"
    )


def _result() -> TrialResult:
    def leaf(criterion_id: str, section: str, text: str) -> CriterionResult:
        return CriterionResult(
            id=criterion_id, section=section, text=text, verdict=CriterionVerdict.UNKNOWN, evidence="", question="?"
        )

    return TrialResult(
        nct_id="NCT99000001",
        verdict=TrialVerdict.POSSIBLY_ELIGIBLE,
        criteria=(leaf("i1", "inclusion", "Has neuroblastoma"), leaf("e1", "exclusion", "Active infection")),
        ruled_out_by=(),
        open_questions=(),
        evaluated_on=date(2026, 5, 1),
    )


def test_the_shared_summary_copies_only_answered_criteria_with_their_text() -> None:
    summary = shared_summary(_result(), {"e1": "no", "zz": "yes", "i1": "bogus"}, "Might qualify")
    assert [(item.criterion_id, item.criterion, item.answer) for item in summary.answers] == [
        ("e1", "Active infection", "no")
    ]
    text = summary_text(summary)
    assert "Exclusion criterion: Active infection" in text and "Their answer: No" in text
    assert "Eligo's summary: Might qualify." in text and "Eligo does not decide eligibility" in text
    assert "chose not to send" in summary_text(None)


def test_a_change_made_meanwhile_is_refused_not_overwritten(store: TrialStore) -> None:
    from eligo.ingest import import_paths

    import_paths(store, [TRIALS])
    users.sign_up(store, "fam@family.example", "correct horse battery", "family", "http://eligo.test", NOW)
    author = next(user for user, _ in users.list_users(store) if user.email == "fam@family.example")
    trial = store.get("NCT99000001")
    assert trial is not None
    leeds = next(choice for choice in site_choices(trial) if choice.facility == LEEDS)
    request = ReferralRequest("Sam", "sam@example.org", "", "email", "", include_answers=False)
    referral = service.send_referral(store, author, trial, leeds, request, None, "http://eligo.test", NOW)
    moved = service.change_status(store, referral, "contacted", "coordinator", "http://eligo.test", NOW)
    assert moved.status == "contacted" and [entry.status for entry in moved.history] == ["new", "contacted"]
    with pytest.raises(TransitionRefused, match="Someone else changed this request"):
        service.change_status(store, referral, "contacted", "coordinator", "http://eligo.test", NOW)  # stale copy
    with store.engine.connect() as connection:
        from eligo.referrals import rows

        current = rows.referral_by_id(connection, referral.id)
    assert current is not None and len(current.history) == 2
