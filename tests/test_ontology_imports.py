"""The imported vocabularies: local, recorded, and faithfully reduced to a module.

The build reasons over a bottom-locality module of the imports (kg/reason.py). The
last tests check that module against the whole vocabularies with HermiT itself: over
the ontology, the data and every imported file whole, HermiT reaches the same verdict
as the gate does over the module (for the repository's data, and for data that clashes
with PROV-O).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import SG, Settings
from kg.errors import InconsistentOntologyError
from kg.load import load_inputs, without_imports
from kg.reason import (
    _gate_failure,
    _hermit_command,
    locality_module,
    read_catalog,
    reasoning_input,
    resolve_imports,
    run_hermit,
)
from tests.helpers import REPO, require_java
from tests.test_reason import PROV_CLASH_DATA, PROV_CLASH_ONTOLOGY

IMPORTS = REPO / "ontology" / "imports"
CATALOG = REPO / "ontology" / "catalog-v001.xml"
README = IMPORTS / "README.md"


def test_every_local_copy_is_recorded_with_its_source_licence_and_checksum() -> None:
    text = README.read_text(encoding="utf-8")
    recorded = dict(
        (name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", text, re.M)
    )
    files = sorted(p.name for p in IMPORTS.iterdir() if p.name != "README.md")
    assert sorted(recorded) == files
    for name in files:
        assert hashlib.sha256((IMPORTS / name).read_bytes()).hexdigest() == recorded[name], name
        row = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
        source, licence = row.split(" | ")[3:5]
        assert source.strip() and licence.strip(" |"), name


def test_catalogue_maps_only_to_files_in_the_imports_folder() -> None:
    entries = read_catalog(CATALOG)
    assert entries
    assert {p.parent for p in entries.values()} == {IMPORTS}
    assert {p.name for p in entries.values()} == {
        p.name for p in IMPORTS.iterdir() if p.name != "README.md"
    }


def test_the_eli_excerpt_covers_every_eli_term_the_project_uses() -> None:
    """ELI is an excerpt (README.md): it must define each ELI term the project uses."""
    eli = "http://data.europa.eu/eli/ontology#"
    used = {
        term.value
        for t in load_inputs(Settings.for_home(REPO)).triples()
        for term in (t.subject, t.predicate, t.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(eli) and term.value != eli
    }
    assert used == {eli + "LegalResource", eli + "LegalResourceSubdivision"}
    excerpt = [q.triple for q in ox.parse((IMPORTS / "eli-1.5-excerpt.ttl").read_bytes(),
                                          format=ox.RdfFormat.TURTLE)]  # fmt: skip
    declared = {
        t.subject.value
        for t in excerpt
        if t.predicate.value.endswith("#type") and isinstance(t.subject, ox.NamedNode)
    }
    assert used <= declared


def test_module_is_small_and_reaches_the_vocabularies_the_ontology_extends() -> None:
    triples = list(load_inputs(Settings.for_home(REPO)).triples())
    closure = resolve_imports(triples, read_catalog(CATALOG))
    whole = sum(len(f.triples) for f in closure.files)
    _, _, module = reasoning_input(triples, CATALOG)
    assert len(module.triples) < whole / 10
    reached = {path.name for path in module.sources.values()}
    assert reached >= {"prov.nq", "org.nq", "skos.nq", "foaf.nq", "eli-1.5-excerpt.ttl"}
    # what OWL 2 DL cannot say is left out, and the build can tell which
    dropped = {(t.subject.value, t.predicate.value) for t in module.dropped}
    assert ("http://xmlns.com/foaf/0.1/name",
            "http://www.w3.org/2000/01/rdf-schema#subPropertyOf") in dropped  # fmt: skip


def _whole_imports_verdict(triples: list[ox.Triple], tmp_path: Path) -> str | None:
    """HermiT -k over the input and every imported file whole (not OWL 2 DL as a whole,
    hence the escape hatch for its datatypes)."""
    closure = resolve_imports(triples, read_catalog(CATALOG))
    union = list(dict.fromkeys([*without_imports(triples), *without_imports(closure.triples())]))
    path = tmp_path / "whole.nt"
    path.write_bytes(ox.serialize(union, format=ox.RdfFormat.N_TRIPLES))
    run = subprocess.run(
        _hermit_command(2000, path, "-k", "--ignoreUnsupportedDatatypes"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return _gate_failure(run.returncode, run.stdout + run.stderr)


def _module_verdict(triples: list[ox.Triple], tmp_path: Path) -> str | None:
    union, _, _ = reasoning_input(triples, CATALOG)
    path = tmp_path / "module.nt"
    path.write_bytes(ox.serialize(union, format=ox.RdfFormat.N_TRIPLES))
    run = subprocess.run(
        _hermit_command(2000, path, "-k"), capture_output=True, text=True, timeout=600
    )
    return _gate_failure(run.returncode, run.stdout + run.stderr)


@pytest.mark.java
def test_module_and_whole_imports_agree_on_a_clash_with_prov_o(tmp_path: Path) -> None:
    require_java()
    triples = [q.triple for q in ox.parse(PROV_CLASH_ONTOLOGY + PROV_CLASH_DATA,
                                          format=ox.RdfFormat.TURTLE)]  # fmt: skip
    assert _module_verdict(triples, tmp_path) == "inconsistent"
    assert _whole_imports_verdict(triples, tmp_path) == "inconsistent"


@pytest.mark.java
def test_module_and_whole_imports_agree_on_the_repository(tmp_path: Path) -> None:
    """Over the ontology, every imported file whole and all the data: consistent, as the
    build's gate finds over the module."""
    require_java()
    triples = list(load_inputs(Settings.for_home(REPO)).triples())
    assert _whole_imports_verdict(triples, tmp_path) is None


def test_locality_module_is_empty_for_an_empty_signature() -> None:
    closure = resolve_imports(
        [q.triple for q in ox.parse(PROV_CLASH_ONTOLOGY, format=ox.RdfFormat.TURTLE)],
        read_catalog(CATALOG),
    )
    module = locality_module(closure, set())
    # PROV has no individuals and no axiom that holds for an empty signature
    assert [t for t in module.triples if not t.predicate.value.endswith("#type")] == []


@pytest.mark.java
def test_the_old_parent_of_sg_source_fails_the_gate_on_the_repository() -> None:
    """What issue 15 found: with sg:source under prov:wasDerivedFrom again, the real
    PROV-O makes the data inconsistent (a meeting with a source), and the build says
    which triples."""
    require_java()
    triples = list(load_inputs(Settings.for_home(REPO)).triples())
    triples.append(
        ox.Triple(
            ox.NamedNode(SG + "source"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf"),
            ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
        )
    )
    with pytest.raises(InconsistentOntologyError) as info:
        run_hermit(triples, catalog=CATALOG, infer_property_values=False)
    assert "rdf:type sg:Meeting ." in info.value.detail
    assert " sg:source " in info.value.detail
    assert "prov:Activity owl:disjointWith prov:Entity in prov.nq" in info.value.detail
