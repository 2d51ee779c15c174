"""Email: queue a message in the outbox with the action that causes it; deliver the outbox over SMTP.

A message is queued in the caller's transaction, so it exists if and only if the action happened. Delivery
claims each message before sending, so two deliverers never send the same one; a failed try is retried
with exponential back-off and never dropped. (A process killed between the server accepting a message
and it being marked sent may send it again once its claim lapses: SMTP offers no better.)
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from pydantic import BaseModel, ConfigDict, Field

from eligo.store import Connection, outbox
from eligo.store.repository import TrialStore

log = logging.getLogger("eligo.mail")

MAX_ATTEMPTS = 30
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=5)
_OWN_HEADERS = frozenset({"from", "to", "subject", "date", "message-id", "content-type"})


class SmtpSettings(BaseModel):
    """Where to send mail; `host` None means mail stays queued until a server is configured."""

    model_config = ConfigDict(frozen=True)

    host: str | None = None
    port: int = Field(default=587, gt=0, lt=65536)
    user: str | None = None
    password: str | None = Field(default=None, repr=False)
    starttls: bool = True
    ssl: bool = False
    sender: str = "Eligo <no-reply@localhost>"
    timeout_s: float = Field(default=20.0, gt=0)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def queue_email(
    connection: Connection,
    to: str,
    subject: str,
    text_body: str,
    *,
    now: datetime,
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Queue a plain-text message inside the caller's transaction; returns its outbox id.

    `headers` adds headers such as List-Unsubscribe; the standard ones (From, To, Subject...) are Eligo's own.
    """
    return outbox.queue(connection, to, subject, text_body, user_id, now, headers)


def retry_delay(attempts: int) -> timedelta:
    delay: timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 20))
    return min(delay, LONGEST_RETRY)


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    if smtp.host is None:
        raise ValueError("no SMTP server is configured (set ELIGO_SMTP_HOST)")
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if smtp.ssl:
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
        if smtp.starttls:
            client.starttls(context=context)
    if smtp.user:
        client.login(smtp.user, smtp.password or "")
    return client


def _message(smtp: SmtpSettings, item: outbox.OutgoingMessage, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = item.recipient
    message["Subject"] = item.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="eligo")
    for name, value in item.headers.items():
        if name.lower() not in _OWN_HEADERS:
            message[name] = value
    message.set_content(item.body)
    if item.headers:
        # A List-Unsubscribe URL is one long token: folding at 78 would turn it into an RFC 2047 encoded word,
        # which mail clients do not read as a link. Header lines may be up to 998 characters (RFC 5322).
        message.policy = message.policy.clone(max_line_length=998)
    return message


def _permanent(error: Exception) -> bool:
    # 5xx for this recipient or message: trying again will not help.
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= c < 600 for c in codes)
    return isinstance(code, int) and 500 <= code < 600 and not isinstance(error, smtplib.SMTPAuthenticationError)


def deliver_outbox(store: TrialStore, smtp: SmtpSettings, now: datetime, *, limit: int = 100) -> DeliveryReport:
    """Send the messages due at `now`, once each; failures wait for a later run."""
    report = DeliveryReport()
    claimed = outbox.claim(store.engine, now, CLAIM_LEASE, limit)
    if not claimed:
        return report
    client: smtplib.SMTP | None = None
    try:
        client = _connect(smtp)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        # The server is down or refuses us: every claimed message waits for the next run.
        for item in claimed:
            _retry_or_fail(store, item, error, now, report, permanent=False)
        return report
    try:
        for item in claimed:
            try:
                client.send_message(_message(smtp, item, now))
            except (OSError, smtplib.SMTPException) as error:
                _retry_or_fail(store, item, error, now, report, permanent=_permanent(error))
                if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
                    client = None
                    for rest in claimed[claimed.index(item) + 1 :]:
                        _retry_or_fail(store, rest, error, now, report, permanent=False)
                    break
                continue
            outbox.mark_sent(store.engine, item.id, now)
            report.sent += 1
    finally:
        if client is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()
    return report


def _retry_or_fail(
    store: TrialStore,
    item: outbox.OutgoingMessage,
    error: Exception,
    now: datetime,
    report: DeliveryReport,
    *,
    permanent: bool,
) -> None:
    # The error's type and code only: its text may quote the recipient's address.
    reason = f"{type(error).__name__} {getattr(error, 'smtp_code', '')}".strip()
    report.errors.append(reason)
    if permanent or item.attempts >= MAX_ATTEMPTS:
        outbox.mark_failed(store.engine, item.id, reason, None)
        report.failed += 1
        log.warning("outbox message %d failed for good: %s", item.id, reason)
    else:
        outbox.mark_failed(store.engine, item.id, reason, now + retry_delay(item.attempts))
        report.retrying += 1
        log.info("outbox message %d will be retried: %s", item.id, reason)
