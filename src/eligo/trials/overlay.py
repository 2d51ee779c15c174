"""Curated YAML overlays: trials a registry lacks, and facts (such as UK sites) added to registry records.

An overlay is one YAML document::

    source: "CCLG parents' guide: ..."      # required; recorded in every record's provenance
    trials:                                  # studies we know only from the source
      - id: ELIGO-VERITAS                    # a registry id the source states, else ELIGO-<NAME>
        brief_title: VERITAS
        ...                                  # any other `Trial` field, by its snake_case name
    patches:                                 # facts a registry record lacks, keyed by NCT id
      - nct_id: NCT03363373
        add_locations: [{facility: ..., city: ..., country: United Kingdom}]
        set: {overall_status: RECRUITING}    # optional field overrides, validated as `Trial` fields

`read_overlay` yields each valid trial and patch, and an `ImportProblem` for each thing it cannot
accept (naming the file, the entry and the field), so one bad entry never hides the good ones.
An overlay without a `source` yields only the problem: an unsourced fact is the thing overlays
exist to prevent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from eligo.trials.model import (
    NCT_ID_PATTERN,
    ImportProblem,
    Location,
    Provenance,
    SourceFormat,
    Trial,
)

TOP_LEVEL_KEYS = ("source", "trials", "patches")
# Fields a patch may not `set`: identity and provenance belong to the record, and sites are only
# ever added (`add_locations`), never replaced wholesale by a curated document.
UNSETTABLE_FIELDS = frozenset({"nct_id", "provenance", "locations"})


class OverlayPatch(BaseModel):
    """Facts one overlay adds to the registry record with this NCT id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nct_id: str
    source: str
    add_locations: tuple[Location, ...] = ()
    set_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("nct_id")
    @classmethod
    def _registry_id(cls, value: str) -> str:
        value = value.strip().upper()
        if not NCT_ID_PATTERN.match(value):
            raise ValueError(f"not a ClinicalTrials.gov id: {value!r} (patches are keyed by NCT followed by 8 digits)")
        return value

    @field_validator("set_fields")
    @classmethod
    def _settable(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if name in UNSETTABLE_FIELDS or name not in Trial.model_fields:
                raise ValueError(f"cannot set {name!r}: not a settable Trial field")
        # Check each value against the Trial field it overrides, before any record is touched.
        Trial.model_validate({"nct_id": "NCT00000000", **value})
        return value


class _PatchEntry(BaseModel):
    """One `patches:` entry as written in YAML (`set` is a Python keyword, hence the alias)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    nct_id: str
    add_locations: tuple[Location, ...] = ()
    set_fields: dict[str, Any] = Field(default_factory=dict, alias="set")


def read_overlay(path: Path) -> Iterator[Trial | OverlayPatch | ImportProblem]:
    """Yield the trials and patches of one overlay file, and a problem for each entry that is wrong."""
    file = str(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader subclass
    except (OSError, UnicodeDecodeError) as error:
        yield ImportProblem(f"cannot read overlay: {error}", file=file)
        return
    except yaml.YAMLError as error:
        yield ImportProblem(f"not valid YAML: {_one_line(error)}", file=file)
        return
    if document is None:
        yield ImportProblem("empty overlay: expected a mapping with 'source' and 'trials' or 'patches'", file=file)
        return
    if not isinstance(document, Mapping):
        yield ImportProblem(f"an overlay is a mapping, not a {type(document).__name__}", file=file)
        return

    for key in document:
        if key not in TOP_LEVEL_KEYS:
            yield ImportProblem(
                f"unknown key {key!r} (expected one of {', '.join(TOP_LEVEL_KEYS)})", file=file, field=str(key)
            )
    source = document.get("source")
    if not isinstance(source, str) or not source.strip():
        problem = "missing" if source is None else f"must be non-empty text, not {source!r}"
        yield ImportProblem(
            f"'source' {problem}: every overlay names the document its facts come from", file=file, field="source"
        )
        return
    source = source.strip()

    seen: set[str] = set()
    for index, entry in enumerate(_entry_list(document, "trials", file)):
        if isinstance(entry, ImportProblem):
            yield entry
            continue
        result = _read_trial(entry, source, file, f"trials[{index}]")
        if not isinstance(result, Trial):
            yield from result
        elif result.nct_id in seen:
            yield ImportProblem(
                f"{result.nct_id} appears twice", file=file, record=f"trials[{index}] {result.nct_id}", field="id"
            )
        else:
            seen.add(result.nct_id)
            yield result
    for index, entry in enumerate(_entry_list(document, "patches", file)):
        if isinstance(entry, ImportProblem):
            yield entry
            continue
        yield from _read_patch(entry, source, file, f"patches[{index}]")


def apply_patch(trial: Trial, patch: OverlayPatch) -> Trial:
    """Return `trial` with the patch's new sites and field values, and its source recorded.

    Applying the same patch twice gives the same record: a site already listed (same facility and
    city, ignoring case, spacing and apostrophe style) is not added again, and a source is recorded once.
    """
    if trial.nct_id != patch.nct_id:
        raise ValueError(f"patch for {patch.nct_id} cannot apply to {trial.nct_id}")
    if trial.provenance is None:
        raise ValueError(f"{trial.nct_id} has no provenance to record the overlay source {patch.source!r} in")

    locations = list(trial.locations)
    known = {_site_key(location) for location in locations}
    for location in patch.add_locations:
        if _site_key(location) not in known:
            known.add(_site_key(location))
            locations.append(location)
    sources = trial.provenance.overlay_sources
    if patch.source not in sources:
        sources = (*sources, patch.source)

    data = trial.model_dump()
    data.update(patch.set_fields)
    data["locations"] = locations
    data["provenance"] = trial.provenance.model_copy(update={"overlay_sources": sources})
    return Trial.model_validate(data)


def _read_trial(entry: object, source: str, file: str, where: str) -> Trial | list[ImportProblem]:
    if not isinstance(entry, Mapping):
        return [ImportProblem(f"a trial is a mapping, not a {type(entry).__name__}", file=file, record=where)]
    data = {str(key): _plain(value) for key, value in entry.items()}
    given_id = data.get("id", data.get("nct_id"))
    record = f"{where} {given_id}" if isinstance(given_id, str) else where
    if "provenance" in data:
        return [ImportProblem("set by the reader, not by the overlay", file=file, record=record, field="provenance")]
    if "id" in data and "nct_id" in data:
        return [ImportProblem("give the trial's id once, as 'id'", file=file, record=record, field="nct_id")]
    if "id" not in data and "nct_id" not in data:
        message = "missing (a registry id the source states, else ELIGO-<NAME>)"
        return [ImportProblem(message, file=file, record=record, field="id")]
    data["nct_id"] = data.pop("id", data.get("nct_id"))
    data["provenance"] = Provenance(source_format=SourceFormat.OVERLAY, source_file=file, overlay_sources=(source,))
    try:
        return Trial.model_validate(data)
    except ValidationError as error:
        return _problems(error, file, record, renames={"nct_id": "id"})


def _read_patch(entry: object, source: str, file: str, where: str) -> Iterator[OverlayPatch | ImportProblem]:
    if not isinstance(entry, Mapping):
        yield ImportProblem(f"a patch is a mapping, not a {type(entry).__name__}", file=file, record=where)
        return
    data = {str(key): _plain(value) for key, value in entry.items()}
    record = f"{where} {data['nct_id']}" if isinstance(data.get("nct_id"), str) else where
    try:
        parsed = _PatchEntry.model_validate(data)
        yield OverlayPatch(
            nct_id=parsed.nct_id, source=source, add_locations=parsed.add_locations, set_fields=parsed.set_fields
        )
    except ValidationError as error:
        yield from _problems(error, file, record, renames={"set_fields": "set"})


def _entry_list(document: Mapping[str, Any], key: str, file: str) -> list[object]:
    """The entries under `key`; a value that is not a list comes back as its one problem."""
    entries = document.get(key)
    if entries is None:
        return []
    if not isinstance(entries, list):
        return [ImportProblem(f"'{key}' is a list of entries, not a {type(entries).__name__}", file=file, field=key)]
    return entries


def _problems(error: ValidationError, file: str, record: str, renames: Mapping[str, str]) -> list[ImportProblem]:
    problems = []
    for detail in error.errors():
        location = [str(part) for part in detail["loc"]]
        if location:
            location[0] = renames.get(location[0], location[0])
        field = ".".join(location) or None
        if detail["type"] == "extra_forbidden":
            message = f"unknown key {location[-1]!r}"
        else:
            message = str(detail["msg"]).removeprefix("Value error, ")
        problems.append(ImportProblem(message, file=file, record=record, field=field))
    return problems


def _plain(value: object) -> object:
    """YAML reads `2024-05-01` as a date; `Trial` keeps registry-style date text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _site_key(location: Location) -> tuple[str, str]:
    """Facility and city as a person would compare them: case, spacing and apostrophe style ignored."""

    def plain(text: str | None) -> str:
        return " ".join((text or "").replace("\u2019", "'").casefold().split())

    return plain(location.facility), plain(location.city)


def _one_line(error: yaml.YAMLError) -> str:
    """PyYAML's own message spans lines and quotes the source; keep what went wrong and where."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem:
        where = error.problem_mark or error.context_mark
        context = f"{error.context}: " if error.context else ""
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        return f"{context}{error.problem}{at}"
    return " ".join(str(error).split())


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (YAML would keep the last silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
