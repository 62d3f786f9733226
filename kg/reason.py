"""Consistency check and OWL inferences with HermiT (through owlready2, needs Java).

The union of the ontology and data is written as N-Triples, without any
``owl:imports`` triple, to a private temporary directory and loaded into a fresh
in-memory ``owlready2.World``; owlready2 therefore never fetches anything.
HermiT then checks consistency, classifies the classes and realises the
individuals. Its conclusions (most specific class of each individual, subsumptions
between named classes and, optionally, object property values) are returned as
triples for the ``inferred`` graph.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import InconsistentOntologyError, ReasonerError, ReasonerUnavailableError
from kg.load import without_imports
from kg.terms import compact, compact_iri

if TYPE_CHECKING:
    import owlready2

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL_NOTHING = OWL + "Nothing"
_OWL_THING = OWL + "Thing"
_KEPT_PREDICATES = {
    RDF + "type",
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
}
_INSTALL_JAVA = (
    "the HermiT reasoner needs a Java runtime, and `{java}` was not found on PATH; "
    "install one (e.g. `apt-get install default-jre-headless`) "
    "or skip the check with `kg build --no-reason`"
)


@dataclass
class ReasonerResult:
    """What HermiT concluded."""

    inferred: list[ox.Triple] = field(default_factory=list)
    #: named classes equivalent to owl:Nothing (they can have no members)
    unsatisfiable: list[str] = field(default_factory=list)
    #: wall-clock seconds of the HermiT run (Java start-up included)
    hermit_seconds: float = 0.0
    #: wall-clock seconds of the whole step (serialisation and owlready2 load too)
    total_seconds: float = 0.0
    infer_property_values: bool = False


def java_executable() -> str:
    """The Java command owlready2 will run, or raise ReasonerUnavailableError."""
    import owlready2

    java = owlready2.JAVA_EXE
    if shutil.which(java) is None:
        raise ReasonerUnavailableError(_INSTALL_JAVA.format(java=java))
    return java


@contextlib.contextmanager
def _private_tempdir() -> Iterator[Path]:
    """Point :mod:`tempfile` at a private directory for the duration.

    owlready2 writes its HermiT input with ``NamedTemporaryFile(delete=False)`` and
    leaks it when HermiT fails; a private directory lets us remove it anyway.
    """
    with tempfile.TemporaryDirectory(prefix="kg-hermit-") as tmp:
        saved = tempfile.tempdir
        tempfile.tempdir = tmp
        try:
            yield Path(tmp)
        finally:
            tempfile.tempdir = saved


def run_hermit(
    triples: Iterable[ox.Triple],
    *,
    infer_property_values: bool = True,
    java_memory_mb: int = 2000,
) -> ReasonerResult:
    """Check consistency and return HermiT's inferences.

    Raises:
        ReasonerUnavailableError: no Java runtime.
        InconsistentOntologyError: the ontology plus data has no model; the
            ``detail`` lists likely causes found by simple queries.
        ReasonerError: HermiT or Java failed for another reason.
    """
    import owlready2
    import owlready2.reasoning

    started = time.perf_counter()
    java_executable()
    triples = list(triples)
    nt = ox.serialize(list(without_imports(triples)), format=ox.RdfFormat.N_TRIPLES)
    result = ReasonerResult(infer_property_values=infer_property_values)

    with _private_tempdir() as tmp:
        input_path = tmp / "union.nt"
        input_path.write_bytes(nt)
        world = owlready2.World()  # fresh, in memory
        try:
            with input_path.open("rb") as f:
                world.get_ontology("http://kg-reasoning-input.invalid/union#").load(
                    fileobj=f, format="ntriples"
                )
            owlready2.reasoning.JAVA_MEMORY = java_memory_mb
            hermit_started = time.perf_counter()
            try:
                owlready2.sync_reasoner_hermit(
                    world,
                    infer_property_values=infer_property_values,
                    ignore_unsupported_datatypes=True,
                    debug=0,
                )
            finally:
                result.hermit_seconds = time.perf_counter() - hermit_started
        except owlready2.OwlReadyInconsistentOntologyError as e:
            causes = explain_inconsistency(triples)
            owl_text = str(e).strip()
            detail_lines = []
            if owl_text:
                detail_lines.append(f"owlready2: {owl_text}")
            if causes:
                detail_lines.append("likely causes:")
                detail_lines.extend(f"  - {c}" for c in causes)
            else:
                detail_lines.append(
                    "no simple cause found (disjoint classes, datatype ranges, functional "
                    "data properties); open the files in Protege and use 'Explain inconsistency'"
                )
            summary = f"; first likely cause: {causes[0]}" if causes else ""
            raise InconsistentOntologyError(
                f"the ontology and data are logically inconsistent (HermiT){summary}",
                detail="\n".join(detail_lines),
            ) from None
        except owlready2.OwlReadyJavaError as e:
            text = str(e).strip()
            last_line = text.splitlines()[-1] if text else "unknown Java error"
            raise ReasonerError(f"HermiT failed: {last_line}", detail=text) from None
        except FileNotFoundError as e:  # java vanished between the check and the run
            raise ReasonerUnavailableError(_INSTALL_JAVA.format(java=e.filename)) from None
        except owlready2.OwlReadyError as e:
            raise ReasonerError(f"owlready2 failed: {e}") from None

        inferences = world.get_ontology(owlready2.reasoning._INFERRENCES_ONTOLOGY)
        result.inferred, result.unsatisfiable = _inferred_triples(world, inferences)
    result.total_seconds = time.perf_counter() - started
    return result


def _inferred_triples(
    world: owlready2.World, inferences: owlready2.Ontology
) -> tuple[list[ox.Triple], list[str]]:
    """Read the triples owlready2 put into its inference ontology.

    Uses owlready2's storage API (``graph._get_obj_triples_spo_spo``): HermiT only
    concludes object triples, between named entities (positive storids).
    """
    triples: list[ox.Triple] = []
    unsatisfiable: set[str] = set()
    for s, p, o in inferences.graph._get_obj_triples_spo_spo(None, None, None):
        if s <= 0 or o <= 0:  # blank nodes
            continue
        s_iri, p_iri, o_iri = (world._unabbreviate(x) for x in (s, p, o))
        if not all(x.startswith(("http://", "https://", "urn:")) for x in (s_iri, o_iri)):
            continue
        if s_iri.startswith("http://inferrences"):  # owlready2's own ontology header
            continue
        if o_iri == _OWL_NOTHING and p_iri in {OWL + "equivalentClass", RDFS + "subClassOf"}:
            unsatisfiable.add(s_iri)
            continue
        if o_iri == _OWL_THING or s_iri == _OWL_NOTHING:
            continue
        if p_iri in _KEPT_PREDICATES or not p_iri.startswith((OWL, RDF, RDFS)):
            triples.append(ox.Triple(ox.NamedNode(s_iri), ox.NamedNode(p_iri), ox.NamedNode(o_iri)))
    return triples, sorted(unsatisfiable)


_EXPLAIN_PREFIXES = f"""
PREFIX owl: <{OWL}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
"""

# Types of ?x: asserted, or implied by the domain/range of a property it is used with.
_TYPE_OF_X = """
  {{ ?x rdf:type ?t{n} . BIND ("1type" AS ?how{n}) }}
  UNION {{ ?x ?p{n} [] . ?p{n} rdfs:subPropertyOf*/rdfs:domain ?t{n} .
          BIND ("2domain" AS ?how{n}) }}
  UNION {{ [] ?p{n} ?x . ?p{n} rdfs:subPropertyOf*/rdfs:range ?t{n} .
          BIND ("3range" AS ?how{n}) }}
  ?t{n} rdfs:subClassOf* ?c{n} .
