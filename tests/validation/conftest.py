"""Fixtures for the validation tests.

``validator`` judges configurations against the real ontology, the real kinds and
areas (data/vocabulary.ttl, data/areas.ttl) and a frozen snapshot of the statutory
role assignments (fixtures/reference/statute.ttl), so that these tests do not move
when the statute graphs are edited. ``real_validator`` uses the repository's data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.validation import Validator
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
        reference=reference, shapes=load_shapes(sorted((REPO / "shapes").glob("*.ttl")))
    )


@pytest.fixture(scope="session")
def real_validator() -> Validator:
    return Validator(reference=default_reference(REPO))
