"""The plain records of referrals: what a family asked, what they chose to share, and what happened since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from eligo.referrals.workflow import Actor, Status

ContactMethod = Literal["email", "phone"]
CONTACT_METHODS: tuple[ContactMethod, ...] = ("email", "phone")


class SharedAnswer(BaseModel):
    """One pre-screener answer as the family gave it, beside the criterion's own words."""

    model_config = ConfigDict(frozen=True)

    criterion_id: str
    section: Literal["inclusion", "exclusion"]
    criterion: str
    question: str
    answer: str  # yes | no | not_sure


class SharedSummary(BaseModel):
    """What a family chose to send with a referral: their answers and Eligo's verdict, copied when sent."""

    model_config = ConfigDict(frozen=True)

    verdict: str
    verdict_words: str
    evaluated_on: date
    answers: tuple[SharedAnswer, ...]
    disclaimer: str


@dataclass(frozen=True)
class HistoryEntry:
    status: Status
    at: datetime
    by: Actor
    message: str = ""  # what the study team wrote to the family with this change (their email includes it)
    correction: bool = False  # the team put back a status it had set by mistake


@dataclass(frozen=True)
class TeamNote:
    """A note the study team keeps on a referral: seen at the site only, never by the family."""

    at: datetime
    by: str  # the coordinator's email address, as they signed in
    text: str


@dataclass(frozen=True)
class ReferralRequest:
    """The referral form, checked: who is asking, how to reach them, and what they want to say."""

    name: str
    contact_email: str
    phone: str
    preferred_contact: ContactMethod
    message: str
    include_answers: bool


@dataclass(frozen=True)
class Referral:
    id: int
    user_id: int
    nct_id: str
    facility: str
    site_email: str
    name: str
    contact_email: str
    phone: str
    preferred_contact: ContactMethod
    message: str
    shared: SharedSummary | None
    status: Status
    history: tuple[HistoryEntry, ...]
    team_notes: tuple[TeamNote, ...]
    created_at: datetime
    updated_at: datetime

    @property
    def status_set_by(self) -> Actor:
        return self.history[-1].by if self.history else "family"
