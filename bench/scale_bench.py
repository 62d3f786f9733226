"""Scale: build, cold start, area pages and shipped queries, two checkouts side by side.

    git worktree add --detach /tmp/kg-before 4e97909   # before the geography work
    .venv/bin/python bench/scale_bench.py --before /tmp/kg-before [--runs 3] [--repeat 2] \\
        [--national 1000000] [--out build/bench/scale.md]

"before" is --before (an older checkout), "after" this working tree; each runs its own
code on its own data. Every measurement is repeated --runs times, alternating which
checkout goes first, so both see the same machine load; figures are medians over the
runs, with the maximum beside them. Printed as Markdown, targets beside the figures:

* ``kg build`` from nothing (an empty store directory), in a subprocess, target 15 s;
* cold start: from launching ``kg serve`` to the first 200 of the home page (target
  1.5 s), and, in another launch, to the first 200 of ``/sparql`` (open the store,
  answer ``ASK``);
* the server time of every MAPPA area's page, its JSON twin and the area's diagram data
  (``/diagram.json?area=``), as at 1 August 2017 and as at today (no ``as_at``), in
  process through the Flask test client over the checkout's own built store (the app
  sends no Server-Timing for pages), one fresh process per checkout and run, after a
  first request that loads the read model; per page the median of the run's repeats.
  Target: every area under 300 ms. "first view" is the first request of each page in
  the process (the read model already loaded);
* the shipped queries (queries/cq*.rq, default parameters) on each checkout's own
  generated data at about 100k triples (its bench/generate.py, from its build), the
  store held in memory as ``kg serve`` holds it, against bench/budgets.toml (this
  checkout's): as measured, and scaled for the machine's load as
  tests/endpoint/test_performance.py scales them (its calibration query, a count of
  every statement, runs beside each query; its reference time is for an idle
  machine); and on each checkout's real build, for reference.

--national N measures both again on N generated triples (each from its own build, by
its own bench/generate.py): the next order of magnitude. Cold start, every area page,
JSON twin and diagram data (one request after the first, in one run), the queries.
Not a test: it takes minutes (about 25 with --runs 5 --national 1000000).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BUILD_TARGET_S = 15.0
COLD_TARGET_S = 1.5
PAGE_TARGET_MS = 300.0
GENERATED = 100_000  # the size bench/budgets.toml is set for
GENERATED_LABEL, REAL_LABEL, NATIONAL_LABEL = "generated ~100k", "real build", "national"
DATES = ("2017-08-01", "")  # "" = today, the pages' default
FORMS = ("page", "json", "diagram")
FORM_LABELS = {"page": "area page (HTML)", "json": "JSON twin", "diagram": "diagram data"}

# ------------------------------------------------------------------ children

PAGES_CHILD = r"""
import json, sys, time, urllib.parse
home, store, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
forms, dates = json.loads(sys.argv[4]), json.loads(sys.argv[5])
sys.path.insert(0, home)
from kg.config import SG, SGD, Settings
from webui import create_app
settings = Settings.for_home(home, store_dir=store)
app = create_app({"KG_SETTINGS": settings, "TESTING": True})
client = app.test_client()
started = time.perf_counter()
assert client.get("/index.json").status_code == 200  # loads the read model
load_ms = (time.perf_counter() - started) * 1000
areas = sorted(app.extensions["kg"].catalogs.get().instances(SG + "MappaArea"))
out = {"load_ms": load_ms, "pages": []}
for area in areas:
    local = area[len(SGD):]
    for day in dates:
        for form in forms:
            if form == "diagram":
                path = "/diagram.json?area=" + urllib.parse.quote(area, safe="")
                path += "&as_at=" + day if day else ""
            else:
                path = "/id/" + local + (".json" if form == "json" else "")
                path += "?as_at=" + day if day else ""
            times = []
            for _ in range(repeat + 1):
                t = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    break
            out["pages"].append({"area": local, "date": day, "form": form, "path": path,
                                 "status": response.status_code, "first": times[0],
                                 "times": times[1:]})
print(json.dumps(out))
"""

QUERIES_CHILD = r"""
import json, os, sys, time
from pathlib import Path
home, store, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, home)
import pyoxigraph as ox
from kg.config import Settings
from kg.query import bind_values, load_query, resolve_bindings
settings = Settings.for_home(home)
disk = ox.Store.read_only(os.path.join(os.path.realpath(store), "db"))
store = ox.Store()  # in memory, as kg serve's workers hold it
store.bulk_extend(disk.quads_for_pattern(None, None, None, None))
del disk
def timed(text):
    t = time.perf_counter()
    store.query(text, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON)
    return (time.perf_counter() - t) * 1000
