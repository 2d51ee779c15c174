"""The profile editor's flat form fields, both ways: a `PatientProfile`'s JSON as fields, and fields back as JSON.

The field names are the contract with the web page; every value is optional and a blank or "not sure"
field leaves the fact unknown. Lists (labs, scores, therapies, radiation, transplants) are numbered rows,
`lab_0_value`, `therapy_2_end`, and blank rows are skipped. Whatever a profile holds that the fields
cannot carry exactly (text with a line break, an unknown top-level field of an uploaded file) is *kept*:
it travels in one hidden JSON field and is put back unchanged, so editing never drops anything.
Errors name the form field they belong to.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from eligo.patients.errors import ProfileError
from eligo.patients.limits import MAX_PROFILE_BYTES, parse_json
from eligo.patients.load import profile_from_data
from eligo.patients.profile import DiseaseState, PatientProfile
from eligo.terms import DISEASE_SITES

MAX_FIELD_CHARS = 200
KEPT_FIELD = "kept_json"
# The legacy one-value-per-test fields (`lab_anc`, `lab_anc_unit`, `labs_date`) are still read.
LAB_FIELDS = ("anc", "platelets", "hemoglobin", "creatinine", "total_bilirubin", "alt", "ast")
STATE_FIELDS = tuple(state.value for state in DiseaseState)
SITE_FLAGS = (*DISEASE_SITES, "biopsy_confirmed")

# Each repeating group: its row prefix, the profile list it fills, and its columns (form name → JSON key).
ROW_GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "performance": ("performance", {"scale": "scale", "score": "score", "date": "date"}),
    # Other clinical scales (issue #12): MMSE, NYHA class, EDSS ... (criteria/vocab/scores.yaml).
    "score": ("clinical_scores", {"scale": "scale", "score": "score", "date": "date"}),
    "lab": (
        "labs",
        {
            "test": "test",
            "value": "value",
            "unit": "unit",
            "date": "date",
            "uln": "upper_limit_normal",
            "lln": "lower_limit_normal",
            "transfused": "transfused_within_days",
        },
    ),
    "therapy": (
        "therapies",
        {
            "agent": "agent",
            "classes": "classes",
            "start": "start",
            "end": "end",
            "ongoing": "ongoing",
            "response": "response",
            "progressed": "progressed_on_therapy",
            "dose": "cumulative_dose",
            "dose_unit": "cumulative_dose_unit",
        },
    ),
    "radiation": ("radiation", {"field": "field", "end": "end"}),
    "transplant": ("transplants", {"type": "type", "date": "date", "myeloablative": "myeloablative"}),
    # The general patient model (issue #12).
    "condition": (
        "condition_records",
        {"name": "name", "status": "status", "diagnosed": "diagnosed", "resolved": "resolved"},
    ),
    "medication": ("medications", {"name": "name", "classes": "classes", "start": "start"}),
    "allergy": ("allergies", {"substance": "substance", "classes": "classes", "reaction": "reaction"}),
    "marker": ("tumour_markers", {"name": "name", "result": "result"}),
    "procedure": ("procedures", {"name": "name", "date": "date", "major": "major"}),
    "planned": ("planned_procedures", {"name": "name", "date": "date", "major": "major"}),
}
# The column that says a row is filled in at all (a lab row may name its test and still be blank).
ROW_KEY_COLUMN = {
    "performance": "score",
    "score": "score",
    "lab": "value",
    "therapy": "agent",
    "radiation": "field",
    "transplant": "type",
    "condition": "name",
    "medication": "name",
    "allergy": "substance",
    "marker": "name",
    "procedure": "name",
    "planned": "name",
}
INTEGER_COLUMNS = {("performance", "score"), ("lab", "transfused")}
NUMBER_COLUMNS = {("lab", "value"), ("lab", "uln"), ("therapy", "dose"), ("score", "score"), *INTEGER_COLUMNS}
DATE_COLUMNS = {("performance", "date"), ("score", "date"), ("lab", "date"), ("therapy", "start"), ("therapy", "end")}
DATE_COLUMNS |= {("radiation", "end"), ("transplant", "date")}
DATE_COLUMNS |= {("condition", "diagnosed"), ("condition", "resolved"), ("medication", "start"), ("procedure", "date")}
DATE_COLUMNS |= {("planned", "date")}
TRI_COLUMNS = {("therapy", "progressed"), ("transplant", "myeloablative"), ("procedure", "major"), ("planned", "major")}
CHECK_COLUMNS = {("therapy", "ongoing")}
LIST_COLUMNS = {("therapy", "classes"), ("medication", "classes"), ("allergy", "classes")}

EXTENT_FLAGS = ("metastatic", "measurable_disease", "evaluable_disease", "unresectable")
CNS_FLAGS = ("present", "treated", "stable", "symptomatic")
CONTRAINDICATION_FLAGS = ("mri", "general_anaesthesia", "regional_anaesthesia")
OBSERVATION_NUMBERS = (
    "qtc_ms", "systolic_bp_mmhg", "diastolic_bp_mmhg", "heart_rate_bpm", "weight_kg", "height_cm", "bsa_m2", "bmi",
    "spo2_percent", "temperature_c", "respiratory_rate_per_min", "fev1_percent_predicted", "dlco_percent_predicted",
    "birth_weight_g",
)  # fmt: skip

# Top-level scalars: form name → (JSON path, kind).
SCALARS: dict[str, tuple[tuple[str, ...], str]] = {
    "age_years": (("age_years",), "number"),
    "birth_date": (("birth_date",), "date"),
    "sex": (("sex",), "text"),
    "diagnosis": (("diagnosis",), "text"),
    "histologically_confirmed": (("histologically_confirmed",), "tri"),
    "high_risk": (("high_risk",), "tri"),
    **{f"site_{flag}": (("disease_sites", flag), "tri") for flag in SITE_FLAGS},
    "largest_lesion_mm": (("disease_sites", "largest_lesion_mm"), "number"),
    "curie_score": (("disease_sites", "curie_score"), "integer"),
    "alk": (("biomarkers", "alk"), "text"),
    "mycn_amplified": (("biomarkers", "mycn_amplified"), "tri"),
    "life_expectancy_months": (("life_expectancy_months",), "number"),
    "prior_lines_of_therapy": (("prior_lines_of_therapy",), "integer"),
    "stored_stem_cells_cd34_per_kg": (("stored_stem_cells_cd34_per_kg",), "number"),
    "cardiac_ejection_fraction": (("cardiac_ejection_fraction",), "number"),
    "cardiac_shortening_fraction": (("cardiac_shortening_fraction",), "number"),
    "max_toxicity_grade": (("max_toxicity_grade",), "integer"),
    "active_infection": (("active_infection",), "tri"),
    "pregnant": (("pregnant",), "tri"),
    "breastfeeding": (("breastfeeding",), "tri"),
    "planning_pregnancy": (("planning_pregnancy",), "tri"),
    "reproductive_potential": (("reproductive_potential",), "tri"),
    "menopause": (("menopause",), "text"),
    "last_period": (("last_period",), "date"),
    "due_date": (("due_date",), "date"),
    "previous_pregnancies": (("previous_pregnancies",), "integer"),
    "gestational_age_at_birth_weeks": (("gestational_age_at_birth_weeks",), "number"),
    "last_live_vaccine": (("last_live_vaccine",), "date"),
    "conditions": (("conditions",), "lines"),
    "conditions_absent": (("conditions_absent",), "lines"),
    "place": (("location", "place"), "text"),
    "lat": (("location", "lat"), "number"),
    "lon": (("location", "lon"), "number"),
    "max_travel_km": (("location", "max_travel_km"), "number"),
    # The general patient model (issue #12).
    "no_known_allergies": (("no_known_allergies",), "tri"),
    "histology": (("histology",), "text"),
    "extent_stage": (("extent", "stage"), "text"),
    **{f"extent_{flag}": (("extent", flag), "tri") for flag in EXTENT_FLAGS},
    **{f"cns_{flag}": (("cns_disease", flag), "tri") for flag in CNS_FLAGS},
    "cns_last_treatment": (("cns_disease", "last_treatment"), "date"),
    "last_major_surgery": (("last_major_surgery",), "date"),
    "never_major_surgery": (("never_major_surgery",), "tri"),
    "trial_in_other_trial_now": (("trial_participation", "in_other_trial_now"), "tri"),
    "trial_last_other_trial_end": (("trial_participation", "last_other_trial_end"), "date"),
    "trial_last_investigational_agent": (("trial_participation", "last_investigational_agent"), "date"),
    "trial_never_investigational_agent": (("trial_participation", "never_investigational_agent"), "tri"),
    **{f"cannot_have_{flag}": (("contraindications", flag), "tri") for flag in CONTRAINDICATION_FLAGS},
    **{f"obs_{name}": (("observations", name), "number") for name in OBSERVATION_NUMBERS},
    "obs_asa_class": (("observations", "asa_class"), "integer"),
    "obs_date": (("observations", "date"), "date"),
    "smoking": (("lifestyle", "smoking"), "text"),
    "smoking_pack_years": (("lifestyle", "pack_years"), "number"),
    "smoking_cigarettes_per_day": (("lifestyle", "cigarettes_per_day"), "number"),
    "smoking_quit": (("lifestyle", "quit_smoking"), "date"),
    "diet": (("lifestyle", "diet"), "text"),
    "alcohol_drinks_per_week": (("lifestyle", "alcohol_drinks_per_week"), "number"),
}
NESTED = (
    "disease_sites", "biomarkers", "location", "extent", "cns_disease", "trial_participation", "contraindications",
    "observations", "lifestyle",
)  # fmt: skip


class FormError(ProfileError):
    """A form that does not make a profile: `fields` maps each bad form field to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__("form", [f"{name}: {message}" for name, message in fields.items()])


