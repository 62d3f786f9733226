"""The flood scenario of the load test (issue 13, item 3): pages and short queries
while many clients loop runaway queries.

``clients`` flooding clients each loop runaway queries (bench/load.py's RUNAWAY) as
fast as they are answered, ignoring ``Retry-After`` as a hostile client would, each
from its own loopback address (127.0.1.N: the server tells clients apart by
address). Meanwhile two probes, each from an address of its own, measure what
everyone else gets: one loads pages one after another, the other sends a trivial
``ASK {}``. The flood runs in a separate process so that the probes' timings are
not held up by the flood's own threads.

Targets: page p99 < 1 s and ASK p99 < 1 s while the flood runs, no probe error.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

PAGE_TARGET_MS = 1000.0
ASK_TARGET_MS = 1000.0


def _request(
    port: int, source: str, method: str, path: str, body: bytes | None = None
) -> tuple[int, float, bytes]:
    """One request on a new connection from ``source``: status, milliseconds, body."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=(source, 0)
    )
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, (time.perf_counter() - started) * 1000, data
    finally:
        connection.close()


def _flood(port: int, clients: int, seconds: float, queries: list[str], out: str) -> None:
    """The flooding clients (in a process of their own); statuses to ``out``."""
    stop = time.monotonic() + seconds
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def client(n: int) -> None:
        source = f"127.0.1.{n + 1}"
        i = n
        while time.monotonic() < stop:
            body = urllib.parse.urlencode({"query": queries[i % len(queries)]}).encode()
            i += 1
            try:
                status, _, _ = _request(port, source, "POST", "/sparql", body)
            except OSError as e:
                status = type(e).__name__  # type: ignore[assignment]
            with lock:
                statuses[str(status)] += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(statuses, f)


@dataclass
class Probe:
    name: str
    times: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)

    def p(self, q: float) -> float:
        if len(self.times) < 2:
            return self.times[0] if self.times else float("nan")
        return statistics.quantiles(self.times, n=100, method="inclusive")[int(q) - 1]


def _probe(
    probe: Probe, port: int, source: str, paths: list[str], stop: float, pause: float
) -> None:
    i = 0
    while time.monotonic() < stop:
        path = paths[i % len(paths)]
        i += 1
        try:
            status, ms, data = _request(port, source, "GET", path)
        except OSError as e:
            probe.errors[type(e).__name__] += 1
            continue
        if status == 200:
            probe.times.append(ms)
        else:
            probe.errors[str(status)] += 1
            probe.messages[data[:160].decode("utf-8", "replace").strip()] += 1
        time.sleep(pause)


def run_flood(
    port: int,
    pages: list[str],
    runaway: list[str],
    *,
    clients: int = 60,
    seconds: float = 40.0,
    work: str = "/tmp",
) -> tuple[dict[str, Probe], Counter[str]]:
    """Flood ``port`` for ``seconds``; the probes (before and during) and the flood's
    statuses."""
    ask_path = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    quiet = {"page before": Probe("page before"), "ask before": Probe("ask before")}
    _probes(quiet["page before"], quiet["ask before"], port, pages, ask_path, 5.0)
    out = f"{work}/flood-statuses.json"
    flood = multiprocessing.get_context("spawn").Process(
        target=_flood, args=(port, clients, seconds, runaway, out)
    )
    flood.start()
    time.sleep(min(3.0, seconds / 4))  # the flood is in full swing before measuring
    probes = {"page": Probe("page"), "ask": Probe("ask")}
    _probes(probes["page"], probes["ask"], port, pages, ask_path, seconds - 4)
    flood.join(seconds + 120)
    with open(out, encoding="utf-8") as f:
        statuses = Counter(json.load(f))
    return quiet | probes, statuses


def _probes(page: Probe, ask: Probe, port: int, pages: list[str], path: str, for_s: float) -> None:
    stop = time.monotonic() + for_s
    threads = [
        threading.Thread(target=_probe, args=(page, port, "127.0.2.1", pages, stop, 0.05)),
        threading.Thread(target=_probe, args=(ask, port, "127.0.2.2", [path], stop, 0.05)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def report(
    probes: dict[str, Probe], statuses: Counter[str], clients: int, seconds: float
) -> tuple[list[str], list[tuple[str, bool]]]:
    """Markdown lines and the checks (text, passed)."""
    lines = [
        f"Flood: {clients} clients looping runaway queries for {seconds:g} s (each from its "
        f"own address, ignoring Retry-After); flood answers: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
        "",
        "| probe | requests | errors | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for probe in probes.values():
        lines.append(
            f"| {probe.name} | {len(probe.times)} | {sum(probe.errors.values())} | "
            f"{probe.p(50):.0f} | {probe.p(99):.0f} | {max(probe.times, default=0):.0f} |"
        )
    for probe in probes.values():
        for message, count in probe.messages.most_common(3):
            lines.append(f"  - {probe.name} error (x{count}): {message}")
    page, ask = probes["page"], probes["ask"]
    checks = [
        (
            f"flood: page p99 {page.p(99):.0f} ms (target < {PAGE_TARGET_MS:.0f} ms)",
            len(page.times) > 0 and page.p(99) < PAGE_TARGET_MS,
        ),
        (
            f"flood: trivial ASK p99 {ask.p(99):.0f} ms (target < {ASK_TARGET_MS:.0f} ms)",
            len(ask.times) > 0 and ask.p(99) < ASK_TARGET_MS,
        ),
        (
            "flood: no probe error "
            + str(dict(page.errors + ask.errors) if page.errors or ask.errors else ""),
            not page.errors and not ask.errors,
        ),
    ]
    return lines, checks
