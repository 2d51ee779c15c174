"""Build a `PatientProfile` from the flat fields of the "Find trials for my child" form.

The form's field names are the contract with the web page; every value is optional and a
blank or "not sure" field leaves the fact unknown. Errors name the form field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligo.patients.errors import ProfileError
from eligo.patients.load import profile_from_data
from eligo.patients.profile import PatientProfile
from eligo.terms import DISEASE_SITES

MAX_FIELD_CHARS = 200
LAB_FIELDS = ("anc", "platelets", "hemoglobin", "creatinine", "total_bilirubin", "alt", "ast")
STATE_FIELDS = ("relapsed", "refractory", "progressive", "persistent")
THERAPY_ROWS = 6


def _tri(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get((value or "").strip().lower())


def _number(form: Mapping[str, str], name: str, problems: list[str]) -> float | None:
    raw = (form.get(name) or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        problems.append(f"{name}: {form.get(name)!r} is not a number")
        return None


def _text(form: Mapping[str, str], name: str) -> str | None:
    value = (form.get(name) or "").strip()
    return value or None


def profile_from_form(form: Mapping[str, str]) -> tuple[PatientProfile, dict[str, Any]]:
    """The profile and the JSON data it was built from; raises ProfileError naming bad fields."""
    problems: list[str] = []
    for name, value in form.items():
        if len(value) > MAX_FIELD_CHARS:
            problems.append(f"{name}: longer than {MAX_FIELD_CHARS} characters")
    data: dict[str, Any] = {}
    if birth := _text(form, "birth_date"):
        data["birth_date"] = birth
    elif (age := _number(form, "age_years", problems)) is not None:
        data["age_years"] = age
    if sex := _text(form, "sex"):
        data["sex"] = sex
    data["diagnosis"] = _text(form, "diagnosis") or "neuroblastoma"
    if (high_risk := _tri(form.get("high_risk"))) is not None:
        data["high_risk"] = high_risk
    states = [state for state in STATE_FIELDS if form.get(f"state_{state}") in ("on", "yes", "true")]
    if states:
        data["disease_states"] = states
    sites: dict[str, Any] = {}
    for site in DISEASE_SITES:
        if (flag := _tri(form.get(f"site_{site}"))) is not None:
            sites[site] = flag
    if (lesion := _number(form, "largest_lesion_mm", problems)) is not None:
        sites["largest_lesion_mm"] = lesion
    if sites:
        data["disease_sites"] = sites
    biomarkers: dict[str, Any] = {}
    if alk := _text(form, "alk"):
        biomarkers["alk"] = alk
    if (mycn := _tri(form.get("mycn_amplified"))) is not None:
        biomarkers["mycn_amplified"] = mycn
    if biomarkers:
        data["biomarkers"] = biomarkers
    labs = []
    lab_date = _text(form, "labs_date")
    for test in LAB_FIELDS:
        amount = _number(form, f"lab_{test}", problems)
        if amount is None:
            continue
        lab: dict[str, Any] = {"test": test, "value": amount, "unit": _text(form, f"lab_{test}_unit")}
        if lab_date:
            lab["date"] = lab_date
        if (uln := _number(form, f"lab_{test}_uln", problems)) is not None:
            lab["upper_limit_normal"] = uln
        labs.append(lab)
    if labs:
        data["labs"] = labs
    if scale := _text(form, "performance_scale"):
        score = _number(form, "performance_score", problems)
        if score is not None:
            data["performance"] = [{"scale": scale, "score": int(score)}]
    therapies = []
    for row in range(THERAPY_ROWS):
        agent = _text(form, f"therapy_{row}_agent")
        if not agent:
            continue
        therapy: dict[str, Any] = {"agent": agent}
        if start := _text(form, f"therapy_{row}_start"):
            therapy["start"] = start
        if end := _text(form, f"therapy_{row}_end"):
            therapy["end"] = end
        if form.get(f"therapy_{row}_ongoing") in ("on", "yes", "true"):
            therapy["ongoing"] = True
        therapies.append(therapy)
    if therapies:
        data["therapies"] = therapies
    if (infection := _tri(form.get("active_infection"))) is not None:
        data["active_infection"] = infection
    place = _text(form, "place")
    travel = _number(form, "max_travel_km", problems)
    if place or travel is not None:
        data["location"] = {"place": place, "max_travel_km": travel}
    if problems:
        raise ProfileError("form", problems)
    return profile_from_data(data, source="form"), data
