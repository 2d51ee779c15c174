"""Run the website under uvicorn, with Nagle's algorithm off on every connection.

With more than one worker uvicorn binds the shared listening socket itself, as
`socket.socket(family)`: protocol number 0, so asyncio's per-connection TCP_NODELAY (set only when
`sock.proto == IPPROTO_TCP`) is skipped, and every response after the first on a kept-alive
connection waits about 40 ms for the client's delayed ACK. Connections accepted on Linux inherit
TCP_NODELAY from the listening socket, so it is set there.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "eligo.web.app:app_factory"


def config(host: str, port: int, workers: int) -> uvicorn.Config:
    # proxy_headers off: the app applies X-Forwarded-For itself, from ELIGO_TRUSTED_PROXIES only.
    return uvicorn.Config(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )


def listening_socket(settings: uvicorn.Config) -> socket.socket:
    """The socket the workers share, bound as uvicorn binds it, with TCP_NODELAY on."""
    sock = settings.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def serve(host: str, port: int, workers: int) -> None:
    """Serve until interrupted: one process, or `workers` processes sharing one socket."""
    settings = config(host, port, workers)
    try:
        if workers > 1:
            Multiprocess(settings, sockets=[listening_socket(settings)]).run()
        else:
            uvicorn.Server(settings).run()
    except KeyboardInterrupt:
        pass
