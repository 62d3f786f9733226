"""Fuzz the engine's crash points against the guard's and the JSON-LD limits.

For each shape of input that made pyoxigraph crash at depth 1-2 (long chains of
operators, UNION, OPTIONAL/MINUS, BIND/FILTER, path steps; JSON-LD terms defined
through other terms), run it in a fresh process (a crash is a signal, not an
exception): once at the project's limit, where it must not crash, and, with
``--search``, at doubling sizes from there until it crashes or is too slow, to
show how far below the crash each limit sits. ``--combined`` runs one query
with every count at its limit at once.

    python bench/engine_bounds.py              # at each limit (about a minute)
    python bench/engine_bounds.py --search     # and the crash points (minutes)

Measured figures are in docs/limits.md (the "when exceeded" column).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable

from kg.endpoint.guard import Limits, read_query
from kg.validation.configuration import Limits as InputLimits

P = "<http://x/p>"
QUERY_PROBE = """
import sys, time, pyoxigraph as ox
q = sys.stdin.read()
t = time.perf_counter()
try:
    r = ox.Store().query(q)
    if not isinstance(r, ox.QueryBoolean):
        for _ in r: pass
    print("ok %.3f s" % (time.perf_counter() - t))
except Exception as e:
    print("error %s (%.3f s)" % (type(e).__name__, time.perf_counter() - t))
"""
JSONLD_PROBE = """
import sys, time, pyoxigraph as ox
d = sys.stdin.buffer.read()
t = time.perf_counter()
try:
    list(ox.parse(d, format=ox.RdfFormat.JSON_LD))
    print("ok %.3f s" % (time.perf_counter() - t))
except Exception as e:
    print("error %s (%.3f s)" % (type(e).__name__, time.perf_counter() - t))
"""

# shape -> (the limit's name, a generator of the input with n of the counted thing)
QUERIES: dict[str, tuple[str, Callable[[int], str]]] = {
    "1+1+...": ("max_operators", lambda n: "SELECT (1" + "+1" * n + " AS ?x) {}"),
    "a||a||...": ("max_operators", lambda n: "ASK { FILTER(1" + "||1" * n + ") }"),
    "UNION": ("max_unions", lambda n: "SELECT * { {?s ?p ?o}" + " UNION {?s ?p ?o}" * n + " }"),
    "MINUS": ("max_optionals", lambda n: "SELECT * { ?s ?p ?o " + "MINUS {?s ?p ?o} " * n + "}"),
    "BIND": ("max_filters", lambda n: "SELECT * { " + _binds(n) + "}"),
    "FILTER": ("max_filters", lambda n: "SELECT * { ?s ?p ?o " + "FILTER(?o) " * n + "}"),
    "path a|a|...": ("max_path_steps", lambda n: f"SELECT * {{ ?s {P}" + f"|{P}" * n + " ?o }"),
}


def _binds(n: int) -> str:
    return "".join(f"BIND(1 AS ?v{i}) " for i in range(n))


def _term_chain(n: int) -> str:
    context = {"t0": "http://x/"} | {f"t{i}": f"t{i - 1}:a" for i in range(1, n + 1)}
    return json.dumps({"@context": context, "@id": "urn:x", f"t{n}": "v"})


def run(probe: str, data: str, timeout: float) -> str:
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe],
            input=data.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"over {timeout:g} s"
    if done.returncode < 0:
        return f"CRASH (signal {-done.returncode})"
    return done.stdout.decode().strip() or done.stderr.decode().strip()[-80:]


def search(probe: str, make: Callable[[int], str], start: int, timeout: float) -> str:
    n = start
    while n <= start * 128:
        n *= 2
        outcome = run(probe, make(n), timeout)
        if not outcome.startswith("ok"):
            return f"{n}: {outcome}"
    return f"no crash up to {n}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--search", action="store_true", help="find the crash points too")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    limits = Limits()
    print(f"{'shape':<16} {'limit':<22} {'at the limit':<26} crash search")
    for shape, (name, make) in QUERIES.items():
        n = getattr(limits, name)
        query = make(n)
        counted = getattr(read_query(query), name[4:])
        assert counted <= n, (shape, counted, n)  # the guard lets it through
        at_limit = run(QUERY_PROBE, query, args.timeout)
        found = search(QUERY_PROBE, make, n, args.timeout) if args.search else "-"
        print(f"{shape:<16} {f'{name}={n}':<22} {at_limit:<26} {found}", flush=True)
    n = InputLimits().max_jsonld_chain
    at_limit = run(JSONLD_PROBE, _term_chain(n), args.timeout)
    found = search(JSONLD_PROBE, _term_chain, n, args.timeout) if args.search else "-"
    print(f"{'JSON-LD chain':<16} {f'max_jsonld_chain={n}':<22} {at_limit:<26} {found}", flush=True)
    combined = (
        "SELECT (1"
        + "+1" * (limits.max_operators - 2)
        + " AS ?x) { {?s ?p ?o}"
        + " UNION {?s ?p ?o}" * (limits.max_unions - 1)
        + " MINUS {?s ?p ?o}" * limits.max_optionals
        + " "
        + _binds(limits.max_filters)
        + f" ?s {P}"
        + f"|{P}" * limits.max_path_steps
        + " ?o }"
    )
    started = time.perf_counter()
    outcome = run(QUERY_PROBE, combined, args.timeout * 4)
    elapsed = time.perf_counter() - started
    print(f"every count at its limit in one query: {outcome} ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
