"""The dump ``kg build`` writes for ``kg serve`` to load into memory (kg.memory_dump).

The copy in memory must be the store: the same quads in every named graph and the
same default graph. A dump that is damaged or missing is never used: the server
loads from the database instead, says why, and still reaches memory.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.dataset import COUNT_DEFAULT_GRAPH
from kg.endpoint.jobs import Job, open_for_serving
from kg.endpoint.workers import WorkerPool
from kg.memory_dump import DUMP_NAME, MANIFEST_KEY, load_dump, sha256_file
from kg.store import DB_DIRNAME, MANIFEST_NAME
from tests.endpoint.util import (
    TEST_LIMITS,
    form,
    http,
    numbered_quads,
    run_server,
    write_version,
)

COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _version(settings: Settings) -> Path:
    return Path(os.path.realpath(settings.store_dir))


@pytest.fixture
def copy_of(basic_store: Settings, tmp_path: Path) -> Settings:
    """A copy of the built kg-basic store that a test may damage."""
    version = tmp_path / "store.v-copy"
    shutil.copytree(_version(basic_store), version)
    (tmp_path / "store").symlink_to(version.name)
    return basic_store.with_(store_dir=tmp_path / "store")


def _quads(store: ox.Store) -> Counter[tuple[object, ...]]:
    """The store's quads, each blank node named by the quads it is in.

    Loading N-Quads into pyoxigraph gives blank nodes new labels (as the copy out of
    the database always did): the copy is the store up to those labels.
    """
    quads = list(store.quads_for_pattern(None, None, None, None))

    def plain(term: object, me: object) -> str:
        return "*" if term == me else "_" if isinstance(term, ox.BlankNode) else str(term)

    blanks = {
        t for q in quads for t in (q.subject, q.object, q.graph_name) if isinstance(t, ox.BlankNode)
    }
    named = {
        b: tuple(sorted(tuple(plain(t, b) for t in q) for q in quads if b in (q.subject, q.object)))
        for b in blanks
    }
    return Counter(tuple(named.get(t, str(t)) for t in q) for q in quads)


def _damage(settings: Settings) -> Path:
    """Change one byte of the dump, keeping its size."""
    dump = _version(settings) / DUMP_NAME
    data = bytearray(dump.read_bytes())
    at = data.index(b"<", len(data) // 2) + 1
    data[at : at + 1] = b"X" if data[at : at + 1] != b"X" else b"Y"
    dump.write_bytes(bytes(data))
    return dump


def test_the_build_writes_the_dump_and_its_checksum(basic_store: Settings) -> None:
    version = _version(basic_store)
    manifest = json.loads((version / MANIFEST_NAME).read_text(encoding="utf-8"))
    entry = manifest[MANIFEST_KEY]
    dump = version / DUMP_NAME
    assert entry["file"] == DUMP_NAME
    assert entry["bytes"] == dump.stat().st_size > 0
    assert entry["sha256"] == sha256_file(dump)
    assert "memory_dump" in manifest["durations_seconds"]


def test_the_copy_loaded_from_the_dump_is_the_store(basic_store: Settings) -> None:
    version = _version(basic_store)
    memory, why_not = load_dump(version)
    assert memory is not None, why_not
    disk = ox.Store.read_only(str(version / DB_DIRNAME))
    assert _quads(memory) == _quads(disk)
    # the default graph as the build wrote it (each distinct triple once), not a union
    counts = [COUNT_DEFAULT_GRAPH, COUNT_BY_GRAPH]
    for query in counts:
        assert {tuple(map(str, row)) for row in memory.query(query)} == {
            tuple(map(str, row)) for row in disk.query(query)
        }
    assert len(memory) == len(disk)


def test_open_for_serving_in_memory_uses_the_dump(basic_store: Settings) -> None:
    store, version = open_for_serving(basic_store.store_dir, "memory")
    assert version == str(_version(basic_store))
    assert _quads(store) == _quads(ox.Store.read_only(str(_version(basic_store) / DB_DIRNAME)))


def test_a_changed_dump_is_not_used(copy_of: Settings) -> None:
    _damage(copy_of)
    memory, why_not = load_dump(_version(copy_of))
    assert memory is None
    assert why_not == f"{DUMP_NAME} has changed since the build (checksum mismatch)"


def test_a_truncated_dump_is_not_used(copy_of: Settings) -> None:
    dump = _version(copy_of) / DUMP_NAME
    size = dump.stat().st_size
    with dump.open("r+b") as f:
        f.truncate(size - 10)
    memory, why_not = load_dump(_version(copy_of))
    assert memory is None
    assert why_not == f"{DUMP_NAME} has {size - 10} bytes, not the {size} the build wrote"


def test_a_missing_dump_is_not_used(copy_of: Settings) -> None:
    (_version(copy_of) / DUMP_NAME).unlink()
    memory, why_not = load_dump(_version(copy_of))
    assert memory is None
    assert why_not.startswith(f"cannot read {DUMP_NAME}")


def test_a_build_without_a_dump_is_loaded_from_the_database(
    copy_of: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest_path = _version(copy_of) / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest[MANIFEST_KEY]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert load_dump(_version(copy_of)) == (
        None,
        "the build wrote no dump (built by an older version)",
    )
    store, _ = open_for_serving(copy_of.store_dir, "memory")
    disk = ox.Store.read_only(str(_version(copy_of) / DB_DIRNAME))
    assert _quads(store) == _quads(disk)
    assert "loading from the database: the build wrote no dump" in capsys.readouterr().err


def _store_of_answer(server_url: str) -> tuple[str, bytes]:
    status, headers, body = http(
        "POST",
        server_url + "/sparql",
        data=form(COUNT_BY_GRAPH + " ORDER BY ?g"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "text/csv",
        },
    )
    assert status == 200, body
    return headers.get("x-kg-store", ""), body


def _until_memory(server_url: str, within: float = 60) -> bytes:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        held, body = _store_of_answer(server_url)
        if held == "memory":
            return body
        time.sleep(0.1)
    raise AssertionError("kg serve did not reach memory")


@pytest.mark.parametrize("damaged", [False, True])
def test_kg_serve_reaches_memory_with_the_same_answers(
    copy_of: Settings, tmp_path: Path, damaged: bool
) -> None:
    if damaged:
        _damage(copy_of)
    with run_server(copy_of, tmp_path, **TEST_LIMITS) as disk_server:
        _, from_disk = _store_of_answer(disk_server.url)
    limits = {**TEST_LIMITS, "KG_STORE_MODE": "memory"}
    with run_server(copy_of, tmp_path, **limits) as server:
        assert _until_memory(server.url) == from_disk
        # the validation workers start once the query workers serve from memory
        deadline = time.monotonic() + 60
        while "validation workers: 2" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        log = server.log()
    assert "validation workers: 2" in log, log
    fallback = f"loading from the database: {DUMP_NAME} has changed since the build"
    assert (fallback in log) == damaged, log


def test_a_validation_sent_at_start_is_answered(basic_store: Settings, tmp_path: Path) -> None:
    # in memory mode the validation workers start once the query workers serve from
    # memory, or when a validation comes first: it must be answered either way (kg-basic
    # has no SHACL shapes: the validator in the worker says so)
    config = "configuration: x\ntitle: X\narea: merseyside\ndate: 2017-01-01\n"
    limits = {**TEST_LIMITS, "KG_STORE_MODE": "memory"}
    with run_server(basic_store, tmp_path, **limits) as server:
        status, _, body = http(
            "POST",
            server.url + "/validate",
            data=urllib.parse.urlencode({"format": "yaml", "config": config}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=60,
        )
        deadline = time.monotonic() + 30  # logged once its start has finished
        while "validation workers: 2" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        log = server.log()
    assert status == 400, log
    assert b"no shapes files found" in body
    assert "validation workers: 2" in log


def _published(root: Path, name: str, n: int) -> None:
    """A store version of ``n`` quads as kg build writes it: database, dump, manifest."""
    write_version(numbered_quads(n), root / name)


def _count_and_store(pool: WorkerPool) -> tuple[int, str]:
    rendered = pool.run(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), 10)
    n = int(json.loads(rendered.body)["results"]["bindings"][0]["n"]["value"])
    return n, rendered.headers["X-KG-Store"]


def test_a_rebuild_is_loaded_from_its_own_dump(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _published(tmp_path, "store.v-1", 3)
    _published(tmp_path, "store.v-2", 5)
    link = tmp_path / "store"
    link.symlink_to("store.v-1")
    pool = WorkerPool(link, size=1, memory_mb=512, mode="memory")
    pool.start()
    try:
        assert pool.memory_ready.wait(30)
        assert _count_and_store(pool) == (3, "memory")
        tmp = tmp_path / "store.tmp"
        tmp.symlink_to("store.v-2")
        os.replace(tmp, link)
        assert _count_and_store(pool)[0] == 5  # at once, from disk until loaded
        deadline = time.monotonic() + 30
        while _count_and_store(pool) != (5, "memory") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _count_and_store(pool) == (5, "memory")
    finally:
        pool.close()
    # the fork servers' stderr: neither version was loaded from the database
    assert "loading from the database" not in capfd.readouterr().err
