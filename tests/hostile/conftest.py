"""Fixtures for the hostile-input tests (docs: /work/shared/reference/hostile-inputs.md).

``hostile_server`` is ONE ``kg serve`` subprocess on the repository's own data (the
session's ``real_store``), with the endpoint tests' small limits. ``listener`` is the
endpoint tests' loopback listener: any connection it records is an outbound fetch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from tests.endpoint.conftest import listener  # noqa: F401  (re-exported fixture)
from tests.endpoint.util import TEST_LIMITS, Server, http, run_server
from tests.hostile.canary import Canary
from webui import create_app


@pytest.fixture(scope="session")
def hostile_server(
    real_store: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with run_server(real_store, tmp_path_factory.mktemp("hostile-serve"), **TEST_LIMITS) as s:
        yield s


#: The hygiene server's public address and result byte limit (test_http_hygiene.py).
BASE_URL = "https://kg.example.org/kg"
MAX_RESULT_BYTES = 4096


@pytest.fixture(scope="session")
def hygiene_server(
    real_store: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``kg serve --base-url BASE_URL`` with a small result byte limit and a 12 s
    validation limit (test_http_hygiene.py, test_uploads.py)."""
    limits = {
        **TEST_LIMITS,
        "KG_MAX_RESULT_BYTES": str(MAX_RESULT_BYTES),
        "KG_VALIDATION_TIMEOUT": "12",
    }
    tmp = tmp_path_factory.mktemp("hygiene-serve")
    with run_server(real_store, tmp, "--base-url", BASE_URL, **limits) as server:
        yield server


@pytest.fixture(scope="session")
def hostile_app(real_store: Settings) -> Flask:
    return create_app({"KG_SETTINGS": real_store, "TESTING": True})


@pytest.fixture()
def hostile_client(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


@pytest.fixture(scope="session")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    watched = Canary(tmp_path_factory.mktemp("outside-the-project"))
    try:
        yield watched
    finally:
        watched.close()


def quad_count(server: Server) -> int:
    """The store's total quads, from /index.json."""
    status, _, body = http("GET", server.url + "/index.json", timeout=10)
    assert status == 200, body[:500]
    return int(json.loads(body)["total_quads"])


def assert_responsive(server: Server, within: float = 3.0) -> None:
    """The server answers a simple request within ``within`` seconds: alive and not
    wedged by the hostile input (which would hold it far longer), not a speed target."""
    start = time.monotonic()
    status, _, _ = http("GET", server.url + "/index.json", timeout=within + 4)
    elapsed = time.monotonic() - start
    assert server.process.poll() is None, f"kg serve died:\n{server.log()[-3000:]}"
    assert status == 200
    assert elapsed < within, f"a simple request took {elapsed:.2f}s after the hostile input"
