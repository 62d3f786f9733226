"""Queries run in worker processes that are killed at the time and memory limits."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.endpoint import errors
from kg.endpoint.workers import Job, WorkerPool
from tests.endpoint.util import (
    CROSS_PRODUCT,
    DOUBLING,
    PATHS,
    Listener,
    numbered_quads,
    write_version,
)

pytestmark = pytest.mark.slow

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(pool: WorkerPool, timeout: float = 10) -> int:
    rendered = pool.run(Job(COUNT, solutions_format="json"), timeout)
    return int(json.loads(rendered.body)["results"]["bindings"][0]["n"]["value"])


def _running(pid: int) -> bool:
    # the process may vanish between any two reads of /proc
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "zombie" not in status


@pytest.fixture
def pool(basic_store: Settings) -> Iterator[WorkerPool]:
    p = WorkerPool(basic_store.store_dir, size=1, memory_mb=512, mode="disk")
    p.start()
    try:
        yield p
    finally:
        p.close()


@pytest.mark.parametrize("query", [CROSS_PRODUCT, PATHS], ids=["cross product", "paths"])
def test_runaway_query_is_stopped_and_the_worker_replaced(pool: WorkerPool, query: str) -> None:
    before = set(pool.pids())
    started = time.monotonic()
    with pytest.raises(errors.QueryTimeoutError, match="stopped after 1 s"):
        pool.run(Job(query), timeout=1.0)
    # stopped at its limit, not left to run: either query takes minutes unstopped (the
    # bounds in this file are set against what they rule out, never a speed target)
    assert time.monotonic() - started < 15
    for pid in before:  # the work really ended: the process is gone (or a zombie)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.01)
        assert not _running(pid)
    started = time.monotonic()
    assert _count(pool) > 0  # the (only) worker is free again
    assert time.monotonic() - started < 5  # not waiting on the stopped one
    assert pool.replacements == 1 and pool.alive == 1


def test_other_queries_are_not_held_up(basic_store: Settings) -> None:
    pool = WorkerPool(basic_store.store_dir, size=2, memory_mb=512, mode="disk")
    pool.start()
    try:
        failures: list[Exception] = []

        def runaway() -> None:
            try:
                pool.run(Job(CROSS_PRODUCT), timeout=3.0)
            except Exception as e:  # noqa: BLE001
                failures.append(e)

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert _count(pool) > 0
        assert time.monotonic() - started < 2  # held up, it would wait out the 3 s runaway
        thread.join()
        assert isinstance(failures[0], errors.QueryTimeoutError)
    finally:
        pool.close()


def test_memory_limit_stops_the_query_not_the_server(pool: WorkerPool) -> None:
    with pytest.raises(errors.QueryMemoryError, match="memory limit"):
        pool.run(Job(DOUBLING), timeout=60)
    assert _count(pool) > 0


def test_a_crash_of_the_engine_is_contained(pool: WorkerPool) -> None:
    # the guard refuses this up front; sent straight to a worker, pyoxigraph crashes
    deep = "SELECT * WHERE " + "{" * 20000 + " ?s ?p ?o " + "}" * 20000
    with pytest.raises(errors.ServiceUnavailableError, match="crashed the query engine|memory"):
        pool.run(Job(deep), timeout=30)
    assert _count(pool) > 0


def test_workers_have_no_network(pool: WorkerPool, listener: Listener) -> None:
    if not pool.sandboxed:
        pytest.skip(f"no network namespace here ({pool.network}); the guard alone stops SERVICE")
    # straight to a worker, past the guard: the engine would connect, but cannot
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(errors.BadRequestError, match="could not be evaluated"):
        pool.run(Job(query), timeout=10)
    time.sleep(0.3)
    assert listener.connections == []


def _version(root: Path, name: str, n: int) -> Path:
    version = root / name  # as kg build writes it, without the dump: loaded from the database
    write_version(numbered_quads(n), version, memory_dump=False)
    return version


@pytest.mark.parametrize("mode", ["disk", "memory"])
def test_a_new_build_is_served_without_restart(tmp_path: Path, mode: str) -> None:
    _version(tmp_path, "store.v-1", 3)
    _version(tmp_path, "store.v-2", 5)
    link = tmp_path / "store"
    os.symlink("store.v-1", link)
    pool = WorkerPool(link, size=1, memory_mb=512, mode=mode)
    pool.start()
    try:
        if mode == "memory":
            assert pool.memory_ready.wait(30)
        assert _count(pool) == 3
        tmp = tmp_path / "store.tmp"
        os.symlink("store.v-2", tmp)
        os.replace(tmp, link)
        assert _count(pool) == 5
    finally:
        pool.close()


def test_memory_mode_serves_the_same_answers(basic_store: Settings) -> None:
    pool = WorkerPool(basic_store.store_dir, size=1, memory_mb=512, mode="memory")
    started = time.monotonic()
    pool.start()
    try:
        assert time.monotonic() - started < 20  # serving (from disk), not waiting for memory
        from_disk = _count(pool)
        assert pool.memory_ready.wait(30)
        assert _count(pool) == from_disk
        assert pool.alive == 1
    finally:
        pool.close()


def test_close_stops_every_process(basic_store: Settings) -> None:
    pool = WorkerPool(basic_store.store_dir, size=2, memory_mb=512, mode="memory")
    pool.start()
    pool.memory_ready.wait(30)
    pids = pool.pids() + pool.zygote_pids()
    assert len(pids) >= 4
    pool.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        alive = [p for p in pids if _running(p)]
        if not alive:
            break
        time.sleep(0.05)
    assert not alive


def _alive(pool: WorkerPool, n: int, within: float = 5.0) -> bool:
    # replacements start in the background
    deadline = time.monotonic() + within
    while pool.alive != n and time.monotonic() < deadline:
        time.sleep(0.01)
    return pool.alive == n


def _nice(pid: int) -> int:
    # field 19 of /proc/PID/stat, after the command name in parentheses
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_long_queries_leave_the_pool_at_low_priority(basic_store: Settings) -> None:
    pool = WorkerPool(
        basic_store.store_dir, size=1, memory_mb=512, mode="disk", long_after=0.3, long_slots=2
    )
    pool.start()
    try:
        (worker,) = pool.pids()
        assert _nice(worker) == 5  # every worker: below the web process
        failures: list[Exception] = []

        def runaway() -> None:
            try:
                pool.run(Job(CROSS_PRODUCT), timeout=4.0)
            except Exception as e:  # noqa: BLE001
                failures.append(e)

        threads = [threading.Thread(target=runaway) for _ in range(2)]
        for n, thread in enumerate(threads, 1):
            thread.start()  # long after 0.3 s: out of the pool, which gets a new worker
            deadline = time.monotonic() + 10
            while len(pool.long_pids()) < n and time.monotonic() < deadline:
                time.sleep(0.01)
        assert len(pool.long_pids()) == 2 and worker in pool.long_pids()
        assert all(_nice(pid) == 19 for pid in pool.long_pids())
        assert _alive(pool, 1) and set(pool.pids()).isdisjoint(pool.long_pids())
        started = time.monotonic()
        assert _count(pool) > 0  # a short query is not held up by the two long ones
        assert time.monotonic() - started < 2.5  # held up, it would wait out their 4 s

        # a third long query while two run: stopped when it becomes long
        started = time.monotonic()
        with pytest.raises(errors.ServiceUnavailableError, match="2 long queries are already"):
            pool.run(Job(PATHS), timeout=4.0)
        assert time.monotonic() - started < 3  # refused once long (0.3 s), not at 4 s
        for thread in threads:
            thread.join()
        assert all(isinstance(f, errors.QueryTimeoutError) for f in failures), failures
        assert len(failures) == 2 and pool.long_pids() == []
        assert _count(pool) > 0 and _alive(pool, 1)
    finally:
        pool.close()


def _history(pool: WorkerPool, shape: str, seconds: float) -> None:
    """Give ``shape`` a past run of ``seconds`` of worker time."""
    ticket = pool.admission.enter("history", 1.0, shape=shape)
    ticket.started -= seconds
    pool.admission.release(ticket)
    pool.admission.finish(ticket)


def test_a_quick_query_slowed_past_the_long_point_displaces_a_runaway(
    basic_store: Settings,
) -> None:
    """The long lane is full of a query that ran to the limit before; a query that
    usually takes 10 ms, slow this time, takes its place rather than being stopped."""
    pool = WorkerPool(
        basic_store.store_dir, size=1, memory_mb=512, mode="disk", long_after=0.3, long_slots=1
    )
    pool.start()
    try:
        _history(pool, "runaway", 8.0)
        _history(pool, "quick", 0.01)
        outcome: list[Exception] = []

        def runaway(timeout: float) -> None:
            try:
                pool.run(Job(CROSS_PRODUCT), timeout=timeout, client="a", shape="runaway")
            except Exception as e:  # noqa: BLE001
                outcome.append(e)

        thread = threading.Thread(target=runaway, args=(8.0,))
        thread.start()
        deadline = time.monotonic() + 10
        while not pool.long_pids() and time.monotonic() < deadline:
            time.sleep(0.01)
        (first,) = pool.long_pids()
        # the "quick" one runs long this time: it takes the runaway's place in the
        # long lane and runs on to its own limit
        with pytest.raises(errors.QueryTimeoutError):
            pool.run(Job(CROSS_PRODUCT), timeout=2.0, client="b", shape="quick")
        thread.join()
        (stopped,) = outcome
        assert isinstance(stopped, errors.ServiceUnavailableError), stopped
        assert "a quicker one needed the place" in stopped.message
        assert stopped.headers.get("Retry-After")
        assert not _running(first) and pool.long_pids() == []

        # a newcomer expected to cost as much is stopped instead, as before
        thread = threading.Thread(target=runaway, args=(4.0,))
        outcome.clear()
        thread.start()
        deadline = time.monotonic() + 10
        while not pool.long_pids() and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(errors.ServiceUnavailableError, match="1 long queries are already"):
            pool.run(Job(PATHS), timeout=4.0, client="c", shape="runaway")
        thread.join()
        assert outcome and isinstance(outcome[0], errors.QueryTimeoutError), outcome
        assert _count(pool) > 0 and _alive(pool, 1)
    finally:
        pool.close()


def test_a_long_query_that_finishes_answers_and_its_worker_goes(basic_store: Settings) -> None:
    pool = WorkerPool(basic_store.store_dir, size=1, memory_mb=512, mode="disk", long_after=0.02)
    pool.start()
    try:
        (before,) = pool.pids()
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~0.1 s
        rendered = pool.run(Job(slow, solutions_format="json"), timeout=30)
        assert int(json.loads(rendered.body)["results"]["bindings"][0]["n"]["value"]) > 0
        assert _alive(pool, 1) and before not in pool.pids() and pool.long_pids() == []
        deadline = time.monotonic() + 2
        while _running(before) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not _running(before)
    finally:
        pool.close()


def test_validation_runs_in_a_worker_like_in_process(real_store: Settings) -> None:
    from kg.endpoint.workers import ValidationJob
    from kg.errors import KGError
    from kg.validation import validate
    from kg.validation.report import report_view

    example = real_store.home / "examples" / "london-2004.yaml"
    sources = ((example.name, example.read_bytes()),)
    pool = WorkerPool.for_validation(real_store)
    pool.start()
    try:
        got = pool.run(ValidationJob(sources), timeout=60)
        expected = report_view(validate(list(sources)))
        for report in (got, expected):  # how long it took differs, nothing else
            report.pop("seconds", None)
        assert got == expected and got["groups"]
        # the user's mistake comes back as the same error, with its place
        with pytest.raises(KGError) as caught:
            pool.run(ValidationJob((("area.yaml", b"bad: [\n"),)), timeout=60)
        assert caught.value.file == "area.yaml" and caught.value.line == 2
        assert type(caught.value).__name__ == "ConfigurationError"
    finally:
        pool.close()


def test_validation_is_stopped_at_its_time_limit(real_store: Settings) -> None:
    from kg.endpoint.workers import ValidationJob

    example = real_store.home / "examples" / "merseyside-2017.yaml"
    pool = WorkerPool.for_validation(real_store.with_(validation_timeout=0.01))
    pool.start()
    try:
        with pytest.raises(errors.QueryTimeoutError, match="validation was stopped after"):
            pool.run(ValidationJob(((example.name, example.read_bytes()),)), timeout=0.01)
        assert _alive(pool, real_store.validation_workers)
    finally:
        pool.close()
