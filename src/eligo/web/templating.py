"""Jinja2 set-up: autoescaping everywhere, and the wording helpers templates share."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from fastapi.templating import Jinja2Templates

from eligo.compare.schedule_words import days_text, route_text
from eligo.compare.vocab import wording as compare_words
from eligo.explain.payloads import DISCLAIMER
from eligo.explain.verdicts import asks_life_expectancy, criterion_label, explain, group_label, life_expectancy_last
from eligo.explain.verdicts import wording as explain_wording
from eligo.geo.units import distance_text
from eligo.matching.availability import words as availability_words
from eligo.yamlfile import load_yaml


@cache
def wording() -> dict[str, Any]:
    """User-facing words for statuses, phases and verdicts, kept in a data file."""
    text = files("eligo.web").joinpath("wording.yaml").read_text(encoding="utf-8")
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ValueError("eligo/web/wording.yaml must be a mapping")
    return data


def status_words(status: str | None) -> str:
    words: dict[str, str] = wording()["status"]
    return words.get(status or "", (status or "Status not stated").replace("_", " ").capitalize())


def phase_words(phases: Any) -> str:
    names: dict[str, str] = wording()["phase"]
    parts = [names.get(str(phase), str(phase)) for phase in phases or ()]
    return " / ".join(parts) if parts else "Phase not stated"


def verdict_words(verdict: str) -> str:
    words: dict[str, str] = wording()["verdict"]
    return words.get(verdict, verdict)


def criterion_verdict_words(verdict: str, section: str) -> str:
    words: dict[str, dict[str, str]] = wording()["criterion_verdict"]
    return words.get(section, {}).get(verdict, verdict)


def pretty_date(value: str | date | None) -> str:
    if value is None:
        return "not stated"
    text = value.isoformat() if isinstance(value, date) else value
    try:
        if len(text) == 10:
            return date.fromisoformat(text).strftime("%-d %B %Y")
        if len(text) == 7:
            return date.fromisoformat(text + "-01").strftime("%B %Y")
    except ValueError:
        return text
    return text


def configure_templates(templates: Jinja2Templates) -> Jinja2Templates:
    env = templates.env
    env.autoescape = True
    env.globals.update(
        disclaimer=DISCLAIMER,
        wording=wording,
        compare_words=compare_words,
        explain=explain,
        explain_wording=explain_wording,
        availability_words=availability_words,
    )
    env.filters.update(
        status_words=status_words,
        phase_words=phase_words,
        verdict_words=verdict_words,
        criterion_verdict_words=criterion_verdict_words,
        pretty_date=pretty_date,
        days_text=days_text,
        route_text=route_text,
        distance=distance_text,
        criterion_label=criterion_label,
        group_label=group_label,
        life_expectancy_last=life_expectancy_last,
    )
    env.tests.update(life_expectancy=asks_life_expectancy)
    return templates
