"""Load test: `kg serve` under 50 concurrent clients, with and without runaway queries.

Starts the real server (``kg serve``, default settings, on a free port of 127.0.0.1)
on the built store, then runs Locust (bench/locustfile.py) twice, headless, on
loopback only:

1. a baseline of ``--baseline`` seconds: page views 70, shipped SPARQL queries 20,
   validations 5 (no runaway queries);
2. the test proper, ``--duration`` seconds: the same plus runaway queries 5 (a
   cross product over the whole graph, closures over ``(<p>|!<p>)*`` paths, and
   memory-doubling ``BIND(CONCAT(...))``).

3. the flood (bench/flood.py, issue 13): ``--flood-clients`` clients (60) loop
   runaway queries for ``--flood`` seconds (40), each from its own loopback
   address, ignoring ``Retry-After``; a page probe and a trivial-ASK probe measure
   what everyone else gets.

It prints p50/p99 per request type for both runs, the errors, and the memory of the
server's processes before and after, and checks the targets of issue #5: no errors
other than the intended stops of runaway queries (503), page-view p99 with runaway
queries at most twice the baseline's, memory flat; and of issue 13: during the
flood, page p99 and ASK p99 under 1 s. Exit status 1 if a target is missed.
``--only-flood`` runs the flood alone (no Locust needed).

Usage::

    make load                                  # installs Locust, then the defaults below
    .venv/bin/python bench/load.py --users 50 --duration 60 --baseline 30
    .venv/bin/python bench/load.py --only-flood --flood 40 --flood-clients 60

Not part of `make test`: it takes about two minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import flood  # noqa: E402
from bench.endpoint_bench import children, free_port, pss_kb, shipped_queries  # noqa: E402
from kg.browse.common import page_path  # noqa: E402
from kg.config import Settings  # noqa: E402
from kg.errors import KGError  # noqa: E402
from kg.store import verify_store  # noqa: E402
from tests.endpoint.util import CROSS_PRODUCT, DOUBLING, PATHS  # noqa: E402

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
TYPES = ("page", "sparql", "validate", "runaway")
LISTINGS = ("bodies", "boards", "provisions", "areas", "documents")
EXAMPLE_DATES = ("", "?as_at=2004-06-01", "?as_at=2017-08-01")
RUNAWAY = [CROSS_PRODUCT, PATHS, DOUBLING]


def get(url: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def page_paths(fetch: Callable[[str], tuple[int, bytes]]) -> list[str]:
    """Every page the listings link to, each at today and at two example dates.

    ``fetch``: a path to its status and body (over HTTP here; the Flask test client in
    bench/pages_bench.py, which measures the same mix)."""
    paths = ["/", "/search?q=police", "/search?q=lay+adviser", "/diagram", "/network"]
    paths += [f"/{name}" for name in LISTINGS]
    iris: set[str] = set()
    for name in LISTINGS:
        status, body = fetch(f"/{name}.json")
        if status != 200:
            raise SystemExit(f"GET /{name}.json: {status}")
        iris |= set(re.findall(r'"(https://[^"]+)"', body.decode("utf-8")))
    paths += sorted({p for p in map(page_path, iris) if p and "#" not in p})
    return [p + (d if "?" not in p else d.replace("?", "&")) for p in paths for d in EXAMPLE_DATES]


def _status_and_body(answer: tuple[int, dict[str, str], bytes]) -> tuple[int, bytes]:
    return answer[0], answer[2]


def inputs(settings: Settings, base: str) -> dict[str, object]:
    examples = []
    for path, as_at in (
        (REPO / "examples" / "merseyside-2017.yaml", "2017-08-01"),
        (REPO / "examples" / "london-2004.yaml", "2004-06-01"),
    ):
        examples.append({"name": path.name, "text": path.read_text("utf-8"), "as_at": as_at})
    return {
        "pages": page_paths(lambda path: _status_and_body(get(base + path))),
        "queries": list(shipped_queries(settings).values()),
        "configurations": examples,
        "runaway": RUNAWAY,
    }


def warm_up(base: str, data: dict[str, object]) -> None:
    """Every page, query and configuration once: "before" is then the steady state."""
    for path in data["pages"]:  # type: ignore[attr-defined]
        get(base + path)
    for query in data["queries"]:  # type: ignore[attr-defined]
        body = urllib.parse.urlencode({"query": query}).encode()
        urllib.request.urlopen(urllib.request.Request(base + "/sparql", data=body)).read()
    for example in data["configurations"]:  # type: ignore[attr-defined]
        get(f"{base}/validate?example={Path(example['name']).stem}")


def tree_memory_mb(pid: int) -> tuple[float, float, int]:
    """RSS of the web process, PSS of it and all its descendants, and their number."""
    rss = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return rss / 1024, sum(pss_kb(p) for p in pids) / 1024, len(pids)


def wait_until_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Until the query workers serve from memory (the state the server is in for good)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("kg serve stopped; see its output above")
        with contextlib.suppress(OSError):
            status, headers, _ = get(f"{base}/sparql?query=ASK%7B%7D", timeout=5)
            if status == 200 and headers.get("x-kg-store") == "memory":
                return
        time.sleep(0.2)
    raise SystemExit("kg serve did not load the store into memory in time")


def run_locust(
    base: str, users: int, seconds: int, runaway: bool, think: str, work: Path, tag: str
) -> dict[str, dict[str, float]]:
    prefix = work / tag
    env = {
        **os.environ,
        "KG_LOAD_INPUTS": str(work / "inputs.json"),
        "KG_LOAD_RUNAWAY": "5" if runaway else "0",
        "KG_LOAD_THINK": think,
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
        "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "15",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    print(f"  locust: {tag}, {users} users, {seconds} s ...", file=sys.stderr, flush=True)
    with (work / f"{tag}.log").open("wb") as log:
        subprocess.run(command, env=env, cwd=REPO, stdout=log, stderr=log, check=False)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust failed:\n{(work / f'{tag}.log').read_text()[-3000:]}")
    stats: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Name"] in TYPES:
                stats[row["Name"]] = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50": float(row["50%"]),
                    "p99": float(row["99%"]),
                    "rps": float(row["Requests/s"]),
                }
    failures = []
    with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            failures.append(f"{row['Name']}: {row['Error']} (x{row['Occurrences']})")
    stats["_failures"] = failures  # type: ignore[assignment]
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds, with runaway queries")
    parser.add_argument("--baseline", type=int, default=30, help="seconds, without them")
    parser.add_argument(
        "--think", default="0.5,1.5", help="each client's pause between requests, min,max seconds"
    )
    parser.add_argument("--threads", type=int, default=None, help="kg serve --threads")
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--flood", type=int, default=40, help="seconds of the flood scenario")
    parser.add_argument("--flood-clients", type=int, default=60)
    parser.add_argument("--only-flood", action="store_true", help="run the flood scenario only")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    try:
        verify_store(settings)
    except KGError as e:
        raise SystemExit(f"load.py: {e}") from None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [sys.executable, "-m", "kg", "serve", "--port", str(port)]
    if args.threads:
        serve += ["--threads", str(args.threads)]
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        work = Path(tmp)
        log = (work / "serve.log").open("wb")
        server = subprocess.Popen(serve, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(base, server)
            data = inputs(settings, base)
            (work / "inputs.json").write_text(json.dumps(data), encoding="utf-8")
            if args.only_flood:
                # pages are sampled: the probe cannot reach them all in a flood's time
                data["pages"] = data["pages"][:: max(1, len(data["pages"]) // 60)]  # type: ignore[index]
            print(f"  warming up: {len(data['pages'])} pages ...", file=sys.stderr, flush=True)  # type: ignore[arg-type]
            warm_up(base, data)
            if args.only_flood:
                lines, checks = _flood(args, port, data, work, server)
                report = "\n".join(lines + [f"- [{'x' if ok else ' '}] {t}" for t, ok in checks])
                print(report)
                if args.out:
                    args.out.write_text(report + "\n", encoding="utf-8")
                return 0 if all(ok for _, ok in checks) else 1
            before = tree_memory_mb(server.pid)
            baseline = run_locust(
                base, args.users, args.baseline, False, args.think, work, "baseline"
            )
            loaded = tree_memory_mb(server.pid)
            mixed = run_locust(base, args.users, args.duration, True, args.think, work, "mixed")
            time.sleep(2)
            after = tree_memory_mb(server.pid)
            alive = server.poll() is None
            flood_lines, flood_checks = _flood(args, port, data, work, server)
        finally:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(15)
            log.close()
        report, ok = render(args, data, baseline, mixed, (before, loaded, after), alive)
    report += "\n\n" + "\n".join(
        flood_lines + [f"- [{'x' if ok else ' '}] {t}" for t, ok in flood_checks]
    )
    ok = ok and all(passed for _, passed in flood_checks)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0 if ok else 1


def _flood(
    args: argparse.Namespace,
    port: int,
    data: dict[str, object],
    work: Path,
    server: subprocess.Popen[bytes],
) -> tuple[list[str], list[tuple[str, bool]]]:
    print(f"  flood: {args.flood_clients} clients, {args.flood} s ...", file=sys.stderr, flush=True)
    pages = list(data["pages"])  # type: ignore[call-overload]
    probes, statuses = flood.run_flood(
        port,
        pages,
        RUNAWAY,
        clients=args.flood_clients,
        seconds=args.flood,
        work=str(work),
    )
    lines, checks = flood.report(probes, statuses, args.flood_clients, args.flood)
    checks.append(("flood: the server still running afterwards", server.poll() is None))
    return [f"Load average before the flood: {os.getloadavg()}", *lines], checks


def render(
    args: argparse.Namespace,
    data: dict[str, object],
    baseline: dict[str, dict[str, float]],
    mixed: dict[str, dict[str, float]],
    memory: tuple[tuple[float, float, int], ...],
    alive: bool,
) -> tuple[str, bool]:
    lines = [
        f"Load test: {args.users} clients (pause {args.think} s between requests), "
        f"baseline {args.baseline} s without runaway queries, then {args.duration} s with "
        f"them; {len(data['pages'])} page paths, {len(data['queries'])} shipped queries, "  # type: ignore[arg-type]
        f"2 configurations, {len(RUNAWAY)} runaway queries; CPUs: {os.cpu_count()}.",
        "",
        "| run | type | requests | req/s | failures | p50 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for tag, stats in (("baseline", baseline), ("with runaway", mixed)):
        for kind in TYPES:
            if kind in stats:
                s = stats[kind]
                lines.append(
                    f"| {tag} | {kind} | {s['requests']:.0f} | {s['rps']:.1f} | "
                    f"{s['failures']:.0f} | {s['p50']:.0f} | {s['p99']:.0f} |"
                )
    failures = list(baseline["_failures"]) + list(mixed["_failures"])  # type: ignore[arg-type]
    page_ratio = mixed["page"]["p99"] / max(baseline["page"]["p99"], 1.0)
    runaway_stopped = mixed.get("runaway", {}).get("requests", 0)
    checks = [
        ("no errors (runaway queries stopped with 503 count as intended)", not failures),
        (
            f"page p99 with runaway queries {mixed['page']['p99']:.0f} ms vs "
            f"{baseline['page']['p99']:.0f} ms without: {page_ratio:.2f}x (target <= 2x)",
            page_ratio <= 2.0,
        ),
        (f"runaway queries sent and stopped: {runaway_stopped:.0f}", runaway_stopped > 0),
        ("the server still running afterwards", alive),
    ]
    (before, loaded, after) = memory
    growth = after[1] - loaded[1]

    def mb(m: tuple[float, float, int]) -> str:
        return f"{m[0]:.0f} MB RSS, {m[1]:.0f} MB PSS in {m[2]} processes"

    lines += [
        "",
        "Memory of the server (RSS of the web process; PSS of it, the fork servers and the "
        f"query workers together): warmed up (every page, query and configuration once) "
        f"{mb(before)}; after the baseline run {mb(loaded)}; after the run with runaway "
        f"queries {mb(after)}.",
        "",
    ]
    checks.append(
        (
            f"memory flat: {growth:+.0f} MB PSS over the run with runaway queries "
            f"(target: within 10%; {loaded[1] - before[1]:+.0f} MB when the load began)",
            growth <= 0.1 * loaded[1],
        )
    )
    for text, passed in checks:
        lines.append(f"- [{'x' if passed else ' '}] {text}")
    for failure in failures[:20]:
        lines.append(f"  - {failure}")
    return "\n".join(lines), all(passed for _, passed in checks)


if __name__ == "__main__":
    raise SystemExit(main())
