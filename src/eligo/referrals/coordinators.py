"""Linking a coordinator to one of a trial's listed sites: finding the site by id or by a folded name, and unlinking.

The facility stored with a link is the site's own name as the referral form stores it, so the dashboard's
match never depends on how an administrator typed the name (straight or curly apostrophes, quotes, spaces).
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass

from eligo.accounts import users
from eligo.accounts.records import Role, SiteLink, User, normalise_email
from eligo.referrals.sites import SiteChoice, site_choices, site_key
from eligo.store.repository import TrialStore
from eligo.trials.model import Trial

_NCT_ID = re.compile(r"NCT\d{8}")
# Apostrophes and quotation marks people type or paste in place of one another; folded away entirely.
_QUOTES = re.compile("['\u2018\u2019\u201a\u201b\u2032`\u00b4\"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]")


class SiteNotFound(LookupError):
    """The trial or the site could not be found without guessing; the message names what to type instead."""


def fold_name(text: str) -> str:
    """A facility name as compared: case folded, apostrophes and quotes removed, whitespace collapsed."""
    return " ".join(_QUOTES.sub("", text).casefold().split())


@dataclass(frozen=True)
class ListedSite:
    key: str
    facility: str
    place: str


def _listed(choice: SiteChoice) -> ListedSite:
    return ListedSite(key=choice.key, facility=choice.facility, place=choice.place)


def trial_of(store: TrialStore, nct_id: str) -> Trial:
    wanted = nct_id.strip().upper()
    if not _NCT_ID.fullmatch(wanted):
        raise SiteNotFound(f"{nct_id!r} is not an NCT number (NCT followed by 8 digits)")
    trial = store.get(wanted)
    if trial is None:
        raise SiteNotFound(f"{wanted} is not in this Eligo's trial store; import it first")
    return trial


def trial_sites(store: TrialStore, nct_id: str) -> tuple[Trial, list[ListedSite]]:
    """The trial's listed sites in registry order, each with its stable id."""
    trial = trial_of(store, nct_id)
    by_key = {choice.key: choice for choice in site_choices(trial)}
    return trial, [_listed(by_key[site_key(location)]) for location in trial.locations]


def _candidates(sites: list[ListedSite]) -> str:
    return "; ".join(f"{site.key}  {site.facility}" + (f" ({site.place})" if site.place else "") for site in sites)


def find_site(store: TrialStore, nct_id: str, wanted: str) -> tuple[Trial, ListedSite]:
    """One site of the trial: by its id, or by a name equal to the site's once both are folded.

    A fragment ("Leeds") or a name several sites share is refused with the candidates, never guessed.
    """
    trial, sites = trial_sites(store, nct_id)
    text = wanted.strip()
    if not sites:
        raise SiteNotFound(f"{trial.nct_id} lists no sites; link the whole trial by leaving out --facility")
    by_key = [site for site in sites if site.key == text.lower()]
    folded = fold_name(text)
    exact = by_key or [site for site in sites if fold_name(site.facility) == folded]
    if len({site.key for site in exact}) == 1:
        return trial, exact[0]
    if exact:
        raise SiteNotFound(
            f"several sites of {trial.nct_id} are called {text!r}; give the site id instead: {_candidates(exact)}"
        )
    near = [site for site in sites if folded and folded in fold_name(site.facility)]
    if near:
        raise SiteNotFound(
            f"{text!r} is only part of a site name of {trial.nct_id}; give the full name or the site id: "
            + _candidates(near)
        )
    raise SiteNotFound(f"{trial.nct_id} has no site called {text!r}; its sites are (id, name): {_candidates(sites)}")


def link(store: TrialStore, email: str, nct_id: str, wanted: str = "") -> tuple[User, SiteLink, bool]:
    """Link the account to one listed site of the trial (or the whole trial when `wanted` is empty).

    Everything is checked before anything is stored: an unknown trial or site leaves no trace.
    """
    with store.engine.connect() as connection:
        if users.user_with_email(connection, email) is None:
            raise users.AccountError("no account has that email address")
    if wanted.strip():
        trial, site = find_site(store, nct_id, wanted)
        facility = site.facility
    else:
        trial, facility = trial_of(store, nct_id), ""
    user, added = users.link_coordinator(store, email, trial.nct_id, facility)
    return user, SiteLink(nct_id=trial.nct_id, facility=facility), added


def unlink(store: TrialStore, email: str, nct_id: str, wanted: str = "") -> tuple[User, SiteLink]:
    """Remove one of the account's site links (named as for `link`); SiteNotFound when it has no such link."""
    trial = nct_id.strip().upper()
    facility = wanted.strip()
    # A link made before sites were checked (a fragment such as "Leeds"), or to a site the registry has since
    # renamed, is still removed by its name as stored; if there is none, the error below lists the links held.
    if facility and store.get(trial) is not None:
        with suppress(SiteNotFound):
            facility = find_site(store, trial, wanted)[1].facility
    address = normalise_email(email)
    with store.engine.begin() as connection:
        user = users.user_with_email(connection, address)
        if user is None:
            raise SiteNotFound("no account has that email address")
        links = users.site_links(connection, user.id)
        matching = [
            existing
            for existing in links
            if existing.nct_id == trial and fold_name(existing.facility) == fold_name(facility)
        ]
        if not matching:
            held = ", ".join(f"{item.nct_id} ({item.facility or 'all sites'})" for item in links) or "none"
            where = f"{trial} ({facility or 'all sites'})"
            raise SiteNotFound(f"{address} is not linked to {where}; its links: {held}")
        for existing in matching:
            users.drop_site_link(connection, user.id, existing)
    return user, matching[0]


@dataclass(frozen=True)
class CoordinatorLink:
    """One coordinator's link as the admin page lists it."""

    email: str
    role: Role
    nct_id: str
    facility: str  # "" means every site of the trial
    place: str  # the listed site's town and country, when it is one
    listed: bool  # False when the trial or site is no longer listed: the coordinator's dashboard misses its requests


def overview(store: TrialStore) -> tuple[list[CoordinatorLink], list[User]]:
    """Every coordinator link, by email then trial; and the coordinator accounts left with no link at all."""
    links: list[CoordinatorLink] = []
    without: list[User] = []
    sites: dict[str, list[ListedSite] | None] = {}
    for user, held in users.list_users(store):
        if not held and user.role == "coordinator":
            without.append(user)
        for item in held:
            if item.nct_id not in sites:
                try:
                    sites[item.nct_id] = trial_sites(store, item.nct_id)[1]
                except SiteNotFound:
                    sites[item.nct_id] = None
            listed = sites[item.nct_id]
            site = next((s for s in listed or [] if fold_name(s.facility) == fold_name(item.facility)), None)
            links.append(
                CoordinatorLink(
                    email=user.email,
                    role=user.role,
                    nct_id=item.nct_id,
                    facility=item.facility,
                    place=site.place if site else "",
                    listed=listed is not None and (not item.facility or site is not None),
                )
            )
    links.sort(key=lambda link: (link.email, link.nct_id, fold_name(link.facility)))
    return links, sorted(without, key=lambda user: user.email)
