"""Server time of the web pages, side by side for two checkouts (before and after a change).

    .venv/bin/python bench/pages_bench.py [--before DIR] [--rounds 5] [--repeat 5]
    .venv/bin/python bench/pages_bench.py --mix 150 [--before DIR] [--rounds 3]

Each checkout (this one, and --before, e.g. a `git worktree` of an older commit) is
built into its own temporary store once; then, round after round and alternating
which goes first, a fresh process per checkout imports *its own* code, opens its
store, renders each page's JSON twin --repeat times through the Flask test client
and reports the median per page. Printed: median over rounds, per page, for each
checkout, and the ratio. In-process: no HTTP, no worker pool; what a page costs
the web process.

``--mix N`` measures instead a seeded sample of N pages of the load test's page mix
(bench/load.py: every page the listings link to, at today and two example dates, as
HTML) and prints, per checkout, the mean, median and 90th percentile of each page's
first view (what a page costs before anything about it is kept) and of its later views.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PAGES = [
    "/index.json",
    "/id/mappa-area-merseyside.json?as_at=2017-08-01",
    "/id/mappa-area-merseyside.json",
    "/id/mappa-area-cumbria.json?as_at=2017-08-01",
    "/id/mappa-area-london.json",
    "/id/merseyside-protocol-2017.json",
    "/id/kind-youth-offending-team.json?as_at=2017-08-01",
    "/id/kind-local-authority.json",
    "/legislation/ukpga/2003/44/section/325.json",
    "/legislation/ukpga/2003/44/section/325.json?as_at=2010-01-01",
    "/id/kind-lscb.json",
    "/compare.json?a=merseyside&b=cumbria&as_at=2017-08-01",
    "/compare.json?area=merseyside&from=2004-06-01&to=2017-08-01",
    "/diagram.json?area=https%3A%2F%2Fw3id.org%2Fsafeguarding-kg%2Fid%2Fmappa-area-merseyside&as_at=2017-08-01",
    "/network.json?as_at=2017-08-01",
    "/bodies.json",
    "/search.json?q=duty+to+co-operate",
    # briefing packs and the Questions (issue 11): within the same 300 ms as the area pages
    "/id/kind-youth-offending-team/briefing.json?as_at=2017-08-01",
    "/id/mappa-area-merseyside/briefing.json?as_at=2017-08-01",
    "/id/mappa-area-london/briefing.json",
    "/questions.json",
    "/questions/cq17-duties-of-a-kind.json",
    "/questions/cq18-in-force-at-date.json",
    "/questions/changed-between.json",
]

CHILD = r"""
import json, statistics, sys, time
home, store, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, home)
from kg.config import Settings
from webui import create_app
settings = Settings.for_home(home, store_dir=store)
app = create_app({"KG_SETTINGS": settings, "TESTING": True})
client = app.test_client()
client.get("/index.json")  # the catalog loads on the first request
out = {}
for path in json.loads(sys.argv[4]):
    t = time.perf_counter()
    client.get(path)  # the first view
    first = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
    out[path] = [first, statistics.median(times)] if response.status_code == 200 else None
print(json.dumps(out))
"""


def build(home: Path, store: Path) -> None:
    env = {**os.environ, "KG_HOME": str(home), "KG_STORE_DIR": str(store)}
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--quiet"],
        env=env,
        cwd=home,
        check=True,
    )


def measure(
    home: Path, store: Path, repeat: int, pages: list[str]
) -> dict[str, list[float] | None]:
    """Per page: its first view and the median of ``repeat`` later views, in ms."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), str(store), str(repeat), json.dumps(pages)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(home)},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def page_mix(home: Path, store: Path, size: int, seed: int) -> list[str]:
    """A seeded sample of the load test's pages, read from ``home``'s listings."""
    from bench.load import page_paths
    from kg.config import Settings
    from webui import create_app

    settings = Settings.for_home(home, store_dir=store)
    client = create_app({"KG_SETTINGS": settings, "TESTING": True}).test_client()

    def fetch(path: str) -> tuple[int, bytes]:
        response = client.get(path)
        return response.status_code, response.get_data()

    paths = page_paths(fetch)
    return random.Random(seed).sample(paths, min(size, len(paths)))


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{statistics.mean(ordered):8.1f}{statistics.median(ordered):8.1f}{p90:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an older checkout to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mix", type=int, help="a sample of this many pages of the load test")
    parser.add_argument("--seed", type=int, default=1, help="which sample (--mix)")
    args = parser.parse_args()
    homes = {"after": REPO}
    if args.before:
        homes = {"before": args.before.resolve(), **homes}
    with tempfile.TemporaryDirectory(prefix="kg-pages-bench-") as tmp:
        stores = {name: Path(tmp) / name / "store" for name in homes}
        for name, home in homes.items():
            build(home, stores[name])
        pages = page_mix(REPO, stores["after"], args.mix, args.seed) if args.mix else PAGES
        runs: dict[str, dict[str, list[list[float]]]] = {name: {} for name in homes}
        names = list(homes)
        for round_ in range(args.rounds):
            for name in names if round_ % 2 == 0 else list(reversed(names)):
                for path, ms in measure(homes[name], stores[name], args.repeat, pages).items():
                    if ms is not None:
                        runs[name].setdefault(path, []).append(ms)
    if args.mix:
        print(f"{len(pages)} pages of the load test's mix (seed {args.seed}), in-process, ms")
        print(f"{'checkout':<10}{'view':<7}{'mean':>8}{'median':>8}{'p90':>8}")
        for name in names:
            for view, k in (("first", 0), ("later", 1)):
                per_page = [statistics.median(r[k] for r in rs) for rs in runs[name].values()]
                print(f"{name:<10}{view:<7}{_spread(per_page)}")
        return
    header = "".join(f"{name:>10}" for name in names)
    print(f"page server time, ms (median of {args.rounds} rounds x {args.repeat} requests)")
    print(f"{'page':<60}{header}{'ratio':>8}" if len(names) == 2 else f"{'page':<60}{header}")
    for path in PAGES:
        values = [
            statistics.median(r[1] for r in runs[n][path]) if runs[n].get(path) else None
            for n in names
        ]
        cells = "".join(f"{v:10.1f}" if v is not None else f"{'-':>10}" for v in values)
        ratio = ""
        if len(values) == 2 and all(values):
            ratio = f"{values[1] / values[0]:8.2f}"  # type: ignore[operator]
        print(f"{path[:59]:<60}{cells}{ratio}")


if __name__ == "__main__":
    main()
