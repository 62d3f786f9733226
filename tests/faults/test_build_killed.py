"""`kg build` killed with SIGKILL at any moment leaves the previous good store in place.

Each kill lands in a different step of a real build of the repository's data (parse,
HermiT, load, rules, checks, publish); afterwards the store must open, answer a query
and hold exactly the previous build's quads, or, if the build had already published,
the new build's. A further build must then succeed and leave no half-built leftovers.
A running `kg serve` answers every request, with the same graph, through a build that
is killed and one that completes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.config import Settings
from kg.store import build_store, open_store, quad_counts, read_manifest
from tests.helpers import REPO, require_java

pytestmark = pytest.mark.java

# seconds after start: Python start-up, HermiT (~1-3 s), and the later steps
KILL_AFTER = (0.2, 0.8, 1.6, 2.4, 3.2)


def _env(store_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    return {**env, "KG_HOME": str(REPO), "KG_STORE_DIR": str(store_dir)}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    require_java()
    settings = Settings.for_home(REPO, store_dir=tmp_path_factory.mktemp("kill") / "store")
    build_store(settings)
    return settings


@pytest.mark.parametrize("delay", KILL_AFTER)
def test_sigkill_during_build_keeps_a_complete_store(first_build: Settings, delay: float) -> None:
    before = read_manifest(first_build)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", "--quiet"],
        env=_env(first_build.store_dir),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    after = read_manifest(first_build)  # never half-written: it is read from the symlink
    store = open_store(first_build)
    counts = quad_counts(store)
    assert sum(counts.values()) == after["total_quads"]
    assert counts == after["graphs"]
    if after["built_at"] == before["built_at"]:
        assert after == before  # the kill came first: the old store is untouched
    assert bool(
        store.query(
            "ASK { ?duty a <https://w3id.org/safeguarding-kg/ontology#Duty> }",
            use_default_graph_as_union=True,
        )
    )


def test_next_build_cleans_up_after_killed_ones(first_build: Settings) -> None:
    build_store(first_build)
    parent = first_build.store_dir.parent
    leftovers = [p.name for p in parent.iterdir() if ".tmp-" in p.name]
    assert leftovers == []
    versions = [p for p in parent.iterdir() if p.name.startswith("store.v-")]
    assert len(versions) <= 2  # the current version and the one kept for running readers
    manifest = json.loads((first_build.store_dir / "manifest.json").read_text())
    assert manifest["reasoner"]["consistent"] is True


def test_the_server_keeps_serving_through_a_build_and_a_kill(
    first_build: Settings, tmp_path: Path
) -> None:
    from tests.endpoint.util import http, run_server

    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    with run_server(first_build, tmp_path) as server:
        _, _, before = http("GET", server.sparql, params={"query": count})
        answers = []
        for kill_after in (1.6, None):  # one build killed, one left to finish
            proc = subprocess.Popen(
                [sys.executable, "-m", "kg", "build", "--quiet"],
                env=_env(first_build.store_dir),
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started = time.monotonic()
            while proc.poll() is None:
                if kill_after is not None and time.monotonic() - started > kill_after:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(30)
                    break
                for path in ("/bodies", "/index.json"):
                    answers.append(http("GET", server.url + path, timeout=10)[0])
                status, _, body = http("GET", server.sparql, params={"query": count}, timeout=10)
                answers.append(status)
                assert body == before  # the same graph: the previous build, then the new one
                time.sleep(0.05)
            proc.wait(120)
        assert len(answers) > 10 and set(answers) == {200}, answers
        assert server.process.poll() is None
