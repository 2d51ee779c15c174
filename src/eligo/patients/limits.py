"""Bounds on a profile or answers document that an outsider sends: size, nesting depth, number length.

Checked on the raw text before `json.loads` builds anything: Python's parser recurses once per nesting
level (a few KB of brackets raise RecursionError) and refuses integers over 4,300 digits with a bare
ValueError, so both are turned into a ProfileError naming the problem instead of a traceback or a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

from eligo.patients.errors import ProfileError

MAX_PROFILE_BYTES = 1_000_000
# A profile nests four levels (profile → labs → one lab → a field); the rest is headroom.
MAX_DEPTH = 16
# Longer than any value a profile holds ("2e6" cells/kg, a lab value, a date written as a number).
MAX_NUMBER_CHARS = 40
# Lists and text in a profile: well beyond any child's record, small enough that matching stays cheap.
MAX_LIST_ITEMS = 200
MAX_TEXT_CHARS = 200

# One JSON string (skipped whole, escapes and all), one bracket, or one run of number characters.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]|[-+0-9.eE]+')


def check_shape(text: str, source: str) -> None:
    """ProfileError when `text` nests deeper than MAX_DEPTH or holds a number over MAX_NUMBER_CHARS.

    One pass over the text in the regular-expression engine; strings are skipped, so brackets and digits
    inside them do not count.
    """
    depth = 0
    for token in _TOKENS.finditer(text):
        first = token.group()[0]
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ProfileError(source, [f"the JSON is nested more than {MAX_DEPTH} levels deep"])
        elif first in "]}":
            depth -= 1
        elif first != '"' and len(token.group()) > MAX_NUMBER_CHARS:
            raise ProfileError(source, [f"a number in the JSON is longer than {MAX_NUMBER_CHARS} characters"])


def parse_json(raw: bytes, source: str) -> Any:
    """The JSON document in `raw`, or ProfileError (too large, not UTF-8, not JSON, too deep, a huge number)."""
    if len(raw) > MAX_PROFILE_BYTES:
        raise ProfileError(source, [f"the file is larger than {MAX_PROFILE_BYTES} bytes"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProfileError(source, [f"not a UTF-8 text file: {error}"]) from error
    check_shape(text, source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ProfileError(source, [f"not valid JSON: {error}"]) from error
