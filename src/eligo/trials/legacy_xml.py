"""One legacy ClinicalTrials.gov `<clinical_study>` XML element mapped to a `Trial` in API v2 vocabulary."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

from pydantic import ValidationError

from eligo.trials.model import (
    NCT_ID_PATTERN,
    ArmGroup,
    Contact,
    Eligibility,
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

ROOT_TAG = "clinical_study"


def clinical_study_to_trial(study: ET.Element, *, source_file: str | None = None, member: str | None = None) -> Trial:
    """Map one `<clinical_study>` element; raises `ImportProblem` naming the element that is wrong."""
    reader = _Reader(study, source_file)
    nct_id = reader.nct_id()
    interventions = tuple(_intervention(reader, item) for item in study.findall("intervention"))
    try:
        return Trial(
            nct_id=nct_id,
            # An alias is an NCT id the registry merged into this one; people still search by it.
            secondary_ids=_texts(study, "id_info/secondary_id") + _texts(study, "id_info/nct_alias"),
            org_study_id=_text(study, "id_info/org_study_id"),
            brief_title=_text(study, "brief_title"),
            official_title=_text(study, "official_title"),
            acronym=_text(study, "acronym"),
            overall_status=enum_word(_text(study, "overall_status")),
            why_stopped=_text(study, "why_stopped"),
            last_known_status=enum_word(_text(study, "last_known_status")),
            has_expanded_access=yes_no(_text(study, "has_expanded_access")),
            start_date=reader.date("start_date"),
            primary_completion_date=reader.date("primary_completion_date"),
            completion_date=reader.date("completion_date"),
            # Older downloads have only the pre-2017 names for these dates.
            last_update_date=reader.date("last_update_posted")
            or reader.date("lastchanged_date")
            or reader.date("last_update_submitted"),
            first_posted_date=reader.date("study_first_posted") or reader.date("firstreceived_date"),
            phases=reader.phases(),
            study_type=enum_word(_text(study, "study_type")),
            enrollment=reader.enrollment(),
            enrollment_type=enum_word(_attribute(study, "enrollment", "type")),
            lead_sponsor=_sponsor(study.find("sponsors/lead_sponsor")),
            collaborators=tuple(
                sponsor for sponsor in map(_sponsor, study.findall("sponsors/collaborator")) if sponsor
            ),
            brief_summary=_block(study, "brief_summary/textblock"),
            detailed_description=_block(study, "detailed_description/textblock"),
            conditions=_texts(study, "condition"),
            keywords=_texts(study, "keyword"),
            condition_mesh_terms=_texts(study, "condition_browse/mesh_term"),
            intervention_mesh_terms=_texts(study, "intervention_browse/mesh_term"),
            arm_groups=tuple(_arm_group(reader, arm, interventions) for arm in study.findall("arm_group")),
            interventions=interventions,
            primary_outcomes=tuple(_outcome(reader, item) for item in study.findall("primary_outcome")),
            secondary_outcomes=tuple(_outcome(reader, item) for item in study.findall("secondary_outcome")),
            eligibility=_eligibility(study.find("eligibility")),
            central_contacts=tuple(
                _contact(item, "CONTACT")
                for item in study.findall("overall_contact") + study.findall("overall_contact_backup")
            ),
            overall_officials=tuple(
                Official(
                    name=_text(item, "last_name"),
                    role=enum_word(_text(item, "role")),
                    affiliation=_text(item, "affiliation"),
                )
                for item in study.findall("overall_official")
            ),
            locations=tuple(_location(item) for item in study.findall("location")),
            references=tuple(_reference(item, None) for item in study.findall("reference"))
            + tuple(_reference(item, "RESULT") for item in study.findall("results_reference")),
            provenance=Provenance(
                source_format=SourceFormat.CTGOV_LEGACY_XML, source_file=source_file, source_member=member
            ),
        )
    except ValidationError as err:
        first = err.errors()[0]
        raise reader.problem(first["msg"], ".".join(str(part) for part in first["loc"])) from None


class _Reader:
    """Reads fields that can be wrong, turning each mistake into an `ImportProblem` naming the element."""

    def __init__(self, study: ET.Element, source_file: str | None) -> None:
        self.study = study
        self.file = source_file
        self.record: str | None = None

    def problem(self, message: str, field: str) -> ImportProblem:
        return ImportProblem(message, file=self.file, record=self.record, field=field)

    def nct_id(self) -> str:
        field = f"{ROOT_TAG}/id_info/nct_id"
        value = _text(self.study, "id_info/nct_id")
        if value is None:
            raise self.problem("missing NCT id", field)
        if not NCT_ID_PATTERN.match(value.upper()):
            raise self.problem(f"not a valid NCT id: {value!r} (expected NCT followed by 8 digits)", field)
        self.record = value.upper()
        return self.record

    def date(self, tag: str) -> str | None:
        try:
            return partial_date(_text(self.study, tag))
        except ValueError as err:
            raise self.problem(str(err), f"{ROOT_TAG}/{tag}") from None

    def phases(self) -> tuple[str, ...]:
        try:
            return phase_words(_text(self.study, "phase"))
        except ValueError as err:
            raise self.problem(str(err), f"{ROOT_TAG}/phase") from None

    def enrollment(self) -> int | None:
        value = _text(self.study, "enrollment")
        if value is None:
            return None
        if not value.isdigit():
            raise self.problem(f"expected a whole number, got {value!r}", f"{ROOT_TAG}/enrollment")
        return int(value)

    def required(self, element: ET.Element, tag: str) -> str:
        value = _text(element, tag)
        if value is None:
            raise self.problem("missing", f"{ROOT_TAG}/{element.tag}/{tag}")
        return value


def _text(element: ET.Element | None, path: str) -> str | None:
    """A one-line field, with the XML's line breaks and indentation collapsed."""
    found = None if element is None else element.find(path)
    if found is None or found.text is None:
        return None
    return " ".join(found.text.split()) or None


