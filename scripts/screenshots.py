#!/usr/bin/env python3
"""Take the README screenshots of the web UI into docs/img/.

    .venv/bin/python scripts/screenshots.py      (or: make screenshots)

Serves the built store (run ``kg build`` first) with ``kg serve`` on a free port,
drives Debian's headless Chromium with Playwright and writes:

* docs/img/home.png     the home page
* docs/img/body.png     a body page: what a youth offending team owed on 1 August 2017
* docs/img/diagram.png  who owes what to whom in Merseyside on 1 August 2017
* docs/img/briefing.png a briefing pack: a youth offending team on 1 August 2017
* docs/img/question.png a question as a form: cq17 for Local Safeguarding Children Boards

Run it again whenever the pages change.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = [
    ("home.png", "/", None),
    ("body.png", "/id/kind-youth-offending-team?as_at=2017-08-01", "main"),
    ("diagram.png", "/diagram?area=sgd:mappa-area-merseyside&as_at=2017-08-01", "#diagram"),
    ("briefing.png", "/id/kind-youth-offending-team/briefing?as_at=2017-08-01", "main"),
    (
        "question.png",
        "/questions/cq17-duties-of-a-kind?kind=https://w3id.org/safeguarding-kg/id/kind-lscb",
        "main",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                message = "kg serve did not start (see above); is the store built?"
                raise SystemExit(message) from None
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port)], cwd=REPO)
    try:
        wait_for(base + "/index.json", proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1200})
            for name, path, anchor in SHOTS:
                page.goto(base + path)
                if "diagram" in path:
                    page.wait_for_function("window.kgDiagram && window.kgDiagram.nodes().length")
                    page.wait_for_timeout(300)
                if anchor:
                    page.locator(anchor).scroll_into_view_if_needed()
                    page.evaluate(
                        "(sel) => window.scrollTo(0, document.querySelector(sel)"
                        ".getBoundingClientRect().top + window.scrollY - 20)",
                        anchor,
                    )
                page.screenshot(path=str(args.out / name))
                print(f"wrote {args.out / name}")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
