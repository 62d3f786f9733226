"""Area pages validate their example configurations once per build, area and date
(issue 13, item 7): a repeated request is served from the cache, a new build (the
store symlink pointing to another version) is validated afresh."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

from kg.browse import validation_status
from kg.config import SGD, Settings

AREA = SGD + "mappa-area-cumbria"
DAY = date(2017, 8, 1)


def test_example_validations_are_cached_per_build(real_store: Settings, tmp_path: Path) -> None:
    current = Path(os.path.realpath(real_store.store_dir))
    link = tmp_path / "store"
    link.symlink_to(current)
    settings = real_store.with_(store_dir=link)
    cache = validation_status._area_status
    cache.cache_clear()

    first = validation_status.area_status(settings, AREA, DAY)
    assert first and first[0]["configuration"] == "cumbria-2017"
    assert (cache.cache_info().hits, cache.cache_info().misses) == (0, 1)
    assert validation_status.area_status(settings, AREA, DAY) == first
    assert (cache.cache_info().hits, cache.cache_info().misses) == (1, 1)  # not validated again

    rebuilt = tmp_path / "store.v-next"  # what kg build publishes: the link moves
    shutil.copytree(current, rebuilt)  # the same data, so the same report (frame included)
    link.unlink()
    link.symlink_to(rebuilt)
    assert validation_status.area_status(settings, AREA, DAY) == first
    assert cache.cache_info().misses == 2  # validated again for the new build
