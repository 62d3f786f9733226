"""Fixtures for the validation tests.

``validator`` judges configurations against the real ontology, the real kinds and
areas (data/vocabulary.ttl, data/areas.ttl) and a frozen snapshot of the statutory
role assignments (fixtures/reference/statute.ttl), so that these tests do not move
when the statute graphs are edited; it runs the shapes only. ``real_validator`` uses
the repository's data, and compares with the statutory frame of a store built from
it (``frame_store``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Settings
from kg.store import build_store
from kg.validation import Validator
from kg.validation.frame import StoreFrame
from kg.validation.reference import Reference, default_reference
from kg.validation.shapes import load_shapes

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def reference() -> Reference:
    return Reference.from_files(
        sorted((REPO / "ontology").glob("*.ttl")),
        [
            REPO / "data" / "vocabulary.ttl",
            REPO / "data" / "areas.ttl",
            FIXTURES / "reference" / "statute.ttl",
        ],
    )


@pytest.fixture(scope="session")
def validator(reference: Reference) -> Validator:
    return Validator(
        reference=reference,
        shapes=load_shapes(sorted((REPO / "shapes").glob("*.ttl"))),
        frame=False,
    )


@pytest.fixture(scope="session")
def frame_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the repository's data, for the statutory frame. Built without
    HermiT: the rules derive the same frame (and a consistency problem elsewhere in the
    ontology is the business of the build tests, not of these)."""
    settings = Settings.for_home(
        REPO, store_dir=tmp_path_factory.mktemp("frame") / "store", reason=False
    )
    build_store(settings)
    return settings.store_dir


@pytest.fixture(scope="session")
def real_validator(frame_store: Path) -> Validator:
    return Validator(reference=default_reference(REPO), frame=StoreFrame(frame_store))
