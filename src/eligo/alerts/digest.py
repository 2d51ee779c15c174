"""Putting recorded alerts into emails: one per subscription, at once or as a daily digest, each alert once.

An email is queued in the outbox in the same transaction that marks its alerts as emailed, so a crash
either sends them (later, by `eligo mail deliver`) or leaves them waiting; never both, never neither.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files

from eligo.accounts.mail import queue_email
from eligo.accounts.users import email_text
from eligo.alerts import rows
from eligo.alerts.records import PendingAlert, Reason, Subscription
from eligo.alerts.subscriptions import CONFIRM_LIFETIME, unsubscribe_token
from eligo.store import TrialStore
from eligo.yamlfile import load_yaml

log = logging.getLogger("eligo.alerts")

DIGEST_INTERVAL = timedelta(hours=24)
_SUBJECT_LABEL_CHARS = 60


@dataclass
class SendReport:
    emails: int = 0
    alerts: int = 0
    # Alerts of daily subscriptions whose last digest is less than a day old.
    waiting: int = 0
    # Unconfirmed subscriptions dropped because their confirmation link expired.
    expired: int = 0


class _Raced(Exception):
    """Another sender emailed some of these alerts first: this transaction is rolled back."""


@cache
def _reasons() -> dict[str, str]:
    data = load_yaml(files("eligo.alerts").joinpath("reasons.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != {"new", "opened", "site_opened", "qualifies"}:
        raise ValueError("eligo/alerts/reasons.yaml must word each reason: new, opened, site_opened, qualifies")
    return {str(key): str(value) for key, value in data.items()}


def why(reason: Reason, detail: str) -> str:
    words = _reasons()[reason]
    if "{detail}" in words:
        return words.format(detail=detail)
    return f"{words}; {detail}" if detail else words


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def compose(
    subscription: Subscription, alerts: list[PendingAlert], titles: dict[str, str], base_url: str, unsubscribe: str
) -> tuple[str, str]:
    """The subject and plain-text body of one alert email."""
    count = len({alert.nct_id for alert in alerts})
    intro = (
        f"Eligo found {'a trial' if count == 1 else f'{count} trials'} that newly "
        f"{'matches' if count == 1 else 'match'} your alert."
    )
    lines = []
    for number, alert in enumerate(alerts, start=1):
        title = _one_line(titles.get(alert.nct_id, alert.nct_id), 300)
        lines += [
            f"{number}. {title}",
            f"   {alert.nct_id}: {why(alert.reason, alert.detail)}",
            f"   {base_url}/trials/{alert.nct_id}",
            "",
        ]
    subject, body = email_text(
        "alert_digest", intro=intro, items="\n".join(lines), label=subscription.label, unsubscribe=unsubscribe
    )
    return f"{subject} “{_one_line(subscription.label, _SUBJECT_LABEL_CHARS)}”", body


def send_pending(store: TrialStore, base_url: str, secret: str, now: datetime) -> SendReport:
    """Queue one email per subscription with alerts waiting: immediate ones now, daily ones once a day."""
    report = SendReport()
    with store.engine.begin() as connection:
        report.expired = rows.purge_unconfirmed(connection, now - CONFIRM_LIFETIME)
    with store.engine.connect() as connection:
        waiting = rows.pending(connection)
        subscriptions = {sid: rows.subscription_by_id(connection, sid) for sid in waiting}
    for subscription_id, alerts in waiting.items():
        subscription = subscriptions[subscription_id]
        if subscription is None:
            continue
        last = subscription.last_sent_at
        if subscription.frequency == "daily" and last is not None and now - last < DIGEST_INTERVAL:
            report.waiting += len(alerts)
            continue
        titles = {nct_id: trial.title for nct_id, trial in store.get_many(a.nct_id for a in alerts).items()}
        link = f"{base_url}/alerts/unsubscribe/{unsubscribe_token(secret, subscription.id)}"
        subject, body = compose(subscription, alerts, titles, base_url, link)
        headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        try:
            with store.engine.begin() as connection:
                outbox_id = queue_email(
                    connection,
                    subscription.email,
                    subject,
                    body,
                    now=now,
                    user_id=subscription.user_id,
                    headers=headers,
                )
                if rows.claim_for_email(connection, [alert.id for alert in alerts], outbox_id) != len(alerts):
                    raise _Raced
                rows.mark_sent(connection, subscription.id, now)
        except _Raced:
            log.info("alerts of subscription %d were emailed by another sender", subscription.id)
            continue
        report.emails += 1
        report.alerts += len(alerts)
    return report
