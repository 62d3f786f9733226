"""Faults of the external SPARQL server (Virtuoso from Debian, started for real).

* ``kg serve --store URL`` started while that server is down starts anyway, says so
  plainly (on stderr, then 503 with the reason on every page and on /sparql), and
  serves again as soon as the server is back, without a restart.
* ``kg push`` killed half-way and run again leaves the server's graphs equal to the
  build's; running it once more changes nothing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.config import Settings
from kg.remote import RemoteStore
from kg.store import read_manifest
from tests.endpoint.util import Server, http, run_server
from tests.endpoint.virtuoso import DBA_PASSWORD, DBA_USER, Virtuoso, require_virtuoso
from tests.helpers import kg_env, run_kg

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

PUSH_ENV = {"KG_PUSH_USER": DBA_USER, "KG_PUSH_PASSWORD": DBA_PASSWORD}
DOWN = "cannot reach the external SPARQL server"


def _push(virtuoso: Virtuoso, settings: Settings, *args: str) -> None:
    result = run_kg(["push", virtuoso.gsp_url, *args], settings, timeout=300, **PUSH_ENV)
    assert result.returncode == 0, result.stderr


def _wait_for(server: Server, path: str, status: int, within: float = 15) -> bytes:
    deadline = time.monotonic() + within
    while True:
        got, _, body = http("GET", server.url + path, timeout=30)
        if got == status or time.monotonic() > deadline:
            assert got == status, (path, got, body[:500])
            return body
        time.sleep(0.2)


def test_server_started_while_the_store_is_down_recovers(
    real_store: Settings, tmp_path: Path
) -> None:
    require_virtuoso()
    virtuoso = Virtuoso(tmp_path / "virtuoso")  # ports chosen, not started yet
    try:
        with run_server(
            real_store, tmp_path, "--store", virtuoso.sparql_url, KG_STORE_DATASET="server"
        ) as server:
            log = server.log()
            assert "warning" in log and DOWN in log and "503" in log, log
            for path in ("/", "/bodies", "/index.json"):
                status, headers, body = http("GET", server.url + path)
                assert status == 503, (path, status, body[:300])
                assert DOWN.encode() in body and headers.get("retry-after"), path
            status, _, body = http("GET", server.sparql, params={"query": "ASK {}"})
            assert status == 503 and DOWN.encode() in body, body[:300]

            virtuoso.start()
            _push(virtuoso, real_store, "--quiet")
            _wait_for(server, "/bodies", 200)
            status, _, _ = http("GET", server.sparql, params={"query": "ASK { ?s ?p ?o }"})
            assert status == 200

            # down again while serving, then back (pages may answer from their cache
            # meanwhile; /sparql always asks the server)
            ask = "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
            virtuoso.stop()
            assert DOWN.encode() in _wait_for(server, ask, 503)
            virtuoso.start()
            _wait_for(server, ask, 200)
            _wait_for(server, "/bodies", 200)
            assert server.process.poll() is None
    finally:
        virtuoso.stop()


def test_push_killed_half_way_then_run_again_equals_the_build(
    real_store: Settings, tmp_path: Path
) -> None:
    require_virtuoso()
    expected = read_manifest(real_store)["graphs"]
    with Virtuoso(tmp_path / "virtuoso") as virtuoso:
        remote = RemoteStore(virtuoso.sparql_url, dataset="server", timeout=120)
        # small batches: many requests, so the kill lands between two of them
        push = subprocess.Popen(
            [sys.executable, "-m", "kg", "push", virtuoso.gsp_url, "--batch", "25"],
            env=kg_env(real_store, PYTHONUNBUFFERED="1", **PUSH_ENV),
            cwd=real_store.home,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert push.stdout is not None
        first = push.stdout.readline()  # one graph done, the next one under way
        push.send_signal(signal.SIGKILL)
        push.wait(30)
        push.stdout.close()
        assert first.strip(), "kg push printed nothing before the kill"
        partial = remote.quad_counts()
        assert partial != expected, "the push finished before the kill; nothing was tested"

        _push(virtuoso, real_store, "--quiet")
        assert remote.quad_counts() == expected
        _push(virtuoso, real_store, "--quiet", "--batch", "500")  # again: nothing changes
        assert remote.quad_counts() == expected
        remote.close()
