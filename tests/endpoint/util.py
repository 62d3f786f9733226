"""Helpers for the SPARQL endpoint tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.memory_dump import DUMP_NAME, MANIFEST_KEY, write_dump
from kg.store import DB_DIRNAME, MANIFEST_FORMAT, MANIFEST_NAME, db_checksums, write_db
from tests.helpers import kg_env

#: Runaway queries (docs: hostile-inputs.md): a cross product over the whole graph,
#: closures over (<p>|!<p>)* paths, nested CONCATs that double memory at each step.
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PATHS = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://x/p>|!<http://x/p>)* ?b . "
    "?c (<http://x/p>|!<http://x/p>)* ?d . ?e (<http://x/p>|!<http://x/p>)* ?f . "
    "?g (<http://x/p>|!<http://x/p>)* ?h }"
)
DOUBLING = (
    'SELECT (STRLEN(?a9) AS ?n) WHERE { BIND("'
    + "x" * 64
    + '" AS ?a0) '
    + " ".join(f"BIND(CONCAT({', '.join([f'?a{i}'] * 8)}) AS ?a{i + 1})" for i in range(9))
    + " }"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A ``kg serve`` subprocess."""

    url: str
    process: subprocess.Popen[str]
    log_path: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def wait_until_up(url: str, process: subprocess.Popen[str] | None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError(f"the server at {url} did not start") from None
            time.sleep(0.05)


@contextlib.contextmanager
def run_server(settings: Settings, tmp: Path, *args: str, **env: str) -> Iterator[Server]:
    """Start ``kg serve`` for ``settings`` on a free port; stop it afterwards."""
    port = free_port()
    log_path = tmp / f"serve-{port}.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(port), *args],
            env=kg_env(settings, **env),
            cwd=settings.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        try:
            wait_until_up(server.url + "/sparql?query=ASK%7B%7D", process)
        except RuntimeError:
            process.kill()
            process.wait(10)
            raise RuntimeError(f"kg serve did not start:\n{server.log()}") from None
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


#: Limits of the test server (small, to reach them quickly).
TEST_LIMITS = {
    "KG_QUERY_TIMEOUT": "2",
    "KG_MAX_RESULT_ROWS": "25",
    "KG_MAX_QUERY_BYTES": "65536",
    "KG_ENDPOINT_WORKERS": "2",
    "KG_WORKER_MEMORY_MB": "1024",
    "KG_STORE_MODE": "disk",
}


def http(
    method: str,
    url: str,
    *,
    params: dict[str, str] | list[tuple[str, str]] | None = None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP request; returns status, headers (lower-case names) and body."""
    if params:
        url = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def form(query: str, **extra: str) -> bytes:
    return urllib.parse.urlencode({"query": query, **extra}).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CI = os.environ.get("CI", "").lower() == "true"


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it accepts."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


def publish_store(quads: Iterable[ox.Quad], store_dir: Path, memory_dump: bool = True) -> None:
    """Publish ``quads`` at ``store_dir`` in the layout ``kg build`` writes (a version
    folder with the database, the default graph, the dump for memory and a manifest),
    for ``kg serve``; without the dump if not ``memory_dump`` (an older build)."""
    version = store_dir.with_name(store_dir.name + ".v-test")
    write_version(quads, version, memory_dump)
    store_dir.symlink_to(version.name)


def numbered_quads(n: int) -> Iterator[ox.Quad]:
    """``n`` quads ``<http://ex/i> <http://ex/p> "i"`` in the graph ``<http://ex/g>``."""
    for i in range(n):
        yield ox.Quad(
            ox.NamedNode(f"http://ex/{i}"),
            ox.NamedNode("http://ex/p"),
            ox.Literal(str(i)),
            ox.NamedNode("http://ex/g"),
        )


def write_version(quads: Iterable[ox.Quad], version: Path, memory_dump: bool = True) -> None:
    """One store version folder as ``kg build`` writes it (see :func:`publish_store`)."""
    version.mkdir(parents=True)
    counts, default_triples = write_db(quads, version / DB_DIRNAME)
    extra = {}
    if memory_dump:
        extra[MANIFEST_KEY] = write_dump(version / DB_DIRNAME, version / DUMP_NAME)
    manifest = {
        "format": MANIFEST_FORMAT,
        "built_at": "2026-01-01T00:00:00+00:00",
        "graphs": counts,
        "total_quads": sum(counts.values()),
        "default_graph_triples": default_triples,
        "db_files": db_checksums(version / DB_DIRNAME),
        **extra,
    }
    (version / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
