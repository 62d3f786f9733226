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
once; one more is stopped there and answered 503 ("try again later"). A long
query's worker is stopped when the query ends.

Workers are forked by a small fork server (:func:`zygote_main`), a clean
single-threaded Python process started once with only pyoxigraph and this module
imported; never from the multi-threaded web server. Forking a replacement takes
a few milliseconds; the new worker then opens the store read-only.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pickle
import queue
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.config import PREFIXES, Settings
from kg.endpoint import errors
from kg.endpoint.dataset import dataset_for
from kg.endpoint.protocol import (
    BY_NAME,
    GRAPH,
    SOLUTIONS,
    Rendered,
    render_boolean,
    render_solutions,
    render_triples,
)
from kg.query import split_sparql_error

log = logging.getLogger("kg.endpoint")

DB_DIRNAME = "db"
MANIFEST_NAME = "manifest.json"
STORE_MODES = ("disk", "memory")
WORKER_NICE = 5  # below the web process: pages first
LONG_QUERY_NICE = 19  # a long query gets only the CPU nothing else wants


@dataclass(frozen=True)
class Job:
    """One query for a worker.

    ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``; ``None`` for both means: the query's own ``FROM`` clauses
    if ``has_dataset_clause``, else the union of all named graphs as the default
    graph and all named graphs for ``GRAPH``.
    """

    query: str
    solutions_format: str | None = "json"
    graph_format: str | None = "turtle"
    max_rows: int = 10000
    max_bytes: int | None = None  # of the result as sent (protocol.render_solutions)
    has_dataset_clause: bool = False
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ValidationJob:
    """One area configuration to validate (``kg.validation.validate``) in a worker.

    Uploads are validated where they cannot reach the network, cannot hold up the
    pages, and are stopped at a time and memory limit (see :meth:`WorkerPool.for_validation`).
    """

    sources: tuple[tuple[str, bytes], ...]
    as_at: date | None = None


# ------------------------------------------------------------------ execution


def _engine_error(e: Exception) -> errors.EndpointError:
    message, line, column = split_sparql_error(str(e))
    if isinstance(e, SyntaxError):
        return errors.QuerySyntaxError(
            f"the query is not valid SPARQL: {message}", line=line, column=column
        )
    if isinstance(e, MemoryError):
        return errors.QueryMemoryError("the query needed more memory than the worker limit")
    return errors.BadRequestError(
        f"the query could not be evaluated: {message}", line=line, column=column
    )


#: The base IRI of every query the endpoint runs.
QUERY_BASE_IRI = "https://w3id.org/safeguarding-kg/sparql"


def run_job(store: Any, job: Job, prefixes: dict[str, str] | None = None) -> Rendered:
    """Run ``job`` on ``store`` (a pyoxigraph store) and serialise the result.

    Raises:
        EndpointError: a syntax error (400), no acceptable format (406), memory (503).
    """
    # relative IRIs in a query resolve against the endpoint's own IRI (the SPARQL 1.1
    # Protocol lets a service choose its base; docs/endpoint.md)
    try:
        store, kwargs = dataset_for(
            store,
            job.query,
            job.default_graphs,
            job.named_graphs,
            job.has_dataset_clause,
            QUERY_BASE_IRI,
        )
        kwargs["base_iri"] = QUERY_BASE_IRI
        result = store.query(job.query, **kwargs)
        if isinstance(result, ox.QueryBoolean):
            return render_boolean(bool(result), _format(job, SOLUTIONS))
        if isinstance(result, ox.QuerySolutions):
            return render_solutions(result, _format(job, SOLUTIONS), job.max_rows, job.max_bytes)
        return render_triples(
            result, _format(job, GRAPH), job.max_rows, prefixes or PREFIXES, job.max_bytes
        )
    except errors.EndpointError:
        raise
    except (SyntaxError, ValueError, RuntimeError, OSError, MemoryError) as e:
        raise _engine_error(e) from None


def _format(job: Job, kind: str):  # noqa: ANN202 - ResultFormat
    name = job.solutions_format if kind == SOLUTIONS else job.graph_format
    if name is None:
        what = "SELECT and ASK" if kind == SOLUTIONS else "CONSTRUCT and DESCRIBE"
        raise errors.NotAcceptableError(
            f"the request accepts no format for {what} results; "
            f"see the format parameter in the service description"
        )
    return BY_NAME[name]


# --------------------------------------------------------------- the worker


