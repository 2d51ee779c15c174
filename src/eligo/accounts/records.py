"""The plain records of accounts: who a user is, which trial sites a coordinator answers for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

Role = Literal["family", "clinician", "coordinator", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# Only these may be chosen at sign-up; coordinators and admins are made on the command line.
SIGNUP_ROLES: tuple[Role, ...] = ("family", "clinician")

TokenPurpose = Literal["confirm", "reset"]


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: Role
    confirmed_at: datetime | None
    created_at: datetime

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


@dataclass(frozen=True)
class SiteLink:
    """A coordinator's link to a trial; `facility` "" means every site of that trial."""

    nct_id: str
    facility: str


def normalise_email(email: str) -> str:
    return email.strip().lower()
