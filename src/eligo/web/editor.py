"""The profile editor's page: its layout and words (`profile_editor.yaml`), the audience, and the rows it shows.

The fields themselves, both ways, are `eligo.patients.form`'s; this module only decides what the page
shows: which sections, which rows (a fixed number of blank ones, one more per "add another row"), the
words for a family or a clinician, and what the profile holds that the form keeps as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from eligo.accounts import users
from eligo.explain.summary import Audience, worded_for
from eligo.patients.form import (
    KEPT_FIELD,
    ROW_GROUPS,
    SCALARS,
    STATE_FIELDS,
    FormFields,
    keys_of_field,
    row_counts,
)
from eligo.patients.profile import PatientProfile
from eligo.rules import drugs
from eligo.units import UnitError, to_canonical
from eligo.units import vocabulary as lab_vocabulary
from eligo.web.requests import store_of
from eligo.yamlfile import load_yaml

# Staff accounts see clinical wording; families and visitors who are not signed in see "your child".
STAFF_ROLES = frozenset({"clinician", "coordinator", "admin"})
BLANK_ROWS = 1


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Words = str | dict[Audience, str]


class EditorField(_Model):
    name: str
    kind: Literal["number", "date", "text", "select", "tri", "states", "lines", "check", "unit"]
    label: Words
    options: str | None = None
    blank: str | None = None


class Section(_Model):
    id: str
    legend: Words
    help: str | None = None
    fields: tuple[EditorField, ...] = ()
    rows: str | None = None
    add: str | None = None
    # Shown folded while nothing in it is filled in, so a family's form stays short.
    collapsed: bool = False
    columns: tuple[EditorField, ...] = ()


class AudienceWords(_Model):
    nav: str
    footer: str
    title: str
    intro: str
    child: str
    editing: str
    upload: str


class EditorLayout(_Model):
    audiences: dict[Audience, AudienceWords]
    words: dict[str, str]
    messages: tuple[tuple[str, str], ...] = ()
    options: dict[str, Any]
    sections: tuple[Section, ...] = Field(min_length=1)

    def message(self, text: str) -> str:
        """A check's message in the page's words (`messages` in the YAML file); unchanged when none fits."""
        for pattern, replacement in self.messages:
            if re.match(pattern, text):
                return re.sub(pattern, replacement, text)
        return text

    def option_words(self, name: str) -> dict[str, str]:
        found = self.options.get(name, {})
        return dict(found) if isinstance(found, dict) else {value: value for value in found}

    def lab_units(self) -> dict[str, list[str]]:
        return {test: list(units) for test, units in self.options["lab_units"].items()}


@cache
def layout() -> EditorLayout:
    """The editor's layout and words, read and checked once (every row group and option list exists)."""
    raw = load_yaml(files("eligo.web").joinpath("profile_editor.yaml").read_text(encoding="utf-8"))
    found = EditorLayout.model_validate(raw)
    for pattern, _ in found.messages:
        re.compile(pattern)
    for section in found.sections:
        if section.rows is not None and section.rows not in ROW_GROUPS:
            raise ValueError(f"profile_editor.yaml: section {section.id}: no row group {section.rows!r}")
        for item in (*section.fields, *section.columns):
            if item.options is not None and item.options not in found.options:
                raise ValueError(f"profile_editor.yaml: {item.name}: no options {item.options!r}")
    return found


def audience_of(role: str | None) -> Audience:
    return "clinician" if role in STAFF_ROLES else "family"


def audience_for(request: Request) -> Audience:
    """Who this visitor is for the wording: a signed-in staff account is a clinician, anyone else a family.
    The session's claim is checked against the store once per request."""
    found = getattr(request.state, "audience", None)
    if found in ("family", "clinician"):
        return found  # type: ignore[no-any-return]
    session = request.state.session
    user = users.session_user(store_of(request), session.id, session.user_id) if session.user_id is not None else None
    audience = audience_of(user.role if user is not None else None)
    request.state.audience = audience
    return audience