def _no_core_dumps() -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _unlimit_memory() -> None:
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _limit_memory(extra_mb: int) -> None:
    """Let this process grow by ``extra_mb`` more address space, then fail.

    Only the soft limit is set, relative to what the process holds now (an opened
    RocksDB store reserves about 730 MB of address space; the in-memory store is
    inherited), so the worker can widen it again after reopening a new build.
    """
    if extra_mb <= 0:
        return
    limit = (_vm_size_mb() + extra_mb) * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _no_network() -> str:
    """Move this (single-threaded) process into an empty network namespace."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return "unavailable (no libc)"
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    if libc.unshare(clone_newnet) == 0:
        return "network namespace"
    if libc.unshare(clone_newuser | clone_newnet) == 0:
        return "user and network namespace"
    return f"unavailable ({os.strerror(ctypes.get_errno())})"


def open_for_serving(store_dir: Path, mode: str = "disk") -> tuple[Any, str]:
    """Open the store version ``store_dir`` points to; return it and its real path.

    ``disk``: pyoxigraph's RocksDB store opened read-only (20-60 ms). ``memory``:
    the quads copied into an in-memory store (about 1 s per 100k quads; queries
    then run 2-5 times faster). Blank nodes keep their labels (N-Quads round trip).
    """
    version = os.path.realpath(store_dir)
    db = Path(version) / DB_DIRNAME
    if not db.is_dir() or not (Path(version) / MANIFEST_NAME).is_file():
        raise errors.ServiceUnavailableError("no built store: run `kg build` first")
    disk = ox.Store.read_only(str(db))
    if mode == "memory":
        # Through a temporary N-Quads file, with RocksDB closed before the load:
        # measured at 1M quads, a peak of 370 MB (the loaded store: 330 MB) where
        # copying quad by quad from the open store peaked at 670 MB.
        with tempfile.NamedTemporaryFile(prefix="kg-load-", suffix=".nq") as dump:
            disk.dump(dump, format=ox.RdfFormat.N_QUADS)
            dump.flush()
            del disk  # closes RocksDB and stops its threads before anything forks
            memory = ox.Store()
            memory.load(path=dump.name, format=ox.RdfFormat.N_QUADS)
        return memory, version
    return disk, version


def _error_tuple(e: errors.EndpointError) -> tuple[str, str, int | None, int | None]:
    return (type(e).__name__, e.message, e.line, e.column)


def _worker_loop(
    conn: Connection,
    store_dir: str,
    memory_mb: int,
    network: str,
    store: Any = None,
    version: str | None = None,
) -> None:
    """A worker: say ready, then answer jobs until EOF.

    ``store`` is the in-memory store inherited from the fork server, if any; when
    the build is replaced, the worker falls back to opening the new version from
    disk (the pool meanwhile loads it into a new fork server).
    """
    held = "memory" if store is not None else "disk"
    if store is None:
        with contextlib.suppress(errors.EndpointError, OSError):
            store, version = open_for_serving(Path(store_dir), "disk")
    _limit_memory(memory_mb)
    conn.send_bytes(pickle.dumps(("ready", {"pid": os.getpid(), "network": network})))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        job: Job | ValidationJob = pickle.loads(data)
        reply: tuple[str, Any]
        if isinstance(job, ValidationJob):
            reply = _validate(job)  # needs no store
        else:
            try:
                current = os.path.realpath(store_dir)
                if store is None or current != version:
                    store = None
                    held = "disk"
                    _unlimit_memory()  # while opening the new version
                    try:
                        store, version = open_for_serving(Path(store_dir), "disk")
                    except OSError as e:
                        raise errors.ServiceUnavailableError(
                            f"cannot open the store: {e}"
                        ) from None
                    finally:
                        _limit_memory(memory_mb)
                started = time.perf_counter()
                rendered = run_job(store, job)
                rendered.engine_seconds = time.perf_counter() - started
                rendered.headers["X-KG-Store"] = held
                reply = ("ok", rendered)
            except errors.EndpointError as e:
                reply = ("error", _error_tuple(e))
            except MemoryError:
                message = f"the query needed more memory than the worker limit of {memory_mb} MB"
                reply = ("error", ("QueryMemoryError", message, None, None))
            except Exception as e:  # never leave the web process waiting
                message = f"internal error in the query worker ({type(e).__name__})"
                reply = ("error", ("EndpointError", message, None, None))
        try:
            conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, ValueError):
            return


def _validate(job: ValidationJob) -> tuple[str, Any]:
    from kg.errors import KGError
    from kg.validation import validate
    from kg.validation.report import report_view

    try:
        return ("ok", report_view(validate(list(job.sources), as_at=job.as_at)))
    except KGError as e:  # the user's input: rebuilt with its place in the web process
        where = (e.file, e.line, e.column, e.field)
        return ("input", (type(e).__module__, type(e).__name__, e.message, *where))
    except MemoryError:
        message = "the configuration needed more memory than the worker limit"
        return ("error", ("QueryMemoryError", message, None, None))
    except Exception as e:  # never leave the web process waiting
        message = f"internal error while validating ({type(e).__name__})"
        return ("error", ("EndpointError", message, None, None))


def _rebuild_input_error(data: tuple[Any, ...]) -> Exception:
    import importlib

    from kg.errors import KGError

    module, name, message, file, line, column, field = data
    cls = getattr(importlib.import_module(module), name, KGError)
    if not (isinstance(cls, type) and issubclass(cls, KGError)):
        cls = KGError
    return cls(message, file=file, line=line, column=column, field=field)


def _rebuild_error(data: tuple[str, str, int | None, int | None]) -> errors.EndpointError:
    name, message, line, column = data
    cls = getattr(errors, name, errors.EndpointError)
    if not (isinstance(cls, type) and issubclass(cls, errors.EndpointError)):
        cls = errors.EndpointError
    error = cls(message, line=line, column=column)
    if cls is errors.EndpointError:
        error.status = 500
    return error


def _vm_size_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


# ------------------------------------------------------------ the fork server


def zygote_main() -> None:
    """A fork server: a clean, single-threaded process that forks the workers.

    Started by :class:`WorkerPool` as ``python -c ...`` with its control socket as
    file descriptor ``KG_ZYGOTE_FD``. In ``memory`` mode it first loads the store
    into memory (the workers share it, copy-on-write). It then writes ``R`` (ready)
    and, for each ``spawn`` request, forks a worker and sends back the worker's pid
    and one end of a socket pair to talk to it.
    """
    fd = int(os.environ["KG_ZYGOTE_FD"])
    store_dir = os.environ["KG_ZYGOTE_STORE"]
    mode = os.environ.get("KG_ZYGOTE_MODE", "disk")
    memory_mb = int(os.environ.get("KG_ZYGOTE_MEMORY_MB", "0"))
    sandbox = os.environ.get("KG_ZYGOTE_SANDBOX", "1") == "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # No PR_SET_PDEATHSIG here: it fires when the *thread* that started us ends.
    # The control socket tells us when the web process has gone (EOF), and the
    # workers die with us (their PR_SET_PDEATHSIG refers to our only thread).
    network = _no_network() if sandbox else "not requested"
    control = socket.socket(fileno=fd)
    store: Any = None
    version: str | None = None
    if mode == "memory":
        try:
            store, version = open_for_serving(Path(store_dir), "memory")
        except (errors.EndpointError, OSError) as e:
            print(f"kg.endpoint: cannot load the store into memory: {e}", file=sys.stderr)
            return
    if os.environ.get("KG_ZYGOTE_PRELOAD") == "validation":
        # the shapes and the statute reference, once: the workers share them
        try:
            from kg.validation.validator import default_validator

            default_validator()
        except Exception as e:  # each worker will try again and report it
            print(f"kg.endpoint: cannot prepare validation: {e}", file=sys.stderr)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    try:
        control.sendall(b"R")
    except OSError:
        return
    while True:
        try:
            request = control.recv(16)
        except (OSError, InterruptedError):
            request = b""
        if not request:
            return  # the web process has gone
        if request != b"spawn":
            continue
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                control.close()
                ours.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _die_with_parent()
                _no_core_dumps()
                with contextlib.suppress(OSError):
                    os.nice(WORKER_NICE)
                _worker_loop(
                    Connection(theirs.detach()), store_dir, memory_mb, network, store, version
                )
            finally:
                os._exit(0)
        theirs.close()
        try:
            socket.send_fds(control, [pid.to_bytes(8, "little")], [ours.fileno()])
        except OSError:
            return
        finally:
            ours.close()


class _Zygote:
    """The web process's handle on one fork server."""

    def __init__(self, pool: WorkerPool, mode: str) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env.update(
            KG_ZYGOTE_FD=str(theirs.fileno()),
            KG_ZYGOTE_STORE=str(pool.store_dir),
            KG_ZYGOTE_MODE=mode,
            KG_ZYGOTE_MEMORY_MB=str(pool.memory_mb),
            KG_ZYGOTE_SANDBOX="1" if pool.sandbox else "0",
            KG_ZYGOTE_PRELOAD=pool.preload or "",
            RUST_BACKTRACE="0",
            PYTHONWARNINGS="ignore",
        )
        self.mode = mode
        self.version = os.path.realpath(pool.store_dir)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from kg.endpoint.workers import zygote_main; zygote_main()"],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
            close_fds=True,
        )
        theirs.close()
        self.control = ours
        self.lock = threading.Lock()
        self.workers = 0

    def wait_ready(self, timeout: float) -> bool:
        self.control.settimeout(timeout)
        try:
            return self.control.recv(1) == b"R"
        except OSError:
            return False

    def spawn(self, timeout: float) -> tuple[int, Connection]:
        with self.lock:
            if self.process.poll() is not None:
                raise errors.ServiceUnavailableError(
                    "a fork server of the query workers has stopped"
                )
            self.control.settimeout(timeout)
            try:
                self.control.sendall(b"spawn")
                data, fds, _flags, _addr = socket.recv_fds(self.control, 8, 1)
            except OSError as e:
                raise errors.ServiceUnavailableError(f"cannot start a query worker ({e})") from None
        if not fds:
            raise errors.ServiceUnavailableError("a fork server of the query workers has stopped")
        return int.from_bytes(data, "little"), Connection(fds[0])

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.control.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(5)


