"""Shared fixtures.

Unit tests use the small Turtle fixtures in tests/fixtures/. The ``real_store``
fixture builds the repository's own ontology/ and data/ once per session.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kg.config import Settings
from kg.query import load_query, run_query
from kg.store import build_store, open_store
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


def _turtle(value: str) -> str:
    """A test's plain value as the Turtle term `--param` expects."""
    if value.startswith(("http://", "https://")):
        return f"<{value}>"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#date>'
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="session")
def cq(real_store: Settings) -> Callable[..., object]:
    """Run queries/<name>.rq; a list of {variable: value or None} rows, or a bool for ASK."""
    store = open_store(real_store)

    def run(name: str, **params: str) -> list[dict[str, str | None]] | bool:
        query = load_query(real_store.queries_dir / f"{name}.rq", real_store)
        result = run_query(store, query, {k: _turtle(v) for k, v in params.items()})
        if result.form == "ask":
            return bool(result.boolean)
        return [
            {
                var: (None if term is None else term.value)
                for var, term in zip(result.variables, row, strict=True)
            }
            for row in result.rows
        ]

    return run
