"""The `Trial` record: what a registry says about one study, as plain immutable data."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eligo.trials.ages import AgeLimits, registry_age_limits

NCT_ID_PATTERN = re.compile(r"^NCT\d{8}$")
# Overlay trials that are not on ClinicalTrials.gov get an id in their own registry
# (ISRCTN, EudraCT, CTIS) or a curated "ELIGO-" id; all ids are upper-case words.
TRIAL_ID_PATTERN = re.compile(r"^(NCT\d{8}|ISRCTN\d{8}|EUCT[0-9-]+|\d{4}-\d{6}-\d{2}|ELIGO-[A-Z0-9-]+)$")
# ClinicalTrials.gov dates are "2018", "2018-03" or "2018-03-15"; partial dates stay partial.
PARTIAL_DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Record(BaseModel):
    """Base for every trial sub-record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceFormat(StrEnum):
    CTGOV_V2 = "ctgov_v2"
    # The retired API v1 JSON (`FullStudiesResponse`), still found in old downloads.
    CTGOV_V1_JSON = "ctgov_v1_json"
    CTGOV_LEGACY_XML = "ctgov_legacy_xml"
    OVERLAY = "overlay"


class Provenance(Record):
    source_format: SourceFormat
    source_file: str | None = None
    # Where inside the source the record came from: a zip member, a JSON Lines line number.
    source_member: str | None = None
    imported_at: datetime | None = None
    # An overlay names the document its facts come from (e.g. the CCLG parents' guide).
    overlay_sources: tuple[str, ...] = ()


class Contact(Record):
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    phone_ext: str | None = None
    email: str | None = None


class Official(Record):
    name: str | None = None
    role: str | None = None
    affiliation: str | None = None


class Sponsor(Record):
    name: str
    sponsor_class: str | None = None


class Intervention(Record):
    type: str | None = None
    name: str
    other_names: tuple[str, ...] = ()
    description: str | None = None
    arm_group_labels: tuple[str, ...] = ()


class ArmGroup(Record):
    label: str
    type: str | None = None
    description: str | None = None
    intervention_names: tuple[str, ...] = ()


class Outcome(Record):
    measure: str
    description: str | None = None
    time_frame: str | None = None


class GeoPoint(Record):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Location(Record):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    # The site's own recruitment status, in API v2 words (RECRUITING, NOT_YET_RECRUITING, ...).
    status: str | None = None
    contacts: tuple[Contact, ...] = ()
    geo: GeoPoint | None = None


class Reference(Record):
    citation: str | None = None
    pmid: str | None = None
    type: str | None = None


class Eligibility(Record):
    criteria: str | None = None
    # As the registry writes them: "1 Year", "18 Months", "N/A" is stored as None.
    minimum_age: str | None = None
    maximum_age: str | None = None
    sex: str | None = None  # ALL / FEMALE / MALE
    healthy_volunteers: bool | None = None
    std_ages: tuple[str, ...] = ()  # CHILD / ADULT / OLDER_ADULT

    @cached_property
    def age_limits(self) -> AgeLimits | None:
        """The age limits in months, read once per record; the store's prefilter and the age rule both use them.

        Cached on the frozen record: build a new Eligibility rather than `model_copy(update=...)` its ages.
        """
        return registry_age_limits(self.minimum_age, self.maximum_age)


class AdverseEventGroup(Record):
    """One group of participants the posted results count events in (usually an arm)."""

    id: str
    title: str
    description: str | None = None
    serious_affected: int | None = Field(default=None, ge=0)
    serious_at_risk: int | None = Field(default=None, ge=0)
    other_affected: int | None = Field(default=None, ge=0)
    other_at_risk: int | None = Field(default=None, ge=0)


class AdverseEventCount(Record):
    group_id: str
    affected: int | None = Field(default=None, ge=0)
    at_risk: int | None = Field(default=None, ge=0)


class AdverseEvent(Record):
    """One adverse event term as the registry's posted results list it, with its counts per group."""

    term: str
    organ_system: str | None = None
    serious: bool
    counts: tuple[AdverseEventCount, ...] = ()