def _attribute(element: ET.Element, path: str, name: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(name)


def _texts(element: ET.Element, path: str) -> tuple[str, ...]:
    values = (" ".join((found.text or "").split()) for found in element.findall(path))
    return tuple(value for value in values if value)


def _block(element: ET.Element | None, path: str) -> str | None:
    """A `<textblock>`: keep its paragraphs and bullets, drop the indentation the XML added to every line."""
    found = None if element is None else element.find(path)
    if found is None or found.text is None:
        return None
    text = found.text.replace("\r\n", "\n").replace("\r", "\n")
    lines = textwrap.dedent(text).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n") or None


def _sponsor(element: ET.Element | None) -> Sponsor | None:
    name = _text(element, "agency")
    return Sponsor(name=name, sponsor_class=enum_word(_text(element, "agency_class"))) if name else None


def _intervention(reader: _Reader, element: ET.Element) -> Intervention:
    return Intervention(
        type=enum_word(_text(element, "intervention_type")),
        name=reader.required(element, "intervention_name"),
        other_names=_texts(element, "other_name"),
        description=_block(element, "description"),
        arm_group_labels=_texts(element, "arm_group_label"),
    )


def _arm_group(reader: _Reader, element: ET.Element, interventions: tuple[Intervention, ...]) -> ArmGroup:
    label = reader.required(element, "arm_group_label")
    # Legacy XML links arms to interventions only from the intervention side; API v2 lists
    # them on the arm as "Drug: carboplatin", so build the same words here.
    names = tuple(
        f"{(item.type or 'OTHER').replace('_', ' ').title()}: {item.name}"
        for item in interventions
        if label in item.arm_group_labels
    )
    return ArmGroup(
        label=label,
        type=enum_word(_text(element, "arm_group_type")),
        description=_block(element, "description"),
        intervention_names=names,
    )


def _outcome(reader: _Reader, element: ET.Element) -> Outcome:
    return Outcome(
        measure=reader.required(element, "measure"),
        description=_block(element, "description"),
        time_frame=_text(element, "time_frame"),
    )


def _eligibility(element: ET.Element | None) -> Eligibility:
    if element is None:
        return Eligibility()
    return Eligibility(
        criteria=_block(element, "criteria/textblock"),
        minimum_age=age_text(_text(element, "minimum_age")),
        maximum_age=age_text(_text(element, "maximum_age")),
        sex=enum_word(_text(element, "gender")),
        healthy_volunteers=yes_no(_text(element, "healthy_volunteers")),
    )


def _contact(element: ET.Element, role: str | None) -> Contact:
    return Contact(
        name=_text(element, "last_name"),
        role=enum_word(_text(element, "role")) or role,
        phone=_text(element, "phone"),
        phone_ext=_text(element, "phone_ext"),
        email=_text(element, "email"),
    )


def _location(element: ET.Element) -> Location:
    people = [_contact(item, "CONTACT") for item in element.findall("contact") + element.findall("contact_backup")]
    people += [_contact(item, None) for item in element.findall("investigator")]
    return Location(
        facility=_text(element, "facility/name"),
        city=_text(element, "facility/address/city"),
        state=_text(element, "facility/address/state"),
        zip=_text(element, "facility/address/zip"),
        country=_text(element, "facility/address/country"),
        status=enum_word(_text(element, "status")),
        contacts=tuple(people),
    )


def _reference(element: ET.Element, kind: str | None) -> Reference:
    return Reference(citation=_text(element, "citation"), pmid=_text(element, "PMID"), type=kind)
