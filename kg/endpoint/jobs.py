"""The job protocol between the web process and a query worker.

What a job is (:class:`Job`, :class:`ValidationJob`), how a worker runs it
(:func:`run_job`, :func:`worker_loop`) and how its answer travels back: a pickled
``(tag, data)`` pair, errors as plain tuples rebuilt into the same exception class
in the web process (:func:`rebuild_error`, :func:`rebuild_input_error`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.config import PREFIXES
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
from kg.endpoint.sandbox import limit_memory, unlimit_memory
from kg.memory_dump import load_dump
from kg.query import split_sparql_error

DB_DIRNAME = "db"
MANIFEST_NAME = "manifest.json"
STORE_MODES = ("disk", "memory")


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
    store_dir: str | None = None  # where the area's frame is read (the server's store)


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


def open_for_serving(store_dir: Path, mode: str = "disk") -> tuple[Any, str]:
    """Open the store version ``store_dir`` points to; return it and its real path.

    ``disk``: pyoxigraph's RocksDB store opened read-only (20-60 ms). ``memory``: the
    quads in an in-memory store (queries then run 2-5 times faster), loaded from the
    dump the build wrote beside the database (:mod:`kg.memory_dump`), or, without a
    usable one, copied out of the database (several times slower: at 1M quads 10 s
    more). Either way pyoxigraph's load gives blank nodes new labels: the copy is the
    store up to those (a SPARQL answer's blank node labels are its own anyway).
    """
    version = os.path.realpath(store_dir)
    db = Path(version) / DB_DIRNAME
    if not db.is_dir() or not (Path(version) / MANIFEST_NAME).is_file():
        raise errors.ServiceUnavailableError("no built store: run `kg build` first")
    if mode == "memory":
        memory, why_not = load_dump(Path(version))
        if memory is not None:
            return memory, version
        print(f"kg.endpoint: loading from the database: {why_not}", file=sys.stderr)
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
            memory.load(path=dump.name, format=ox.RdfFormat.N_QUADS, lenient=True)
        return memory, version
    return disk, version


def _error_tuple(e: errors.EndpointError) -> tuple[str, str, int | None, int | None]:
    return (type(e).__name__, e.message, e.line, e.column)


def worker_loop(
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
    limit_memory(memory_mb)
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
                    unlimit_memory()  # while opening the new version
                    try:
                        store, version = open_for_serving(Path(store_dir), "disk")
                    except OSError as e:
                        raise errors.ServiceUnavailableError(
                            f"cannot open the store: {e}"
                        ) from None
                    finally:
                        limit_memory(memory_mb)
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
        return (
            "ok",
            report_view(validate(list(job.sources), as_at=job.as_at, store_dir=job.store_dir)),
        )
    except KGError as e:  # the user's input: rebuilt with its place in the web process
        where = (e.file, e.line, e.column, e.field)
        return ("input", (type(e).__module__, type(e).__name__, e.message, *where))
    except MemoryError:
        message = "the configuration needed more memory than the worker limit"
        return ("error", ("QueryMemoryError", message, None, None))
    except Exception as e:  # never leave the web process waiting
        message = f"internal error while validating ({type(e).__name__})"
        return ("error", ("EndpointError", message, None, None))


def rebuild_input_error(data: tuple[Any, ...]) -> Exception:
    import importlib

    from kg.errors import KGError

    module, name, message, file, line, column, field = data
    cls = getattr(importlib.import_module(module), name, KGError)
    if not (isinstance(cls, type) and issubclass(cls, KGError)):
        cls = KGError
    return cls(message, file=file, line=line, column=column, field=field)


def rebuild_error(data: tuple[str, str, int | None, int | None]) -> errors.EndpointError:
    name, message, line, column = data
    cls = getattr(errors, name, errors.EndpointError)
    if not (isinstance(cls, type) and issubclass(cls, errors.EndpointError)):
        cls = errors.EndpointError
    error = cls(message, line=line, column=column)
    if cls is errors.EndpointError:
        error.status = 500
    return error
