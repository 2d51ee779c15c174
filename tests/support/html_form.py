"""What a browser would submit from a form of a rendered page: each control's name and value, in page order.

Follows the HTML rules the profile editor relies on: text inputs lose line breaks, date inputs keep only a
valid date, unchecked boxes and radios send nothing, a select sends its selected (else first) option, a
textarea drops one leading newline, and nothing inside a <template> is part of the form.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.template_depth = 0
        self.fields: list[tuple[str, str]] = []
        self._select: dict[str, object] | None = None
        self._option: dict[str, object] | None = None
        self._textarea: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("action") == self.action:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.template_depth += 1
        if self.template_depth or "disabled" in found:
            return
        if tag == "input":
            self._input(found)
        elif tag == "select":
            self._select = {"name": found.get("name", ""), "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": found.get("value"), "selected": "selected" in found, "text": ""}
        elif tag == "textarea":
            self._textarea = {"name": found.get("name", ""), "text": ""}

    def _input(self, found: dict[str, str]) -> None:
        kind = found.get("type", "text")
        name = found.get("name")
        if not name or kind in ("submit", "button", "file", "reset"):
            return
        value = found.get("value", "")
        if kind in ("checkbox", "radio"):
            if "checked" in found:
                self.fields.append((name, found.get("value", "on")))
            return
        # A date input keeps only a valid date; a text input loses its line breaks.
        kept = (value if _is_date(value) else "") if kind == "date" else value.replace("\r", "").replace("\n", "")
        self.fields.append((name, kept))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] = str(self._option["text"]) + data
        if self._textarea is not None:
            self._textarea["text"] = str(self._textarea["text"]) + data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "template":
            self.template_depth -= 1
        elif tag == "option" and self._option is not None and self._select is not None:
            options = self._select["options"]
            assert isinstance(options, list)
            options.append(self._option)
            self._option = None
        elif tag == "select" and self._select is not None:
            options = [option for option in self._select["options"] if isinstance(option, dict)]  # type: ignore[attr-defined]
            chosen = next((option for option in options if option["selected"]), options[0] if options else None)
            if chosen is not None:
                value = chosen["value"] if chosen["value"] is not None else str(chosen["text"]).strip()
                self.fields.append((str(self._select["name"]), str(value)))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = str(self._textarea["text"])
            self.fields.append((str(self._textarea["name"]), text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self.inside = False


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4,}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def submitted_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the form posting to `action` sends when submitted as it is rendered."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields
