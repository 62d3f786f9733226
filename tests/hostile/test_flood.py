"""A flood of runaway queries does not stall others (issue 13, item 3), over HTTP.

A real ``kg serve`` with 2 workers; clients are told apart by their loopback
address (127.0.1.N floods, 127.0.2.N asks), as the server sees them.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator

import pytest

from kg.config import Settings
from tests.endpoint.util import CROSS_PRODUCT, PATHS, TEST_LIMITS, Server, run_server

LIMITS = {**TEST_LIMITS, "KG_QUERY_TIMEOUT": "4", "KG_CLIENT_LIMIT": "2"}
ASK = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})


@pytest.fixture(scope="module")
def flood_server(
    real_store: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with run_server(real_store, tmp_path_factory.mktemp("flood"), **LIMITS) as s:
        yield s


def _request(
    server: Server, source: str, path: str, query: str | None = None
) -> tuple[int, dict[str, str], str, float]:
    port = int(server.url.rsplit(":", 1)[1])
    started = time.monotonic()
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    try:
        if query is None:
            connection.request("GET", path)
        else:
            body = urllib.parse.urlencode({"query": query})
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, text, time.monotonic() - started
    finally:
        connection.close()


def test_one_client_over_its_limit_is_503_at_once_with_retry_after(flood_server: Server) -> None:
    results: list[tuple[int, dict[str, str], str, float]] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                _request(flood_server, "127.0.1.200", "/sparql", CROSS_PRODUCT)
            )
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    time.sleep(0.3)  # both are in the pool (running or waiting)
    status, headers, text, _ = _request(flood_server, "127.0.1.200", "/sparql", PATHS)
    for t in threads:
        t.join(30)
    assert status == 503, text
    assert "already have 2 query requests running or waiting" in text
    assert headers.get("retry-after") == "1"
    # another client is not affected
    status, _, text, _ = _request(flood_server, "127.0.2.9", ASK)
    assert status == 200, text


def test_short_questions_are_answered_while_a_flood_runs(flood_server: Server) -> None:
    stop = time.monotonic() + 8
    flood: Counter[int] = Counter()

    def flooder(n: int) -> None:
        queries = (CROSS_PRODUCT, PATHS)
        i = 0
        while time.monotonic() < stop:
            status, _, _, _ = _request(flood_server, f"127.0.1.{n}", "/sparql", queries[i % 2])
            flood[status] += 1
            i += 1

    threads = [threading.Thread(target=flooder, args=(n,), daemon=True) for n in range(1, 21)]
    for t in threads:
        t.start()
    time.sleep(2)  # the flood is in full swing: every worker has had a runaway query
    asks = []
    while time.monotonic() < stop - 0.5:
        asks.append(_request(flood_server, "127.0.2.1", ASK))
        time.sleep(0.1)
    for t in threads:
        t.join(30)
    assert flood[503] > 20 and set(flood) == {503}, flood  # runaways: all stopped
    statuses = Counter(status for status, _, _, _ in asks)
    assert statuses == {200: len(asks)}, [text for _, _, text, _ in asks if "true" not in text]
    # never queued behind the runaways: each runaway holds a worker for 0.5 s before
    # it is moved out, and 20 clients queue several seconds' worth of them
    slowest = max(seconds for _, _, _, seconds in asks)
    assert slowest < 2.0, f"a trivial ASK took {slowest:.2f} s during the flood"
    page = _request(flood_server, "127.0.2.2", "/index.json")
    assert page[0] == 200
