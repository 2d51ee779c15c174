"""`eligo serve` with several workers: the shared listening socket has Nagle's algorithm off, so the
connections accepted from it do too (uvicorn's own socket leaves it on: ~40 ms per kept-alive response)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from eligo.web import server


def test_listening_socket_disables_nagle() -> None:
    sock = server.listening_socket(server.config("127.0.0.1", 0, 2))
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        sock.listen()
        client = socket.create_connection(sock.getsockname()[:2])
        accepted, _ = sock.accept()
        try:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            accepted.close()
            client.close()
    finally:
        sock.close()


def test_several_workers_share_that_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, Any]] = []

    class Recorder:
        def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
            nodelay = [sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for sock in sockets]
            started.append({"workers": config.workers, "nodelay": nodelay, "app": config.app})
            self.sockets = sockets

        def run(self) -> None:
            for sock in self.sockets:
                sock.close()

    monkeypatch.setattr(server, "Multiprocess", Recorder)
    server.serve("127.0.0.1", 0, 3)
    assert len(started) == 1 and started[0]["workers"] == 3 and started[0]["app"] == server.APP
    assert len(started[0]["nodelay"]) == 1 and started[0]["nodelay"][0] != 0
