"""The `eligo` command line: thin commands that parse options, call the core and print."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from eligo.cli.alerts import alerts_app
from eligo.cli.schedule import schedule_command
from eligo.cli.users import mail_app, users_app
from eligo.trials.statuses import OPEN_STATUSES

if TYPE_CHECKING:
    from eligo.web.settings import WebSettings

app = typer.Typer(
    help="Eligo: find clinical trials a child could join, criterion by criterion. "
    "Eligo does not decide eligibility; the study team does.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(users_app, name="users")
app.add_typer(mail_app, name="mail")
app.add_typer(alerts_app, name="alerts")
app.command("schedule")(schedule_command)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="text for people, json for programs")]
DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="ELIGO_DATABASE_URL", help="Database URL or SQLite file (default: user data dir)"),
]
OnOption = Annotated[
    str | None, typer.Option("--on", help="Evaluation date YYYY-MM-DD (default: today); pins results for tests")
]

STATUS_ALIASES = {
    "open": OPEN_STATUSES,
    "active": ("ACTIVE_NOT_RECRUITING",),
    "expanded_access": ("AVAILABLE",),
    "available": ("AVAILABLE",),
}


def _open_store(db: str | None) -> Any:
    from eligo.store import open_store

    if db and "://" not in db:
        db = f"sqlite:///{Path(db).expanduser().resolve()}"
    return open_store(db)


def _emit(data: dict[str, Any], fmt: OutputFormat, text: str) -> None:
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(text)


def _date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CliError(f"--on: {value!r} is not a date in YYYY-MM-DD form") from error


def _statuses(values: list[str] | None) -> tuple[str, ...]:
    result: list[str] = []
    for value in values or []:
        for part in value.split(","):
            word = part.strip().lower().replace(" ", "_").replace("-", "_")
            if not word:
                continue
            result.extend(STATUS_ALIASES.get(word, (word.upper(),)))
    return tuple(dict.fromkeys(result))


def _phases(values: list[str] | None) -> tuple[str, ...]:
    out = []
    for value in values or []:
        for part in value.split(","):
            word = part.strip().upper().replace(" ", "").replace("_", "")
            if word:
                out.append(
                    {"EARLYPHASE1": "EARLY_PHASE1"}.get(
                        word, word if word.startswith("PHASE") or word == "NA" else f"PHASE{word}"
                    )
                )
    return tuple(out)


def _age_months(value: str | None) -> int | None:
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(y|yr|yrs|years?|m|mo|months?)?\s*", value.lower())
    if not match:
        raise CliError(f"--age: {value!r} is not an age (examples: 7, 7y, 18m)")
    number = float(match.group(1))
    months = number if (match.group(2) or "y").startswith("m") else number * 12
    if months > 130 * 12:
        raise CliError(f"--age: {value!r} is not a plausible age")
    return int(months)


@contextmanager
def _errors() -> Iterator[None]:
    from eligo.patients.errors import ProfileError
    from eligo.patients.origin import OriginError

    try:
        yield
    except OriginError as error:
        flag = f"--{error.field}" if error.field in ("near", "within") else f"the profile's {error.field}"
        typer.echo(f"error: {flag}: {error.problem}", err=True)
        raise typer.Exit(2) from error
    except (CliError, ProfileError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


@app.command("import")
def import_(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files, directories or .zip archives")] = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Load the neuroblastoma trials shipped with Eligo")
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Import registry records (CT.gov API v2 JSON, legacy XML, curated YAML overlays)."""
    from eligo.cli import render
    from eligo.cli.imports import import_paths
    from eligo.explain import payloads

    with _errors():
        sources = list(paths or [])
        if bundled:
            from eligo.trials.bundled import bundled_paths

            sources.extend(bundled_paths())
        if not sources:
            raise CliError("nothing to import: give PATH... or --bundled")
        for path in sources:
            if not path.exists():
                raise CliError(f"{path}: no such file or directory")
        store = _open_store(db)
        show_progress = fmt is OutputFormat.text and sys.stderr.isatty()
        summary = import_paths(store, sources, progress=show_progress)
        for problem in summary.problems:
            typer.echo(f"problem: {problem}", err=True)
        for warning in summary.warnings:
            typer.echo(f"warning: {warning}", err=True)
        _emit(payloads.import_payload(summary), fmt, render.import_summary(summary))
        if summary.failed:
            raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="Words, a drug or an NCT id")] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="recruiting, not_yet_recruiting, open, active, ...")
    ] = None,
    phase: Annotated[list[str] | None, typer.Option("--phase", help="1, 2, 1/2 as PHASE1,PHASE2, early_phase1")] = None,
    study_type: Annotated[
        list[str] | None, typer.Option("--type", help="interventional, observational, expanded_access")
    ] = None,
    age: Annotated[str | None, typer.Option("--age", help="The child's age: 7, 7y or 18m")] = None,
    sex: Annotated[str | None, typer.Option("--sex", help="female or male")] = None,
    country: Annotated[list[str] | None, typer.Option("--country")] = None,
    near: Annotated[str | None, typer.Option("--near", help="Town, UK postcode, US ZIP or lat,lon")] = None,
    within: Annotated[float | None, typer.Option("--within", help="Kilometres from --near")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Search trials by text and filters, nearest open sites first when --near is given."""
    from eligo.cli import render
    from eligo.explain import payloads
    from eligo.patients.origin import origin
    from eligo.store import SearchQuery

    with _errors():
        if sex is not None and sex.lower() not in ("female", "male"):
            raise CliError("--sex: use female or male")
        start = origin(None, near, within)
        search_query = SearchQuery(
            text=query,
            statuses=_statuses(status),
            phases=_phases(phase),
            study_types=tuple(t.strip().upper() for t in study_type or []),
            age_months=_age_months(age),
            sex=sex.lower() if sex else None,
            countries=tuple(country or []),
            near=start.point if start else None,
            within_km=start.within_km if start else None,
            limit=limit,
        )
        hits = _open_store(db).search(search_query)
        _emit(payloads.search_payload(hits), fmt, render.search_results(hits))


@app.command()
def show(
    nct_id: Annotated[str, typer.Argument(help="NCT id")],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Show one trial."""
    from eligo.cli import render
    from eligo.explain import payloads

    with _errors():
        trial = _open_store(db).get(nct_id.strip().upper())
        if trial is None:
            raise CliError(f"{nct_id}: no such trial in the store (import it first)")
        _emit(payloads.trial_payload(trial), fmt, render.trial(trial))


@app.command()
def criteria(
    nct_id: Annotated[str | None, typer.Argument(help="NCT id")] = None,
    stats: Annotated[bool, typer.Option("--stats", help="Share of computable criteria across the store")] = False,
    reparse: Annotated[bool, typer.Option("--reparse", help="Bring stored rules up to the current parser")] = False,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Show a trial's criteria as typed rules with their questions, or parser statistics."""
    from eligo.cli import render
    from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria, parse_trial
    from eligo.criteria.stats import criteria_stats
    from eligo.explain import payloads

    with _errors():
        store = _open_store(db)
        if reparse:
            count = 0
            troubled: list[str] = []  # trials with a criterion a reader failed on (kept as free text)
            for trial in store.iter_trials():
                fresh = parse_trial(trial)
                store.save_criteria(trial.nct_id, PARSER_VERSION, fresh.to_json())
                count += 1
                problems = sum(1 for root in fresh.criteria for node in root.walk() if node.problem)
                if problems:
                    troubled.append(f"{trial.nct_id} ({problems})")
            typer.echo(f"reparsed {count} trials with parser version {PARSER_VERSION}", err=fmt is OutputFormat.json)
            if troubled:
                message = "criteria with a parse problem, kept as free text (eligo criteria NCT_ID): "
                typer.echo(message + ", ".join(troubled), err=True)
        if stats:
            parsed = (ParsedCriteria.from_json(tree) for _, tree in store.iter_criteria())
            data = criteria_stats(parsed, PARSER_VERSION)
            _emit(data, fmt, render.stats(data))
            return
        if nct_id is None:
            if reparse:
                return
            raise CliError("give an NCT id, --stats or --reparse")
        trial = store.get(nct_id.strip().upper())
        if trial is None:
            raise CliError(f"{nct_id}: no such trial in the store")
        from eligo.matching.match import load_parsed

        parsed_trial = load_parsed(store, trial.nct_id) or parse_trial(trial)
        _emit(payloads.criteria_payload(parsed_trial), fmt, render.criteria(parsed_trial))


@app.command()
def check(
    nct_id: Annotated[str, typer.Argument(help="NCT id")],
    patient: Annotated[
        Path, typer.Option("--patient", help="Patient profile JSON (docs/schemas/patient-profile.json)")
    ],
    answers: Annotated[Path | None, typer.Option("--answers", help="Pre-screener answers JSON")] = None,
    on: OnOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Evaluate one trial's criteria for one child."""
    from eligo.cli import render
    from eligo.explain import payloads
    from eligo.matching.evaluate import evaluate_trial
    from eligo.matching.match import load_parsed
    from eligo.patients.answers import load_answers
    from eligo.patients.load import load_profile

    with _errors():
        profile = load_profile(patient)
        given = load_answers(answers) if answers else None
        when = _date(on)
        store = _open_store(db)
        parsed = load_parsed(store, nct_id.strip().upper())
        if parsed is None:
            raise CliError(f"{nct_id}: no such trial in the store")
        result = evaluate_trial(parsed, profile, when, given)
        _emit(payloads.check_payload(result), fmt, render.check(result))


@app.command()
def match(
    patient: Annotated[Path, typer.Option("--patient", help="Patient profile JSON")],
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="Pre-screener answers JSON, for every trial or per trial id"),
    ] = None,
    near: Annotated[str | None, typer.Option("--near", help="Town, UK postcode, US ZIP or lat,lon")] = None,
    within: Annotated[float | None, typer.Option("--within", help="Kilometres from --near")] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Only trials with these statuses (e.g. open)")
    ] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="Narrow by text instead of the profile's diagnosis")
    ] = None,
    on: OnOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 1000,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Rank trials for one child: eligible, then possibly eligible, then ineligible."""
    from eligo.cli import render
    from eligo.explain import payloads
    from eligo.matching.match import candidate_query, match_profile
    from eligo.patients.answers import load_answers_by_trial
    from eligo.patients.load import load_profile
    from eligo.patients.origin import origin
    from eligo.process import Caches, relax_gc

    # This command is the entry point: it sets the process's GC and owns its caches.
    relax_gc()
    caches = Caches()
    with _errors():
        profile = load_profile(patient)
        given = load_answers_by_trial(answers) if answers else None
        when = _date(on)
        start = origin(profile, near, within)
        search_query = candidate_query(
            profile,
            when,
            text=query,
            near=start.point if start else None,
            within_km=start.within_km if start else None,
            statuses=_statuses(status),
            limit=limit,
        )
        matches = match_profile(_open_store(db), profile, when, answers=given, query=search_query, cache=caches.parsed)
        _emit(payloads.match_payload(matches), fmt, render.matches(matches))


@app.command()
def sync(
    condition: Annotated[str, typer.Option("--condition", help="query.cond")] = "neuroblastoma",
    term: Annotated[str | None, typer.Option("--term", help="query.term")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="filter.overallStatus")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only studies updated since YYYY-MM-DD")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Fetch everything, not only what changed since the last run")
    ] = False,
    base_url: Annotated[
        str, typer.Option("--base-url", envvar="ELIGO_CTGOV_BASE_URL", help="ClinicalTrials.gov API base URL")
    ] = "https://clinicaltrials.gov",
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Pull studies from the ClinicalTrials.gov API v2 into the store; resumable and incremental."""
    from eligo import ingest
    from eligo.cli import render
    from eligo.cli.imports import OBSERVERS
    from eligo.explain import payloads
    from eligo.trials.sync import SyncError

    with _errors():
        try:
            since_date = date.fromisoformat(since) if since else None
        except ValueError as error:
            raise CliError(f"--since: {since!r} is not a date in YYYY-MM-DD form") from error
        try:
            report = ingest.sync_registry(
                _open_store(db),
                base_url,
                condition=condition,
                term=term,
                statuses=_statuses(status),
                since=since_date,
                full=full,
                observers=OBSERVERS,
            )
        except SyncError as error:
            raise CliError(f"sync stopped: {error} (run the same command again to resume)") from error
        data = payloads.sync_payload(report)
        for problem in report.problems:
            typer.echo(f"problem: {problem}", err=True)
        for warning in [*report.warnings, *report.record_warnings]:
            typer.echo(f"warning: {warning}", err=True)
        _emit(data, fmt, render.sync_report(data))
        if report.failed:
            raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32)] = 1,
    db: DbOption = None,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help="Address or network of a reverse proxy whose X-Forwarded-For names the real client "
            "(repeatable; default 127.0.0.1, or $ELIGO_TRUSTED_PROXIES)",
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option("--forwarded-allow-ips", help="The same as comma-separated --trusted-proxy (uvicorn's name)"),
    ] = None,
) -> None:
    """Start the Eligo website and JSON API."""
    import os

    from eligo.web.server import serve as run_server
    from eligo.web.settings import InsecureSettings, WebSettings

    with _errors():
        if db:
            os.environ["ELIGO_DATABASE_URL"] = db if "://" in db else f"sqlite:///{Path(db).expanduser().resolve()}"
        proxies = [*(trusted_proxy or []), *(forwarded_allow_ips or "").split(",")]
        if any(item.strip() for item in proxies):
            # The workers build their settings from the environment: this is how the option reaches them.
            os.environ["ELIGO_TRUSTED_PROXIES"] = ",".join(item.strip() for item in proxies if item.strip())
        try:
            settings = WebSettings.from_env()
        except InsecureSettings as error:
            raise CliError(str(error)) from error
        for line in startup_notes(settings):
            typer.echo(line, err=True)
        typer.echo(f"Eligo is running on http://{host}:{port}/ (press Ctrl+C to stop)", err=True)
        run_server(host, port, workers)


def startup_notes(settings: WebSettings) -> list[str]:
    """What `eligo serve` says before it starts: where the secret comes from, which proxies are believed."""
    notes = []
    if settings.secret_file is not None:
        notes.append(
            f"{settings.environment} mode: signing sessions and links with this installation's own secret, "
            f"kept in {settings.secret_file} (set ELIGO_SECRET_KEY to choose one; production requires it)"
        )
    trusted = ", ".join(settings.trusted_proxies) or "none"
    notes.append(f"client addresses for rate limits: X-Forwarded-For is believed from {trusted} only")
    return notes


def main() -> None:  # pragma: no cover - console entry point
    app()
