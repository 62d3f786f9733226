"""Build the on-disk pyoxigraph store atomically, and open it.

Layout, for the default ``store_dir`` of ``build/store``::

    build/store              symlink to the current complete version
    build/store.v-<stamp>/   a complete version: db/ (pyoxigraph) + manifest.json,
                             memory.nq (kg.memory_dump), the read model, the search index
    build/store.tmp-<pid>/   a build in progress (removed on failure)
    build/store.lock         held (flock) by the running build

A build writes everything into ``store.tmp-<pid>``, renames it to
``store.v-<stamp>`` once it is complete, then atomically replaces the
``store`` symlink (``rename(2)`` of a new symlink over the old one). Whenever
the build is interrupted, ``build/store`` is either the previous complete store
or the new complete one. Older versions are pruned, except (by default, see
``Settings.keep_previous_version``) the previously published one, so that a
running server can finish reading the version it has open.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.checks import load_checks, locate, raise_for_problems, run_checks
from kg.config import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, Settings
from kg.dataset import COUNT_DEFAULT_GRAPH, with_default_graph
from kg.errors import BuildLockedError, StoreCorruptError, StoreMissingError
from kg.load import load_inputs
from kg.memory_dump import DUMP_NAME, MANIFEST_KEY, write_dump
from kg.rules import apply_rules, load_rules

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

MANIFEST_NAME = "manifest.json"
DB_DIRNAME = "db"
# 2: the default graph holds each distinct triple once (kg.dataset)
MANIFEST_FORMAT = 2

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


def _data_file(settings: Settings) -> Callable[[str], Path | None]:
    """The path of a data file a problem names (``data/<stem>.ttl``)."""

    def resolve(name: str) -> Path | None:
        if name.startswith("data/"):
            return settings.data_dir / name[len("data/") :]
        return None

    return resolve


def _sibling(store_dir: Path, suffix: str) -> Path:
    return store_dir.with_name(store_dir.name + suffix)


@dataclass
class BuildResult:
    store_dir: Path
    version_dir: Path
    manifest: dict[str, Any]


# --------------------------------------------------------------------------- build


@contextlib.contextmanager
def _build_lock(store_dir: Path) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock_path = _sibling(store_dir, ".lock")
    with lock_path.open("a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLockedError(
                f"another `kg build` is running (it holds {lock_path}); try again later"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_leftovers(store_dir: Path) -> None:
    """Remove temp dirs and links of killed builds (we hold the lock, so they are stale)."""
    for pattern in (".tmp-*", ".link-*"):
        for path in store_dir.parent.glob(store_dir.name + pattern):
            if path.is_symlink() or path.is_file():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _swap_in(store_dir: Path, version_dir: Path) -> None:
    """Atomically point ``store_dir`` (a symlink) at ``version_dir``."""
    tmp_link = _sibling(store_dir, f".link-{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    os.symlink(version_dir.name, tmp_link)  # relative: the build folder may move
    if store_dir.is_dir() and not store_dir.is_symlink():
        # A plain directory (made by hand or an older layout) cannot be replaced
        # atomically by a symlink: move it aside first (one-off, not atomic).
        os.rename(store_dir, _sibling(store_dir, f".v-0-legacy-{os.getpid()}"))
    os.replace(tmp_link, store_dir)
    _fsync_dir(store_dir.parent)


def _prune_versions(store_dir: Path, keep: Path | None) -> list[Path]:
    """Delete every version but the current one and ``keep``.

    This also removes versions of killed builds that were never published.
    """
    current = Path(os.path.realpath(store_dir))
    kept = {current} | ({keep.resolve()} if keep is not None else set())
    doomed = [
        p
        for p in store_dir.parent.glob(store_dir.name + ".v-*")
        if p.is_dir() and p.resolve() not in kept
    ]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return doomed


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def db_checksums(db: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file of a closed database directory.

    A published version is only ever opened read-only, which leaves its files
    byte for byte as the build wrote them, so these sums tell damage on disk.
    """
    sums = {}
    for path in sorted(db.iterdir()):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            sums[path.name] = {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}
    return sums


