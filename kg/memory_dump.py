"""The store as N-Quads beside it, for ``kg serve`` to load into memory quickly.

``kg serve`` (``store_mode = memory``) holds a copy of the store in an in-memory
pyoxigraph store. Reading the quads back out of RocksDB took longer than inserting
them (at 1M generated quads, 10 s to dump and 4.5 s to load; bench/coldstart_bench.py),
so the build writes that dump once, beside the database in the same version folder,
and records its size and SHA-256 in the manifest. The server loads it in Rust (no
Python object per quad), checking the checksum in a second thread meanwhile, and uses
the copy only if the checksum matches: a damaged or foreign dump is never served;
the server then loads from the database as before.

The dump is RocksDB's own N-Quads serialisation, so the copy has the same quads in the
same order as loading from the database (the default graph in one run, then each
named graph in one run: ``kg.dataset``). This module imports nothing heavy: the fork
server imports it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

DUMP_NAME = "memory.nq"
#: The manifest's entry for the dump (file, bytes, sha256).
MANIFEST_KEY = "memory_dump"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_dump(db: Path, path: Path) -> dict[str, Any]:
    """Dump the closed database ``db`` to ``path`` (N-Quads); return the manifest entry."""
    store = ox.Store.read_only(str(db))
    store.dump(str(path), format=ox.RdfFormat.N_QUADS)
    del store
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def load_dump(version: Path) -> tuple[ox.Store | None, str]:
    """The version's dump loaded into a new in-memory store, or ``None`` and why not.

    ``version`` is a store version folder (``build/store.v-<stamp>``). The checksum is
    computed while the store loads (the load runs in Rust without the GIL), so a good
    dump costs only the load; a dump whose size or checksum differs from the manifest
    is not used.
    """
    try:
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return None, f"cannot read the manifest: {e}"
    entry = manifest.get(MANIFEST_KEY) if isinstance(manifest, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        return None, "the build wrote no dump (built by an older version)"
    path = version / os.path.basename(entry["file"])
    try:
        size = path.stat().st_size
    except OSError as e:
        return None, f"cannot read {path.name}: {e.strerror}"
    if size != entry.get("bytes"):
        return None, f"{path.name} has {size} bytes, not the {entry.get('bytes')} the build wrote"
    digest: list[str] = []
    checking = threading.Thread(target=lambda: digest.append(sha256_file(path)), daemon=True)
    checking.start()
    store = ox.Store()
    try:
        # lenient: the dump is Oxigraph's own serialisation of data it validated on
        # the way in; skipping the IRI checks makes the load about a quarter faster
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)
    except (SyntaxError, ValueError, OSError) as e:
        checking.join()
        return None, f"cannot load {path.name}: {e}"
    checking.join()
    if digest != [entry.get("sha256")]:
        return None, f"{path.name} has changed since the build (checksum mismatch)"
    return store, ""
