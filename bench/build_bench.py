"""Time `kg build` from nothing: median and spread over several runs, with the steps.

    .venv/bin/python bench/build_bench.py [--runs 5] [--compare-integrity]
    .venv/bin/python bench/build_bench.py --compare-tree ../main   # this code vs another
    .venv/bin/python bench/build_bench.py --compare-home DIR   # these inputs vs DIR's

Each run builds the repository's ontology/ and data/ into a fresh temporary store
directory, in a subprocess (so Java start-up and imports count, as for a user).
With --compare-integrity, each run is a pair, in alternating order: one build with
the integrity rules of queries/integrity and one without (KG_INTEGRITY_DIR pointing at
an empty folder), so the cost of the rules is measured side by side on a shared machine.
With --compare-tree DIR, each pair is one build by this checkout's code and one by the
code of another checkout DIR (e.g. the main branch), both of this checkout's data.
With --compare-home DIR, each pair is one build of this checkout's inputs (ontology/,
data/, queries/, shapes/) and one of DIR's, both by this checkout's code: an alternative
ontology or rule set (e.g. with owl:inverseOf axioms and the rule that materialises
them) side by side with the current one. Every run also reports the store it built: its
quads and its size on disk (the store's files, from the build's manifest).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def one_build(
    store_dir: Path, integrity_dir: Path | None = None, code: Path = REPO, home: Path = REPO
) -> tuple[float, dict[str, float]]:
    env = {**os.environ, "KG_HOME": str(home), "KG_STORE_DIR": str(store_dir)}
    env["PYTHONPATH"] = str(code)  # whose kg package runs (not the installed one)
    if integrity_dir is not None:
        env["KG_INTEGRITY_DIR"] = str(integrity_dir)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", "--quiet"], env=env, cwd=code, check=True)
    elapsed = time.perf_counter() - started
    manifest = json.loads((store_dir / "manifest.json").read_text())
    # the store's size as numbers to report beside the timings (medians like them)
    sizes = {
        "quads": float(manifest["total_quads"]),
        "store MB": sum(f["bytes"] for f in manifest["db_files"].values()) / 1e6,
    }
    return elapsed, {**manifest["durations_seconds"], **sizes}


def _report(title: str, walls: list[float], steps: dict[str, list[float]]) -> None:
    print(title)
    print(
        f"  {'whole command':<14} median {statistics.median(walls):6.2f}  "
        f"min {min(walls):6.2f}  max {max(walls):6.2f}"
    )
    for step, values in steps.items():
        print(
            f"  {step:<14} median {statistics.median(values):6.2f}  "
            f"min {min(values):6.2f}  max {max(values):6.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--compare-integrity",
        action="store_true",
        help="pairs of builds with and without the integrity rules, interleaved",
    )
    parser.add_argument(
        "--compare-tree",
        type=Path,
        help="pairs of builds by this checkout's code and by DIR's code, interleaved",
    )
    parser.add_argument(
        "--compare-home",
        type=Path,
        help="pairs of builds of this checkout's inputs and of DIR's, interleaved",
    )
    args = parser.parse_args()
    variants = ["with integrity rules", "without"] if args.compare_integrity else ["build"]
    if args.compare_tree:
        variants = ["this tree", str(args.compare_tree.resolve())]
    if args.compare_home:
        variants = ["these inputs", str(args.compare_home.resolve())]
    other = variants[1] if len(variants) == 2 else None
    walls: dict[str, list[float]] = {v: [] for v in variants}
    steps: dict[str, dict[str, list[float]]] = {v: {} for v in variants}
    with tempfile.TemporaryDirectory(prefix="kg-bench-empty-") as empty:
        for run in range(args.runs):
            order = variants if run % 2 == 0 else list(reversed(variants))
            for variant in order:
                with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
                    wall, durations = one_build(
                        Path(tmp) / "store",
                        Path(empty) if variant == "without" else None,
                        Path(variant) if args.compare_tree and variant == other else REPO,
                        Path(variant) if args.compare_home and variant == other else REPO,
                    )
                walls[variant].append(wall)
                for step, seconds in durations.items():
                    steps[variant].setdefault(step, []).append(seconds)
    for variant in variants:
        _report(
            f"kg build from nothing ({variant}), {args.runs} runs (seconds)",
            walls[variant],
            steps[variant],
        )
    if args.compare_integrity:
        added = statistics.median(walls[variants[0]]) - statistics.median(walls[variants[1]])
        checks = statistics.median(steps[variants[0]]["checks"]) - statistics.median(
            steps[variants[1]]["checks"]
        )
        print(
            f"integrity rules add: {added:+.2f} s to the whole command (medians), "
            f"{checks:+.2f} s to the checks step"
        )


if __name__ == "__main__":
    main()
