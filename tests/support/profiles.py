"""Hypothesis strategies for valid patient profiles as JSON: every field, labs in SI and conventional units."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, get_args

from hypothesis import strategies as st

from eligo.patients.profile import DiseaseState, TumourMarker
from eligo.terms import RADIATION_FIELDS
from eligo.units import plausible, to_canonical

TODAY = date.today()
# Lab values as reports give them, by unit: SI and conventional, within plausible ranges.
LAB_UNITS: dict[str, dict[str, tuple[float, float]]] = {
    "anc": {"/mcL": (0, 20000), "x10^9/L": (0, 20), "x10^3/uL": (0, 20)},
    "apc": {"/mcL": (0, 20000), "x10^9/L": (0, 20)},
    "platelets": {"/mcL": (0, 900000), "x10^9/L": (0, 900)},
    "hemoglobin": {"g/dL": (2, 20), "g/L": (20, 200), "mmol/L": (1.5, 12)},
    "creatinine": {"mg/dL": (0.05, 10), "umol/L": (5, 800)},
    "gfr": {"mL/min/1.73m2": (1, 250)},
    "total_bilirubin": {"mg/dL": (0, 30), "umol/L": (0, 500)},
    "alt": {"U/L": (0, 5000)},
    "ast": {"U/L": (0, 5000)},
    "triglycerides": {"mg/dL": (10, 2000), "mmol/L": (0.1, 20)},
}

# Text as people type it into one line: no line breaks or control characters, no spaces at either end.
line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda text: text == text.strip() and bool(text))
tri = st.one_of(st.none(), st.booleans())
dates = st.dates(min_value=date(1990, 1, 1), max_value=TODAY).map(date.isoformat)


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


@st.composite
def labs(draw: st.DrawFn) -> dict[str, Any]:
    test = draw(st.sampled_from(sorted(LAB_UNITS)))
    unit = draw(st.sampled_from(sorted(LAB_UNITS[test])))
    low, high = LAB_UNITS[test][unit]
    value = draw(_finite(low, high).filter(lambda v: plausible(test, float(to_canonical(test, v, unit).magnitude))))
    lab = {
        "test": test,
        "value": value,
        "unit": unit,
        "date": draw(st.none() | dates),
        "upper_limit_normal": draw(st.none() | _finite(0.01, 1000)),
        "lower_limit_normal": draw(st.none() | _finite(0.01, 1000)),
        "transfused_within_days": draw(st.none() | st.integers(0, 400)),
    }
    return _drop_none(lab)


@st.composite
def performance(draw: st.DrawFn) -> dict[str, Any]:
    scale = draw(st.sampled_from(["lansky", "karnofsky", "ecog"]))
    score = draw(st.integers(0, 5) if scale == "ecog" else st.integers(0, 100))
    return _drop_none({"scale": scale, "score": score, "date": draw(st.none() | dates)})


@st.composite
def therapies(draw: st.DrawFn) -> dict[str, Any]:
    agent = draw(st.sampled_from(["dinutuximab", "topotecan", "131I-MIBG", "naxitamab", "crizotinib"]) | line_text)
    therapy = {
        "agent": agent,
        "classes": draw(st.lists(line_text.filter(lambda text: "," not in text), max_size=3)) or None,
        "start": draw(st.none() | dates),
        "end": draw(st.none() | dates),
        "ongoing": draw(st.none() | st.booleans()),
        "response": draw(
            st.none() | st.sampled_from(["complete", "partial", "minor", "stable", "progression", "unknown"])
        ),
        "progressed_on_therapy": draw(tri),
        "cumulative_dose": draw(st.none() | _finite(0, 1e6)),
        "cumulative_dose_unit": draw(st.none() | st.sampled_from(["mCi/kg", "mg/m2"]) | line_text),
    }
    return _drop_none(therapy)


@st.composite
def locations(draw: st.DrawFn) -> dict[str, Any] | None:
    place = draw(st.none() | st.sampled_from(["Leeds", "LS1 3EX", "10001"]) | line_text)
    point = draw(st.none() | st.tuples(_finite(-90, 90), _finite(-180, 180)))
    travel = draw(st.none() | _finite(1, 20000))
    location = _drop_none({"place": place, "max_travel_km": travel})
    if point is not None:
        location |= {"lat": point[0], "lon": point[1]}
    return location or None


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    """A valid profile's JSON, any field present or absent, lists in any order."""
    born = draw(st.sampled_from(["birth_date", "age_years", None]))
    conditions = draw(st.lists(line_text, max_size=3, unique_by=str.lower))
    absent = draw(st.lists(line_text, max_size=3, unique_by=str.lower))
    present = {name.strip().lower() for name in conditions}
    sites = {
        flag: draw(tri)
        for flag in (
            "bone",
            "bone_marrow",
            "soft_tissue",
            "mibg_avid",
            "fdg_pet_avid",
            "biopsy_confirmed",
            "outside_bone_and_marrow",
        )
    }
    sites |= {
        "largest_lesion_mm": draw(st.none() | _finite(0, 1000)),
        "curie_score": draw(st.none() | st.integers(0, 30)),
    }
    data: dict[str, Any] = {
        "birth_date": draw(st.dates(TODAY - timedelta(days=365 * 25), TODAY)).isoformat()
        if born == "birth_date"
        else None,
        "age_years": draw(_finite(0, 120)) if born == "age_years" else None,
        "sex": draw(st.none() | st.sampled_from(["female", "male"])),
        "diagnosis": draw(st.none() | st.sampled_from(["neuroblastoma", "ganglioneuroblastoma"]) | line_text),
        "histologically_confirmed": draw(tri),
        "high_risk": draw(tri),
        "disease_states": draw(st.permutations([state.value for state in DiseaseState]).flatmap(_prefix)) or None,
        "disease_sites": _drop_none(sites) or None,
        "biomarkers": _drop_none(
            {
                "alk": draw(st.none() | st.sampled_from(["mutation", "amplification", "wild_type"])),
                "mycn_amplified": draw(tri),
            }
        )
        or None,
        "labs": draw(st.lists(labs(), max_size=5)) or None,
        "performance": draw(st.lists(performance(), max_size=2)) or None,
        "life_expectancy_months": draw(st.none() | _finite(0, 240)),
        "therapies": draw(st.lists(therapies(), max_size=4)) or None,
        "radiation": draw(
            st.lists(
                st.builds(
                    lambda field, end: _drop_none({"field": field, "end": end}),
                    st.sampled_from(RADIATION_FIELDS),
                    st.none() | dates,
                ),
                max_size=2,
            )
        )
        or None,
        "transplants": draw(
            st.lists(
                st.builds(
                    lambda kind, day, myeloablative: _drop_none(
                        {"type": kind, "date": day, "myeloablative": myeloablative}
                    ),
                    st.sampled_from(["autologous", "allogeneic"]),
                    st.none() | dates,
                    tri,
                ),
                max_size=2,
            )
        )
        or None,
        "stored_stem_cells_cd34_per_kg": draw(st.none() | _finite(0, 1e8)),
        "cardiac_ejection_fraction": draw(st.none() | _finite(0, 100)),
        "cardiac_shortening_fraction": draw(st.none() | _finite(0, 100)),
        "max_toxicity_grade": draw(st.none() | st.integers(0, 5)),
        "prior_lines_of_therapy": draw(st.none() | st.integers(0, 30)),
        "active_infection": draw(tri),
        "pregnant": draw(tri),
        "breastfeeding": draw(tri),
        "planning_pregnancy": draw(tri),
        "reproductive_potential": draw(tri),
        "menopause": draw(st.sampled_from([None, "pre", "peri", "post"])),
        "last_period": draw(st.none() | dates),
        "due_date": draw(st.none() | dates),
        "previous_pregnancies": draw(st.none() | st.integers(0, 6)),
        "gestational_age_at_birth_weeks": draw(st.none() | _finite(22, 43)),
        "last_live_vaccine": draw(st.none() | dates),
        "conditions": conditions or None,
        "conditions_absent": [name for name in absent if name.strip().lower() not in present] or None,
        "location": draw(locations()),
    }
    data |= draw(general_model())
    return _drop_none(data)


