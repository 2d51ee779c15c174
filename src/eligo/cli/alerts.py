"""`eligo alerts ...`: put the recorded trial alerts into emails (run from a timer before `eligo mail deliver`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from eligo.cli.users import CliError, DbOption, FormatOption, OutputFormat

alerts_app = typer.Typer(help="Trial alerts: email what newly matches people's alerts.", no_args_is_help=True)


def _open_store(db: str | None) -> Any:
    from eligo.store import open_store

    if db and "://" not in db:
        db = f"sqlite:///{Path(db).expanduser().resolve()}"
    return open_store(db)


def _moment(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise CliError(f"--now: {text!r} is not an ISO date and time, e.g. 2026-11-23T08:00:00+00:00") from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@alerts_app.command("send")
def send(
    now: Annotated[str | None, typer.Option("--now", help="Act as if it were this time (ISO 8601)")] = None,
    fmt: FormatOption = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """Queue one email per alert with news: immediate ones at once, daily ones once a day."""
    from eligo.alerts.digest import send_pending
    from eligo.web.settings import InsecureSettings, WebSettings

    try:
        moment = _moment(now)
        try:
            settings = WebSettings.from_env()
        except InsecureSettings as error:
            raise CliError(str(error)) from error
    except CliError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    store = _open_store(db or settings.database_url)
    try:
        report = send_pending(store, settings.public_url, settings.secret_key, moment)
    finally:
        store.close()
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(report.__dict__))
        return
    typer.echo(
        f"queued {report.emails} email(s) with {report.alerts} alert(s); {report.waiting} alert(s) wait for "
        f"tomorrow's digest; {report.expired} unconfirmed subscription(s) expired. Run `eligo mail deliver` to send."
    )
