"""Browser tests: a real uvicorn server (in a thread of the test process, on a free port, against the test
database of tests/conftest.py) driven by Debian's Chromium through Playwright.

A missing browser fails these tests: the browser is part of the test environment (scripts/apt-packages.txt),
never a reason to skip. Screenshots go to $INCIDENTS_SCREENSHOTS (scripts/screenshots points it at
docs/screenshots) or to a temporary folder.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

expect.set_options(timeout=15_000)  # generous for a busy CI machine; expectations still return at once

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(migrated_database):
    """The whole app under uvicorn, as in production, on 127.0.0.1:<free port>."""
    import uvicorn

    from incidents.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:  # start-up, not a test assertion
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install the Debian package 'chromium' (scripts/install)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=None) -> a page in a fresh browser context (own cookies and localStorage)."""
    contexts = []

    def make(viewport: dict | None = None, **options):
        ctx = browser.new_context(base_url=live_server, viewport=viewport or {"width": 1280, "height": 900},
                                  accept_downloads=True, **options)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.dialogs = []  # any alert()/confirm() is recorded (and dismissed): script must never run

        def on_dialog(dialog):
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        # script errors and CSP refusals ("Refused to execute inline script ...") show up here
        page.console_errors = []
        page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    target = os.environ.get("INCIDENTS_SCREENSHOTS")
    path = Path(target) if target else Path(tempfile.mkdtemp(prefix="incidents-screens-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shot(screenshot_dir):
    def take(page, name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
        return path

    return take
