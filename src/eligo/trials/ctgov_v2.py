"""One ClinicalTrials.gov study in JSON (API v2, or the retired v1 `FullStudiesResponse` shape) mapped to a `Trial`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from eligo.trials.model import (
    NCT_ID_PATTERN,
    AdverseEvent,
    AdverseEventCount,
    AdverseEventGroup,
    AdverseEvents,
    ArmGroup,
    Contact,
    Eligibility,
    GeoPoint,
    ImportNote,
    ImportProblem,
    Intervention,
    Location,
    Official,
    Outcome,
    Provenance,
    Reference,
    SourceFormat,
    Sponsor,
    Trial,
)
from eligo.trials.registry_terms import age_text, enum_word, partial_date, phase_words, yes_no

JsonObject = Mapping[str, Any]
# Counts (enrollment) are stored as 32-bit integers; a larger one is an error in the file, not a trial's size.
_MAX_COUNT = 2**31 - 1
_MAX_COUNT_DIGITS = 10


def study_to_trial(
    study: JsonObject,
    *,
    source_file: str | None = None,
    member: str | None = None,
    notes: list[ImportNote] | None = None,
) -> Trial:
    """Map one study to a `Trial`; raises `ImportProblem` naming the field when the study is malformed.

    Empty list entries (`"collaborators": [{}]`) are dropped and a single value where a list is expected is
    read as a list of one; each such repair is added to `notes` (when given) naming the field.

    Accepts an API v2 study (`{"protocolSection": ...}`), a v1 study (`{"ProtocolSection": ...}`),
    a v1 `FullStudies` entry (`{"Rank": 1, "Study": {...}}`) or a v1 envelope holding exactly one study.
    """
    fields = _Fields(source_file, notes)
    if not isinstance(study, Mapping):
        raise fields.problem(f"expected a study object, got {_kind(study)}", None)
    if "protocolSection" in study:
        return _v2_trial(study, fields, SourceFormat.CTGOV_V2, member)
    v1 = _v1_study(study, fields)
    if v1 is None:
        raise fields.problem("not a ClinicalTrials.gov study: no protocolSection", "protocolSection")
    return _v2_trial(_v1_to_v2(v1, fields), fields, SourceFormat.CTGOV_V1_JSON, member)


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Fields:
    """Typed reads from decoded JSON: a value of the wrong type is an `ImportProblem` naming its path."""

    def __init__(self, source_file: str | None, notes: list[ImportNote] | None = None) -> None:
        self.file = source_file
        self.record: str | None = None
        self.notes = notes

    def problem(self, message: str, field: str | None) -> ImportProblem:
        return ImportProblem(message, file=self.file, record=self.record, field=field)

    def note(self, message: str, field: str) -> None:
        if self.notes is not None:
            self.notes.append(ImportNote(message, file=self.file, record=self.record, field=field))

    def obj(self, parent: JsonObject, key: str, path: str) -> JsonObject:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.problem(f"expected an object, got {_kind(value)}", _join(path, key))
        return value

    def objs(self, parent: JsonObject, key: str, path: str) -> list[tuple[JsonObject, str]]:
        """Each object of a list, with its own path (`...locations[3]`) for later problems."""
        value = parent.get(key)
        if value is None:
            return []
        where = _join(path, key)
        if isinstance(value, Mapping):
            # Some exporters write a list of one as the object itself.
            self.note("one object where a list is expected: read as a list of one", where)
            value = [value]
        if not isinstance(value, list):
            raise self.problem(f"expected a list, got {_kind(value)}", where)
        items: list[tuple[JsonObject, str]] = []
        for index, item in enumerate(value):
            if item is None or (isinstance(item, Mapping) and not item):
                # Registry export tools write [{}] for "none": nothing to read, not a broken study.
                self.note("empty entry left out", f"{where}[{index}]")
                continue
            if not isinstance(item, Mapping):
                raise self.problem(f"expected an object, got {_kind(item)}", f"{where}[{index}]")
            items.append((item, f"{where}[{index}]"))
        return items

    def text(self, parent: JsonObject, key: str, path: str) -> str | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.problem(f"expected text, got {_kind(value)}", _join(path, key))
        return value.strip() or None

    def required_text(self, parent: JsonObject, key: str, path: str) -> str:
        value = self.text(parent, key, path)
        if value is None:
            raise self.problem("missing", _join(path, key))
        return value

    def texts(self, parent: JsonObject, key: str, path: str) -> tuple[str, ...]:
        value = parent.get(key)
        if value is None:
            return ()
        where = _join(path, key)
        if isinstance(value, str):
            self.note("one text where a list is expected: read as a list of one", where)
            value = [value]
        if not isinstance(value, list) or not all(item is None or isinstance(item, str) for item in value):
            raise self.problem(f"expected a list of text, got {_kind(value)}", where)
        if any(item is None for item in value):
            self.note("empty entry left out", where)
        return tuple(item.strip() for item in value if item is not None and item.strip())

    def integer(self, parent: JsonObject, key: str, path: str) -> int | None:
        value = parent.get(key)
        # v1 JSON writes counts as text ("63"); bool is an int in Python but never a count.
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= _MAX_COUNT_DIGITS:
            return int(value)
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _MAX_COUNT):
            return value
        raise self.problem(f"expected a whole number up to {_MAX_COUNT:,}, got {str(value)[:40]}", _join(path, key))

    def number(self, parent: JsonObject, key: str, path: str) -> float | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.problem(f"expected a number, got {value!r}", _join(path, key))
        return float(value)

    def flag(self, parent: JsonObject, key: str, path: str) -> bool | None:
        value = parent.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self.problem(f"expected true or false, got {value!r}", _join(path, key))

    def date(self, parent: JsonObject, key: str, path: str) -> str | None:
        try:
            return partial_date(self.text(parent, key, path))
        except ValueError as err:
            raise self.problem(str(err), _join(path, key)) from None


def _nct_id(fields: _Fields, value: str | None, where: str) -> str:
    if value is None:
        raise fields.problem("missing NCT id", where)
    nct_id = value.strip().upper()
    if not NCT_ID_PATTERN.match(nct_id):
        raise fields.problem(f"not a valid NCT id: {value!r} (expected NCT followed by 8 digits)", where)
    fields.record = nct_id
    return nct_id


def _v2_trial(study: JsonObject, f: _Fields, source_format: SourceFormat, member: str | None) -> Trial:
    ps = f.obj(study, "protocolSection", "")
    p = "protocolSection"
    ident = f.obj(ps, "identificationModule", p)
    pi = _join(p, "identificationModule")
    nct_id = _nct_id(f, f.text(ident, "nctId", pi), _join(pi, "nctId"))

    status = f.obj(ps, "statusModule", p)
    ps_ = _join(p, "statusModule")
    access = f.obj(status, "expandedAccessInfo", ps_)
    design = f.obj(ps, "designModule", p)
    pd = _join(p, "designModule")
    enrollment = f.obj(design, "enrollmentInfo", pd)
    sponsors = f.obj(ps, "sponsorCollaboratorsModule", p)
    psp = _join(p, "sponsorCollaboratorsModule")
    description = f.obj(ps, "descriptionModule", p)
    conditions = f.obj(ps, "conditionsModule", p)
    arms = f.obj(ps, "armsInterventionsModule", p)
    pa = _join(p, "armsInterventionsModule")
    outcomes = f.obj(ps, "outcomesModule", p)
    po = _join(p, "outcomesModule")
    contacts = f.obj(ps, "contactsLocationsModule", p)
    pc = _join(p, "contactsLocationsModule")
    derived = f.obj(study, "derivedSection", "")

    def date_of(struct_key: str) -> str | None:
        return f.date(f.obj(status, struct_key, ps_), "date", _join(ps_, struct_key))

    def sponsor(item: JsonObject, where: str) -> Sponsor:
        return Sponsor(name=f.required_text(item, "name", where), sponsor_class=f.text(item, "class", where))

    def outcome(item: JsonObject, where: str) -> Outcome:
        return Outcome(
            measure=f.required_text(item, "measure", where),
            description=f.text(item, "description", where),
            time_frame=f.text(item, "timeFrame", where),
        )

    def mesh_terms(module: str) -> tuple[str, ...]:
        browse = f.obj(derived, module, "derivedSection")
        where = _join("derivedSection", module)
        terms = (f.text(item, "term", at) for item, at in f.objs(browse, "meshes", where))
        return tuple(term for term in terms if term)

    lead = f.obj(sponsors, "leadSponsor", psp)
    try:
        return Trial(
            nct_id=nct_id,
            secondary_ids=tuple(f.required_text(item, "id", at) for item, at in f.objs(ident, "secondaryIdInfos", pi)),
            org_study_id=f.text(f.obj(ident, "orgStudyIdInfo", pi), "id", _join(pi, "orgStudyIdInfo")),
            brief_title=f.text(ident, "briefTitle", pi),
            official_title=f.text(ident, "officialTitle", pi),
            acronym=f.text(ident, "acronym", pi),
            overall_status=f.text(status, "overallStatus", ps_),
            expanded_access_status=f.text(access, "statusForNctId", _join(ps_, "expandedAccessInfo")),
            has_expanded_access=f.flag(access, "hasExpandedAccess", _join(ps_, "expandedAccessInfo")),
            why_stopped=f.text(status, "whyStopped", ps_),
            last_known_status=f.text(status, "lastKnownStatus", ps_),
            start_date=date_of("startDateStruct"),
            primary_completion_date=date_of("primaryCompletionDateStruct"),
            completion_date=date_of("completionDateStruct"),
            last_update_date=date_of("lastUpdatePostDateStruct") or f.date(status, "lastUpdateSubmitDate", ps_),
            first_posted_date=date_of("studyFirstPostDateStruct"),
            phases=f.texts(design, "phases", pd),
            study_type=f.text(design, "studyType", pd),
            enrollment=f.integer(enrollment, "count", _join(pd, "enrollmentInfo")),
            enrollment_type=f.text(enrollment, "type", _join(pd, "enrollmentInfo")),
            lead_sponsor=sponsor(lead, _join(psp, "leadSponsor")) if lead else None,
            collaborators=tuple(sponsor(item, at) for item, at in f.objs(sponsors, "collaborators", psp)),
            brief_summary=f.text(description, "briefSummary", _join(p, "descriptionModule")),
            detailed_description=f.text(description, "detailedDescription", _join(p, "descriptionModule")),
            conditions=f.texts(conditions, "conditions", _join(p, "conditionsModule")),
            keywords=f.texts(conditions, "keywords", _join(p, "conditionsModule")),
            condition_mesh_terms=mesh_terms("conditionBrowseModule"),
            intervention_mesh_terms=mesh_terms("interventionBrowseModule"),
            arm_groups=tuple(
                ArmGroup(
                    label=f.required_text(item, "label", at),
                    type=f.text(item, "type", at),
                    description=f.text(item, "description", at),
                    intervention_names=f.texts(item, "interventionNames", at),
                )
                for item, at in f.objs(arms, "armGroups", pa)
            ),
            interventions=tuple(
                Intervention(
                    type=f.text(item, "type", at),
                    name=f.required_text(item, "name", at),
                    other_names=f.texts(item, "otherNames", at),
                    description=f.text(item, "description", at),
                    arm_group_labels=f.texts(item, "armGroupLabels", at),
                )
                for item, at in f.objs(arms, "interventions", pa)
            ),
            primary_outcomes=tuple(outcome(item, at) for item, at in f.objs(outcomes, "primaryOutcomes", po)),
            secondary_outcomes=tuple(outcome(item, at) for item, at in f.objs(outcomes, "secondaryOutcomes", po)),
            eligibility=_eligibility(f, f.obj(ps, "eligibilityModule", p), _join(p, "eligibilityModule")),
            central_contacts=tuple(_contact(f, item, at) for item, at in f.objs(contacts, "centralContacts", pc)),
            overall_officials=tuple(
                Official(
                    name=f.text(item, "name", at),
                    role=f.text(item, "role", at),
                    affiliation=f.text(item, "affiliation", at),
                )
                for item, at in f.objs(contacts, "overallOfficials", pc)
            ),
            locations=tuple(_location(f, item, at) for item, at in f.objs(contacts, "locations", pc)),
            references=tuple(
                Reference(
                    citation=f.text(item, "citation", at), pmid=f.text(item, "pmid", at), type=f.text(item, "type", at)
                )
                for item, at in f.objs(f.obj(ps, "referencesModule", p), "references", _join(p, "referencesModule"))
            ),
            adverse_events=_adverse_events(f, f.obj(study, "resultsSection", ""), "resultsSection"),
            provenance=Provenance(source_format=source_format, source_file=f.file, source_member=member),
        )
    except ValidationError as err:
        first = err.errors()[0]
        raise f.problem(first["msg"], ".".join(str(part) for part in first["loc"])) from None


def _adverse_events(f: _Fields, results: JsonObject, where: str) -> AdverseEvents | None:
    """The posted adverse events (serious and other, by organ system, with counts per group); None when absent."""
    module = f.obj(results, "adverseEventsModule", where)
    if not module:
        return None
    at = _join(where, "adverseEventsModule")

    def group(item: JsonObject, path: str) -> AdverseEventGroup:
        return AdverseEventGroup(
            id=f.required_text(item, "id", path),
            title=f.text(item, "title", path) or f.required_text(item, "id", path),
            description=f.text(item, "description", path),
            serious_affected=f.integer(item, "seriousNumAffected", path),
            serious_at_risk=f.integer(item, "seriousNumAtRisk", path),
            other_affected=f.integer(item, "otherNumAffected", path),
            other_at_risk=f.integer(item, "otherNumAtRisk", path),
        )

    def event(item: JsonObject, path: str, serious: bool) -> AdverseEvent:
        counts = tuple(
            AdverseEventCount(
                group_id=f.required_text(stat, "groupId", stat_at),
                affected=f.integer(stat, "numAffected", stat_at),
                at_risk=f.integer(stat, "numAtRisk", stat_at),
            )
            for stat, stat_at in f.objs(item, "stats", path)
        )
        return AdverseEvent(
            term=f.required_text(item, "term", path),
            organ_system=f.text(item, "organSystem", path),
            serious=serious,
            counts=counts,
        )

    events = [event(item, path, True) for item, path in f.objs(module, "seriousEvents", at)]
    events += [event(item, path, False) for item, path in f.objs(module, "otherEvents", at)]
    threshold = module.get("frequencyThreshold")
    return AdverseEvents(
        time_frame=f.text(module, "timeFrame", at),
        description=f.text(module, "description", at),
        frequency_threshold=str(threshold) if isinstance(threshold, int | float | str) and threshold != "" else None,
        groups=tuple(group(item, path) for item, path in f.objs(module, "eventGroups", at)),
        events=tuple(events),
    )


def _eligibility(f: _Fields, module: JsonObject, where: str) -> Eligibility:
    return Eligibility(
        criteria=f.text(module, "eligibilityCriteria", where),
        minimum_age=age_text(f.text(module, "minimumAge", where)),
        maximum_age=age_text(f.text(module, "maximumAge", where)),
        sex=f.text(module, "sex", where),
        healthy_volunteers=f.flag(module, "healthyVolunteers", where),
        std_ages=f.texts(module, "stdAges", where),
    )


def _contact(f: _Fields, item: JsonObject, where: str) -> Contact:
    return Contact(
        name=f.text(item, "name", where),
        role=f.text(item, "role", where),
        phone=f.text(item, "phone", where),
        phone_ext=f.text(item, "phoneExt", where),
        email=f.text(item, "email", where),
    )


def _location(f: _Fields, item: JsonObject, where: str) -> Location:
    point = f.obj(item, "geoPoint", where)
    lat = f.number(point, "lat", _join(where, "geoPoint"))
    lon = f.number(point, "lon", _join(where, "geoPoint"))
    return Location(
        facility=f.text(item, "facility", where),
        city=f.text(item, "city", where),
        state=f.text(item, "state", where),
        zip=f.text(item, "zip", where),
        country=f.text(item, "country", where),
        status=f.text(item, "status", where),
        contacts=tuple(_contact(f, contact, at) for contact, at in f.objs(item, "contacts", where)),
        geo=GeoPoint(lat=lat, lon=lon) if lat is not None and lon is not None else None,
    )


# --- API v1 (`FullStudiesResponse`): PascalCase fields rewritten into the v2 shape, then mapped as v2. ---


def _v1_study(study: JsonObject, f: _Fields) -> tuple[JsonObject, str] | None:
    """The v1 `Study` object inside whichever wrapper was given, with its path for problems."""
    if "FullStudiesResponse" in study:
        response = f.obj(study, "FullStudiesResponse", "")
        entries = f.objs(response, "FullStudies", "FullStudiesResponse")
        if len(entries) != 1:
            raise f.problem(
                f"expected one study in the envelope, found {len(entries)}", "FullStudiesResponse.FullStudies"
            )
        study, where = entries[0]
        return f.obj(study, "Study", where), _join(where, "Study")
    if "Study" in study:
        return f.obj(study, "Study", ""), "Study"
    if "ProtocolSection" in study:
        return study, ""
    return None


_Spec = Mapping[str, "str | tuple[str, Callable[[str | None], object]]"]


def _pick(f: _Fields, item: JsonObject, where: str, spec: _Spec) -> dict[str, Any]:
    """Read the v1 text fields named in `spec` into v2 keys, converting where a converter is given."""
    out: dict[str, Any] = {}
    for v2_key, source in spec.items():
        v1_key, convert = (source, None) if isinstance(source, str) else source
        text = f.text(item, v1_key, where)
        value: object = text
        if convert is not None:
            try:
                value = convert(text)
            except ValueError as err:
                raise f.problem(str(err), _join(where, v1_key)) from None
        if value is not None and value != ():
            out[v2_key] = value
    return out


def _v1_list(f: _Fields, parent: JsonObject, dotted: str, where: str) -> list[tuple[JsonObject, str]]:
    """v1 wraps every list in an object: `ArmGroupList.ArmGroup` is the list of arm groups."""
    outer, inner = dotted.split(".")
    return f.objs(f.obj(parent, outer, where), inner, _join(where, outer))


def _v1_texts(f: _Fields, parent: JsonObject, dotted: str, where: str) -> list[str]:
    outer, inner = dotted.split(".")
    return list(f.texts(f.obj(parent, outer, where), inner, _join(where, outer)))


def _v1_to_v2(located: tuple[JsonObject, str], f: _Fields) -> dict[str, Any]:
    study, base = located
    ps = f.obj(study, "ProtocolSection", base)
    p = _join(base, "ProtocolSection")

    def module(name: str) -> tuple[JsonObject, str]:
        return f.obj(ps, name, p), _join(p, name)

    ident, pi = module("IdentificationModule")
    _nct_id(f, f.text(ident, "NCTId", pi), _join(pi, "NCTId"))
    status, pst = module("StatusModule")
    design, pd = module("DesignModule")
    sponsors, psp = module("SponsorCollaboratorsModule")
    description, pdesc = module("DescriptionModule")
    conditions, pcond = module("ConditionsModule")
    arms, pa = module("ArmsInterventionsModule")
    outcomes, po = module("OutcomesModule")
    eligibility, pe = module("EligibilityModule")
    contacts, pc = module("ContactsLocationsModule")
    references, pr = module("ReferencesModule")
    derived = f.obj(study, "DerivedSection", base)
    pderived = _join(base, "DerivedSection")

    def date_struct(name: str) -> dict[str, str]:
        date = f.date(f.obj(status, f"{name}Struct", pst), name, _join(pst, f"{name}Struct"))
        return {"date": date} if date else {}

    phases: list[str] = []
    for phase in _v1_texts(f, design, "PhaseList.Phase", pd):
        try:
            phases.extend(phase_words(phase))
        except ValueError as err:
            raise f.problem(str(err), _join(pd, "PhaseList.Phase")) from None
    enrollment = f.obj(design, "EnrollmentInfo", pd)
    count = f.integer(enrollment, "EnrollmentCount", _join(pd, "EnrollmentInfo"))
    lead = f.obj(sponsors, "LeadSponsor", psp)

    def sponsor(item: JsonObject, where: str, prefix: str) -> dict[str, Any]:
        return _pick(f, item, where, {"name": f"{prefix}Name", "class": (f"{prefix}Class", enum_word)})

    def outcome(item: JsonObject, where: str, prefix: str) -> dict[str, Any]:
        return _pick(
            f,
            item,
            where,
            {"measure": f"{prefix}Measure", "description": f"{prefix}Description", "timeFrame": f"{prefix}TimeFrame"},
        )

    def contact(item: JsonObject, where: str, prefix: str) -> dict[str, Any]:
        spec: _Spec = {
            "name": f"{prefix}Name",
            "role": (f"{prefix}Role", enum_word),
            "phone": f"{prefix}Phone",
            "phoneExt": f"{prefix}PhoneExt",
            "email": f"{prefix}EMail",
        }
        return _pick(f, item, where, spec)

    def mesh(module_name: str, prefix: str) -> dict[str, Any]:
        browse = f.obj(derived, module_name, pderived)
        items = _v1_list(f, browse, f"{prefix}List.{prefix}", _join(pderived, module_name))
        return {"meshes": [_pick(f, item, at, {"term": f"{prefix}Term"}) for item, at in items]}

    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": f.text(ident, "NCTId", pi),
                "orgStudyIdInfo": {"id": f.text(f.obj(ident, "OrgStudyIdInfo", pi), "OrgStudyId", pi)},
                "secondaryIdInfos": [
                    _pick(f, item, at, {"id": "SecondaryId"})
                    for item, at in _v1_list(f, ident, "SecondaryIdInfoList.SecondaryIdInfo", pi)
                ],
                **_pick(
                    f, ident, pi, {"briefTitle": "BriefTitle", "officialTitle": "OfficialTitle", "acronym": "Acronym"}
                ),
            },
            "statusModule": {
                **_pick(
                    f,
                    status,
                    pst,
                    {
                        "overallStatus": ("OverallStatus", enum_word),
                        "lastKnownStatus": ("LastKnownStatus", enum_word),
                        "whyStopped": "WhyStopped",
                    },
                ),
                "expandedAccessInfo": _pick(
                    f,
                    f.obj(status, "ExpandedAccessInfo", pst),
                    _join(pst, "ExpandedAccessInfo"),
                    {
                        "hasExpandedAccess": ("HasExpandedAccess", yes_no),
                        "statusForNctId": ("ExpandedAccessStatusForNCTId", enum_word),
                    },
                ),
                "startDateStruct": date_struct("StartDate"),
                "primaryCompletionDateStruct": date_struct("PrimaryCompletionDate"),
                "completionDateStruct": date_struct("CompletionDate"),
                "lastUpdatePostDateStruct": date_struct("LastUpdatePostDate"),
                "studyFirstPostDateStruct": date_struct("StudyFirstPostDate"),
            },
            "designModule": {
                **_pick(f, design, pd, {"studyType": ("StudyType", enum_word)}),
                "phases": phases,
                "enrollmentInfo": {
                    "count": count,
                    **_pick(f, enrollment, _join(pd, "EnrollmentInfo"), {"type": ("EnrollmentType", enum_word)}),
                },
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": sponsor(lead, _join(psp, "LeadSponsor"), "LeadSponsor") if lead else None,
                "collaborators": [
                    sponsor(item, at, "Collaborator")
                    for item, at in _v1_list(f, sponsors, "CollaboratorList.Collaborator", psp)
                ],
            },
            "descriptionModule": _pick(
                f, description, pdesc, {"briefSummary": "BriefSummary", "detailedDescription": "DetailedDescription"}
            ),
            "conditionsModule": {
                "conditions": _v1_texts(f, conditions, "ConditionList.Condition", pcond),
                "keywords": _v1_texts(f, conditions, "KeywordList.Keyword", pcond),
            },
            "armsInterventionsModule": {
                "armGroups": [
                    {
                        **_pick(
                            f,
                            item,
                            at,
                            {
                                "label": "ArmGroupLabel",
                                "type": ("ArmGroupType", enum_word),
                                "description": "ArmGroupDescription",
                            },
                        ),
                        "interventionNames": _v1_texts(
                            f, item, "ArmGroupInterventionList.ArmGroupInterventionName", at
                        ),
                    }
                    for item, at in _v1_list(f, arms, "ArmGroupList.ArmGroup", pa)
                ],
                "interventions": [
                    {
                        **_pick(
                            f,
                            item,
                            at,
                            {
                                "type": ("InterventionType", enum_word),
                                "name": "InterventionName",
                                "description": "InterventionDescription",
                            },
                        ),
                        "otherNames": _v1_texts(f, item, "InterventionOtherNameList.InterventionOtherName", at),
                        "armGroupLabels": _v1_texts(
                            f, item, "InterventionArmGroupLabelList.InterventionArmGroupLabel", at
                        ),
                    }
                    for item, at in _v1_list(f, arms, "InterventionList.Intervention", pa)
                ],
            },
            "outcomesModule": {
                "primaryOutcomes": [
                    outcome(item, at, "PrimaryOutcome")
                    for item, at in _v1_list(f, outcomes, "PrimaryOutcomeList.PrimaryOutcome", po)
                ],
                "secondaryOutcomes": [
                    outcome(item, at, "SecondaryOutcome")
                    for item, at in _v1_list(f, outcomes, "SecondaryOutcomeList.SecondaryOutcome", po)
                ],
            },
            "eligibilityModule": {
                **_pick(
                    f,
                    eligibility,
                    pe,
                    {
                        "eligibilityCriteria": "EligibilityCriteria",
                        "healthyVolunteers": ("HealthyVolunteers", yes_no),
                        "sex": ("Gender", enum_word),
                        "minimumAge": "MinimumAge",
                        "maximumAge": "MaximumAge",
                    },
                ),
                "stdAges": [
                    word for word in map(enum_word, _v1_texts(f, eligibility, "StdAgeList.StdAge", pe)) if word
                ],
            },
            "contactsLocationsModule": {
                "centralContacts": [
                    contact(item, at, "CentralContact")
                    for item, at in _v1_list(f, contacts, "CentralContactList.CentralContact", pc)
                ],
                "overallOfficials": [
                    _pick(
                        f,
                        item,
                        at,
                        {
                            "name": "OverallOfficialName",
                            "affiliation": "OverallOfficialAffiliation",
                            "role": ("OverallOfficialRole", enum_word),
                        },
                    )
                    for item, at in _v1_list(f, contacts, "OverallOfficialList.OverallOfficial", pc)
                ],
                "locations": [
                    {
                        **_pick(
                            f,
                            item,
                            at,
                            {
                                "facility": "LocationFacility",
                                "status": ("LocationStatus", enum_word),
                                "city": "LocationCity",
                                "state": "LocationState",
                                "zip": "LocationZip",
                                "country": "LocationCountry",
                            },
                        ),
                        "contacts": [
                            contact(person, person_at, "LocationContact")
                            for person, person_at in _v1_list(f, item, "LocationContactList.LocationContact", at)
                        ],
                    }
                    for item, at in _v1_list(f, contacts, "LocationList.Location", pc)
                ],
            },
            "referencesModule": {
                "references": [
                    _pick(
                        f,
                        item,
                        at,
                        {
                            "citation": "ReferenceCitation",
                            "pmid": "ReferencePMID",
                            "type": ("ReferenceType", enum_word),
                        },
                    )
                    for item, at in _v1_list(f, references, "ReferenceList.Reference", pr)
                ]
            },
        },
        "derivedSection": {
            "conditionBrowseModule": mesh("ConditionBrowseModule", "ConditionMesh"),
            "interventionBrowseModule": mesh("InterventionBrowseModule", "InterventionMesh"),
        },
    }
