"""Which sites of a trial a family can write to, and whom they can reach there: the site's own contact, else
the trial's central contact, else the sponsor.

A registry record often gives a site only a phone number; the trial's central contact then takes the
referral. A site with neither address can only be phoned, and the form says so; when nothing at all is
listed, the page offers a letter for the child's own consultant instead of a dead end.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from eligo.geo import haversine_km
from eligo.trials.model import Contact, Location, Trial
from eligo.trials.statuses import OPEN_STATUSES

ContactSource = Literal["site", "central", "sponsor", "none"]


@dataclass(frozen=True)
class SiteChoice:
    key: str  # stable across re-imports that reorder sites: the form posts it back
    facility: str  # as stored with the referral and matched against coordinators' site links
    place: str
    status: str | None
    open: bool
    distance_km: float | None
    email: str | None  # where a referral to this site goes
    email_is_central: bool  # the address is the trial's central contact, not the site's own
    phone: str | None
    contact_name: str | None = None  # who answers at `email` / `phone`, when the record names them
    contact_from: ContactSource = "none"  # whose contact this is: the site's, the trial's central, the sponsor's
    sponsor: str | None = None

    @property
    def can_receive(self) -> bool:
        return self.email is not None

    @property
    def reachable(self) -> bool:
        """Whether the record lists any way to reach someone (an email or a phone number)."""
        return self.email is not None or self.phone is not None


def site_key(location: Location) -> str:
    identity = "|".join(part or "" for part in (location.facility, location.city, location.state, location.country))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


def facility_name(location: Location) -> str:
    if location.facility and location.facility.strip():
        return " ".join(location.facility.split())
    return f"Study site in {location.city}" if location.city else "Study site"


def _first(contacts: tuple[Contact, ...], field: str) -> str | None:
    for contact in contacts:
        value = getattr(contact, field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _phone(contacts: tuple[Contact, ...]) -> str | None:
    for contact in contacts:
        if contact.phone and contact.phone.strip():
            extension = f" ext. {contact.phone_ext.strip()}" if contact.phone_ext and contact.phone_ext.strip() else ""
            return contact.phone.strip() + extension
    return None


def _listed(contacts: tuple[Contact, ...]) -> bool:
    return any((contact.phone or "").strip() or (contact.email or "").strip() for contact in contacts)


def _contact_of(trial: Trial, location: Location) -> tuple[str | None, ContactSource]:
    """The name to ask for and whose contact it is: the site's, else the trial's central one, else the sponsor.

    The registry gives a sponsor a name but no address, so "sponsor" means the page names the sponsor and
    offers the consultant's letter; it never makes up a way to reach them.
    """
    if _listed(location.contacts):
        return _first(location.contacts, "name"), "site"
    if _listed(trial.central_contacts):
        return _first(trial.central_contacts, "name"), "central"
    if trial.sponsor:
        return trial.sponsor, "sponsor"
    return None, "none"


def site_choices(trial: Trial, origin: tuple[float, float] | None = None) -> list[SiteChoice]:
    """The trial's sites, open ones first and then nearest first when `origin` (lat, lon) is known."""
    central_email = _first(trial.central_contacts, "email")
    central_phone = _phone(trial.central_contacts)
    choices = []
    for location in trial.locations:
        own_email = _first(location.contacts, "email")
        distance = None
        if origin is not None and location.geo is not None:
            distance = haversine_km(origin[0], origin[1], location.geo.lat, location.geo.lon)
        status = location.status or trial.overall_status
        contact_name, contact_from = _contact_of(trial, location)
        choices.append(
            SiteChoice(
                key=site_key(location),
                facility=facility_name(location),
                place=", ".join(part for part in (location.city, location.state, location.country) if part),
                status=status,
                open=(status or "") in OPEN_STATUSES,
                distance_km=distance,
                email=own_email or central_email,
                email_is_central=own_email is None and central_email is not None,
                phone=_phone(location.contacts) or central_phone,
                contact_name=contact_name,
                contact_from=contact_from,
                sponsor=trial.sponsor,
            )
        )
    return sorted(choices, key=lambda c: (not c.open, c.distance_km if c.distance_km is not None else 1e9))


def find_site(trial: Trial, key: str) -> SiteChoice | None:
    return next((choice for choice in site_choices(trial) if choice.key == key), None)
