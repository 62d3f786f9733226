"""The worker sandbox fails closed (issue 13, item 2).

``unshare`` is refused by a real seccomp filter (tests/hostile/seccomp.py), as a
container's default profile or a host that forbids namespaces does: ``kg serve``
must then refuse to start (exit 71, naming the cause and the override), and a
pool must answer 503 rather than run queries with network access.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.config import Settings
from tests.endpoint.util import TEST_LIMITS, free_port, http, wait_until_up
from tests.helpers import kg_env
from tests.hostile import seccomp

SECCOMP = str(Path(seccomp.__file__))


@pytest.fixture(autouse=True)
def _needs_seccomp() -> None:
    if not seccomp.supported():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the sandbox tests need Linux on x86_64 or aarch64 (seccomp)")
        pytest.skip("seccomp filter not available on this platform")


def _blocked(args: list[str]) -> list[str]:
    return [sys.executable, SECCOMP, sys.executable, *args]


def test_serve_refuses_to_start_without_the_sandbox(basic_store: Settings) -> None:
    port = free_port()
    result = subprocess.run(
        _blocked(["-m", "kg", "serve", "--port", str(port)]),
        env=kg_env(basic_store, **TEST_LIMITS),
        cwd=basic_store.home,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 71, result.stderr[-3000:]
    assert "Serving on" not in result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("kg: error: the query workers' network sandbox cannot be set up")
    assert "unshare(CLONE_NEWNET)" in last and "Operation not permitted" in last
    assert "KG_WORKER_SANDBOX=optional" in last


def test_override_serves_and_says_the_network_is_allowed(
    basic_store: Settings, tmp_path: Path
) -> None:
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = kg_env(basic_store, KG_WORKER_SANDBOX="optional", **TEST_LIMITS)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            _blocked(["-m", "kg", "serve", "--port", str(port)]),
            env=env,
            cwd=basic_store.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/sparql?query=ASK%7B%7D", process, timeout=60)
        status, _, body = http("GET", url + "/sparql", params={"query": "ASK {}"})
        assert status == 200, body
    finally:
        process.terminate()
        process.wait(10)
    text = log_path.read_text(encoding="utf-8")
    assert "query workers: 2" in text
    assert "NETWORK ALLOWED: sandbox unavailable (Operation not permitted), policy optional" in (
        text
    )


def test_startup_log_states_the_sandbox_in_force(basic_store: Settings, tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(port)],
            env=kg_env(basic_store, **TEST_LIMITS),
            cwd=basic_store.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", process, timeout=60)
    finally:
        process.terminate()
        process.wait(10)
    text = log_path.read_text(encoding="utf-8")
    for what in ("query", "validation"):
        assert (
            f"{what} workers: 2 (disk mode); sandbox: no network (private network namespace)"
            in (text)
        ), text


POOL_SCRIPT = """
import sys
from kg.endpoint.errors import EndpointError
from kg.endpoint.workers import Job, WorkerPool
pool = WorkerPool(sys.argv[1], size=1, mode="disk")
pool.start()
try:
    pool.run(Job("ASK {}"), 5)
except EndpointError as e:
    print(e.status, e.message)
else:
    print("ran")
finally:
    pool.close()
"""


def test_a_pool_without_its_sandbox_answers_503(basic_store: Settings) -> None:
    result = subprocess.run(
        _blocked(["-c", POOL_SCRIPT, str(basic_store.store_dir)]),
        env=kg_env(basic_store),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith(
        "503 the query workers are disabled on this server: the query workers' network "
        "sandbox cannot be set up"
    ), result.stdout
