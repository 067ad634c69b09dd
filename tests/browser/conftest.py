"""One live app server and one headless Chromium for all browser tests of a session.

Every page records its requests and console messages; a test fails if the page contacted any
host but the app's own, or logged an error. Requests to other hosts are aborted, so a
forgotten CDN link fails fast instead of waiting for a network that isn't there.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from fixtures import DATA, GEODATA, real_geodata_ready
from werkzeug.serving import make_server

import app as app_module
from dashboard.data.loader import load_builtin_cached, load_structures_cached
from dashboard.data.model import CooperationModel

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
VIEWPORT = {"width": 1440, "height": 1000}
# Generous: the first page load compiles 5 MB of plotly.js on a 2-core machine.
STATE_TIMEOUT_MS = 30_000


@dataclass
class LiveApp:
    """The served app: its base URL and the model it shows."""

    url: str
    model: CooperationModel
    real: bool


@dataclass
class PageLog:
    """What a page did besides rendering: every request URL and every console error."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname != HOST]


@pytest.fixture(scope="session")
def live_database(tmp_path_factory) -> str:
    """The live app's SQLite database (tests import registers into it through the store)."""
    return f"sqlite:///{tmp_path_factory.mktemp('live-db') / 'registre.sqlite'}"


@pytest.fixture(scope="session")
def live_app(live_database: str) -> Iterator[LiveApp]:
    """The app on a free port of 127.0.0.1, in a thread; real survey data once geodata exists."""
    real = real_geodata_ready()
    model = load_builtin_cached() if real else load_builtin_cached(DATA, GEODATA)
    structures = load_structures_cached() if real else load_structures_cached(DATA, GEODATA)  # 2020 and 2024, as the app has
    dash_app = app_module.create_app(model, live_database, structures)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server(HOST, 0, dash_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveApp(url=f"http://{HOST}:{server.server_port}", model=model, real=real)
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium driven by Playwright (sync API)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup.sh installs it)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture()
def page(browser, live_app: LiveApp, page_log: PageLog):
    """A fresh page; after the test, asserts no foreign request and no console error."""
    # Playwright's string predicates (wait_for_function) are eval to a CSP without 'unsafe-eval';
    # tests/browser/test_csp_browser.py checks the app under its real policy.
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO", accept_downloads=True, bypass_csp=True)
    context.set_default_timeout(STATE_TIMEOUT_MS)

    def only_own_host(route) -> None:
        if urlsplit(route.request.url).hostname == HOST:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_own_host)
    page = context.new_page()
    page.on("request", lambda request: page_log.requests.append(request.url))
    page.on("console", lambda message: page_log.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page_log.errors.append(str(error)))
    yield page
    context.close()
    assert page_log.foreign_requests() == [], "the page contacted another host"
    assert page_log.errors == [], "the browser console logged errors"


def screenshot(page, name: str, selector: str | None = None) -> Path:
    """Save what a person sees (the viewport, or one element) under tests/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if selector:
        page.locator(selector).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path))
    return path
