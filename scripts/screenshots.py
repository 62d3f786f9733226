#!/usr/bin/env python3
"""Take the README screenshots of the web UI into docs/img/.

    .venv/bin/python scripts/screenshots.py      (or: make screenshots)

Serves the built store (run ``kg build`` first) with ``kg serve`` on a free port,
drives Debian's headless Chromium with Playwright and writes:

* docs/img/home.png     the home page
* docs/img/body.png     a body page: what a youth offending team owed on 1 August 2017
* docs/img/diagram.png  who owes what to whom in Merseyside on 1 August 2017
* docs/img/area.png     an area page: Cumbria's statutory duties, as at 1 August 2017
* docs/img/history.png  CJA 2003 s.325 seen on 1 January 2010: later changes, Read it
* docs/img/timeline.png the timeline of Local Safeguarding Children Boards
* docs/img/compare.png  Merseyside and Cumbria side by side on 1 August 2017
* docs/img/briefing.png a briefing pack: a youth offending team on 1 August 2017
* docs/img/question.png a question as a form: cq17 for Local Safeguarding Children Boards

``--only history.png timeline.png`` takes some of them.

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
    ("area.png", "/id/mappa-area-cumbria?as_at=2017-08-01", "#duties"),
    ("history.png", "/legislation/ukpga/2003/44/section/325?as_at=2010-01-01", "#later-changes"),
    ("timeline.png", "/id/kind-lscb?as_at=2017-08-01", "#timeline"),
    ("compare.png", "/compare?a=merseyside&b=cumbria&as_at=2017-08-01", "#sides"),
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


def wait_for(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            # the first request loads the store's catalog: seconds on a busy machine
            with urllib.request.urlopen(url, timeout=30):
                return
        except (urllib.error.URLError, OSError):  # refused, reset or slow: not up yet
            if proc.poll() is not None or time.monotonic() > deadline:
                message = "kg serve did not start (see above); is the store built?"
                raise SystemExit(message) from None
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("--only", nargs="*", help="take only these (file names)")
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
                if args.only and name not in args.only:
                    continue
                page.goto(base + path)
                if "diagram" in path:
                    # ELK lays the diagram out, then marks it ready (as the tests wait)
                    page.wait_for_selector('#diagram[data-ready="true"]', timeout=90_000)
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