def for_reader(request: Request, text: str) -> str:
    """`text`, written to a family (a criterion's question), as this visitor reads it (base.html's global)."""
    session = getattr(request.state, "session", None)
    return worded_for(text, audience_for(request)) if session is not None else text


def site_words(request: Request) -> AudienceWords:
    """The words every page's header and footer use for this visitor (base.html)."""
    session = getattr(request.state, "session", None)
    return layout().audiences[audience_for(request) if session is not None else "family"]


def words_for(value: Words, audience: Audience) -> str:
    return value if isinstance(value, str) else value.get(audience) or value["family"]


def rows_to_show(fields: Mapping[str, str], add: str | None = None) -> dict[str, int]:
    """How many rows each group shows: those the page had, and at least BLANK_ROWS blank ones after the last
    in use; for `add` (the "add another row" button pressed without JavaScript) one more than the page had."""
    posted = row_counts(fields)  # the rows the page had, blank or not
    used = row_counts({name: value for name, value in fields.items() if value.strip()})
    return {
        group: max(posted[group], used[group]) + 1 if group == add else max(posted[group], used[group] + BLANK_ROWS)
        for group in ROW_GROUPS
    }


def with_presets(fields: Mapping[str, str]) -> dict[str, str]:
    """`fields` with a blank lab row for each usual test the form does not list yet (its first unit chosen)."""
    shown = dict(fields)
    row = row_counts(shown)["lab"]
    listed = {value for name, value in shown.items() if name.startswith("lab_") and name.endswith("_test")}
    units = layout().lab_units()
    for test in layout().options["lab_presets"]:
        if test not in listed:
            shown[f"lab_{row}_test"] = test
            shown[f"lab_{row}_unit"] = units[test][0]
            row += 1
    return shown


