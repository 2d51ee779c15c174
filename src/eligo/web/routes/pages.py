"""HTML pages: thin handlers that call the same core functions as the CLI and render templates."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.explain import payloads
from eligo.explain.summary import disclaimer_for
from eligo.web import blank_pages, views, visitor
from eligo.web.deps import NO_STORE, CsrfForm, render
from eligo.web.editor import audience_for
from eligo.web.errors import EligoHTTPError
from eligo.web.features import trial_panels

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    context = {
        "conditions": views.browse_conditions(request),
        "treatment_types": views.catalogue(request).treatment_type_counts(),
        "form": {},
        "units": visitor.chosen_units(request) or "km",
    }
    return render(request, "home.html", context)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    params: Annotated[views.SearchParams, Query()],
) -> Response:
    form = params.as_form()
    try:
        query, place = views.search_query_from_form(form)
    except ValueError as error:
        context = {"form": form, "error": str(error), "conditions": [], "units": visitor.units_for(request, None)}
        return render(request, "home.html", context, status=422)

    def render_results(**extra: Any) -> HTMLResponse:
        results = views.search_with_verdicts(request, query)
        context = {
            "form": form,
            "results": results,
            "place": place,
            "units": visitor.units_for(request, form.get("near")),
            "shortlisted": visitor.shortlist_ids(request),
            **extra,
        }
        return render(request, "search.html", context, private=True)

    return _shared_when_blank(request, ("search", tuple(sorted(form.items()))), render_results)


@router.get("/trials/{nct_id}", response_class=HTMLResponse)
def trial_page(request: Request, nct_id: str) -> Response:
    return _shared_when_blank(request, ("trial", nct_id), lambda **extra: _render_trial(request, nct_id, **extra))


def _shared_when_blank(request: Request, page: tuple[object, ...], render: Callable[..., HTMLResponse]) -> Response:
    """`render()` for a visitor with anything in their session; for the others, the page they all see on
    this day from this store data, rendered once (`eligo.web.blank_pages`)."""
    if not blank_pages.is_blank(request):
        return render()
    token = request.state.session.csrf_token
    key = (*page, views.data_version(request), date.today())
    body = blank_pages.get(request, key, token)
    if body is None:
        body = blank_pages.keep(request, key, bytes(render(csrf_token=blank_pages.TOKEN_PLACEHOLDER).body), token)
    return HTMLResponse(body, headers=NO_STORE)


def _render_trial(request: Request, nct_id: str, **extra: Any) -> HTMLResponse:
    page = views.trial_page(request, nct_id)
    page.update(trial_panels(request, nct_id))
    return render(request, "trial.html", {**page, **extra}, private=True)


@router.post("/trials/{nct_id}/answers")
def save_answers(request: Request, nct_id: str, form: CsrfForm) -> Response:
    views.save_answers_from_form(request, nct_id, form)
    return RedirectResponse(f"/trials/{nct_id}#prescreener", status_code=303)


@router.post("/trials/{nct_id}/answers/clear")
def clear_answers(request: Request, nct_id: str, _csrf: CsrfForm) -> Response:
    views.require_trial(request, nct_id)
    request.state.session.set_answers(nct_id, {})
    return RedirectResponse(f"/trials/{nct_id}#prescreener", status_code=303)


# "?closed=1": also trials that are not recruiting (completed, suspended, ...); open ones only by default.
Closed = Annotated[bool, Query()]


@router.get("/match/results", response_class=HTMLResponse)
def match_results(request: Request, closed: Closed = False, page: Annotated[int, Query(ge=1)] = 1) -> Response:
    found = views.session_matches(request, include_closed=closed)
    if found is None:
        return RedirectResponse("/match", status_code=303)
    matches, on = found
    profile = views.session_profile(request)
    context = {
        "results": views.match_page(matches, page),
        "on": on,
        "closed": closed,
        "units": visitor.units_for(request, profile.location.place if profile and profile.location else None),
        "shortlisted": visitor.shortlist_ids(request),
        "availability": views.match_availability(request, matches, on),
    }
    return render(request, "match_results.html", context, private=True)


@router.get("/match/results.json")
def match_results_json(request: Request, closed: Closed = False) -> Response:
    found = views.session_matches(request, include_closed=closed)
    if found is None:
        raise EligoHTTPError(404, "no_profile", "Fill in the form first.")
    matches = found[0]
    body = json.dumps(
        payloads.match_payload(matches, views.nearest_contacts(request, matches), audience_for(request)),
        ensure_ascii=False,
        indent=2,
    )
    return Response(
        body,
        media_type="application/json",
        headers={**NO_STORE, "content-disposition": 'attachment; filename="eligo-matches.json"'},
    )


@router.get("/match/results.csv")
def match_results_csv(request: Request, closed: Closed = False) -> Response:
    found = views.session_matches(request, include_closed=closed)
    if found is None:
        raise EligoHTTPError(404, "no_profile", "Fill in the form first.")
    matches, on = found
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Every list in one cell, its items separated by " | ": one line per trial, whatever the text.
    writer.writerow(
        [
            "nct_id",
            "title",
            "status",
            "verdict",
            "score",
            "met",
            "not_met",
            "unknown",
            "distance_km",
            "nearest_site",
            "evaluated_on",
            "rank",
            "verdict_words",
            "checked",
            "looks_met",
            "might_rule_out",
            "waiting",
            "open_questions",
            "contact",
            "eligible_from",
        ]
    )
    rows = payloads.match_payload(matches, views.nearest_contacts(request, matches), audience_for(request))["results"]
    for rank, row in enumerate(rows, start=1):
        site = row["nearest_site"] or {}
        contact = row["contact"]
        writer.writerow(
            [
                row["nct_id"],
                _csv_safe(row["title"]),
                row["overall_status"],
                row["verdict"],
                row["score"],
                row["met"],
                row["not_met"],
                row["unknown"],
                row["distance_km"],
                _csv_safe(", ".join(filter(None, [site.get("facility"), site.get("city")]))),
                on.isoformat(),
                rank,
                _csv_safe(row["verdict_words"]),
                row["checked"],
                _csv_list(f"{line['text']} — {line['label']}" for line in row["looks_met"]),
                _csv_list(f"{line['text']} — {line['evidence']}" for line in row["might_rule_out"]),
                _csv_list(f"{line['text']} — {line['label']}" for line in row["waiting"]),
                _csv_list(question["question"] for question in row["open_questions"]),
                _csv_safe(_contact_text(contact)),
                row["eligible_from"] or "",
            ]
        )
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "content-disposition": 'attachment; filename="eligo-matches.csv"'},
    )


def _csv_list(items: Iterable[str]) -> str:
    return _csv_safe(" | ".join(" ".join(item.split()) for item in items))


def _contact_text(contact: dict[str, Any] | None) -> str:
    if not contact:
        return ""
    where = ", ".join(filter(None, [contact["facility"], contact["place"]]))
    if contact["contact_from"] == "sponsor":
        return f"{where} — no phone or email listed; sponsor: {contact['contact_name']}"
    reach = " · ".join(filter(None, [contact["contact_name"], contact["phone"], contact["email"]]))
    return f"{where} — {reach or 'no contact listed'}"


def _csv_safe(value: str | None) -> str:
    """Stop spreadsheet formula injection from registry text."""
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@router.get("/match/summary", response_class=HTMLResponse)
def clinic_summary(request: Request, closed: Closed = False, shortlist: Closed = False) -> Response:
    """One printable page for the clinic: every listed (or shortlisted) trial in full, nothing collapsed."""
    summary = views.clinic_summary(request, include_closed=closed, shortlist_only=shortlist)
    if summary is None:
        return RedirectResponse("/match", status_code=303)
    profile = views.session_profile(request)
    context = {
        "summary": summary,
        "units": visitor.units_for(request, profile.location.place if profile and profile.location else None),
        "disclaimer": disclaimer_for(audience_for(request), payloads.DISCLAIMER),
    }
    return render(request, "clinic_summary.html", context, private=True)


@router.get("/glossary", response_class=HTMLResponse)
def glossary(request: Request) -> HTMLResponse:
    return render(request, "glossary.html", {"glossary": views.glossary()})


@router.get("/about", response_class=HTMLResponse)
def about(request: Request) -> HTMLResponse:
    return render(request, "about.html", {"today": date.today()})