class AdverseEvents(Record):
    """The adverse events a study posted with its results (API v2 `resultsSection.adverseEventsModule`)."""

    time_frame: str | None = None
    description: str | None = None
    # Other (not serious) events are listed only when at least this share (%) of a group had them.
    frequency_threshold: str | None = None
    groups: tuple[AdverseEventGroup, ...] = ()
    events: tuple[AdverseEvent, ...] = ()


class Trial(Record):
    """One study, in ClinicalTrials.gov API v2 vocabulary (enum values as the API spells them)."""

    nct_id: str
    secondary_ids: tuple[str, ...] = ()
    org_study_id: str | None = None
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = None  # RECRUITING, ACTIVE_NOT_RECRUITING, AVAILABLE, ...
    expanded_access_status: str | None = None
    # Families need to know why a trial stopped, and what a stale ("UNKNOWN") trial last said.
    why_stopped: str | None = None
    last_known_status: str | None = None
    has_expanded_access: bool | None = None
    start_date: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    last_update_date: str | None = None
    first_posted_date: str | None = None
    phases: tuple[str, ...] = ()  # PHASE1, PHASE2, EARLY_PHASE1, NA
    study_type: str | None = None  # INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS
    enrollment: int | None = Field(default=None, ge=0)
    enrollment_type: str | None = None  # ACTUAL / ESTIMATED
    lead_sponsor: Sponsor | None = None
    collaborators: tuple[Sponsor, ...] = ()
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    condition_mesh_terms: tuple[str, ...] = ()
    intervention_mesh_terms: tuple[str, ...] = ()
    arm_groups: tuple[ArmGroup, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    primary_outcomes: tuple[Outcome, ...] = ()
    secondary_outcomes: tuple[Outcome, ...] = ()
    eligibility: Eligibility = Eligibility()
    central_contacts: tuple[Contact, ...] = ()
    overall_officials: tuple[Official, ...] = ()
    locations: tuple[Location, ...] = ()
    references: tuple[Reference, ...] = ()
    # Only for studies that posted results with adverse events; None otherwise (most records).
    adverse_events: AdverseEvents | None = None
    provenance: Provenance | None = None

    @field_validator("nct_id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        value = value.strip().upper()
        if not TRIAL_ID_PATTERN.match(value):
            raise ValueError(f"not a valid trial id: {value!r} (expected NCT followed by 8 digits)")
        return value

    @field_validator(
        "start_date", "primary_completion_date", "completion_date", "last_update_date", "first_posted_date"
    )
    @classmethod
    def _partial_date(cls, value: str | None) -> str | None:
        if value is not None and not PARTIAL_DATE_PATTERN.match(value):
            raise ValueError(f"not a date in YYYY, YYYY-MM or YYYY-MM-DD form: {value!r}")
        return value

    @property
    def title(self) -> str:
        return self.brief_title or self.official_title or self.nct_id

    @property
    def sponsor(self) -> str | None:
        return self.lead_sponsor.name if self.lead_sponsor else None


# Control characters (C0, DEL, C1) in a file or zip member name would reach a terminal as escape sequences.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters and undecodable file-name bytes escaped: safe on a terminal and in JSON."""
    shown = _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)
    # A POSIX file name that is not UTF-8 arrives as lone surrogates, which no UTF-8 output can carry.
    return shown.encode("utf-8", "backslashreplace").decode("utf-8") if _has_surrogates(shown) else shown


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _located(message: str, file: str | None, record: str | None, field: str | None) -> str:
    where = [printable(part) for part in (file, record and f"record {record}", field and f"field {field}") if part]
    return f"{': '.join(where)}: {printable(message)}" if where else printable(message)


class ImportProblem(Exception):
    """A record that could not be read, named precisely enough for a person to fix it."""

    def __init__(
        self, message: str, *, file: str | None = None, record: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.record = record
        self.field = field

    def __str__(self) -> str:
        return _located(self.message, self.file, self.record, self.field)


class ImportNote:
    """A record that was imported with something dropped, reshaped or trimmed, named for the import summary."""

    def __init__(
        self, message: str, *, file: str | None = None, record: str | None = None, field: str | None = None
    ) -> None:
        self.message = message
        self.file = file
        self.record = record
        self.field = field

    def __str__(self) -> str:
        return _located(self.message, self.file, self.record, self.field)

    def __repr__(self) -> str:
        return f"ImportNote({str(self)!r})"