"""

_EXPLAIN_QUERIES = [
    (
        _EXPLAIN_PREFIXES
        + """
SELECT ?x ?c1 ?c2 (MIN(?why1) AS ?w1) (MIN(?why2) AS ?w2) WHERE {
  { ?c1 owl:disjointWith ?c2 } UNION { ?c2 owl:disjointWith ?c1 }
  UNION {
    ?all a owl:AllDisjointClasses ; owl:members ?list .
    ?list rdf:rest*/rdf:first ?c1 . ?list rdf:rest*/rdf:first ?c2 .
  }
  FILTER (isIRI(?c1) && isIRI(?c2) && STR(?c1) < STR(?c2))
"""
        + _TYPE_OF_X.format(n=1)
        + _TYPE_OF_X.format(n=2)
        + """
  FILTER (isIRI(?x))
  BIND (CONCAT(?how1, " ", STR(?t1), " ", COALESCE(STR(?p1), "")) AS ?why1)
  BIND (CONCAT(?how2, " ", STR(?t2), " ", COALESCE(STR(?p2), "")) AS ?why2)
} GROUP BY ?x ?c1 ?c2 ORDER BY ?x ?c1 ?c2 LIMIT 10
""",
        "{x} is a member of both {c1} ({w1}) and {c2} ({w2}), which are disjoint",
    ),
    (
        _EXPLAIN_PREFIXES
        + """
SELECT DISTINCT ?x ?p ?v1 ?v2 WHERE {
  ?p a owl:FunctionalProperty , owl:DatatypeProperty .
  ?x ?p ?v1 , ?v2 .
  FILTER (isLiteral(?v1) && isLiteral(?v2) && STR(?v1) < STR(?v2))
} ORDER BY ?x ?p LIMIT 10
""",
        "{x} has two values for the functional property {p}: {v1} and {v2}",
    ),
    (
        _EXPLAIN_PREFIXES
        + """
SELECT DISTINCT ?x ?p ?v ?range WHERE {
  ?p rdfs:range ?range .
  FILTER (STRSTARTS(STR(?range), "http://www.w3.org/2001/XMLSchema#"))
  ?x ?p ?v .
  FILTER (isLiteral(?v) && DATATYPE(?v) != ?range)
  FILTER (!(?range = <http://www.w3.org/2001/XMLSchema#decimal>
            && DATATYPE(?v) = <http://www.w3.org/2001/XMLSchema#integer>))
} ORDER BY ?x ?p LIMIT 10
""",
        "{x} {p} {v}: the value is not of the property's range {range}",
    ),
]


def _why(encoded: str) -> str:
    """``"3range C P"`` -> ``"C is the range of P"``; ``"1type C "`` ->
    ``"asserted type C"`` (IRIs compacted)."""
    how, cls, prop = (encoded.split(" ") + ["", ""])[:3]
    how = how.lstrip("123")  # the digit made MIN() prefer asserted types
    if how == "type":
        return f"asserted type {compact_iri(cls)}"
    return f"{compact_iri(cls)} is the {how} of {compact_iri(prop)}"


def _show(name: str, term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    if name in ("w1", "w2") and isinstance(term, ox.Literal):
        return _why(term.value)
    if isinstance(term, ox.Literal):
        return str(term)  # keep the datatype: it may be the problem
    return compact(term)


def explain_inconsistency(triples: Iterable[ox.Triple]) -> list[str]:
    """Find simple, common causes of inconsistency with SPARQL (best effort)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    causes: list[str] = []
    for query, template in _EXPLAIN_QUERIES:
        solutions = store.query(query)
        variables = solutions.variables
        for solution in solutions:
            values = {v.value: _show(v.value, solution[v]) for v in variables}
            causes.append(template.format(**values))
    return causes
