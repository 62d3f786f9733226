"""Time `kg build` from nothing: median and spread over several runs, with the steps.

    .venv/bin/python bench/build_bench.py [--runs 5]

Each run builds the repository's ontology/ and data/ into a fresh temporary store
directory, in a subprocess (so Java start-up and imports count, as for a user).
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


def one_build(store_dir: Path) -> tuple[float, dict[str, float]]:
    env = {**os.environ, "KG_HOME": str(REPO), "KG_STORE_DIR": str(store_dir)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", "--quiet"], env=env, check=True)
    elapsed = time.perf_counter() - started
    manifest = json.loads((store_dir / "manifest.json").read_text())
    return elapsed, manifest["durations_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    walls: list[float] = []
    steps: dict[str, list[float]] = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            wall, durations = one_build(Path(tmp) / "store")
        walls.append(wall)
        for step, seconds in durations.items():
            steps.setdefault(step, []).append(seconds)
    print(f"kg build from nothing, {args.runs} runs (seconds)")
    print(
        f"  {'whole command':<14} median {statistics.median(walls):6.2f}  "
        f"min {min(walls):6.2f}  max {max(walls):6.2f}"
    )
    for step, values in steps.items():
        print(
            f"  {step:<14} median {statistics.median(values):6.2f}  "
            f"min {min(values):6.2f}  max {max(values):6.2f}"
        )


if __name__ == "__main__":
    main()
