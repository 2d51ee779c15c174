"""What people do with referrals: a family sends one, a site's coordinator moves it along, the family withdraws.

Functions take the store and an explicit `now`, and queue the emails they cause in the same transaction as
the change. Logs carry referral ids and trial ids only: never names, addresses, messages or answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from eligo.accounts.mail import queue_email
from eligo.accounts.records import Role, SiteLink, User
from eligo.accounts.users import email_text, site_links, user_with_id
from eligo.referrals import rows
from eligo.referrals.records import HistoryEntry, Referral, ReferralRequest, SharedSummary, TeamNote
from eligo.referrals.sites import SiteChoice
from eligo.referrals.summary import summary_text
from eligo.referrals.workflow import FIRST, Actor, Status, TransitionRefused, check_correction, check_move, info
from eligo.store.repository import TrialStore
from eligo.trials.model import Trial

log = logging.getLogger("eligo.referrals")

# Families and clinicians ask; coordinators (and admins linked to sites) answer.
SENDER_ROLES: tuple[Role, ...] = ("family", "clinician")
TEAM_ROLES: tuple[Role, ...] = ("coordinator", "admin")
CHANGED_MEANWHILE = (
    "Someone else changed this request a moment ago. Here is how it stands now; please check and try again."
)


class SiteUnreachable(ValueError):
    """The chosen site has no email address to send a referral to; the message is safe to show."""


def may_send(user: User) -> bool:
    return user.role in SENDER_ROLES and user.confirmed


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _email(name: str, **values: str) -> tuple[str, str]:
    """The email's subject and body with the values filled in (subjects here name the trial and site)."""
    subject, body = email_text(name, **values)
    return _one_line(subject.format(**values)), body


def _referral_link(base_url: str, referral: Referral) -> str:
    return f"{base_url}/referrals/{referral.id}"


def send_referral(
    store: TrialStore,
    user: User,
    trial: Trial,
    site: SiteChoice,
    request: ReferralRequest,
    shared: SharedSummary | None,
    base_url: str,
    now: datetime,
) -> Referral:
    """Store the referral and queue the site's email and the family's confirmation, all or nothing.

    AlreadyOpen when the family's earlier request to this site is still open.
    """
    if site.email is None:
        phone = f" on {site.phone}" if site.phone else ""
        raise SiteUnreachable(f"{site.facility} has no email address in the registry record; please phone them{phone}.")
    preferred = "phone" if request.preferred_contact == "phone" else "email"
    with store.engine.begin() as connection:
        # One open request per family per site: a second one would only make the team answer twice.
        existing = rows.open_referral(connection, user.id, trial.nct_id, site.facility)
        if existing is not None:
            raise AlreadyOpen(existing)
        referral = rows.insert_referral(
            connection,
            user_id=user.id,
            nct_id=trial.nct_id,
            facility=site.facility,
            site_email=site.email,
            name=request.name,
            contact_email=request.contact_email,
            phone=request.phone,
            preferred_contact=request.preferred_contact,
            message=request.message,
            shared=shared if request.include_answers else None,
            first=HistoryEntry(status=FIRST, at=now, by="family"),
        )
        subject, body = _email(
            "referral_to_site",
            nct_id=trial.nct_id,
            title=_one_line(trial.title),
            site=site.facility,
            who=referral.name,
            contact_email=referral.contact_email,
            phone=referral.phone or "not given",
            preferred=preferred,
            message=referral.message or "(no message)",
            shared=summary_text(referral.shared),
            dashboard_link=_referral_link(base_url, referral),
        )
        # Replies from the study team go straight to the family, not to Eligo.
        reply_to = {"Reply-To": referral.contact_email}
        queue_email(connection, site.email, subject, body, now=now, user_id=user.id, headers=reply_to)
        subject, body = _email(
            "referral_sent",
            nct_id=trial.nct_id,
            title=_one_line(trial.title),
            site=site.facility,
            shared_note=(
                "You chose to send them your pre-screening answers and Eligo's summary."
                if referral.shared is not None
                else "You chose not to send them your pre-screening answers."
            ),
            preferred=preferred,
            phone_hint=f" on {site.phone}" if site.phone else "",
            link=_referral_link(base_url, referral),
        )
        queue_email(connection, user.email, subject, body, now=now, user_id=user.id)
    log.info("referral %d sent for %s", referral.id, trial.nct_id)
    return referral


MAX_TEAM_TEXT_CHARS = 2000


class MessageNeeded(ValueError):
    """The change asks for a message to the family and none was written; the message is safe to show."""


class AlreadyOpen(Exception):
    """The family already has an open request to this site: the caller shows that one instead."""

    def __init__(self, referral: Referral) -> None:
        super().__init__(f"request {referral.id} is still open")
        self.referral = referral


def _team_text(text: str, what: str) -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if len(cleaned) > MAX_TEAM_TEXT_CHARS:
        raise MessageNeeded(f"{what}: please keep it under {MAX_TEAM_TEXT_CHARS} characters.")
    return cleaned


