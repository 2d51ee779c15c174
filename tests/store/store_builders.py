"""Trials built in code for the store tests: small, explicit, one fact changed at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eligo.trials.model import Eligibility, GeoPoint, Intervention, Location, Provenance, SourceFormat, Trial

MakeTrial = Callable[..., Trial]


def make_trial(nct_id: str = "NCT00000001", **changes: Any) -> Trial:
    fields: dict[str, Any] = {
        "nct_id": nct_id,
        "brief_title": f"Study {nct_id}",
        "overall_status": "RECRUITING",
        "study_type": "INTERVENTIONAL",
        "phases": ("PHASE2",),
        "last_update_date": "2024-01-15",
        "conditions": ("Neuroblastoma",),
        "brief_summary": "A study for children.",
        "eligibility": Eligibility(minimum_age="1 Year", maximum_age="21 Years", sex="ALL"),
        "provenance": Provenance(source_format=SourceFormat.CTGOV_V2, source_file="test.json"),
    }
    fields.update(changes)
    return Trial(**fields)


def site(
    facility: str, lat: float, lon: float, *, status: str | None = "RECRUITING", country: str = "United States"
) -> Location:
    return Location(facility=facility, city="Somewhere", country=country, status=status, geo=GeoPoint(lat=lat, lon=lon))


def drug(name: str) -> Intervention:
    return Intervention(type="DRUG", name=name)