def verify_store(settings: Settings) -> dict[str, Any]:
    """Check the current store version against its manifest before serving it.

    Returns the manifest.

    Raises:
        StoreMissingError: nothing has been built yet.
        StoreCorruptError: a database file is missing, truncated or changed, or
            the manifest is unreadable; the message names the file.
    """
    # one version throughout, even if a build publishes another meanwhile
    version = settings.with_(store_dir=Path(os.path.realpath(settings.store_dir)))
    manifest = read_manifest(version)
    if manifest.get("format", 1) < MANIFEST_FORMAT:
        raise StoreCorruptError(
            f"the store at {settings.relative(settings.store_dir)} was built by an older "
            "version (its default graph is not the set of the named graphs' triples); "
            "rebuild it with `kg build`"
        )
    expected = manifest.get("db_files")
    db = version.store_dir / DB_DIRNAME
    where = settings.relative(settings.store_dir / DB_DIRNAME)
    if not isinstance(expected, dict):
        raise StoreCorruptError(
            f"the store at {settings.relative(settings.store_dir)} has no file checksums "
            "(built by an older version); rebuild it with `kg build`"
        )
    actual = db_checksums(db) if db.is_dir() else {}
    for name, want in expected.items():
        got = actual.get(name)
        if got is None:
            problem = "is missing"
        elif got["bytes"] != want.get("bytes"):
            problem = f"has {got['bytes']} bytes, not the {want.get('bytes')} the build wrote"
        elif got["sha256"] != want.get("sha256"):
            problem = "has changed since the build (checksum mismatch)"
        else:
            continue
        raise StoreCorruptError(
            f"the store is damaged: {where}/{name} {problem}; rebuild it with `kg build`"
        )
    open_store(version)  # and the engine opens it
    return manifest