@dataclass(frozen=True)
class FormProfile:
    """A submitted form read back: the profile, its JSON, and top-level fields Eligo does not know (kept)."""

    profile: PatientProfile
    data: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormFields:
    """A profile as form fields, and what the fields cannot carry (kept as it is, by top-level key)."""

    fields: dict[str, str]
    kept: dict[str, Any]


# -- profile → fields -------------------------------------------------------------------------------------


def show_number(value: Any) -> str:
    """A number as the form shows it: no trailing ".0", and exact (`float(text) == value`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _show(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "tri":
        return "yes" if value is True else "no" if value is False else ""
    if kind in ("number", "integer"):
        return show_number(value)
    if kind == "lines":
        return "\n".join(str(item) for item in value)
    if kind == "list":
        return ", ".join(str(item) for item in value)
    if kind == "check":
        return "on" if value else ""
    return str(value)


def _column_kind(group: str, column: str) -> str:
    key = (group, column)
    if key in INTEGER_COLUMNS:
        return "integer"
    if key in NUMBER_COLUMNS:
        return "number"
    if key in DATE_COLUMNS:
        return "date"
    if key in TRI_COLUMNS:
        return "tri"
    if key in CHECK_COLUMNS:
        return "check"
    if key in LIST_COLUMNS:
        return "list"
    return "text"


def _raw_fields(data: Mapping[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, (path, kind) in SCALARS.items():
        value: Any = data
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None and value != ():
            fields[name] = _show(value, kind)
    # Always present, even blank: a form without it is an older page, read as neuroblastoma.
    fields.setdefault("diagnosis", "")
    states = data.get("disease_states") or ()
    for state in states:
        fields[f"state_{state}"] = "on"
    for group, (key, columns) in ROW_GROUPS.items():
        for row, item in enumerate(data.get(key) or ()):
            for column, json_key in columns.items():
                value = item.get(json_key) if isinstance(item, Mapping) else None
                shown = _show(value, _column_kind(group, column))
                if shown:
                    fields[f"{group}_{row}_{column}"] = shown
    return fields


def fields_from_profile(data: Mapping[str, Any]) -> FormFields:
    """The form fields showing profile `data` (already valid), and the top-level parts kept as they are:
    unknown fields, and any field the form would not give back exactly (found by reading the fields back)."""
    known = set(PatientProfile.model_fields)
    kept = {key: value for key, value in data.items() if key not in known}
    fields = _raw_fields(data)
    back, _ = _data_from_fields(fields)
    for key in known & set(data):
        if _value_of(key, data[key]) != _value_of(key, back.get(key)):
            kept[key] = data[key]
    return FormFields({name: value for name, value in fields.items() if not keys_of_field(name) & kept.keys()}, kept)


def _value_of(key: str, value: Any) -> Any:
    """One top-level field as the profile holds it (so `6` and `6.0`, or a date and its text, compare equal)."""
    if value is None:
        return PatientProfile.model_fields[key].default
    try:
        return getattr(PatientProfile.model_validate({key: value}), key)
    except ValidationError:
        return ("invalid", json.dumps(value, sort_keys=True, default=str))


def keys_of_field(name: str) -> set[str]:
    """The top-level profile keys a form field fills (`site_bone` → disease_sites, `lab_3_unit` → labs)."""
    if name in SCALARS:
        return {SCALARS[name][0][0]}
    if name.startswith("state_"):
        return {"disease_states"}
    prefix = name.split("_", 1)[0]
    if prefix in ROW_GROUPS:
        return {ROW_GROUPS[prefix][0]}
    if name.startswith(("lab_", "labs_")):
        return {"labs"}
    if name.startswith("performance_"):
        return {"performance"}
    return set()


def row_counts(fields: Mapping[str, str]) -> dict[str, int]:
    """How many rows of each group the fields use (the highest row number plus one)."""
    counts = dict.fromkeys(ROW_GROUPS, 0)
    for name in fields:
        found = _ROW_NAME.match(name)
        if found and found.group(1) in ROW_GROUPS:
            counts[found.group(1)] = max(counts[found.group(1)], int(found.group(2)) + 1)
    return counts


_ROW_NAME = re.compile(r"^([a-z]+)_(\d{1,3})_([a-z_]+)$")


# -- fields → profile -------------------------------------------------------------------------------------


class _Reader:
    """Reads one form's values, collecting a message per bad field."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.problems: dict[str, str] = {}

    def text(self, name: str) -> str | None:
        value = (self.form.get(name) or "").strip()
        return value or None

    def number(self, name: str, *, integer: bool = False) -> float | int | None:
        raw = self.text(name)
        if raw is None:
            return None
        cleaned = raw.replace(" ", "")
        if _THOUSANDS.match(cleaned):
            cleaned = cleaned.replace(",", "")
        elif "," in cleaned:
            self.problems[name] = f"{raw!r}: please use a point for decimals (1.5), not a comma"
            return None
        try:
            value = float(cleaned)
        except ValueError:
            self.problems[name] = f"{raw!r} is not a number"
            return None
        if not math.isfinite(value):
            self.problems[name] = f"{raw!r} is not a number"
            return None
        if integer:
            if not value.is_integer():
                self.problems[name] = f"{raw!r}: please give a whole number"
                return None
            return int(value)
        return value

    def date(self, name: str) -> str | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            self.problems[name] = f"{raw!r} is not a date (YYYY-MM-DD)"
            return None

    def tri(self, name: str) -> bool | None:
        raw = (self.form.get(name) or "").strip().lower()
        return {"yes": True, "no": False, "true": True, "false": False}.get(raw)

    def checked(self, name: str) -> bool:
        return (self.form.get(name) or "").strip().lower() in ("on", "yes", "true", "1")

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in (self.form.get(name) or "").splitlines() if line.strip()]

    def value(self, name: str, kind: str) -> Any:
        if kind in ("number", "integer"):
            return self.number(name, integer=kind == "integer")
        if kind == "date":
            return self.date(name)
        if kind == "tri":
            return self.tri(name)
        if kind == "check":
            return self.checked(name) or None
        if kind == "lines":
            return self.lines(name) or None
        if kind == "list":
            parts = [part.strip() for part in (self.form.get(name) or "").split(",")]
            return [part for part in parts if part] or None
        return self.text(name)


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _data_from_fields(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The profile JSON the fields describe and the problems found reading them (by form field)."""
    read = _Reader(form)
    data: dict[str, Any] = {}
    for name, (path, kind) in SCALARS.items():
        value = read.value(name, kind)
        if value is None:
            continue
        if len(path) == 1:
            data[path[0]] = value
        else:
            data.setdefault(path[0], {})[path[1]] = value
    if "diagnosis" not in form:
        data.setdefault("diagnosis", "neuroblastoma")  # a form without the field (older pages): the site's disease
    # In the order the page lists them: the profile's own order first.
    states = [
        name[6:] for name in form if name.startswith("state_") and name[6:] in STATE_FIELDS and read.checked(name)
    ]
    if states:
        data["disease_states"] = list(dict.fromkeys(states))
    for group, (key, columns) in ROW_GROUPS.items():
        rows = list(_rows(read, group, columns))
        if rows:
            data[key] = rows
    _legacy(read, data)
    return data, read.problems


def _rows(read: _Reader, group: str, columns: dict[str, str]) -> Iterator[dict[str, Any]]:
    for row in range(row_counts(read.form)[group]):
        names = {column: f"{group}_{row}_{column}" for column in columns}
        item: dict[str, Any] = {}
        for column, json_key in columns.items():
            value = read.value(names[column], _column_kind(group, column))
            if value is not None:
                item[json_key] = value
        key_column = ROW_KEY_COLUMN[group]
        if columns[key_column] not in item:
            # A row whose main value is blank is an unused row, unless something else was typed into it.
            typed = [c for c in columns if c not in (key_column, "test", "unit") and read.text(names[c])]
            if typed and names[key_column] not in read.problems:
                read.problems[names[key_column]] = "this row has other details: please fill this in, or clear the row"
            continue
        if group == "lab" and "test" not in item:
            read.problems[names["test"]] = "choose which test this is"
            continue
        if group == "performance" and "scale" not in item:
            read.problems[names["scale"]] = "choose the scale (Lansky, Karnofsky or ECOG)"
            continue
        if group == "score" and "scale" not in item:
            read.problems[names["scale"]] = "choose which score this is"
            continue
        yield item


def _legacy(read: _Reader, data: dict[str, Any]) -> None:
    """The single-row fields of the earlier form (`lab_anc`, `labs_date`, `performance_scale`), still read."""
    labs = []
    lab_date = read.date("labs_date")
    for test in LAB_FIELDS:
        amount = read.number(f"lab_{test}")
        if amount is None:
            continue
        lab: dict[str, Any] = {"test": test, "value": amount, "unit": read.text(f"lab_{test}_unit")}
        if lab_date:
            lab["date"] = lab_date
        if (uln := read.number(f"lab_{test}_uln")) is not None:
            lab["upper_limit_normal"] = uln
        labs.append(lab)
    if labs:
        data["labs"] = [*data.get("labs", []), *labs]
    if scale := read.text("performance_scale"):
        score = read.number("performance_score", integer=True)
        if score is not None:
            data["performance"] = [*data.get("performance", []), {"scale": scale, "score": score}]


def read_form(form: Mapping[str, str]) -> FormProfile:
    """The profile a submitted editor form describes, with what it kept; FormError naming each bad field."""
    problems: dict[str, str] = {}
    for name, value in form.items():
        if name != KEPT_FIELD and len(value) > MAX_FIELD_CHARS and name not in ("conditions", "conditions_absent"):
            problems[name] = f"longer than {MAX_FIELD_CHARS} characters"
    data, found = _data_from_fields(form)
    problems |= found
    kept = _kept(form.get(KEPT_FIELD), problems)
    known = set(PatientProfile.model_fields)
    extra = {key: value for key, value in kept.items() if key not in known}
    data |= {key: value for key, value in kept.items() if key in known}
    try:
        profile = profile_from_data(data, source="form")
    except ProfileError as error:
        # Every problem at once: those of the values as read, then the profile's own checks of the rest.
        raise FormError({**dict(_by_field(error.problems, form)), **problems}) from error
    if problems:
        raise FormError(problems)
    return FormProfile(profile, data, extra)


def profile_from_form(form: Mapping[str, str]) -> tuple[PatientProfile, dict[str, Any]]:
    """The profile and the JSON data it was built from; raises FormError naming bad fields."""
    found = read_form(form)
    return found.profile, found.data


def kept_of(raw: str | None) -> dict[str, Any]:
    """What the hidden field carries, or {} when it carries nothing usable."""
    return _kept(raw, {})


def _kept(raw: str | None, problems: dict[str, str]) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        kept = parse_json(raw.encode("utf-8")[: MAX_PROFILE_BYTES + 1], "kept")
    except ProfileError as error:
        problems[KEPT_FIELD] = "; ".join(error.problems)
        return {}
    if not isinstance(kept, dict):
        problems[KEPT_FIELD] = "the kept part of the profile is not a JSON object"
        return {}
    return kept


# Where a profile path's error is shown: the form field that holds it.
_COLUMN_OF = {
    group: {json_key: column for column, json_key in columns.items()} for group, (_, columns) in ROW_GROUPS.items()
}
_GROUP_OF = {key: group for group, (key, _) in ROW_GROUPS.items()}
_FIELD_OF = {path: name for name, (path, _) in SCALARS.items()}


def _by_field(problems: list[str], form: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Each "path: message" of the profile loader as (form field, message)."""
    rows = {group: _filled_rows(form, group) for group in ROW_GROUPS}
    for problem in problems:
        where, _, message = problem.partition(": ")
        parts = tuple(where.split(".")) if where != "(profile)" else ()
        yield _field_for(parts, message, rows), message


def _filled_rows(form: Mapping[str, str], group: str) -> list[int]:
    """The form row of each item of the profile list (blank rows are skipped when reading)."""
    read = _Reader(form)
    return [
        item_row
        for item_row in range(row_counts(form)[group])
        if read.text(f"{group}_{item_row}_{ROW_KEY_COLUMN[group]}")
    ]


def _field_for(parts: tuple[str, ...], message: str, rows: dict[str, list[int]]) -> str:
    if parts and parts[0] in _GROUP_OF:
        group = _GROUP_OF[parts[0]]
        if len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            row = rows[group][index] if index < len(rows[group]) else index
            column = _COLUMN_OF[group].get(parts[2], ROW_KEY_COLUMN[group]) if len(parts) > 2 else ROW_KEY_COLUMN[group]
            return f"{group}_{row}_{column}"
        return f"{group}_0_{ROW_KEY_COLUMN[group]}"
    if parts[:2] in _FIELD_OF:
        return _FIELD_OF[parts[:2]]
    if parts[:1] in _FIELD_OF:
        return _FIELD_OF[parts[:1]]
    if parts[:1] == ("disease_states",):
        return f"state_{STATE_FIELDS[0]}"
    if parts[:1] == ("location",):
        return "lat"
    if "birth_date" in message:
        return "birth_date"
    if "conditions" in message:
        return "conditions_absent"
    return parts[0] if parts else "form"