_NO_COMMA = line_text.filter(lambda text: "," not in text)


def _rows(draw: st.DrawFn, **columns: st.SearchStrategy[Any]) -> list[dict[str, Any]] | None:
    """A list of rows of the general patient model, each column drawn or left out."""
    size = draw(st.integers(0, 2))
    return [_drop_none({name: draw(column) for name, column in columns.items()}) for _ in range(size)] or None


@st.composite
def general_model(draw: st.DrawFn) -> dict[str, Any]:
    """The general patient model's fields (issue #12), any present or absent."""
    classes = st.none() | st.lists(_NO_COMMA, min_size=1, max_size=2)
    allergies = _rows(draw, substance=line_text, classes=classes, reaction=st.none() | line_text)
    observations = {
        "qtc_ms": draw(st.none() | _finite(300, 700)),
        "systolic_bp_mmhg": draw(st.none() | _finite(60, 220)),
        "diastolic_bp_mmhg": draw(st.none() | _finite(30, 150)),
        "heart_rate_bpm": draw(st.none() | _finite(40, 220)),
        "spo2_percent": draw(st.none() | _finite(50, 100)),
        "temperature_c": draw(st.none() | _finite(30, 42)),
        "respiratory_rate_per_min": draw(st.none() | _finite(5, 80)),
        "fev1_percent_predicted": draw(st.none() | _finite(10, 150)),
        "dlco_percent_predicted": draw(st.none() | _finite(10, 150)),
        "weight_kg": draw(st.none() | _finite(1, 200)),
        "height_cm": draw(st.none() | _finite(30, 220)),
        "bsa_m2": draw(st.none() | _finite(0.1, 3)),
        "bmi": draw(st.none() | _finite(8, 60)),
        "asa_class": draw(st.none() | st.integers(1, 6)),
        "birth_weight_g": draw(st.none() | _finite(300, 5000)),
        "date": draw(st.none() | dates),
    }
    smoking = draw(st.sampled_from([None, "never", "former", "current"]))
    lifestyle = {
        "smoking": smoking,
        "diet": draw(st.sampled_from([None, "omnivore", "vegetarian", "vegan"])),
        "alcohol_drinks_per_week": draw(st.none() | _finite(0, 60)),
    }
    if smoking != "never":
        lifestyle["pack_years"] = draw(st.none() | _finite(0, 80))
        lifestyle["cigarettes_per_day"] = draw(st.none() | _finite(0, 60))
    if smoking == "former":
        lifestyle["quit_smoking"] = draw(st.none() | dates)
    return {
        "condition_records": _rows(
            draw,
            name=line_text,
            status=st.none() | st.sampled_from(["active", "history", "absent"]),
            diagnosed=st.none() | dates,
            resolved=st.none() | dates,
        ),
        "medications": _rows(draw, name=line_text, classes=classes, start=st.none() | dates),
        "clinical_scores": _rows(
            draw, scale=st.sampled_from(["mmse", "nyha", "gcs", "edss"]), score=_finite(0, 15), date=st.none() | dates
        ),
        "allergies": allergies,
        "no_known_allergies": None if allergies else draw(tri),
        "histology": draw(st.none() | line_text),
        "tumour_markers": _rows(
            draw,
            name=line_text,
            result=st.sampled_from(get_args(TumourMarker.model_fields["result"].annotation)),
        ),
        "extent": _drop_none(
            {
                "stage": draw(st.none() | st.sampled_from(["4", "IV", "M", "L2"]) | line_text),
                **{
                    flag: draw(tri)
                    for flag in ("metastatic", "measurable_disease", "evaluable_disease", "unresectable")
                },
            }
        )
        or None,
        "cns_disease": _drop_none(
            {
                **{flag: draw(tri) for flag in ("present", "treated", "stable", "symptomatic")},
                "last_treatment": draw(st.none() | dates),
            }
        )
        or None,
        "procedures": _rows(draw, name=line_text, date=st.none() | dates, major=tri),
        "planned_procedures": _rows(draw, name=line_text, date=st.none() | dates, major=tri),
        "last_major_surgery": draw(st.none() | dates),
        "never_major_surgery": draw(tri),
        "trial_participation": _drop_none(
            {
                "in_other_trial_now": draw(tri),
                "last_other_trial_end": draw(st.none() | dates),
                "last_investigational_agent": draw(st.none() | dates),
                "never_investigational_agent": draw(tri),
            }
        )
        or None,
        "contraindications": _drop_none(
            {flag: draw(tri) for flag in ("mri", "general_anaesthesia", "regional_anaesthesia")}
        )
        or None,
        "observations": _drop_none(observations) or None,
        "lifestyle": _drop_none(lifestyle) or None,
    }


def _prefix(states: list[str]) -> st.SearchStrategy[list[str]]:
    return st.integers(0, len(states)).map(lambda size: states[:size])