def quad_counts(store: ox.Store) -> dict[str, int]:
    """Number of quads in each named graph (IRI -> count), sorted by graph."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    return {str(row["g"].value): int(row["n"].value) for row in store.query(query)}


def write_db(quads: Iterable[ox.Quad], db: Path) -> tuple[dict[str, int], int]:
    """Bulk-load ``quads`` (named graphs) into a new database at ``db``, with the
    default graph holding each distinct triple once (:mod:`kg.dataset`), and close it.

    Returns the quads per named graph and the triples of the default graph.
    """
    disk = ox.Store(str(db))
    disk.bulk_extend(with_default_graph(quads))
    counts = quad_counts(disk)
    default_triples = int(next(iter(disk.query(COUNT_DEFAULT_GRAPH)))["n"].value)  # type: ignore[index]
    disk.flush()
    del disk  # closes the database: its files are final from here on
    return counts, default_triples


def build_store(settings: Settings, progress: Progress = _quiet) -> BuildResult:
    """Parse, reason, load, apply the rules and publish a new store version.

    Raises:
        KGError: any input, reasoning or rule problem; the published store
            (if any) is left untouched.
    """
    started = time.perf_counter()
    durations: dict[str, float] = {}
    store_dir = settings.store_dir
    store_dir.parent.mkdir(parents=True, exist_ok=True)

    with _build_lock(store_dir):
        _remove_leftovers(store_dir)

        t = time.perf_counter()
        inputs = load_inputs(settings)
        durations["parse"] = time.perf_counter() - t
        n_onto = sum(1 for f in inputs.files if f.source.kind == "ontology")
        progress(
            f"parsed {n_onto} ontology and {len(inputs.files) - n_onto} data files, "
            f"{inputs.triple_count} triples ({durations['parse']:.2f} s)"
        )
        if not inputs.files:
            progress(
                f"warning: no *.ttl files in {settings.relative(settings.ontology_dir)}/ "
                f"or {settings.relative(settings.data_dir)}/"
            )

        rules = load_rules(settings.rules_dir, settings.relative)
        checks = load_checks(settings.checks_dir, settings.relative) + load_checks(
            settings.integrity_dir, settings.relative
        )

        reasoner: dict[str, Any] = {"enabled": settings.reason}
        inferred_by_reasoner: list[ox.Triple] = []
        if settings.reason and inputs.triple_count:
            from kg.reason import run_hermit

            progress("checking consistency with HermiT ...")
            result = run_hermit(
                inputs.triples(),
                infer_property_values=settings.infer_property_values,
                java_memory_mb=settings.java_memory_mb,
            )
            durations["reason"] = result.total_seconds
            inferred_by_reasoner = result.inferred
            reasoner.update(
                consistent=True,
                hermit_seconds=round(result.hermit_seconds, 3),
                infer_property_values=result.infer_property_values,
                unsatisfiable_classes=result.unsatisfiable,
            )
            progress(
                f"consistent; HermiT inferred {len(result.inferred)} triples "
                f"({result.hermit_seconds:.2f} s in HermiT, {result.total_seconds:.2f} s in all)"
            )
            if result.unsatisfiable:
                progress(
                    "warning: unsatisfiable classes (they can have no members): "
                    + ", ".join(result.unsatisfiable)
                )
        elif not settings.reason:
            progress("skipped the HermiT consistency check (reasoning disabled)")

        tmp_dir = _sibling(store_dir, f".tmp-{os.getpid()}")
        try:
            tmp_dir.mkdir()
            # rules and checks run in memory (about three times faster than on disk, and
            # the graph is small); the result is written to disk in one bulk load below
            store = ox.Store()

            t = time.perf_counter()
            store.bulk_extend(inputs.quads())
            inferred_graph = ox.NamedNode(INFERRED_GRAPH)
            new_inferred = [
                tr
                for tr in dict.fromkeys(inferred_by_reasoner)
                if next(store.quads_for_pattern(tr.subject, tr.predicate, tr.object), None) is None
            ]
            store.extend(
                ox.Quad(tr.subject, tr.predicate, tr.object, inferred_graph) for tr in new_inferred
            )
            durations["load"] = time.perf_counter() - t
            progress(f"loaded the store ({durations['load']:.2f} s)")

            rules_report = apply_rules(
                store,
                rules,
                INFERRED_GRAPH,
                settings.max_rule_iterations,
                progress,
            )
            durations["rules"] = rules_report.seconds
            progress(
                f"applied {len(rules)} rules to a fixpoint in {rules_report.iterations} rounds: "
                f"{rules_report.added} new triples ({rules_report.seconds:.2f} s)"
            )

            t = time.perf_counter()
            problems = run_checks(store, checks)
            durations["checks"] = time.perf_counter() - t
            raise_for_problems(locate(problems, _data_file(settings), PREFIXES))
            progress(
                f"passed {len(checks)} data checks and integrity rules "
                f"({durations['checks']:.2f} s)"
            )

            # the search index goes into the same version folder, so it is published
            # (and pruned) with the store it indexes
            from kg.browse.search_build import INDEX_NAME, write_index

            t = time.perf_counter()
            built_at = datetime.now(UTC).isoformat(timespec="seconds")
            search_index = write_index(store, settings, tmp_dir / INDEX_NAME, built_at)
            durations["search_index"] = time.perf_counter() - t
            progress(
                f"indexed {search_index['documents']} resources for search "
                f"({durations['search_index']:.2f} s)"
            )

            t = time.perf_counter()
            counts, default_triples = write_db(
                store.quads_for_pattern(None, None, None, None), tmp_dir / DB_DIRNAME
            )
            del store
            durations["write"] = time.perf_counter() - t

            # what kg serve loads into memory, read out of RocksDB once here rather
            # than at every start (kg.memory_dump)
            t = time.perf_counter()
            memory_dump = write_dump(tmp_dir / DB_DIRNAME, tmp_dir / DUMP_NAME)
            durations["memory_dump"] = time.perf_counter() - t

            # the web pages' read model too, read from the database as written (with
            # its default graph, as kg serve reads it): kg serve reads it back in a
            # fifth of the time it takes to query every statement (docs/performance.md)
            from kg.browse.catalog import SNAPSHOT_NAME, load_catalog, save_snapshot

            t = time.perf_counter()
            written = ox.Store.read_only(str(tmp_dir / DB_DIRNAME))
            save_snapshot(load_catalog(written, settings), settings, tmp_dir / SNAPSHOT_NAME)
            del written
            durations["read_model"] = time.perf_counter() - t
            durations["total"] = time.perf_counter() - started

            manifest = {
                "format": MANIFEST_FORMAT,
                "built_at": built_at,
                "kg_version": __version__,
                "python": platform.python_version(),
                "pyoxigraph": ox.__version__,
                "inputs": [
                    {
                        "path": settings.relative(f.source.path),
                        "graph": f.source.graph,
                        "sha256": f.sha256,
                        "bytes": f.size,
                        "triples": len(f.triples),
                    }
                    for f in inputs.files
                ],
                "rules": {
                    "files": [settings.relative(r.path) for r in rules],
                    "iterations": rules_report.iterations,
                    "added": rules_report.added,
                    "added_by_rule": rules_report.added_by_rule,
                },
                "reasoner": {**reasoner, "inferred_added": len(new_inferred)},
                "graphs": counts,
                "total_quads": sum(counts.values()),
                "default_graph_triples": default_triples,
                "db_files": db_checksums(tmp_dir / DB_DIRNAME),
                MANIFEST_KEY: memory_dump,
                "search_index": search_index,
                "durations_seconds": {k: round(v, 3) for k, v in durations.items()},
            }
            manifest_path = tmp_dir / MANIFEST_NAME
            with manifest_path.open("w", encoding="utf-8") as f:
                json.dump(manifest, f, indent=2, sort_keys=False)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())

            previous = Path(os.path.realpath(store_dir)) if store_dir.is_symlink() else None
            version_dir = _sibling(store_dir, f".v-{_timestamp()}")
            os.rename(tmp_dir, version_dir)
            _swap_in(store_dir, version_dir)
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise

        _prune_versions(store_dir, previous if settings.keep_previous_version else None)
    progress(f"published {settings.relative(store_dir)} ({durations['total']:.2f} s in all)")
    return BuildResult(store_dir=store_dir, version_dir=version_dir, manifest=manifest)


# ---------------------------------------------------------------------------- read


def _missing(settings: Settings) -> StoreMissingError:
    return StoreMissingError(
        f"no built store at {settings.relative(settings.store_dir)}; run `kg build`"
    )


def read_manifest(settings: Settings) -> dict[str, Any]:
    """The manifest of the current store version."""
    path = settings.store_dir / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _missing(settings) from None
    except (OSError, ValueError) as e:
        raise StoreCorruptError(
            f"cannot read the store manifest {settings.relative(path)}: {e}; "
            "rebuild it with `kg build`"
        ) from None


def open_store(settings: Settings, read_only: bool = True) -> ox.Store:
    """Open the current store version.

    Args:
        read_only: open with ``Store.read_only`` (the default). Never write to a
            published version: readers may have it open.

    Raises:
        StoreMissingError: nothing has been built yet.
    """
    db = settings.store_dir / DB_DIRNAME
    if not db.is_dir() or not (settings.store_dir / MANIFEST_NAME).is_file():
        raise _missing(settings)
    try:
        return ox.Store.read_only(str(db)) if read_only else ox.Store(str(db))
    except (OSError, RuntimeError) as e:  # RuntimeError: RocksDB reports corruption
        raise StoreCorruptError(
            f"cannot open the store at {settings.relative(db)}: {e}; rebuild it with `kg build`"
        ) from None


class StoreReader:
    """A thread-safe, cached read-only handle on the current store version.

    Reopens automatically when a new build has been published, so a long-running
    server serves the newest data without a restart.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._version: str | None = None
        self._store: ox.Store | None = None
        self._manifest: dict[str, Any] = {}

    def get(self) -> tuple[ox.Store, dict[str, Any]]:
        version = os.path.realpath(self.settings.store_dir)
        with self._lock:
            if self._store is None or version != self._version:
                store = open_store(self.settings)
                manifest = read_manifest(self.settings)
                self._store, self._manifest, self._version = store, manifest, version
            return self._store, self._manifest


def store_summary(reader: StoreReader) -> dict[str, Any]:
    """Quads per named graph (read from the store) and build facts, for display."""
    store, manifest = reader.get()
    counts = quad_counts(store)
    return {
        "graphs": [{"graph": g, "quads": n} for g, n in counts.items()],
        "total_quads": sum(counts.values()),
        "built_at": manifest.get("built_at"),
        "ontology_graph": ONTOLOGY_GRAPH,
        "inferred_graph": INFERRED_GRAPH,
    }