def change_status(
    store: TrialStore,
    referral: Referral,
    target: Status,
    actor: Actor,
    base_url: str,
    now: datetime,
    message: str = "",
    *,
    correction: bool = False,
) -> Referral:
    """Move the referral (TransitionRefused when the workflow forbids it or it changed meanwhile) and tell the
    family; a family's withdrawal is also told to the site.

    A `correction` puts back a status the study team set by mistake; it is recorded as such in the history.
    A move to a status that asks for a message (not eligible, withdrawn) needs one: the family's email has it.
    """
    if correction:
        check_correction(referral.status, target, referral.status_set_by)
    else:
        check_move(referral.status, target, actor)
    text = _team_text(message, "Message to the family") if actor == "coordinator" else ""
    if actor == "coordinator" and not correction and info(target).asks_message and not text:
        raise MessageNeeded(
            f"Please write a message to the family: their email about “{info(target).label}” will include it."
        )
    entry = HistoryEntry(status=target, at=now, by=actor, message=text, correction=correction)
    with store.engine.begin() as connection:
        if not rows.set_status(connection, referral, entry):
            raise TransitionRefused(CHANGED_MEANWHILE)
        owner = user_with_id(connection, referral.user_id)
        updated = rows.referral_by_id(connection, referral.id)
        if owner is None or updated is None:  # pragma: no cover - the rows were read in this transaction
            raise TransitionRefused(CHANGED_MEANWHILE)
        link = _referral_link(base_url, referral)
        if actor == "coordinator":
            status = info(target)
            subject, body = _email(
                "referral_updated",
                site=referral.facility,
                nct_id=referral.nct_id,
                changed="corrected" if correction else "updated",
                status=status.label.lower(),
                meaning=status.meaning,
                family_message=f"\nTheir message to you:\n{text}\n" if text else "",
                link=link,
            )
            queue_email(connection, owner.email, subject, body, now=now, user_id=owner.id)
        else:
            subject, body = _email(
                "referral_withdrawn",
                site=referral.facility,
                nct_id=referral.nct_id,
                trial_link=f"{base_url}/trials/{referral.nct_id}",
            )
            queue_email(connection, owner.email, subject, body, now=now, user_id=owner.id)
            subject, body = _email(
                "referral_withdrawn_to_site",
                site=referral.facility,
                nct_id=referral.nct_id,
                who=referral.name,
                sent_on=referral.created_at.date().isoformat(),
                reference=str(referral.id),
            )
            queue_email(connection, referral.site_email, subject, body, now=now, user_id=owner.id)
    log.info("referral %d %s to %s by the %s", referral.id, "corrected" if correction else "moved", target, actor)
    return updated


def add_team_note(store: TrialStore, referral: Referral, author: User, text: str, now: datetime) -> Referral:
    """Keep a note on the referral for the study team only (no email; never shown to the family)."""
    cleaned = _team_text(text, "Note")
    if not cleaned:
        raise MessageNeeded("Please write the note first.")
    note = TeamNote(at=now, by=author.email, text=cleaned)
    with store.engine.begin() as connection:
        current = rows.referral_by_id(connection, referral.id) or referral
        if not rows.add_team_note(connection, current, note):
            raise TransitionRefused(CHANGED_MEANWHILE)
        updated = rows.referral_by_id(connection, referral.id)
    if updated is None:  # pragma: no cover - read in the same transaction
        raise TransitionRefused(CHANGED_MEANWHILE)
    log.info("referral %d: the study team added a note", referral.id)
    return updated


# -- who sees what ----------------------------------------------------------------------------------


def team_links(store: TrialStore, user: User) -> list[SiteLink] | None:
    """The sites a coordinator answers for; None for anyone who has no dashboard."""
    if user.role not in TEAM_ROLES:
        return None
    with store.engine.connect() as connection:
        links = site_links(connection, user.id)
    return links if user.role == "coordinator" or links else None


def covers(links: Sequence[SiteLink], referral: Referral) -> bool:
    return any(
        link.nct_id == referral.nct_id and (not link.facility or link.facility.lower() == referral.facility.lower())
        for link in links
    )


def family_referral(store: TrialStore, user: User, referral_id: int) -> Referral | None:
    """The user's own referral; None for anyone else's (the caller answers 404 either way)."""
    with store.engine.connect() as connection:
        referral = rows.referral_by_id(connection, referral_id)
    return referral if referral is not None and referral.user_id == user.id else None


def team_referral(store: TrialStore, user: User, referral_id: int) -> Referral | None:
    """A referral to one of the coordinator's sites; None otherwise."""
    links = team_links(store, user)
    if not links:
        return None
    with store.engine.connect() as connection:
        referral = rows.referral_by_id(connection, referral_id)
    return referral if referral is not None and covers(links, referral) else None


def dashboard(
    store: TrialStore, links: Sequence[SiteLink], status: Status | None
) -> tuple[list[Referral], dict[str, int]]:
    """The referrals to these sites, newest first (one status, or all), and how many there are of each status."""
    with store.engine.connect() as connection:
        return rows.referrals_at_sites(connection, links, status), rows.status_counts(connection, links)


def waiting(store: TrialStore, links: Sequence[SiteLink]) -> int:
    """How many referrals to these sites nobody has answered yet."""
    with store.engine.connect() as connection:
        return rows.status_counts(connection, links).get(FIRST, 0)


def referrals_of(store: TrialStore, user: User, nct_id: str | None = None) -> list[Referral]:
    with store.engine.connect() as connection:
        return rows.referrals_of_user(connection, user.id, nct_id)
