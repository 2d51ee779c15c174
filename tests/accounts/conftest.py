"""Account fixtures: a real SMTP server in-process (aiosmtpd), and the web app on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from eligo.accounts.mail import SmtpSettings, deliver_outbox
from eligo.store import TrialStore
from eligo.web.app import create_app
from eligo.web.settings import WebSettings

PUBLIC_URL = "http://eligo.test"
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """Collects what the SMTP server accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [message for message in self.messages if message["To"] == address]

    def link(self, address: str, path: str, base: str = PUBLIC_URL) -> str:
        """The path of the last link to `path` emailed to `address` (relative, for the test client)."""
        bodies = [message.get_payload(decode=True) for message in self.to(address)]
        texts = [body.decode("utf-8") for body in bodies if isinstance(body, bytes)]
        links: list[str] = [found for text in texts for found in re.findall(re.escape(base) + r"(\S+)", text)]
        matching = [link for link in links if link.startswith(path)]
        assert matching, f"no {path} link was emailed"
        return matching[-1]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(host="127.0.0.1", port=self.port, starttls=False, sender="Eligo <eligo@eligo.test>")

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """A server on a port where nothing listens yet: call .start() to bring it up."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_down: SmtpServer) -> SmtpServer:
    smtp_down.start()
    return smtp_down


@pytest.fixture
def settings(smtp: SmtpServer) -> WebSettings:
    return WebSettings(environment="test", public_url=PUBLIC_URL, smtp=smtp.settings)


@pytest.fixture
def app_client(store: TrialStore, settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store), raise_server_exceptions=True) as client:
        yield client


@pytest.fixture
def deliver(store: TrialStore, smtp: SmtpServer) -> Any:
    """Run the outbox once, as `eligo mail deliver` would."""

    def run() -> None:
        from datetime import UTC, datetime

        report = deliver_outbox(store, smtp.settings, datetime.now(UTC))
        assert report.retrying == 0 and report.failed == 0, report

    return run
