"""A damaged store is detected when `kg serve` starts, with a message naming the file.

Each case copies a real build, damages one part of it the way disks and people do
(a truncated file, flipped bytes, a deleted file, an unreadable manifest), then
starts `kg serve` on it: the server must refuse to start, exit 3, say which file
is wrong and how to recover (`kg build`), and print no traceback. A corrupt data
file is the build's concern: see tests/test_store.py (the previous store is kept).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import StoreCorruptError
from kg.store import DB_DIRNAME, MANIFEST_NAME, verify_store
from tests.helpers import kg_env


def _largest_sst(db: Path) -> Path:
    return max(db.glob("*.sst"), key=lambda p: p.stat().st_size)


def _truncate(store: Path) -> str:
    sst = _largest_sst(store / DB_DIRNAME)
    with sst.open("r+b") as f:
        f.truncate(1000)
    return sst.name


def _flip_bytes(store: Path) -> str:
    # the same size, a block of zeros in the middle: RocksDB itself does not
    # notice until a query reads that block
    sst = _largest_sst(store / DB_DIRNAME)
    with sst.open("r+b") as f:
        f.seek(sst.stat().st_size // 2)
        f.write(b"\0" * 4096)
    return sst.name


def _delete_current(store: Path) -> str:
    (store / DB_DIRNAME / "CURRENT").unlink()
    return "CURRENT"


def _garble_manifest(store: Path) -> str:
    (store / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    return MANIFEST_NAME


def _drop_checksums(store: Path) -> str:
    path = store / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["db_files"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return "checksums"


DAMAGE: dict[str, Callable[[Path], str]] = {
    "truncated table file": _truncate,
    "zeroed block": _flip_bytes,
    "deleted CURRENT": _delete_current,
    "unreadable manifest": _garble_manifest,
    "manifest without checksums": _drop_checksums,
}


@pytest.fixture
def copy_of(basic_store: Settings, tmp_path: Path) -> Settings:
    store = tmp_path / "store"
    shutil.copytree(basic_store.store_dir.resolve(), store)
    return basic_store.with_(store_dir=store)


def test_an_intact_store_verifies(copy_of: Settings) -> None:
    manifest = verify_store(copy_of)
    assert set(manifest["db_files"]) == {p.name for p in (copy_of.store_dir / DB_DIRNAME).iterdir()}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_store_is_refused_at_start(
    copy_of: Settings, damage: Callable[[Path], str]
) -> None:
    named = damage(copy_of.store_dir)
    with pytest.raises(StoreCorruptError, match="kg build"):
        verify_store(copy_of)
    result = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--port", "0"],
        env=kg_env(copy_of),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert named in output and "kg build" in output, output
    assert "Traceback" not in output and "internal error" not in output, output
