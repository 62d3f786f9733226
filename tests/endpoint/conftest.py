"""Fixtures for the SPARQL endpoint tests: a running ``kg serve`` and a listener
that records connections."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from kg.config import Settings
from tests.endpoint.util import TEST_LIMITS, Listener, Server, run_server


@pytest.fixture(scope="session")
def server(basic_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``kg serve`` on the kg-basic fixture store, with the small TEST_LIMITS."""
    with run_server(basic_store, tmp_path_factory.mktemp("serve"), **TEST_LIMITS) as s:
        yield s


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    result = Listener(sock.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, addr = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            result.connections.append(addr)
            with contextlib.suppress(OSError):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join(2)
        sock.close()