def kept_list(kept: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the page lists under "Also in this profile, kept as they are", each with why."""
    known = set(PatientProfile.model_fields)
    words = layout().words
    return [
        {
            "key": key,
            "why": words["kept_inexact"] if key in known else words["kept_unknown"],
            "value": json.dumps(value, ensure_ascii=False)[:300],
        }
        for key, value in kept.items()
    ]


def editor_context(
    form: FormFields,
    audience: Audience,
    *,
    errors: Mapping[str, str] | None = None,
    add: str | None = None,
    editing: bool = False,
) -> dict[str, Any]:
    """What match_form.html needs: the fields (with the usual lab rows), rows, words, errors and what is kept."""
    fields = with_presets(form.fields) if "labs" not in form.kept else dict(form.fields)
    kept_keys = set(form.kept)
    labels = field_labels(audience)
    return {
        "form": fields,
        "rows": rows_to_show(fields, add),
        "layout": layout(),
        "audience": audience,
        "speak": layout().audiences[audience],
        "field_errors": page_order({name: layout().message(text) for name, text in (errors or {}).items()}),
        "errors": [f"{name}: {message}" for name, message in (errors or {}).items()],
        "kept": kept_list(form.kept),
        "section_open": lambda section: _in_use(section, fields, errors or {}),
        "field_kept": lambda name: bool(keys_of_field("state_relapsed" if name == "states" else name) & kept_keys),
        "section_kept": lambda section: sorted(section_keys(section) & kept_keys),
        "problem_label": lambda name: labels.get(name) or _row_label(name, labels, fields),
        "all_units": {unit for units in layout().lab_units().values() for unit in units},
        "unit_owner": unit_owner,
        "field_notes": field_notes(fields),
        "drug_names": [drug.name for drug in drugs.vocabulary().data.drugs],
        "kept_json": json.dumps(form.kept, ensure_ascii=False) if form.kept else "",
        "kept_field": KEPT_FIELD,
        "editing": editing,
        "state_order": _state_order(fields),
        "lab_units": layout().lab_units(),
    }


def _state_order(fields: Mapping[str, str]) -> list[str]:
    """The disease states in the order the profile lists them, then the rest in the model's order."""
    chosen = [name[6:] for name in fields if name.startswith("state_") and name[6:] in STATE_FIELDS]
    return [*dict.fromkeys(chosen), *(state for state in STATE_FIELDS if state not in chosen)]


def section_keys(section: Section) -> set[str]:
    """The top-level profile keys a section's fields fill (a section whose keys are all kept shows a note)."""
    names = [item.name for item in section.fields]
    if section.rows:
        names.append(f"{section.rows}_0_{section.columns[0].name}")
    keys: set[str] = set()
    for name in names:
        keys |= keys_of_field("state_relapsed" if name == "states" else name)
    return keys


def field_labels(audience: Audience) -> dict[str, str]:
    """Each single field's label, and each row column's as "section: column" by `group_column`, for the
    error summary."""
    labels: dict[str, str] = {}
    for section in layout().sections:
        for item in section.fields:
            labels[item.name] = words_for(item.label, audience)
        for column in section.columns:
            labels[f"{section.rows}_{column.name}"] = (
                f"{words_for(section.legend, audience)}: {words_for(column.label, audience)}"
            )
    labels |= {f"state_{state}": labels["states"] for state in STATE_FIELDS}
    labels["profile_file"] = "Profile JSON file"
    return labels


def _row_label(name: str, labels: Mapping[str, str], fields: Mapping[str, str]) -> str:
    """ "Blood tests: Creatinine (row 4)" for `lab_3_value`; the name itself when it is no field of the page."""
    group, _, rest = name.partition("_")
    row, _, column = rest.partition("_")
    if not (row.isdigit() and f"{group}_{column}" in labels):
        return name
    label = labels[f"{group}_{column}"]
    test = fields.get(f"{group}_{row}_test")
    if group == "lab" and column == "value" and test:
        label = f"{label.split(':')[0]}: {layout().option_words('lab_names').get(test, test)}"
    return f"{label} (row {int(row) + 1})"


def page_order(errors: Mapping[str, str]) -> dict[str, str]:
    """`errors` in the order their fields come on the page (the summary reads top to bottom)."""
    order: dict[str, tuple[int, int, int]] = {}
    for place, section in enumerate(layout().sections):
        for index, item in enumerate(section.fields):
            order[item.name] = (place, 0, index)
        for index, column in enumerate(section.columns):
            order[f"{section.rows}_{column.name}"] = (place, 1, index)

    def key(name: str) -> tuple[int, int, int, int]:
        group, _, rest = name.partition("_")
        row, _, column = rest.partition("_")
        if row.isdigit() and f"{group}_{column}" in order:
            place, _, index = order[f"{group}_{column}"]
            return (place, 1, int(row), index)
        place, kind, index = order.get("states" if name.startswith("state_") else name, (len(order), 0, 0))
        return (place, kind, 0, index)

    return {name: errors[name] for name in sorted(errors, key=key)}


def format_rows() -> list[dict[str, str]]:
    """Every field of a profile, nested ones by path (`labs[].unit`), with its type and allowed values,
    read from the model's JSON Schema: the same facts as docs/patient-profile.md, served offline."""
    schema = PatientProfile.model_json_schema()
    definitions = schema.get("$defs", {})
    rows: list[dict[str, str]] = []
    labels = field_labels("family")
    on_form = {".".join(path): labels.get(name, "") for name, (path, _) in SCALARS.items()}
    on_form["disease_states"] = labels["states"]
    for group, (key, columns) in ROW_GROUPS.items():
        for column, json_key in columns.items():
            on_form[f"{key}[].{json_key}"] = labels.get(f"{group}_{column}", "")

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        return dict(definitions[ref.rsplit("/", 1)[-1]]) if isinstance(ref, str) else node

    def describe(node: dict[str, Any]) -> tuple[str, list[str], dict[str, Any] | None]:
        """(type words, allowed values, the object schema inside when there is one)."""
        node = resolve(node)
        variants = [resolve(part) for part in node.get("anyOf", [node])]
        types: list[str] = []
        values: list[str] = []
        inner: dict[str, Any] | None = None
        for part in variants:
            kind = part.get("type")
            if "enum" in part:
                values.extend(str(value) for value in part["enum"])
                types.append("one of the values")
            elif kind == "array":
                item_type, item_values, item_inner = describe(part.get("items", {}))
                values.extend(item_values)
                inner = item_inner or inner
                types.append(f"list of {item_type}")
            elif kind == "object" or "properties" in part:
                inner = part
                types.append("object")
            elif kind == "string" and part.get("format") == "date":
                types.append("date (YYYY-MM-DD)")
            elif kind and kind != "null":
                types.append(str(kind))
        return " or ".join(dict.fromkeys(types)) or "any", values, inner

    def walk(node: dict[str, Any], prefix: str) -> None:
        for name, prop in node.get("properties", {}).items():
            kind, values, inner = describe(prop)
            path = f"{prefix}{name}"
            limits = [
                word.format(part[key])
                for part in (prop, *prop.get("anyOf", ()))
                for key, word in _LIMITS.items()
                if key in part
            ]
            rows.append(
                {
                    "path": path,
                    "type": kind,
                    "allowed": ", ".join(values),
                    "limits": ", ".join(limits),
                    "on_form": on_form.get(path, ""),
                }
            )
            if inner is not None:
                walk(inner, f"{path}[]." if kind.startswith("list") else f"{path}.")

    walk(schema, "")
    return rows


_LIMITS = {
    "minimum": "at least {}",
    "exclusiveMinimum": "more than {}",
    "maximum": "at most {}",
    "maxLength": "at most {} characters",
    "maxItems": "at most {} items",
}


def unit_owner(test: str | None, unit: str) -> str | None:
    """The test whose unit list shows `unit` selected: the row's own test when it lists it, else the first."""
    units = layout().lab_units()
    if test in units and unit in units[test]:
        return test
    return next((name for name, listed in units.items() if unit in listed), None)


def _in_use(section: Section, fields: Mapping[str, str], errors: Mapping[str, str]) -> bool:
    """Whether any field of the section holds something or has an error (a folded section then opens)."""
    names = {item.name for item in section.fields}

    def belongs(name: str) -> bool:
        if name in names or (name.startswith("state_") and "states" in names):
            return True
        return section.rows is not None and name.startswith(f"{section.rows}_") and name.split("_")[1].isdigit()

    return any(belongs(name) for name in errors) or any(
        value.strip() and belongs(name) for name, value in fields.items()
    )


_LAB_UNIT = re.compile(r"^lab_(\d+)_unit$")
_AGENT = re.compile(r"^therapy_(\d+)_agent$")


def field_notes(fields: Mapping[str, str]) -> dict[str, str]:
    """Notes beside fields that are accepted but cannot be used as they are: a unit Eligo cannot convert for
    its test (criteria on that test stay open) and a medicine the drug vocabulary does not know, without
    classes (criteria about drug classes stay open)."""
    words = layout().words
    names = layout().option_words("lab_names")
    notes: dict[str, str] = {}
    for name, value in fields.items():
        if (unit := _LAB_UNIT.match(name)) and value.strip():
            test = fields.get(f"lab_{unit.group(1)}_test", "")
            if test in lab_vocabulary().tests:
                try:
                    to_canonical(test, 1.0, value)
                except UnitError:
                    notes[name] = words["unit_unknown"].format(unit=value, test=names.get(test, test))
        elif (agent := _AGENT.match(name)) and value.strip() and not _classes_known(fields, agent.group(1), value):
            notes[name] = words["agent_unknown"]
    return notes


def _classes_known(fields: Mapping[str, str], row: str, agent: str) -> bool:
    """Whether a therapy row's classes are known: given on the row, or found for its name in the vocabulary."""
    return bool(fields.get(f"therapy_{row}_classes", "").strip() or drugs.vocabulary().drugs_in(agent))
