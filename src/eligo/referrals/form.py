"""Checking the referral form: every problem found at once, each named by its field, in words people use."""

from __future__ import annotations

import re
from collections.abc import Mapping

from eligo.accounts.users import AccountError, valid_email
from eligo.referrals.records import CONTACT_METHODS, ContactMethod, ReferralRequest

MAX_NAME_CHARS = 200
MAX_MESSAGE_CHARS = 2000
MAX_PHONE_CHARS = 64
_PHONE = re.compile(r"\+?[0-9()\-. /]{3,}(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?", re.IGNORECASE)
# Control characters other than line breaks and tabs have no place in a message to a person.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvalidReferral(ValueError):
    """The form needs another look; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _line(value: str) -> str:
    """One line of text: any run of whitespace (line breaks included) becomes one space."""
    return " ".join(_CONTROL.sub("", value).split())


def check_request(fields: Mapping[str, str]) -> ReferralRequest:
    problems: dict[str, str] = {}
    name = _line(fields.get("name", ""))
    if not name:
        problems["name"] = "Your name: please tell the study team who is asking."
    elif len(name) > MAX_NAME_CHARS:
        problems["name"] = f"Your name: please use at most {MAX_NAME_CHARS} characters (this has {len(name):,})."
    contact_email = ""
    try:
        contact_email = valid_email(_line(fields.get("contact_email", "")))
    except AccountError as error:
        problems["contact_email"] = f"Contact email: {error}"
    phone = _line(fields.get("phone", ""))
    if len(phone) > MAX_PHONE_CHARS:
        problems["phone"] = f"Phone: please use at most {MAX_PHONE_CHARS} characters."
    elif phone and not _PHONE.fullmatch(phone):
        problems["phone"] = "Phone: please use digits, spaces and + ( ) - only, for example +44 113 243 3144."
    method = fields.get("preferred_contact", "")
    preferred: ContactMethod = "email"
    if method not in CONTACT_METHODS:
        problems["preferred_contact"] = "Preferred contact: please choose email or phone."
    else:
        preferred = "phone" if method == "phone" else "email"
        if preferred == "phone" and not phone and "phone" not in problems:
            problems["phone"] = "Phone: please give a number, since you would like to be phoned."
    message = _CONTROL.sub("", fields.get("message", "").replace("\r\n", "\n")).strip()
    if len(message) > MAX_MESSAGE_CHARS:
        problems["message"] = (
            f"Message: please shorten it to at most {MAX_MESSAGE_CHARS:,} characters (it has {len(message):,})."
        )
    if problems:
        raise InvalidReferral(problems)
    return ReferralRequest(
        name=name,
        contact_email=contact_email,
        phone=phone,
        preferred_contact=preferred,
        message=message,
        include_answers=fields.get("include_answers") == "yes",
    )
