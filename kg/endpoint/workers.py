"""Run queries in worker processes that can be killed.

A pyoxigraph query cannot be interrupted from Python: a thread running it stays
busy after any "cancel". So every endpoint query runs in one of a small pool of
pre-started worker processes, each holding the store open read-only. The web
process sends the query, waits up to the time limit and, on timeout, kills the
worker (``SIGKILL``: the work really ends) and starts a replacement in the
background, so the pool is whole again within a few tens of milliseconds.

Each worker also has

* a memory limit (``RLIMIT_AS``): a query that needs more dies with the worker,
  and the request is answered 503, not the whole server;
* no network, where the kernel allows it (a private network namespace with only
  a loopback interface that is down): even a query that slipped past the guard
  could not reach another machine. :attr:`WorkerPool.sandboxed` says whether it
  worked;
* no core dumps, and no ``SIGINT`` (Ctrl-C stops the server, which stops them).

Long queries do not hold up short ones. Workers run at a lower CPU priority
than the web process (nice 5), so pages stay quick while queries run. A query
still running after ``long_after`` seconds (default 0.5) is moved out of the
pool: its worker is niced to 19 and a replacement is started at once, so short
queries always find a worker. At most ``long_slots`` such long queries run at
once. When one more turns long, the long query expected to cost the most (the
admission's estimate: its query's past cost, else its client's) is stopped to
make room if it is expected to cost more than ``PREEMPT_RATIO`` times as much as
the newcomer (a query that usually takes 50 ms, slowed past ``long_after`` on a
busy machine, does not die behind two runaway ones); otherwise the newcomer is
stopped. Either is answered 503 ("try again later"). A long query's worker is
stopped when the query ends.

Workers are forked by a small fork server (:mod:`kg.endpoint.forkserver`), a
clean single-threaded Python process started once with only pyoxigraph and the
worker's modules imported; never from the multi-threaded web server. Forking a
replacement takes a few milliseconds; the new worker then opens the store
read-only. The sandbox is set up by :mod:`kg.endpoint.sandbox`; what a job is and
how its answer travels back is :mod:`kg.endpoint.jobs`. This module is the pool.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import signal
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.config import Settings
from kg.endpoint import errors
from kg.endpoint.admission import FairQueue, Ticket
from kg.endpoint.forkserver import Zygote
from kg.endpoint.jobs import (  # noqa: F401 - the pool's public interface
    DB_DIRNAME,
    MANIFEST_NAME,
    QUERY_BASE_IRI,
    STORE_MODES,
    Job,
    ValidationJob,
    open_for_serving,
    rebuild_error,
    rebuild_input_error,
    run_job,
)
from kg.endpoint.sandbox import LONG_QUERY_NICE, POLICIES, REQUIRED, WORKER_NICE, in_force

log = logging.getLogger("kg.endpoint")

#: How many times the newcomer's expected cost a running long query must be
#: expected to cost before it is stopped to make room for it.
PREEMPT_RATIO = 4.0


class _Worker:
    def __init__(self, pid: int, conn: Connection, zygote: Zygote, generation: int) -> None:
        self.pid = pid
        self.conn = conn
        self.zygote = zygote
        self.generation = generation
        self.info: dict[str, Any] = {}
        self.ticket: Ticket | None = None  # the long query it runs, out of the pool
        self.preempted = False  # stopped to give its long-query place to a quicker one

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerPool:
    """A pool of query worker processes (see the module docstring).

    Args:
        store_dir: the ``build/store`` symlink (followed anew for every query).
        size: number of workers (queries that run at once).
        memory_mb: memory each worker may use on top of what it starts with
            (``RLIMIT_AS``).
        mode: ``disk`` (workers open the store read-only) or ``memory``. In
            ``memory`` mode the pool starts serving from disk at once, loads the
            store into memory in a second fork server in the background, and then
            swaps in workers forked from it (they share the loaded store,
            copy-on-write). After a rebuild it loads the new version the same way.
        sandbox: ``required`` (the default): the workers run in a private network
            namespace or not at all (:attr:`refused` says why; every job is then
            answered 503); ``optional``: without it when the kernel refuses.
        long_after: seconds after which a running query counts as long: its
            worker leaves the pool (reniced, replaced at once).
        long_slots: long queries that may run at once; one more is stopped (503).
        max_waiting: requests that may wait for a worker; more are refused (503).
        per_client: requests one client may have in the pool, running or waiting.
        reserve: workers kept for clients whose requests are short (default: one when
            there are two or more; :class:`FairQueue`).
        preload: ``validation`` to prepare the validator in the fork server.
        what: what a job is, in messages ("query", "validation").
    """

    def __init__(
        self,
        store_dir: Path,
        *,
        size: int = 2,
        memory_mb: int = 2048,
        mode: str = "disk",
        sandbox: str = REQUIRED,
        long_after: float = 0.5,
        long_slots: int = 2,
        max_waiting: int = 8,
        per_client: int = 4,
        reserve: int | None = None,
        preload: str | None = None,
        what: str = "query",
        start_timeout: float = 60.0,
        load_timeout: float = 600.0,
    ) -> None:
        if mode not in STORE_MODES:
            raise ValueError(f"store mode must be one of {STORE_MODES}")
        if sandbox not in POLICIES:
            raise ValueError(f"sandbox policy must be one of {POLICIES}")
        self.store_dir = Path(store_dir)
        self.size = size
        self.memory_mb = memory_mb
        self.mode = mode
        self.sandbox = sandbox
        self.start_timeout = start_timeout
        self.load_timeout = load_timeout
        self.long_after = long_after
        self.long_slots = long_slots
        self.preload = preload
        self.what = what
        self._long_slots = threading.BoundedSemaphore(long_slots)
        self.admission = FairQueue(
            size, max_waiting=max_waiting, per_client=per_client, reserve=reserve, what=what
        )
        self._long: set[_Worker] = set()  # running long queries, out of the pool
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._workers: set[_Worker] = set()
        self._disk: Zygote | None = None
        self._memory: Zygote | None = None
        self._loading: str | None = None  # the version being loaded into memory
        self._old: list[Zygote] = []
        self._generation = 0
        self._version_checked = 0.0
        self.network: str | None = None
        self.refused: errors.SandboxUnavailableError | None = None
        self.replacements = 0
        self.memory_ready = threading.Event()

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerPool:
        """The pool ``settings`` describe (``endpoint_workers``, ``long_queries``, ...)."""
        return cls(
            settings.store_dir,
            size=settings.endpoint_workers,
            memory_mb=settings.worker_memory_mb,
            mode=settings.store_mode,
            long_after=settings.long_query_after,
            long_slots=settings.long_queries,
            max_waiting=settings.worker_queue,
            per_client=settings.client_limit,
            sandbox=settings.worker_sandbox,
        )

    @classmethod
    def for_validation(cls, settings: Settings) -> WorkerPool:
        """Workers for the Validate page: never a long lane, stopped at the time limit."""
        return cls(
            settings.store_dir,
            size=settings.validation_workers,
            memory_mb=settings.worker_memory_mb,
            mode="disk",
            long_after=settings.validation_timeout,
            long_slots=1,
            preload="validation",
            what="validation",
            reserve=0,  # every validation takes a while: no lane for short ones
            max_waiting=settings.worker_queue,
            per_client=settings.client_limit,
            sandbox=settings.worker_sandbox,
        )

    # -- lifecycle

    def start(self) -> None:
        """Start the workers (from disk) and wait until they are ready.

        In ``memory`` mode, the load into memory starts first, at the same time, and
        continues in the background: it is the long pole of reaching full speed.
        """
        with self._lock:
            if self._started:
                return
            self._started = True
        if self.mode == "memory":
            self._load_in_background()
        zygote = Zygote(self, "disk")
        if not zygote.wait_ready(self.start_timeout):
            zygote.stop()
            if zygote.refusal:
                self.refused = errors.SandboxUnavailableError(zygote.refusal)
                log.error("%s", zygote.refusal)
            else:
                log.error("the %s workers' fork server did not start", self.what)
            return
        self._disk = zygote
        threads = [
            threading.Thread(target=self._add_worker, args=(zygote, 0), daemon=True)
            for _ in range(self.size)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log.info("%s", self.describe())

    def ensure_started(self) -> None:
        if not self._started:
            self.start()

    def _load_in_background(self) -> None:
        version = os.path.realpath(self.store_dir)
        with self._lock:
            if self._closed or self._loading == version:
                return
            self._loading = version
        threading.Thread(target=self._upgrade, args=(version,), daemon=True, name="kg-load").start()

    def _upgrade(self, version: str) -> None:
        """Load ``version`` into a memory fork server, then swap its workers in."""
        started = time.monotonic()
        zygote = Zygote(self, "memory")
        if not zygote.wait_ready(self.load_timeout):
            zygote.stop()
            if not zygote.refusal:  # a refused sandbox is reported by the disk workers
                log.error("could not load the store into memory; serving from disk")
            with self._lock:
                self._loading = None
            return
        with self._lock:
            if self._closed:
                zygote.stop()
                return
            generation = self._generation + 1
            previous, self._memory = self._memory, zygote
        for _ in range(self.size):
            self._add_worker(zygote, generation)
        with self._lock:
            self._generation = generation
            if previous is not None:
                self._old.append(previous)
        self.memory_ready.set()
        log.info(
            "serving from memory (loaded %s in %.1f s)",
            os.path.basename(version),
            time.monotonic() - started,
        )

    def _current_zygote(self) -> Zygote | None:
        with self._lock:
            return self._memory if self._memory is not None else self._disk

    def _spawn(self, zygote: Zygote, generation: int) -> _Worker:
        pid, conn = zygote.spawn(self.start_timeout)
        worker = _Worker(pid, conn, zygote, generation)
        if not conn.poll(self.start_timeout):
            worker.kill()
            raise errors.ServiceUnavailableError("a query worker did not start in time")
        try:
            tag, info = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            worker.kill()
            raise errors.ServiceUnavailableError("a query worker failed to start") from None
        if tag != "ready":
            worker.kill()
            raise errors.ServiceUnavailableError("a query worker failed to start")
        worker.info = info
        self.network = info.get("network")
        return worker

    def _add_worker(self, zygote: Zygote | None = None, generation: int | None = None) -> None:
        if self._closed:
            return
        zygote = zygote or self._current_zygote()
        if generation is None:
            generation = self._generation
        if zygote is None:
            return
        try:
            worker = self._spawn(zygote, generation)
        except Exception as e:  # keep serving with fewer workers; logged
            if not self._closed:
                log.error("could not start a query worker: %s", e)
            return
        with self._lock:
            # closed, or a disk worker that the memory ones overtook while it started
            if self._closed or generation < self._generation:
                worker.kill()
                return
            self._workers.add(worker)
            zygote.workers += 1
        self._idle.put(worker)

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
            self._long.discard(worker)
            worker.zygote.workers -= 1
            done = [z for z in self._old if z.workers <= 0]
            self._old = [z for z in self._old if z.workers > 0]
        worker.kill()
        for zygote in done:  # an old memory fork server with no workers left
            zygote.stop()

    def _replace(self, worker: _Worker) -> None:
        self._forget(worker)
        with self._lock:
            closed = self._closed
        if not closed:
            self.replacements += 1
            threading.Thread(target=self._add_worker, daemon=True).start()

    def _detach(self, worker: _Worker) -> None:
        """Take a worker running a long query out of the pool and replace it."""
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.pid, LONG_QUERY_NICE)
        with self._lock:
            self._workers.discard(worker)
            self._long.add(worker)
            closed = self._closed
        if not closed:
            self.replacements += 1
            threading.Thread(target=self._add_worker, daemon=True).start()

    def close(self) -> None:
        """Stop the workers and the fork servers."""
        with self._lock:
            self._closed = True
            workers = list(self._workers | self._long)
            self._workers.clear()
            self._long.clear()
            zygotes = [z for z in (self._disk, self._memory, *self._old) if z is not None]
            self._disk = self._memory = None
            self._old = []
        for worker in workers:
            worker.kill()
        for zygote in zygotes:
            zygote.stop()

    @property
    def sandboxed(self) -> bool:
        return bool(self.network and in_force(self.network))

    def describe(self) -> str:
        """One line: the workers and the sandbox in force (logged at start)."""
        if self.refused is not None:
            return f"{self.what} workers: none ({self.refused.message})"
        network = (
            "no network (private network namespace)"
            if self.sandboxed
            else f"NETWORK ALLOWED: sandbox {self.network or 'unknown'}, policy {self.sandbox}"
        )
        return (
            f"{self.what} workers: {self.alive} ({self.mode} mode); sandbox: {network}, "
            f"address space +{self.memory_mb} MB, no core dumps, nice {WORKER_NICE}"
        )

    def check_sandbox(self) -> None:
        """Raise the refusal if the workers would not start without the sandbox."""
        if self.refused is not None:
            raise self.refused

    @property
    def loading(self) -> bool:
        """In ``memory`` mode: not yet serving from memory, and not given up."""
        with self._lock:
            pending = not self._started or self._loading is not None
        return self.mode == "memory" and pending and not self.memory_ready.is_set()

    @property
    def alive(self) -> int:
        with self._lock:
            return len(self._workers)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._workers]

    def long_pids(self) -> list[int]:
        """Workers running long queries, out of the pool."""
        with self._lock:
            return [w.pid for w in self._long]

    def zygote_pids(self) -> list[int]:
        with self._lock:
            return [z.process.pid for z in (self._disk, self._memory, *self._old) if z is not None]

    def _check_version(self) -> None:
        """In memory mode, notice a rebuild (at most once a second) and load it."""
        now = time.monotonic()
        if self.mode != "memory" or now - self._version_checked < 1.0:
            return
        self._version_checked = now
        current = self._memory.version if self._memory is not None else None
        if current is not None and os.path.realpath(self.store_dir) != current:
            self._load_in_background()

    # -- queries

    def run(
        self,
        job: Job | ValidationJob,
        timeout: float,
        wait: float | None = None,
        client: str = "local",
        small: bool = False,
        shape: str | None = None,
    ) -> Any:
        """Run ``job`` in a worker, stopping it after ``timeout`` seconds.

        Returns the :class:`Rendered` result of a :class:`Job`, the report data of a
        :class:`ValidationJob`.

        Args:
            wait: how long to wait for a free worker (default: ``timeout``).
            client: who asks (the remote address), for the pool's fair admission
                (:mod:`kg.endpoint.admission`).
            small: the job looks small (the guard's guess), for the same.
            shape: a key for what the job asks (the same key, the same work), whose
                past cost the admission goes by first.

        Raises:
            QueryTimeoutError: stopped at the time limit (the worker was killed).
            QueryMemoryError: the worker died (memory limit or crash).
            ServiceUnavailableError: no worker became free in time, or the admission
                refused the request (``Retry-After``).
            EndpointError: what the worker reported (syntax error, 406, ...).
        """
        self.ensure_started()
        if self.refused is not None:
            raise errors.ServiceUnavailableError(
                f"the {self.what} workers are disabled on this server: {self.refused.message}"
            )
        self._check_version()
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        wait = timeout if wait is None else wait
        ticket = self.admission.enter(client, wait, small, shape)
        try:
            return self._run(payload, timeout, time.monotonic() + wait, ticket)
        finally:
            self.admission.finish(ticket)

    def _run(self, payload: bytes, timeout: float, deadline: float, ticket: Ticket) -> Any:
        failures = 0
        while failures < 3:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise errors.ServiceUnavailableError(
                    f"all {self.size} {self.what} workers are busy; try again shortly"
                ) from None
            if worker.generation < self._generation:
                self._forget(worker)  # replaced by a worker holding the store in memory
                continue
            self.admission.running(ticket)  # charged from here: not the wait for a worker
            try:
                worker.conn.send_bytes(payload)
            except (OSError, ValueError):
                self._replace(worker)  # died while idle: use another one
                failures += 1
                continue
            return self._await(worker, timeout, ticket)
        raise errors.ServiceUnavailableError("the query workers keep failing; see the server log")

    def _await(self, worker: _Worker, timeout: float, ticket: Ticket) -> Any:
        started = time.monotonic()
        window = min(self.long_after, timeout)
        if not self._poll(worker, window):
            if timeout <= window:
                self._time_limit(worker, timeout)
            if not self._long_slots.acquire(blocking=False) and not self._make_room(ticket):
                self._replace(worker)
                log.warning("a long query was stopped: %d already running", self.long_slots)
                raise errors.ServiceUnavailableError(
                    f"the query was stopped after {window:g} s because {self.long_slots} long "
                    "queries are already running, the most at once; try again later, or "
                    "narrow it down (more specific patterns, LIMIT)"
                )
            worker.ticket = ticket
            self._detach(worker)
            self.admission.release(ticket)  # out of the pool: its slot goes to the next
            try:
                if not self._poll(worker, timeout - (time.monotonic() - started)):
                    self._time_limit(worker, timeout)
                return self._reply(worker, started, keep=False)
            finally:
                self._long_slots.release()
        return self._reply(worker, started, keep=True)

    def _make_room(self, ticket: Ticket) -> bool:
        """Stop the long query expected to cost the most, if it is expected to cost
        ``PREEMPT_RATIO`` times as much as ``ticket``'s; True once its long-query
        place is ``ticket``'s (taken from the semaphore)."""
        now = time.monotonic()
        cost = self.admission.cost
        mine = cost(ticket.client, now, ticket.small, ticket.shape)
        with self._lock:
            running = [w for w in self._long if w.ticket is not None and not w.preempted]
            priced = [
                (cost(w.ticket.client, now, w.ticket.small, w.ticket.shape), w)
                for w in running
                if w.ticket is not None
            ]
            if not priced:
                return False
            dearest, victim = max(priced, key=lambda x: x[0])
            if dearest <= PREEMPT_RATIO * mine:
                return False
            victim.preempted = True
        log.warning(
            "a long query (expected %.2f s) was stopped for a quicker one (expected %.2f s)",
            dearest,
            mine,
        )
        victim.kill()  # its request's thread reads the end and frees the place
        return self._long_slots.acquire(timeout=2.0)

    @staticmethod
    def _poll(worker: _Worker, seconds: float) -> bool:
        try:
            return worker.conn.poll(max(0.0, seconds))
        except (OSError, ValueError):
            return True  # the worker died: the read reports it

    def _time_limit(self, worker: _Worker, timeout: float) -> None:
        with self._lock:
            long = worker in self._long
        if long:
            self._forget(worker)  # already replaced when it left the pool
        else:
            self._replace(worker)
        log.warning("%s stopped at the time limit (%.1f s); worker replaced", self.what, timeout)
        hint = (
            "narrow it down (more specific patterns, LIMIT) and try again"
            if self.what == "query"
            else "split the configuration and try again"
        )
        raise errors.QueryTimeoutError(
            f"the {self.what} was stopped after {timeout:g} s, the time limit; {hint}"
        )

    def _reply(self, worker: _Worker, started: float, *, keep: bool) -> Any:
        """Read the worker's answer; back to the pool if ``keep``, else stop it."""
        try:
            tag, data = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            if keep:
                self._replace(worker)
            else:
                self._forget(worker)
            if worker.preempted:
                raise errors.ServiceUnavailableError(
                    f"the query was stopped after {time.monotonic() - started:.1f} s: "
                    f"{self.long_slots} long queries are already running, the most at "
                    "once, and a quicker one needed the place; try again later, or narrow "
                    "it down (more specific patterns, LIMIT)",
                    headers={"Retry-After": str(self.admission.retry_after)},
                ) from None
            log.warning("query worker died after %.2f s; replaced", time.monotonic() - started)
            raise errors.QueryMemoryError(
                f"the {self.what} was stopped: it needed more than the memory limit "
                f"({self.memory_mb} MB per {self.what}) or crashed the engine"
            ) from None
        if keep:
            self._idle.put(worker)
        else:
            self._forget(worker)  # a long query's worker: already replaced
        if tag == "ok":
            return data
        if tag == "input":
            raise rebuild_input_error(data)
        raise rebuild_error(data)
