"""What a page needs to know of this visitor beyond the session's answers: their child's profile with what
is kept beside it, their shortlist and distance units."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from eligo.accounts import users
from eligo.compare import shortlist
from eligo.geo import geocode
from eligo.geo.units import DistanceUnit, default_units, parse_units
from eligo.patients.form import KEPT_FIELD, kept_of
from eligo.web.requests import store_of, utc_now

UNITS_KEY = "units"
# Where the visitor last searched from when they shortlisted a trial: the compare page measures from there.
NEAR_KEY = "compare_near"


def stored_profile(request: Request) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The session's profile JSON and what is kept beside it (fields Eligo does not read), or None."""
    session = request.state.session
    data = session.profile
    if data is None:
        return None
    beside = session.data.get("profile_form")
    raw = beside.get(KEPT_FIELD) if isinstance(beside, dict) else None
    return data, kept_of(raw) if isinstance(raw, str) else {}


def keep_profile(request: Request, data: dict[str, Any], extra: dict[str, Any]) -> None:
    """Make `data` the session's profile, with `extra` (fields Eligo does not read) kept beside it."""
    beside = {KEPT_FIELD: json.dumps(extra, ensure_ascii=False)} if extra else {}
    request.state.session.set_profile(data, beside)


def _user_id(request: Request) -> int | None:
    """The signed-in user's id, with the session's claim checked against the store (as the account pages do)."""
    session = request.state.session
    if session.user_id is None:
        return None
    user = users.session_user(store_of(request), session.id, session.user_id)
    return user.id if user is not None else None


def shortlist_ids(request: Request) -> list[str]:
    """The visitor's shortlist; once signed in, what the session held moves into the account."""
    cached = getattr(request.state, "shortlist", None)
    if isinstance(cached, list):
        return cached
    session = request.state.session
    in_session = shortlist.session_ids(session.data)
    user_id = _user_id(request)
    if user_id is None:
        ids = in_session
    elif in_session:
        try:
            ids = shortlist.add_to_account(store_of(request), user_id, in_session, utc_now())
        except shortlist.ShortlistFull:
            ids = shortlist.account_ids(store_of(request), user_id)
        session.data.pop(shortlist.SESSION_KEY, None)
        session.changed = True
    else:
        ids = shortlist.account_ids(store_of(request), user_id)
    request.state.shortlist = ids
    return ids


def add_to_shortlist(request: Request, nct_id: str) -> list[str]:
    """Add a trial (ShortlistFull when there is no room); the shortlist after."""
    session = request.state.session
    user_id = _user_id(request)
    if user_id is not None:
        shortlist_ids(request)  # moves anything left in the session into the account first
        ids = shortlist.add_to_account(store_of(request), user_id, [nct_id], utc_now())
    else:
        ids = shortlist.added(shortlist.session_ids(session.data), nct_id)
        session.data[shortlist.SESSION_KEY] = ids
        session.changed = True
    request.state.shortlist = ids
    return ids


def remove_from_shortlist(request: Request, nct_id: str) -> list[str]:
    session = request.state.session
    user_id = _user_id(request)
    if user_id is not None:
        shortlist.remove_from_account(store_of(request), user_id, nct_id)
        ids = shortlist.account_ids(store_of(request), user_id)
    else:
        ids = shortlist.removed(shortlist.session_ids(session.data), nct_id)
        session.data[shortlist.SESSION_KEY] = ids
        session.changed = True
    request.state.shortlist = ids
    return ids


def chosen_units(request: Request) -> DistanceUnit | None:
    """The units the visitor picked with the units control, if any."""
    value = request.state.session.data.get(UNITS_KEY)
    return parse_units(value if isinstance(value, str) else None)


def units_for(request: Request, place: str | None) -> DistanceUnit:
    """The visitor's chosen units, else those of the country of `place` (what they searched near)."""
    chosen = chosen_units(request)
    if chosen is not None:
        return chosen
    if not place:
        return "km"
    try:
        found = geocode(place)
    except ValueError:
        return "km"
    return default_units(found.country if found else None)