# ------------------------------------------------------------------ the pool


class _Worker:
    def __init__(self, pid: int, conn: Connection, zygote: _Zygote, generation: int) -> None:
        self.pid = pid
        self.conn = conn
        self.zygote = zygote
        self.generation = generation
        self.info: dict[str, Any] = {}

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
        sandbox: put the workers in a private network namespace when possible.
        long_after: seconds after which a running query counts as long: its
            worker leaves the pool (reniced, replaced at once).
        long_slots: long queries that may run at once; one more is stopped (503).
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
        sandbox: bool = True,
        long_after: float = 0.5,
        long_slots: int = 2,
        preload: str | None = None,
        what: str = "query",
        start_timeout: float = 60.0,
        load_timeout: float = 600.0,
    ) -> None:
        if mode not in STORE_MODES:
            raise ValueError(f"store mode must be one of {STORE_MODES}")
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
        self._long: set[_Worker] = set()  # running long queries, out of the pool
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._workers: set[_Worker] = set()
        self._disk: _Zygote | None = None
        self._memory: _Zygote | None = None
        self._loading: str | None = None  # the version being loaded into memory
        self._old: list[_Zygote] = []
        self._generation = 0
        self._version_checked = 0.0
        self.network: str | None = None
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
        )

    # -- lifecycle

    def start(self) -> None:
        """Start the workers (from disk) and wait until they are ready.

        In ``memory`` mode, the load into memory continues in the background.
        """
        with self._lock:
            if self._started:
                return
            self._started = True
        zygote = _Zygote(self, "disk")
        if not zygote.wait_ready(self.start_timeout):
            zygote.stop()
            log.error("the query workers' fork server did not start")
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
        if self.mode == "memory":
            self._load_in_background()

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
        zygote = _Zygote(self, "memory")
        if not zygote.wait_ready(self.load_timeout):
            zygote.stop()
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

    def _current_zygote(self) -> _Zygote | None:
        with self._lock:
            return self._memory if self._memory is not None else self._disk

    def _spawn(self, zygote: _Zygote, generation: int) -> _Worker:
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

    def _add_worker(self, zygote: _Zygote | None = None, generation: int | None = None) -> None:
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
            if self._closed:
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
        return bool(self.network and "namespace" in self.network)

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

    def run(self, job: Job | ValidationJob, timeout: float, wait: float | None = None) -> Any:
        """Run ``job`` in a worker, stopping it after ``timeout`` seconds.

        Returns the :class:`Rendered` result of a :class:`Job`, the report data of a
        :class:`ValidationJob`.

        Args:
            wait: how long to wait for a free worker (default: ``timeout``).

        Raises:
            QueryTimeoutError: stopped at the time limit (the worker was killed).
            QueryMemoryError: the worker died (memory limit or crash).
            ServiceUnavailableError: no worker became free in time.
            EndpointError: what the worker reported (syntax error, 406, ...).
        """
        self.ensure_started()
        self._check_version()
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + (timeout if wait is None else wait)
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
            try:
                worker.conn.send_bytes(payload)
            except (OSError, ValueError):
                self._replace(worker)  # died while idle: use another one
                failures += 1
                continue
            return self._await(worker, timeout)
        raise errors.ServiceUnavailableError("the query workers keep failing; see the server log")

    def _await(self, worker: _Worker, timeout: float) -> Any:
        started = time.monotonic()
        window = min(self.long_after, timeout)
        if not self._poll(worker, window):
            if timeout <= window:
                self._time_limit(worker, timeout)
            if not self._long_slots.acquire(blocking=False):
                self._replace(worker)
                log.warning("a long query was stopped: %d already running", self.long_slots)
                raise errors.ServiceUnavailableError(
                    f"the query was stopped after {window:g} s because {self.long_slots} long "
                    "queries are already running, the most at once; try again later, or "
                    "narrow it down (more specific patterns, LIMIT)"
                )
            self._detach(worker)
            try:
                if not self._poll(worker, timeout - (time.monotonic() - started)):
                    self._time_limit(worker, timeout)
                return self._reply(worker, started, keep=False)
            finally:
                self._long_slots.release()
        return self._reply(worker, started, keep=True)

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
            raise _rebuild_input_error(data)
        raise _rebuild_error(data)
