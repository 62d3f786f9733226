"""Shared fixtures.

Unit tests use the small Turtle fixtures in tests/fixtures/. The ``real_store``
fixture builds the repository's own ontology/ and data/ once per session.
"""

from __future__ import annotations

import pytest

from kg.config import Settings
from kg.store import build_store
from tests.helpers import REPO, fixture_settings, require_java


@pytest.fixture(scope="session")
def basic_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The kg-basic fixture, built once (with HermiT)."""
    require_java()
    settings = fixture_settings("kg-basic", tmp_path_factory.mktemp("basic") / "store")
    build_store(settings)
    return settings


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The repository's own ontology/ and data/, built once into a temp dir."""
    require_java()
    settings = Settings.for_home(REPO, store_dir=tmp_path_factory.mktemp("real") / "store")
    build_store(settings)
    return settings
