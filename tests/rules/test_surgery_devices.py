"""Devices and procedures of the surgery round (issue #12): a narrower device or procedure counts as the
broader one the trial names, never the other way round, and a profile that does not name it leaves the
answer unknown."""

from __future__ import annotations

from datetime import date

import pytest

from eligo.matching.evaluate import evaluate_rule as evaluate
from eligo.patients.profile import PatientProfile
from eligo.rules.registry import RULE_ADAPTER

ON = date(2026, 12, 3)


def _verdict(rule: dict[str, object], profile: dict[str, object]) -> str:
    outcome = evaluate(RULE_ADAPTER.validate_python(rule), PatientProfile.model_validate(profile), ON)
    return str(outcome.verdict)


@pytest.mark.parametrize(
    ("rule", "profile", "verdict"),
    [
        # "Ferromagnetic implants" (NCT03866564): a plain metal implant (titanium) does not show one.
        ({"kind": "condition", "conditions": ["ferromagnetic_implant"]}, {"conditions": ["metal implant"]}, "unknown"),
        ({"kind": "condition", "conditions": ["metal_implant"]}, {"conditions": ["ferromagnetic implant"]}, "met"),
        # "Metal clips in brain" (NCT03926702) are metal implants too.
        ({"kind": "condition", "conditions": ["metal_implant"]}, {"conditions": ["aneurysm clip"]}, "met"),
        # "Chronic indwelling ureteral stent" (NCT03927781): a short-term double-J stent is not one.
        (
            {"kind": "condition", "conditions": ["chronic_ureteral_stent"]},
            {"conditions": ["double-J stent"]},
            "unknown",
        ),
        ({"kind": "condition", "conditions": ["ureteral_stent"]}, {"conditions": ["chronic ureteral stent"]}, "met"),
        # "Receiving mechanical ventilation" (NCT03925584).
        (
            {"kind": "condition", "conditions": ["mechanical_ventilation"]},
            {"conditions": ["mechanically ventilated"]},
            "met",
        ),
        ({"kind": "condition", "conditions": ["mechanical_ventilation"]}, {"conditions": ["asthma"]}, "unknown"),
        # "Presence of metal chips in the eyes" (NCT03929289) is metal left in the body.
        ({"kind": "condition", "conditions": ["retained_metal_fragment"]}, {"conditions": ["metal in the eye"]}, "met"),
        # "All patients undergoing lobectomy VATS" (NCT03867695): booked for a VATS lobectomy is booked for VATS
        # and for a lobectomy; booked for VATS alone does not say which operation.
        (
            {"kind": "procedure", "when": "planned", "procedures": ["vats"]},
            {"planned_procedures": [{"name": "VATS lobectomy"}]},
            "met",
        ),
        (
            {"kind": "procedure", "when": "planned", "procedures": ["vats_lobectomy"]},
            {"planned_procedures": [{"name": "VATS"}]},
            "unknown",
        ),
        # "Patient is a planned recipient of a living donor kidney transplant" (NCT03867617).
        (
            {"kind": "procedure", "when": "planned", "procedures": ["kidney_transplant"]},
            {"planned_procedures": [{"name": "living donor kidney transplant"}]},
            "met",
        ),
        (
            {"kind": "procedure", "when": "planned", "procedures": ["living_donor_kidney_transplant"]},
            {"planned_procedures": [{"name": "kidney transplant"}]},
            "unknown",
        ),
        # "Patients who have had surgery on the spine and / or hip" (NCT03863756).
        (
            {"kind": "prior_procedure", "what": "surgery", "regions": ["spine", "hip"]},
            {"procedures": [{"name": "total hip arthroplasty"}]},
            "met",
        ),
    ],
)
def test_narrower_counts_as_broader_only(rule: dict[str, object], profile: dict[str, object], verdict: str) -> None:
    assert _verdict(rule, profile) == verdict