out = {}
calibration = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
for path in sorted(Path(home, "queries").glob("cq*.rq")):
    query = load_query(path, settings)
    text = bind_values(query.text, resolve_bindings(query))
    timed(text)  # warm
    out[path.stem] = []
    for _ in range(repeat):
        out.setdefault("calibration", []).append(timed(calibration))
        out[path.stem].append(timed(text))
print(json.dumps(out))
"""


# ------------------------------------------------------------------ helpers


@dataclass
class Checkout:
    name: str
    home: Path
    store: Path = Path()
    generated: Path = Path()
    quads: int = 0
    generated_quads: int = 0
    commit: str = ""
    builds: list[float] = field(default_factory=list)
    cold_page: list[float] = field(default_factory=list)
    cold_sparql: list[float] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)
    pages: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    first: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    queries: dict[str, dict[str, list[float]]] = field(default_factory=dict)


def env_for(home: Path, store: Path | None = None) -> dict[str, str]:
    """The environment a checkout runs in: its own code, its own store, no KG_ settings
    of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(KG_HOME=str(home), PYTHONPATH=str(home))
    if store is not None:
        env["KG_STORE_DIR"] = str(store)
    return env


def child(code: str, home: Path, store: Path, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, str(home), str(store), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=home,
        env=env_for(home, store),  # what reads KG_STORE_DIR (validation) reads this store
    )
    if result.returncode != 0:
        raise RuntimeError(f"child failed in {home}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def commit_of(home: Path) -> str:
    result = subprocess.run(
        ["git", "-C", str(home), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(home), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    line = result.stdout.strip()[:70] or "?"
    return line + (" + working tree changes" if dirty else "")


def interleaved(checkouts: list[Checkout], run: int) -> list[Checkout]:
    return checkouts if run % 2 == 0 else list(reversed(checkouts))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -------------------------------------------------------------- measurements


def build(checkout: Checkout, store: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--quiet"],
        cwd=checkout.home,
        env=env_for(checkout.home, store),
        check=True,
    )
    return time.perf_counter() - started


def generate(checkout: Checkout, out: Path, triples: int) -> int:
    """Generated data from the checkout's own build, by its own bench/generate.py."""
    subprocess.run(
        [
            sys.executable,
            str(checkout.home / "bench" / "generate.py"),
            "--base",
            str(checkout.store),
            "--triples",
            str(triples),
            "--out",
            str(out),
        ],
        cwd=checkout.home,
        env=env_for(checkout.home),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads((out / "store" / "manifest.json").read_text())["total_quads"]


@contextlib.contextmanager
def serving(home: Path, store: Path) -> Iterator[tuple[int, subprocess.Popen, float]]:
    """``kg serve`` of a checkout on a free port, in its own process group (its query
    and validation workers go with it)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port)],
        cwd=home,
        env=env_for(home, store),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield port, process, started
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a server and every process of its group, and wait until they are gone (a
    worker still loading a store would slow the next measurement)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(15)
    deadline = time.monotonic() + 15
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _group_alive(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group is still running (zombies do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def first_200(port: int, process: subprocess.Popen, started: float, probe: str) -> float:
    """Seconds from ``started`` to the first 200 of the probe ("page": GET /,
    "sparql": POST an ASK to /sparql); polled every 5 ms."""
    body = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            if probe == "page":
                conn.request("GET", "/")
            else:
                conn.request(
                    "POST",
                    "/sparql",
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json",
                    },
                )
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError("no 200 from kg serve within 300 s")


def cold_start(checkout: Checkout, store: Path, probe: str) -> float:
    with serving(checkout.home, store) as (port, process, started):
        return first_200(port, process, started, probe)


def measure_pages(
    checkout: Checkout, store: Path, repeat: int, forms: tuple[str, ...] = FORMS
) -> None:
    data = child(
        PAGES_CHILD, checkout.home, store, str(repeat), json.dumps(forms), json.dumps(DATES)
    )
    checkout.load_ms.append(data["load_ms"])
    for page in data["pages"]:
        key = (page["form"], page["date"], page["area"])
        if page["status"] != 200:
            checkout.failed.append(f"{page['path']}: {page['status']}")
            continue
        checkout.pages.setdefault(key, []).extend(page["times"])
        checkout.first.setdefault(key, []).append(page["first"])


def measure_queries(checkout: Checkout, store: Path, label: str, repeat: int) -> None:
    data = child(QUERIES_CHILD, checkout.home, store, str(repeat))
    runs = checkout.queries.setdefault(label, {})
    for name, times in data.items():
        runs.setdefault(name, []).extend(times)


# ------------------------------------------------------------------- report


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(value: float, target: float) -> str:
    return "pass" if value < target else "**fail**"


def budgets() -> tuple[dict[str, float], float, float]:
    data = tomllib.loads((REPO / "bench" / "budgets.toml").read_text(encoding="utf-8"))
    default = float(data["default"])
    named = {k: float(v) for k, v in data.get("queries", {}).items()}
    return named, default, float(data.get("calibration_ms", 0))


def page_summary(checkout: Checkout, form: str, day: str) -> tuple[float, float, float, str]:
    """(median over areas, max over areas, max first view, the three slowest areas)
    of the per-area medians."""
    per_area = {
        area: med(times) for (f, d, area), times in checkout.pages.items() if (f, d) == (form, day)
    }
    firsts = [max(t) for (f, d, _), t in checkout.first.items() if (f, d) == (form, day)]
    if not per_area:
        return float("nan"), float("nan"), float("nan"), "-"
    slowest = sorted(per_area.items(), key=lambda kv: -kv[1])[:3]
    names = ", ".join(f"{a.removeprefix('mappa-area-')} {ms:.0f}" for a, ms in slowest)
    return med(list(per_area.values())), max(per_area.values()), max(firsts), names


def load_factor(c: Checkout, label: str) -> float:
    """How much slower than idle the machine ran the checkout's queries: the calibration
    query's median over its reference time, never below 1 (as the performance test)."""
    _, _, reference = budgets()
    measured = med(c.queries.get(label, {}).get("calibration", []))
    return max(1.0, measured / reference) if reference and measured == measured else 1.0


def query_counts(c: Checkout, label: str) -> tuple[int, int, int]:
    """(within budget as measured, within budget for the load, queries)."""
    named, default, _ = budgets()
    runs = {q: t for q, t in c.queries.get(label, {}).items() if q != "calibration"}
    factor = load_factor(c, label)
    raw = sum(1 for q, t in runs.items() if med(t) <= named.get(q, default))
    adjusted = sum(1 for q, t in runs.items() if med(t) <= named.get(q, default) * factor)
    return raw, adjusted, len(runs)


def report(checkouts: list[Checkout], args: argparse.Namespace, national: list[Checkout]) -> str:
    names = [c.name for c in checkouts]
    today = date.today().isoformat()
    named, default, calibration_ms = budgets()
    lines = [
        "## Scale benchmark",
        "",
        f"`python bench/scale_bench.py --before {args.before} --runs {args.runs} "
        f"--repeat {args.repeat}"
        + (f" --national {args.national}" if args.national else "")
        + f"` on {platform.node() or 'this machine'}: {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}. Medians over "
        f"{args.runs} runs (max in brackets), checkouts interleaved.",
        "",
    ]
    for c in checkouts:
        lines.append(
            f"* {c.name}: `{c.commit}`; real build {c.quads:,} quads, generated "
            f"{c.generated_quads:,} quads"
        )
    lines += ["", "| measure | " + " | ".join(names) + " | target | met |", "|---|---|---|---|---|"]

    def row(label: str, values: list[list[float]], unit: str, target: float | None) -> None:
        cells = [f"{med(v):.2f} ({max(v):.2f}) {unit}" if v else "-" for v in values]
        met = verdict(med(values[-1]), target) if target and values[-1] else ""
        shown = f"< {target:g} {unit}" if target else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {shown} | {met} |")

    row("`kg build` from nothing", [c.builds for c in checkouts], "s", BUILD_TARGET_S)
    row("cold start: `kg serve` to first page (`/`)", [c.cold_page for c in checkouts], "s",
        COLD_TARGET_S)  # fmt: skip
    row("cold start: `kg serve` to first `/sparql` answer", [c.cold_sparql for c in checkouts],
        "s", None)  # fmt: skip
    row("read model load (first request, in process)",
        [[x / 1000 for x in c.load_ms] for c in checkouts], "s", None)  # fmt: skip
    for day in DATES:
        for form in FORMS:
            cells = []
            for c in checkouts:
                m, mx, first, _ = page_summary(c, form, day)
                cells.append(f"{m:.0f} / {mx:.0f} ms (first view {first:.0f})")
            _, worst, _, _ = page_summary(checkouts[-1], form, day)
            lines.append(
                f"| {FORM_LABELS[form]}, 42 areas, as at {day or 'today'} (median / max) | "
                + " | ".join(cells)
                + f" | every area < {PAGE_TARGET_MS:g} ms | {verdict(worst, PAGE_TARGET_MS)} |"
            )
    for label in (GENERATED_LABEL, REAL_LABEL):
        counts = [query_counts(c, label) for c in checkouts]
        cells = [f"{raw} of {n} ({adjusted} for the load)" for raw, adjusted, n in counts]
        raw, adjusted, n = counts[-1]
        met = "pass" if raw == n else ("pass for the load" if adjusted == n else "**fail**")
        lines.append(
            f"| shipped queries within budget, {label} | " + " | ".join(cells) + f" | all | {met} |"
        )
    cells = [
        f"{med(c.queries.get(GENERATED_LABEL, {}).get('calibration', [])):.1f} ms"
        for c in checkouts
    ]
    lines.append(
        f"| machine load: calibration query, generated ~100k (idle: {calibration_ms:g} ms) | "
        + " | ".join(cells)
        + " | | |"
    )
    lines += ["", f"Slowest areas (per-area median, ms); today is {today}:", ""]
    lines += ["| pages | " + " | ".join(names) + " |", "|---|---|---|"]
    for day in DATES:
        for form in FORMS:
            cells = [page_summary(c, form, day)[3] for c in checkouts]
            lines.append(f"| {FORM_LABELS[form]}, {day or 'today'} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Shipped queries, ms (median over runs x repeats; store in memory). Budgets from "
        f"bench/budgets.toml (default {default:g} ms), set for the generated data at about "
        f'100k triples. "for the load": the budget times the load factor (calibration '
        f"median / {calibration_ms:g} ms, at least 1), as tests/endpoint/test_performance.py "
        f"scales it; after, generated: x{load_factor(checkouts[-1], GENERATED_LABEL):.2f}.",
        "",
        "| query | budget | "
        + " | ".join(f"{n}, generated" for n in names)
        + " | "
        + " | ".join(f"{n}, real" for n in names)
        + " | after within budget (generated) |",
        "|---|---|" + "---|" * (2 * len(names)) + "---|",
    ]
    queries = sorted(
        {q for c in checkouts for runs in c.queries.values() for q in runs} - {"calibration"}
    )
    factor = load_factor(checkouts[-1], GENERATED_LABEL)
    for q in [*queries, "calibration"]:
        limit = calibration_ms if q == "calibration" else named.get(q, default)
        cells = [
            f"{med(c.queries.get(label, {}).get(q, [])):.1f}"
            for label in (GENERATED_LABEL, REAL_LABEL)
            for c in checkouts
        ]
        after = med(checkouts[-1].queries.get(GENERATED_LABEL, {}).get(q, []))
        met = ""
        if q != "calibration":
            met = (
                "yes" if after <= limit else "for the load" if after <= limit * factor else "**no**"
            )
        lines.append(f"| {q} | {limit:g} | " + " | ".join(cells) + f" | {met} |")
    failed = [f for c in [*checkouts, *national] for f in c.failed]
    if failed:
        lines += ["", "Pages that did not answer 200: " + "; ".join(sorted(set(failed))[:10])]
    if national:
        lines += national_report(national)
    return "\n".join(lines) + "\n"


def national_report(checkouts: list[Checkout]) -> list[str]:
    """The same measures on the generated national data, both checkouts."""
    named, default, _ = budgets()
    sizes = ", ".join(f"{c.name} {c.generated_quads:,}" for c in checkouts)
    lines = [
        "",
        f"### The next order of magnitude: generated data ({sizes} quads)",
        "",
        "| measure | " + " | ".join(c.name for c in checkouts) + " | target (real graph) |",
        "|---|---|---|---|",
    ]

    def cell(values: list[float], unit: str = "s") -> str:
        return f"{med(values):.2f} ({max(values):.2f}) {unit}" if values else "-"

    lines.append(
        "| cold start: `kg serve` to first page | "
        + " | ".join(cell(c.cold_page) for c in checkouts)
        + f" | < {COLD_TARGET_S:g} s |"
    )
    lines.append(
        "| cold start: `kg serve` to first `/sparql` answer | "
        + " | ".join(cell(c.cold_sparql) for c in checkouts)
        + " | |"
    )
    lines.append(
        "| read model load (in process) | "
        + " | ".join(cell([x / 1000 for x in c.load_ms]) for c in checkouts)
        + " | |"
    )
    for day in DATES:
        for form in FORMS:
            cells = []
            for c in checkouts:
                m, mx, _, slowest = page_summary(c, form, day)
                cells.append(f"{m:.0f} / {mx:.0f} ms ({slowest})" if m == m else "-")
            lines.append(
                f"| {FORM_LABELS[form]}, as at {day or 'today'}: median / max over 42 areas "
                f"(slowest) | " + " | ".join(cells) + f" | < {PAGE_TARGET_MS:g} ms |"
            )
    cells = []
    for c in checkouts:
        runs = c.queries.get(NATIONAL_LABEL, {})
        slow = sorted(
            ((q, med(t)) for q, t in runs.items() if q != "calibration"), key=lambda x: -x[1]
        )
        within = sum(1 for q, t in slow if t <= 10 * named.get(q, default))
        cells.append(
            f"{within} of {len(slow)}; slowest "
            + ", ".join(f"{q.split('-')[0]} {t:.0f} ms" for q, t in slow[:3])
        )
    lines.append("| shipped queries within 10x budget | " + " | ".join(cells) + " | |")
    return lines


# ---------------------------------------------------------------------- main


def write_report(text: str, args: argparse.Namespace) -> None:
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the older checkout")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2, help="requests per page per run")
    parser.add_argument("--query-repeat", type=int, default=5, help="runs per query per run")
    parser.add_argument(
        "--national", type=int, default=0, help="also measure both on N generated triples"
    )
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--json", type=Path, help="also write the raw figures (JSON) here")
    args = parser.parse_args(argv)
    checkouts = [Checkout("before", args.before.resolve()), Checkout("after", REPO)]
    national: list[Checkout] = []
    with tempfile.TemporaryDirectory(prefix="kg-scale-bench-") as tmp:
        root = Path(tmp)
        for c in checkouts:
            c.commit = commit_of(c.home)
        for run in range(args.runs):
            print(f"[run {run + 1}] kg build from nothing", file=sys.stderr)
            for c in interleaved(checkouts, run):
                store = root / f"{c.name}-{run}" / "store"
                c.builds.append(build(c, store))
                c.store = store
        for c in checkouts:
            c.quads = json.loads((c.store / "manifest.json").read_text())["total_quads"]
            c.generated = root / f"{c.name}-generated"
            c.generated_quads = generate(c, c.generated, GENERATED)
        for run in range(args.runs):
            print(f"[run {run + 1}] cold start, pages, queries", file=sys.stderr)
            for c in interleaved(checkouts, run):
                c.cold_page.append(cold_start(c, c.store, "page"))
            for c in interleaved(checkouts, run):
                c.cold_sparql.append(cold_start(c, c.store, "sparql"))
            for c in interleaved(checkouts, run):
                measure_pages(c, c.store, args.repeat)
            for c in interleaved(checkouts, run):
                measure_queries(c, c.generated / "store", GENERATED_LABEL, args.query_repeat)
                measure_queries(c, c.store, REAL_LABEL, args.query_repeat)
        if args.national:
            # what is measured so far, in case the national part is stopped
            write_report(report(checkouts, args, []), args)
            print(f"[national] {args.national} generated triples", file=sys.stderr)
            for c in checkouts:
                big = Checkout(c.name, c.home, store=c.store, generated=root / f"{c.name}-big")
                big.generated_quads = generate(big, big.generated, args.national)
                national.append(big)
            for run in range(args.runs):
                for c in interleaved(national, run):
                    c.cold_page.append(cold_start(c, c.generated / "store", "page"))
                for c in interleaved(national, run):
                    c.cold_sparql.append(cold_start(c, c.generated / "store", "sparql"))
            for c in national:  # once: a page can take seconds at this size
                measure_pages(c, c.generated / "store", 1)
            for c in national:
                measure_queries(c, c.generated / "store", NATIONAL_LABEL, 3)
    text = report(checkouts, args, national)
    print(text)
    write_report(text, args)
    if args.json:
        raw = {
            f"{label} {c.name}": {
                "commit": c.commit,
                "quads": c.quads,
                "generated_quads": c.generated_quads,
                "builds_s": c.builds,
                "cold_page_s": c.cold_page,
                "cold_sparql_s": c.cold_sparql,
                "read_model_ms": c.load_ms,
                "pages_ms": {"|".join(k): v for k, v in c.pages.items()},
                "first_view_ms": {"|".join(k): v for k, v in c.first.items()},
                "queries_ms": c.queries,
            }
            for label, group in (("real", checkouts), ("national", national))
            for c in group
        }
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
