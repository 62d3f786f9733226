"""A page rendered to PDF by headless Chromium (``chromium --print-to-pdf``).

Chromium reads the page from a temporary file, never from this server: a request
that waited on the server's own threads could starve them. The stylesheet and
the fonts are read from the static folder on disk; links stay links to the live
pages (a ``<base>`` of the server's address).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from kg.errors import KGError


class PdfError(KGError):
    """Chromium is missing, failed, or took longer than its time limit."""


def render_pdf(
    html: str, *, static_dir: Path, base_url: str, chromium: str, timeout: float
) -> bytes:
    """``html`` (a page of this server) as PDF bytes."""
    exe = shutil.which(chromium)
    if exe is None:
        raise PdfError(
            f"the PDF cannot be made: no Chromium at {chromium!r} (install chromium, "
            "or set KG_CHROMIUM to its path)"
        )
    static = static_dir.resolve().as_uri()
    # the page's own links to /static/ (stylesheet, fonts) read from disk
    html = html.replace('="/static/', f'="{static}/')
    html = html.replace("<head>", f'<head><base href="{base_url}">', 1)
    with tempfile.TemporaryDirectory(prefix="kg-pdf-") as tmp:
        page, out = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            exe,
            "--headless",
            "--no-sandbox",  # a server often runs as a user Chromium's sandbox refuses
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",  # no lock shared with others
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            # its own process group, so that a timeout stops its helper processes too
            proc = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as e:
            raise PdfError(f"the PDF cannot be made: Chromium did not start ({e})") from None
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise PdfError(
                f"the PDF was not made within {timeout:g} seconds (KG_PDF_TIMEOUT); try again"
            ) from None
        if returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise PdfError(f"the PDF cannot be made: Chromium exited with {returncode}")
        return out.read_bytes()
