"""Fixtures for the web UI tests.

``client`` is a Flask test client on the repository's own data (built once per
session by ``real_store``). The browser tests share ONE ``kg serve`` process and
ONE headless Chromium per session (``live_server``, ``browser``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from tests.helpers import REPO, kg_env
from webui import create_app

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VENDOR = REPO / "webui" / "static" / "vendor"
AXE = VENDOR / "axe-core" / "axe.min.js"


_FIRST_USE = re.compile(
    r'<a class="govuk-link" href="/glossary#[^"]*">([^<]*)</a>|<abbr title="[^"]*">([^<]*)</abbr>'
)


def unmarked(html: str) -> str:
    """A page without the glossary's first-use markup (webui/first_use.py), for tests
    that look for a sentence in it."""
    return _FIRST_USE.sub(lambda m: m.group(1) or m.group(2) or "", html)


@pytest.fixture(scope="session")
def web_app(real_store: Settings) -> Flask:
    return create_app({"KG_SETTINGS": real_store, "TESTING": True})


@pytest.fixture()
def client(web_app: Flask) -> FlaskClient:
    return web_app.test_client()


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_browser() -> None:
    """Skip without Chromium, Playwright or the npm assets, except on CI (CI=true)."""
    problems = []
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        problems.append(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is not installed (pip install -e '.[test]')")
    if not AXE.is_file():
        problems.append("front-end assets missing (run `make assets`)")
    if not problems:
        return
    message = "; ".join(problems)
    if _on_ci():
        pytest.fail(f"browser tests cannot run on CI: {message}")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(real_store: Settings) -> Iterator[str]:
    """``kg serve`` (waitress) on a free port, for the whole session."""
    require_browser()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), "--threads", "8"],
        env=kg_env(real_store),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            # the first request loads the catalog of the store: seconds on a busy machine
            with urllib.request.urlopen(url + "/index.json", timeout=30):
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                _, err = proc.communicate(timeout=5)
                pytest.fail(f"kg serve did not start: {err}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def browser_context(browser: Any, live_server: str) -> Iterator[Any]:
    """One browser context for the session, with axe-core added to every page.

    axe-core goes in as an init script (through the DevTools protocol), so the pages'
    Content-Security-Policy stays on and need not allow it.
    """
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    yield context
    context.close()


@pytest.fixture()
def page(browser_context: Any) -> Iterator[Any]:
    """A fresh page; ``page.console_errors`` collects console errors (CSP reports too)."""
    pg = browser_context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    pg.close()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def run_axe(pg: Any, best_practice: bool = False) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules, and its best practices if asked) on
    the page; return the violations.

    axe-core is already in the page (see ``browser_context``).
    """
    tags = WCAG_TAGS + (["best-practice"] if best_practice else [])
    result = pg.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
              runOnly: { type: 'tag', values: tags },
              resultTypes: ['violations'],
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        tags,
    )
    return result
