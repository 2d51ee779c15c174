"""`eligo users ...` and `eligo mail ...`: create admins, link coordinators to trial sites, list accounts, send mail."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

# Declared here, not imported from eligo.cli.main, which imports this module to register it.
DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="ELIGO_DATABASE_URL", help="Database URL or SQLite file (default: user data dir)"),
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="text for people, json for programs")]


_NCT_SHAPE = re.compile(r"NCT\d{8}")


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except CliError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


def _open_store(db: str | None) -> Any:
    from eligo.store import open_store

    if db and "://" not in db:
        db = f"sqlite:///{Path(db).expanduser().resolve()}"
    return open_store(db)


users_app = typer.Typer(help="Accounts: administrators, coordinators and the list of users.", no_args_is_help=True)
mail_app = typer.Typer(help="The outgoing mail queue.", no_args_is_help=True)


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Argument(help="The administrator's email address")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts)")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a confirmed administrator (or promote an existing account and give it this password)."""
    from eligo.accounts import users
    from eligo.accounts.passwords import WeakPassword

    with _errors():
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        store = _open_store(db)
        try:
            user = users.create_admin(store, email, password, datetime.now(UTC))
        except (users.AccountError, WeakPassword) as error:
            raise CliError(str(error)) from error
        finally:
            store.close()
        typer.echo(f"admin account {user.id} is ready")


FacilityOption = Annotated[
    str,
    typer.Option(
        "--facility",
        "--site",
        help="One listed site of the trial: its id (see `users list --sites NCT_ID`) or its full name; "
        "case, apostrophes, quotes and spaces do not matter (default: all its sites)",
    ),
]


@contextmanager
def _site_errors() -> Iterator[None]:
    """An unknown trial or site: printed as one line, exit code 1, nothing stored."""
    from eligo.referrals.coordinators import SiteNotFound

    try:
        yield
    except SiteNotFound as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error


@users_app.command("link-coordinator")
def link_coordinator(
    email: Annotated[str, typer.Argument(help="The coordinator's email address (the account must exist)")],
    nct_id: Annotated[str, typer.Argument(help="The trial, e.g. NCT03363373 (it must be in the store)")],
    facility: FacilityOption = "",
    db: DbOption = None,
) -> None:
    """Make an account the coordinator of a trial, or of one of its listed sites."""
    from eligo.accounts import users
    from eligo.referrals import coordinators

    with _errors(), _site_errors():
        if not _NCT_SHAPE.fullmatch(nct_id.strip().upper()):
            raise CliError(f"{nct_id!r} is not an NCT number (NCT followed by 8 digits)")
        store = _open_store(db)
        try:
            user, link, added = coordinators.link(store, email, nct_id, facility)
        except users.AccountError as error:
            raise CliError(str(error)) from error
        finally:
            store.close()
        where = link.nct_id + (f" ({link.facility})" if link.facility else " (all its sites)")
        typer.echo(f"account {user.id} {'now coordinates' if added else 'already coordinated'} {where}")


@users_app.command("unlink")
def unlink_coordinator(
    email: Annotated[str, typer.Argument(help="The coordinator's email address")],
    nct_id: Annotated[str, typer.Argument(help="The trial, e.g. NCT03363373")],
    facility: FacilityOption = "",
    db: DbOption = None,
) -> None:
    """Remove a coordinator's link to a trial's site (or to the whole trial); their account stays."""
    from eligo.referrals import coordinators

    with _errors(), _site_errors():
        store = _open_store(db)
        try:
            user, link = coordinators.unlink(store, email, nct_id, facility)
        finally:
            store.close()
        typer.echo(f"account {user.id} no longer coordinates {link.nct_id} ({link.facility or 'all its sites'})")


@users_app.command("list")
def list_users(
    fmt: FormatOption = OutputFormat.text,
    sites: Annotated[
        str, typer.Option("--sites", help="Instead of accounts, list this trial's sites with their ids")
    ] = "",
    db: DbOption = None,
) -> None:
    """Every account: id, email, role, confirmed, a coordinator's sites; or, with --sites, a trial's sites."""
    from eligo.accounts import users

    if sites:
        _list_sites(sites, fmt, db)
        return
    with _errors():
        store = _open_store(db)
        try:
            listed = users.list_users(store)
        finally:
            store.close()
        rows: list[dict[str, Any]] = [
            {
                "id": user.id,
                "email": user.email,
                "role": user.role,
                "confirmed": user.confirmed,
                "created_at": user.created_at.isoformat(),
                "sites": [{"nct_id": site.nct_id, "facility": site.facility} for site in sites],
            }
            for user, sites in listed
        ]
        if fmt is OutputFormat.json:
            typer.echo(json.dumps({"users": rows}, ensure_ascii=False, indent=2))
            return
        for row in rows:
            sites_text = ", ".join(s["nct_id"] + (f" ({s['facility']})" if s["facility"] else "") for s in row["sites"])
            confirmed = "confirmed" if row["confirmed"] else "unconfirmed"
            line = f"{row['id']}\t{row['email']}\t{row['role']}\t{confirmed}"
            typer.echo(line + (f"\t{sites_text}" if sites_text else ""))
        if not rows:
            typer.echo("no accounts yet")


def _list_sites(nct_id: str, fmt: OutputFormat, db: str | None) -> None:
    from eligo.referrals import coordinators

    with _site_errors():
        store = _open_store(db)
        try:
            trial, listed = coordinators.trial_sites(store, nct_id)
        finally:
            store.close()
        rows = [{"id": site.key, "facility": site.facility, "place": site.place} for site in listed]
        if fmt is OutputFormat.json:
            typer.echo(json.dumps({"nct_id": trial.nct_id, "sites": rows}, ensure_ascii=False, indent=2))
            return
        for row in rows:
            typer.echo(f"{row['id']}\t{row['facility']}\t{row['place']}")
        if not rows:
            typer.echo(f"{trial.nct_id} lists no sites")


@mail_app.command("deliver")
def deliver(db: DbOption = None) -> None:
    """Send the queued mail that is due, once (run it every minute from a timer)."""
    from eligo.accounts.mail import deliver_outbox
    from eligo.web.settings import InsecureSettings, WebSettings

    with _errors():
        try:
            settings = WebSettings.from_env()
        except InsecureSettings as error:
            raise CliError(str(error)) from error
        if settings.smtp.host is None:
            raise CliError("no SMTP server is configured: set ELIGO_SMTP_HOST (and ELIGO_SMTP_PORT, ...)")
        store = _open_store(db or settings.database_url)
        try:
            report = deliver_outbox(store, settings.smtp, datetime.now(UTC))
        finally:
            store.close()
        typer.echo(f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}")
        if report.retrying or report.failed:
            raise typer.Exit(1)
