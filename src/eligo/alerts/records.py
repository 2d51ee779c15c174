"""The plain records of alerts: a subscription, a saved child profile, one alert waiting to be emailed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from eligo.store.search import SearchQuery

Kind = Literal["search", "profile"]
Frequency = Literal["daily", "immediate"]
FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)
# Why a trial is in an alert; one alert per (subscription, trial, reason), ever.
Reason = Literal["new", "opened", "site_opened", "qualifies"]


class AlertSearch(BaseModel):
    """What a search subscription watches: the form as typed (for the page), the query it became, the place found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    form: dict[str, str]
    query: SearchQuery
    place: str | None = None


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: int | None
    email: str
    kind: Kind
    search: AlertSearch | None
    profile_id: int | None
    label: str
    frequency: Frequency
    confirmed_at: datetime | None
    created_at: datetime
    last_sent_at: datetime | None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


@dataclass(frozen=True)
class SavedProfile:
    """A child profile a signed-in user saved under a name they chose (the PatientProfile as JSON data)."""

    id: int
    user_id: int
    name: str
    profile: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PendingAlert:
    """One recorded alert not yet put into an email."""

    id: int
    subscription_id: int
    nct_id: str
    reason: Reason
    detail: str
