"""A real Eligo server on a loopback port, and Debian's Chromium, for the browser tests and the screenshot script."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Playwright

from eligo.ingest import import_paths
from eligo.store import TrialStore, open_store
from eligo.trials.bundled import bundled_paths
from eligo.web.app import create_app
from eligo.web.settings import WebSettings

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


class ChromiumMissing(RuntimeError):
    pass


def chromium_path() -> str:
    """Debian's Chromium; the browser tests never download one."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise ChromiumMissing(
        "Chromium is not installed, so the browser tests cannot run. "
        "Run ./scripts/ensure-chromium.sh (or `make test`, which calls it) to install Debian's chromium."
    )


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def load_bundled(store: TrialStore) -> TrialStore:
    summary = import_paths(store, bundled_paths())
    if summary.failed:
        raise RuntimeError(f"bundled trials failed to import: {summary.problems}")
    return store


@contextmanager
def serve(store: TrialStore, settings: WebSettings | None = None, port: int = 0) -> Iterator[str]:
    """Serve the app on 127.0.0.1 (a free port unless `port` is given) in a thread; yields the base URL."""
    app = create_app(settings or WebSettings(environment="test"), store=store)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="eligo-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the Eligo test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def sqlite_server(directory: Path) -> Iterator[str]:
    """A fresh SQLite store holding the bundled trials, served; yields the base URL."""
    store = load_bundled(open_store(f"sqlite:///{directory / 'eligo-browser.db'}"))
    try:
        with serve(store) as base_url:
            yield base_url
    finally:
        store.close()
