"""Consistency check and OWL inferences with HermiT (through owlready2, needs Java).

The ontology imports the standard vocabularies it extends (``owl:imports`` of PROV,
ORG, SKOS, DCTERMS, FOAF, VANN and ELI). Nothing is ever fetched: each import IRI is
resolved through the OASIS catalogue ``ontology/catalog-v001.xml`` (the file Protege
reads too) to a local copy in ``ontology/imports/``; an import it does not map is
reported and left out. HermiT gets, besides the ontology and data, a *module* of those
copies: the axioms that can matter for the terms the ontology and data use (a
syntactic bottom-locality module, Cuenca Grau et al. 2008, see
:func:`locality_module`). For that signature the module has the same consequences as
the whole imports, consistency included, at a fraction of the cost; it leaves out the
few axioms of those vocabularies that OWL 2 DL cannot express (none of the seven is
OWL 2 DL as a whole), and lists them.

Two HermiT runs go side by side (:func:`run_hermit`): the *gate* checks that the
ontology, the module and the data are consistent; the *inference* run classifies the
classes and realises the individuals of the ontology and data (with the imports'
declarations and class taxonomy) and returns its conclusions about the project's own
terms as triples for the ``inferred`` graph. An ontology that claims OWL 2 DL
(``dcterms:conformsTo`` the W3C's OWL 2 DL profile IRI, as ``sg.ttl`` does) is held to
it: a datatype outside the OWL 2 datatype map is an error, not ignored. Inputs are
written as N-Triples, without ``owl:imports`` triples or annotations, to a private
temporary directory, so neither owlready2 nor HermiT ever fetches anything.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.config import PREFIXES, find_home
from kg.errors import (
    InconsistentOntologyError,
    InputError,
    ReasonerError,
    ReasonerUnavailableError,
)
from kg.load import OWL_IMPORTS, without_imports
from kg.terms import compact, compact_iri

if TYPE_CHECKING:
    import owlready2

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
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
#: The W3C's IRI for the OWL 2 DL profile: an ontology that says it
#: ``dcterms:conformsTo`` this is held to it (no datatype outside the OWL 2 map).
OWL2_DL_PROFILE = "http://www.w3.org/ns/owl-profile/DL"
_CONFORMS_TO = ox.NamedNode("http://purl.org/dc/terms/conformsTo")
#: The catalogue file, in the ontology folder (Protege's name and place for it).
CATALOG_NAME = "catalog-v001.xml"
_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
#: Prefixes for messages, beyond the project's own.
MESSAGE_PREFIXES: Mapping[str, str] = {
    **PREFIXES,
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "vann": "http://purl.org/vocab/vann/",
    "sgv": "https://w3id.org/safeguarding-kg/validation#",
}

#: The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, 4), the
#: only ones an OWL 2 DL ontology may use in its logical axioms.
_XSD_IN_MAP = (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger "
    "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float "
    "string normalizedString token language Name NCName NMTOKEN boolean hexBinary "
    "base64Binary anyURI dateTime dateTimeStamp"
)
OWL2_DATATYPES = frozenset(
    {RDF + "PlainLiteral", RDF + "XMLLiteral", RDFS + "Literal", OWL + "real", OWL + "rational"}
    | {RDF + "langString"}  # RDF 1.1's name for language-tagged strings (rdf:PlainLiteral)
    | {XSD + name for name in _XSD_IN_MAP.split()}
)


# --------------------------------------------------------------------------- imports


@dataclass(frozen=True)
class ImportedFile:
    """One local copy of an imported vocabulary."""

    path: Path
    #: the import IRIs (catalogue names) that resolved to this file
    names: tuple[str, ...]
    triples: tuple[ox.Triple, ...]


@dataclass
class ImportClosure:
    """The ``owl:imports`` closure of the input, resolved offline."""

    files: list[ImportedFile] = field(default_factory=list)
    #: import IRIs that the catalogue does not map to a local file (never fetched)
    unresolved: list[str] = field(default_factory=list)
    #: every catalogue name whose file is in the closure, longest first (term ownership)
    names: list[tuple[str, Path]] = field(default_factory=list)

    def triples(self) -> Iterator[ox.Triple]:
        for f in self.files:
            yield from f.triples

    def owner(self, iri: str) -> Path | None:
        """The local copy of the vocabulary whose namespace ``iri`` is in."""
        for name, path in self.names:
            if iri.startswith(name):
                return path
        return None


def default_catalog() -> Path | None:
    """``ontology/catalog-v001.xml`` of the repository (``KG_HOME``, or as found)."""
    path = find_home() / "ontology" / CATALOG_NAME
    return path if path.is_file() else None


def read_catalog(path: Path) -> dict[str, Path]:
    """The ``<uri name="IRI" uri="file"/>`` entries of an OASIS XML catalogue.

    Relative file names are relative to the catalogue, as Protege reads them.

    Raises:
        InputError: the catalogue cannot be read, or names a file that is missing.
    """
    try:
        root = ET.parse(path).getroot()  # our own file, never fetched
    except (OSError, ET.ParseError) as e:
        raise InputError(f"cannot read the imports catalogue: {e}", file=path) from None
    entries: dict[str, Path] = {}
    for element in root.iter(_CATALOG_NS + "uri"):
        name, uri = element.get("name"), element.get("uri")
        if not name or not uri:
            continue
        target = (path.parent / uri).resolve()
        if not target.is_file():
            raise InputError(f"the catalogue maps <{name}> to {uri}, which is missing", file=path)
        entries[name] = target
    return entries


_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
_parsed: dict[tuple[Path, int, int], tuple[ox.Triple, ...]] = {}


def _parse_import(path: Path) -> tuple[ox.Triple, ...]:
    """The triples of a local copy (named graphs of N-Quads merged), cached per process."""
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _parsed:
        fmt = _FORMATS.get(path.suffix)
        if fmt is None:
            raise InputError(f"no RDF parser for the imported file {path.name}", file=path)
        try:
            quads = ox.parse(path.read_bytes(), format=fmt, rename_blank_nodes=True)
            _parsed[key] = tuple(dict.fromkeys(q.triple for q in quads))
        except SyntaxError as e:
            raise InputError(f"cannot parse the imported file: {e}", file=path) from None
    return _parsed[key]


def resolve_imports(triples: Iterable[ox.Triple], catalog: Mapping[str, Path]) -> ImportClosure:
    """Follow ``owl:imports`` from ``triples``, through ``catalog`` only."""
    todo = [
        t.object.value
        for t in triples
        if t.predicate == OWL_IMPORTS and isinstance(t.object, ox.NamedNode)
    ]
    seen: set[str] = set()
    names: dict[Path, list[str]] = defaultdict(list)
    parsed: dict[Path, tuple[ox.Triple, ...]] = {}
    closure = ImportClosure()
    while todo:
        iri = todo.pop(0)
        if iri in seen:
            continue
        seen.add(iri)
        path = catalog.get(iri)
        if path is None:
            closure.unresolved.append(iri)
            continue
        names[path].append(iri)
        if path not in parsed:
            parsed[path] = _parse_import(path)
            todo.extend(
                t.object.value
                for t in parsed[path]
                if t.predicate == OWL_IMPORTS and isinstance(t.object, ox.NamedNode)
            )
    closure.files = [ImportedFile(p, tuple(names[p]), parsed[p]) for p in parsed]
    closure.names = sorted(
        ((name, path) for name, path in catalog.items() if path in parsed),
        key=lambda item: -len(item[0]),
    )
    return closure


# ------------------------------------------------------------------ locality module

_RDF_TYPE = ox.NamedNode(RDF + "type")
_BUILTIN = (RDF, RDFS, OWL, XSD)
_ANNOTATION_BUILTINS = {
    RDFS + "label",
    RDFS + "comment",
    RDFS + "seeAlso",
    RDFS + "isDefinedBy",
    OWL + "versionInfo",
    OWL + "deprecated",
    OWL + "priorVersion",
    OWL + "backwardCompatibleWith",
    OWL + "incompatibleWith",
    OWL + "versionIRI",
}
#: rdf:type objects that declare what a term is (not class assertions)
_DECLARATIONS = {
    OWL + "Class": "class",
    RDFS + "Class": "class",
    OWL + "ObjectProperty": "object",
    OWL + "DatatypeProperty": "data",
    OWL + "AnnotationProperty": "annotation",
    RDF + "Property": "property",
    RDFS + "Datatype": "datatype",
    OWL + "NamedIndividual": "individual",
    OWL + "Ontology": "ontology",
}
#: property characteristics: an axiom each (FunctionalProperty suits data properties too)
_CHARACTERISTICS = {
    OWL + "FunctionalProperty": None,
    OWL + "InverseFunctionalProperty": "object",
    OWL + "TransitiveProperty": "object",
    OWL + "SymmetricProperty": "object",
    OWL + "AsymmetricProperty": "object",
    OWL + "ReflexiveProperty": "object",
    OWL + "IrreflexiveProperty": "object",
}
_DECLARED_AS = {
    "class": OWL + "Class",
    "object": OWL + "ObjectProperty",
    "data": OWL + "DatatypeProperty",
    "annotation": OWL + "AnnotationProperty",
    "datatype": RDFS + "Datatype",
}
_CLASS_AXIOMS = {
    RDFS + "subClassOf",
    OWL + "equivalentClass",
    OWL + "disjointWith",
    OWL + "hasKey",
    OWL + "disjointUnionOf",
}
_PROPERTY_AXIOMS = {
    RDFS + "domain",
    RDFS + "range",
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
    OWL + "inverseOf",
    OWL + "propertyDisjointWith",
    OWL + "propertyChainAxiom",
}
_SKIPPED = {OWL + "imports"} | _ANNOTATION_BUILTINS

Node = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Module:
    """A bottom-locality module of the imports for the signature of the input."""

    triples: list[ox.Triple]
    #: the file each module triple came from (for explanations)
    sources: dict[ox.Triple, Path]
    #: the declared kind of each vocabulary term the module uses
    kinds: dict[str, str]
    #: axioms of the imports that the signature reaches but OWL 2 DL cannot express
    #: (RDFS meta-modelling, a datatype property under rdfs:label ...), left out
    dropped: list[ox.Triple] = field(default_factory=list)
    seconds: float = 0.0


def _is_document(by_file: dict[Path, set[str]]) -> bool:
    return any("ontology" in kinds for kinds in by_file.values())


class _Vocabulary:
    """The imported triples, indexed, with the kind of each term decided once."""

    def __init__(self, closure: ImportClosure) -> None:
        self.closure = closure
        self.out: dict[Node, list[tuple[ox.NamedNode, Node]]] = defaultdict(list)
        self.source: dict[ox.Triple, Path] = {}
        types: dict[str, dict[Path, set[str]]] = defaultdict(lambda: defaultdict(set))
        for f in closure.files:
            for t in f.triples:
                self.out[t.subject].append((t.predicate, t.object))
                self.source.setdefault(t, f.path)
                if t.predicate == _RDF_TYPE and isinstance(t.subject, ox.NamedNode):
                    kind = _DECLARATIONS.get(t.object.value) or _CHARACTERISTICS.get(
                        t.object.value, ""
                    )
                    if kind:
                        types[t.subject.value][f.path].add(kind)
        self.kinds = {iri: self._decide(iri, by_file) for iri, by_file in types.items()}
        #: the vocabularies' own document IRIs: what is said of them is metadata
        self.documents = {iri for iri, by_file in types.items() if _is_document(by_file)}

    def _decide(self, iri: str, by_file: dict[Path, set[str]]) -> str:
        # A term's kind is what its own vocabulary says (ELI, for one, re-declares SKOS
        # properties as annotation properties; SKOS's own word wins). A vocabulary that
        # is plain RDFS (DCTERMS) leaves properties untyped for OWL: they are read as
        # annotation properties, which adds no axiom to them.
        owner = self.closure.owner(iri)
        said = by_file.get(owner) if owner in by_file else set().union(*by_file.values())
        for kind in ("object", "data", "annotation", "class", "datatype"):
            if kind in said:
                return kind
        if "property" in said:
            return "annotation"
        return "individual" if "individual" in said else ""

    def kind(self, term: Node) -> str:
        return self.kinds.get(term.value, "") if isinstance(term, ox.NamedNode) else ""

    def closure_of(self, node: Node) -> list[ox.Triple]:
        """The triples of the blank-node structure below ``node`` (class expressions, lists)."""
        triples: list[ox.Triple] = []
        stack = [node]
        seen: set[Node] = set()
        while stack:
            n = stack.pop()
            if not isinstance(n, ox.BlankNode) or n in seen:
                continue
            seen.add(n)
            for p, o in self.out.get(n, []):
                triples.append(ox.Triple(n, p, o))
                stack.append(o)
        return triples

    def first(self, node: Node, predicate: str) -> Node | None:
        return next((o for p, o in self.out.get(node, []) if p.value == predicate), None)

    def items(self, node: Node | None) -> list[Node]:
        """The members of an RDF list."""
        members: list[Node] = []
        while node is not None and node != ox.NamedNode(RDF + "nil") and len(members) < 10_000:
            first = self.first(node, RDF + "first")
            if first is None:
                break
            members.append(first)
            node = self.first(node, RDF + "rest")
        return members


class _Locality:
    """Syntactic bottom-locality of class expressions and axioms for a signature.

    One refinement: the definition ``A owl:equivalentClass C`` of a class ``A`` that the
    imports mention nowhere else (but in ``A rdfs:subClassOf`` a conjunct of ``C``) is
    local while ``A`` is outside the signature. Adding such a definition to anything
    not using ``A`` is a conservative extension (interpret ``A`` as ``C``), so leaving
    it out changes no consequence; bottom-locality alone keeps it (ORG's
    org:OrganizationalCollaboration), and HermiT would then test every organisation
    in the data against it, at ten times the cost of the whole check.
    """

    def __init__(
        self, vocabulary: _Vocabulary, signature: set[str], definitions: set[Node]
    ) -> None:
        self.v = vocabulary
        self.sig = signature
        self.definitions = definitions

    def outside(self, term: Node | None) -> bool:
        """Outside the signature: replaced by the empty class or property."""
        if not isinstance(term, ox.NamedNode):
            return False
        return term.value not in self.sig and not term.value.startswith(_BUILTIN)

    def bottom(self, c: Node | None) -> bool:
        """``c`` is equivalent to owl:Nothing once outside terms are emptied."""
        if isinstance(c, ox.NamedNode):
            return c.value == _OWL_NOTHING or self.outside(c)
        if not isinstance(c, ox.BlankNode):
            return False
        v = self.v
        if (members := v.first(c, OWL + "intersectionOf")) is not None:
            return any(self.bottom(m) for m in v.items(members))
        if (members := v.first(c, OWL + "unionOf")) is not None:
            return all(self.bottom(m) for m in v.items(members))
        if (inner := v.first(c, OWL + "complementOf")) is not None:
            return self.top(inner)
        prop = v.first(c, OWL + "onProperty")
        if prop is None:
            return False
        empty = self.outside(prop)
        if (filler := v.first(c, OWL + "someValuesFrom")) is not None:
            return empty or self.bottom(filler)
        if v.first(c, OWL + "hasValue") is not None or v.first(c, OWL + "hasSelf") is not None:
            return empty
        on_class = v.first(c, OWL + "onClass")
        for key in ("minCardinality", "minQualifiedCardinality", "cardinality",
                    "qualifiedCardinality"):  # fmt: skip
            n = v.first(c, OWL + key)
            if isinstance(n, ox.Literal):
                return n.value != "0" and (empty or self.bottom(on_class))
        return False

    def top(self, c: Node | None) -> bool:
        """``c`` is equivalent to owl:Thing once outside terms are emptied."""
        if isinstance(c, ox.NamedNode):
            return c.value in (_OWL_THING, RDFS + "Literal", RDFS + "Resource")
        if not isinstance(c, ox.BlankNode):
            return False
        v = self.v
        if (members := v.first(c, OWL + "intersectionOf")) is not None:
            return all(self.top(m) for m in v.items(members))
        if (members := v.first(c, OWL + "unionOf")) is not None:
            return any(self.top(m) for m in v.items(members))
        if (inner := v.first(c, OWL + "complementOf")) is not None:
            return self.bottom(inner)
        prop = v.first(c, OWL + "onProperty")
        if prop is None:
            return False
        empty = self.outside(prop)
        if (filler := v.first(c, OWL + "allValuesFrom")) is not None:
            return empty or self.top(filler)
        for key in ("maxCardinality", "maxQualifiedCardinality"):
            if isinstance(v.first(c, OWL + key), ox.Literal):
                return empty or self.bottom(v.first(c, OWL + "onClass"))
        for key in ("minCardinality", "minQualifiedCardinality"):
            n = v.first(c, OWL + key)
            if isinstance(n, ox.Literal) and n.value == "0":
                return True
        return False

    def local(self, subject: Node, predicate: str, obj: Node) -> bool:
        """Whether the axiom the triple starts is bottom-local (can be left out)."""
        v = self.v
        if predicate == RDFS + "subClassOf":
            return self.bottom(subject) or self.top(obj)
        if predicate == OWL + "equivalentClass":
            if subject in self.definitions and self.outside(subject):
                return True
            return (self.bottom(subject) and self.bottom(obj)) or (
                self.top(subject) and self.top(obj)
            )
        if predicate == OWL + "disjointWith":
            return self.bottom(subject) or self.bottom(obj)
        if predicate in (RDFS + "domain", RDFS + "range"):
            return self.outside(subject) or self.top(obj)
        if predicate == RDFS + "subPropertyOf":
            return self.outside(subject) or obj == ox.NamedNode(OWL + "topObjectProperty")
        if predicate in (OWL + "equivalentProperty", OWL + "inverseOf"):
            return self.outside(subject) and self.outside(obj)
        if predicate == OWL + "propertyDisjointWith":
            return self.outside(subject) or self.outside(obj)
        if predicate == OWL + "propertyChainAxiom":
            return any(self.outside(p) for p in v.items(obj))
        if predicate == RDF + "type" and obj.value in _CHARACTERISTICS:
            return obj.value != OWL + "ReflexiveProperty" and self.outside(subject)
        if predicate == OWL + "hasKey":
            return self.bottom(subject)
        if predicate == OWL + "disjointUnionOf":
            return self.bottom(subject) and all(self.bottom(m) for m in v.items(obj))
        if predicate == RDF + "type":  # a class assertion
            return self.top(obj)
        return False  # a property assertion: never bottom-local


def _axioms(vocabulary: _Vocabulary) -> Iterator[tuple[Node, str, Node, list[ox.Triple]]]:
    """The logical axioms of the imports: (subject, predicate, object, triples).

    Annotations (and the typing of terms, which the module re-declares) are left out.
    """
    v = vocabulary
    as_object = {o for edges in v.out.values() for _, o in edges if isinstance(o, ox.BlankNode)}
    for subject, edges in v.out.items():
        if isinstance(subject, ox.BlankNode):
            if subject in as_object:
                continue  # part of an expression; it comes with its axiom
            kinds = {o.value for p, o in edges if p == _RDF_TYPE and isinstance(o, ox.NamedNode)}
            if kinds & {OWL + "AllDisjointClasses", OWL + "AllDisjointProperties"}:
                members = v.items(v.first(subject, OWL + "members"))
                triples = v.closure_of(subject)
                prop = OWL + "AllDisjointProperties" in kinds
                for i, a in enumerate(members):  # pairwise, so locality applies per pair
                    for b in members[i + 1 :]:
                        yield (
                            a,
                            OWL + ("propertyDisjointWith" if prop else "disjointWith"),
                            b,
                            (triples),
                        )
            continue
        if subject.value in v.documents:
            continue  # ontology metadata (versions, derivations of the documents)
        for p, o in edges:
            pred = p.value
            if pred in _SKIPPED or v.kind(p) == "annotation":
                continue
            if pred == RDF + "type":
                if o.value in _DECLARATIONS:
                    continue
                if o.value in _CHARACTERISTICS and v.kind(subject) == "annotation":
                    continue
            elif pred in _PROPERTY_AXIOMS and v.kind(subject) == "annotation":
                continue  # annotation property axioms have no logical content
            elif pred.startswith(_BUILTIN) and pred not in _CLASS_AXIOMS | _PROPERTY_AXIOMS:
                continue  # structure (rdf:first ...) or an annotation (rdfs:label ...)
            elif not pred.startswith(_BUILTIN) and v.kind(p) not in ("object", "data"):
                continue  # an untyped property: read as an annotation
            yield subject, pred, o, [ox.Triple(subject, p, o), *v.closure_of(o)]


def _definitions(
    vocabulary: _Vocabulary, axioms: list[tuple[Node, str, Node, list[ox.Triple]]]
) -> set[Node]:
    """Classes whose one definition is the only thing the imports say of them.

    That is, ``A owl:equivalentClass C`` once, ``A`` not inside ``C``, and every other
    axiom that mentions ``A`` is ``A rdfs:subClassOf X`` with ``X`` ``C`` itself or one
    of its conjuncts (which the definition already entails).
    """
    mentions: dict[Node, list[tuple[Node, str, Node, list[ox.Triple]]]] = defaultdict(list)
    for axiom in axioms:
        for term in {x for t in axiom[3] for x in (t.subject, t.object)}:
            if isinstance(term, ox.NamedNode):
                mentions[term].append(axiom)
    found: set[Node] = set()
    for a, axiom_list in mentions.items():
        defining = [ax for ax in axiom_list if ax[0] == a and ax[1] == OWL + "equivalentClass"]
        if len(defining) != 1:
            continue
        _, _, c, c_triples = defining[0]
        if any(a in (t.subject, t.object) for t in c_triples[1:]):
            continue  # A is used in its own definition
        conjuncts = {c, *vocabulary.items(vocabulary.first(c, OWL + "intersectionOf"))}
        if all(
            ax is defining[0]
            or (ax[0] == a and ax[1] == RDFS + "subClassOf" and ax[2] in conjuncts)
            for ax in axiom_list
        ):
            found.add(a)
    return found


def _signature_of(triples: Iterable[ox.Triple]) -> set[str]:
    names: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and not term.value.startswith(_BUILTIN):
                names.add(term.value)
    return names


#: reserved IRIs an OWL 2 DL axiom may name (besides owl: terms)
_RESERVED_OK = {RDF + "nil", RDFS + "Literal", RDF + "PlainLiteral", RDF + "XMLLiteral"}
_PROPERTY_PAIRS = {
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
    OWL + "inverseOf",
    OWL + "propertyDisjointWith",
}


def _expressible(triples: list[ox.Triple], kind: Mapping[str, str]) -> bool:
    """Whether an axiom of the imports can be read as an OWL 2 DL axiom."""
    head = triples[0]
    for t in triples:
        for term in (t.subject, t.object):
            if (
                isinstance(term, ox.NamedNode)
                and term.value.startswith((RDF, RDFS))
                and term.value not in _RESERVED_OK
            ):
                return False  # RDFS meta-modelling (rdfs:Class, rdfs:label as a parent ...)
    if head.predicate.value in _PROPERTY_PAIRS and isinstance(head.object, ox.NamedNode):
        a, b = kind.get(head.subject.value, ""), kind.get(head.object.value, "")
        a, b = a or b, b or a  # an untyped side is of the kind of the other (OWL API reads so)
        wanted = {"object"} if head.predicate.value == OWL + "inverseOf" else {"object", "data"}
        if a != b or a not in wanted:
            return False  # e.g. an object property equivalent to an annotation property
    o = head.object
    if isinstance(o, ox.Literal) and kind.get(head.predicate.value) == "data":
        return o.datatype.value in OWL2_DATATYPES
    return True


def _type_by_use(head: ox.Triple, kind: dict[str, str]) -> None:
    """Give an untyped property in a property axiom the kind of its partner."""
    if head.predicate.value in _PROPERTY_PAIRS and isinstance(head.object, ox.NamedNode):
        a, b = head.subject.value, head.object.value
        if not kind.get(a) and kind.get(b):
            kind[a] = kind[b]
        elif not kind.get(b) and kind.get(a):
            kind[b] = kind[a]


def _used_as_classes(triples: Iterable[ox.Triple]) -> set[str]:
    """IRIs that the module's axioms use as classes (to declare those left untyped)."""
    classes: set[str] = set()
    for t in triples:
        p = t.predicate.value
        if p in (RDFS + "subClassOf", OWL + "equivalentClass", OWL + "disjointWith"):
            classes.update(x.value for x in (t.subject, t.object) if isinstance(x, ox.NamedNode))
        elif p in (RDF + "type", RDFS + "domain", RDF + "first") and isinstance(
            t.object, ox.NamedNode
        ):
            classes.add(t.object.value)
    return {c for c in classes if not c.startswith(_BUILTIN)}


def locality_module(closure: ImportClosure, signature: set[str]) -> Module:
    """The bottom-locality module of ``closure`` for ``signature``.

    Repeatedly adds every axiom that is not bottom-local for the signature, and its
    terms to the signature, until nothing changes; an axiom OWL 2 DL cannot express
    is left out instead (and listed in ``dropped``). Then declares each vocabulary
    term of the final signature as its own vocabulary types it, and any other term
    the module uses as a class as a class.
    """
    started = time.perf_counter()
    vocabulary = _Vocabulary(closure)
    sig = {s for s in signature if not s.startswith(_BUILTIN)}
    pending = list(_axioms(vocabulary))
    locality = _Locality(vocabulary, sig, _definitions(vocabulary, pending))
    chosen: dict[ox.Triple, None] = {}
    dropped: list[ox.Triple] = []
    changed = True
    while changed:
        changed = False
        rest = []
        for subject, predicate, obj, triples in pending:
            if locality.local(subject, predicate, obj):
                rest.append((subject, predicate, obj, triples))
                continue
            if not _expressible(triples, vocabulary.kinds):
                dropped.append(triples[0])
                continue
            chosen.update(dict.fromkeys(triples))
            _type_by_use(triples[0], vocabulary.kinds)
            new = _signature_of(triples) - sig
            if new:
                sig |= new
                changed = True
        pending = rest
    kinds = {iri: k for iri, k in vocabulary.kinds.items() if iri in sig and k in _DECLARED_AS}
    for iri in _used_as_classes(chosen):
        kinds.setdefault(iri, "class")
    declarations = [
        ox.Triple(ox.NamedNode(iri), _RDF_TYPE, ox.NamedNode(_DECLARED_AS[kind]))
        for iri, kind in sorted(kinds.items())
    ]
    triples = list(chosen) + declarations
    sources = {t: vocabulary.source[t] for t in chosen if t in vocabulary.source}
    return Module(triples, sources, kinds, dropped, time.perf_counter() - started)


# --------------------------------------------------------------------------- HermiT


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
    #: the local copies the imports resolved to, and import IRIs with none
    imported_files: list[str] = field(default_factory=list)
    unresolved_imports: list[str] = field(default_factory=list)
    #: triples of the imports module given to HermiT, and seconds to extract it
    module_triples: int = 0
    module_seconds: float = 0.0
    #: wall-clock seconds of the consistency gate's HermiT run (beside the other)
    gate_seconds: float = 0.0
    #: an ontology of the input claims OWL 2 DL, so HermiT ran without its
    #: unsupported-datatype escape hatch
    owl2_dl: bool = False


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


def reasoning_input(
    triples: Iterable[ox.Triple], catalog: Path | None = None
) -> tuple[list[ox.Triple], ImportClosure, Module]:
    """The ontology and data with the module of their imports: what the gate checks.

    ``catalog`` defaults to :func:`default_catalog`; without one, imports are not
    resolved (and reported as unresolved).
    """
    triples = list(triples)
    catalog = catalog if catalog is not None else default_catalog()
    entries = read_catalog(catalog) if catalog is not None else {}
    closure = resolve_imports(triples, entries)
    module = locality_module(closure, _signature_of(triples))
    union = list(dict.fromkeys([*without_imports(triples), *module.triples]))
    return union, closure, module


_TAXONOMY = {RDFS + "subClassOf", OWL + "equivalentClass", OWL + "disjointWith"}


def _taxonomy(module: Module) -> list[ox.Triple]:
    """The module's declarations and the axioms between its named classes.

    Enough for the inferences (what HermiT concludes about the project's own terms,
    and which of its classes the imports make unsatisfiable) at the cost of the
    ontology alone; the property axioms and class expressions of the imports, which
    make HermiT's classification of individuals and property values several times
    slower, are left to the consistency gate, which reads the whole module.
    """
    return [
        t
        for t in module.triples
        if (t.predicate == _RDF_TYPE and t.object.value in _DECLARED_AS.values())
        or (
            t.predicate.value in _TAXONOMY
            and isinstance(t.subject, ox.NamedNode)
            and isinstance(t.object, ox.NamedNode)
        )
    ]


def claims_owl2_dl(triples: Iterable[ox.Triple]) -> bool:
    """Whether an ontology of the input says it conforms to OWL 2 DL."""
    return any(
        t.predicate == _CONFORMS_TO and t.object == ox.NamedNode(OWL2_DL_PROFILE) for t in triples
    )


def check_datatypes(triples: Iterable[ox.Triple]) -> list[str]:
    """Logical uses of datatypes outside the OWL 2 datatype map, as readable lines.

    OWL 2 DL (and HermiT, unless told to ignore them) admits only the datatypes of
    the OWL 2 datatype map in ranges, data ranges and data property values. Values
    of annotation properties are exempt: annotations carry no logical meaning.
    """
    triples = list(triples)
    data_properties = {
        t.subject
        for t in triples
        if t.predicate == _RDF_TYPE and t.object == ox.NamedNode(OWL + "DatatypeProperty")
    }
    problems: list[str] = []
    data_range_predicates = {
        OWL + p for p in ("someValuesFrom", "allValuesFrom", "onDataRange", "onDatatype")
    }
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal):
            if t.predicate in data_properties and o.datatype.value not in OWL2_DATATYPES:
                problems.append(
                    f"{_show_triple(t)}: {compact_iri(o.datatype.value, MESSAGE_PREFIXES)} "
                    f"is not in the OWL 2 datatype map"
                )
        elif (
            isinstance(o, ox.NamedNode)
            and o.value.startswith(XSD)
            and o.value not in OWL2_DATATYPES
            and (
                (t.predicate.value == RDFS + "range" and t.subject in data_properties)
                or t.predicate.value in data_range_predicates
            )
        ):
            problems.append(
                f"{_show_triple(t)}: {compact_iri(o.value, MESSAGE_PREFIXES)} "
                "is not in the OWL 2 datatype map"
            )
    return problems


def _annotation_properties(triples: Iterable[ox.Triple]) -> set[ox.NamedNode]:
    """The annotation properties the triples declare, and OWL's built-in ones."""
    declared = {
        t.subject
        for t in triples
        if t.predicate == _RDF_TYPE
        and t.object == ox.NamedNode(OWL + "AnnotationProperty")
        and isinstance(t.subject, ox.NamedNode)
    }
    return declared | {ox.NamedNode(iri) for iri in _ANNOTATION_BUILTINS}


def _logical(triples: Iterable[ox.Triple], annotations: set[ox.NamedNode]) -> list[ox.Triple]:
    """The triples less annotation assertions (and annotation property axioms)."""
    return [
        t
        for t in triples
        if t.predicate not in annotations
        and not (t.subject in annotations and t.predicate != _RDF_TYPE)
    ]


#: HermiT runs for seconds: the quick (C1) compiler alone and the serial collector halve
#: its CPU time on this graph (gate 2.3 -> 1.2 s, inferences 3.7 -> 1.8 s, measured).
#: A JVM without these options ignores them rather than refusing to start.
_JVM_OPTIONS = (
    "-XX:+IgnoreUnrecognizedVMOptions",
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
)


@contextlib.contextmanager
def _jvm_options_for_owlready2() -> Iterator[None]:
    """Give the JVM that owlready2 starts the same options (it builds its own command)."""
    saved = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = " ".join(filter(None, [saved, *_JVM_OPTIONS]))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("JAVA_TOOL_OPTIONS", None)
        else:
            os.environ["JAVA_TOOL_OPTIONS"] = saved


def _hermit_command(java_memory_mb: int, path: Path, *flags: str) -> list[str]:
    """HermiT's command line, as owlready2 runs it (same jar, same class path)."""
    import owlready2
    import owlready2.reasoning

    return [
        owlready2.JAVA_EXE,
        *_JVM_OPTIONS,
        f"-Xmx{java_memory_mb}M",
        "-cp",
        owlready2.reasoning._HERMIT_CLASSPATH,
        "org.semanticweb.HermiT.cli.CommandLine",
        *flags,
        path.as_uri(),
    ]


def _gate_failure(returncode: int, output: str) -> str | None:
    """What the consistency gate's HermiT run says went wrong (None: consistent)."""
    if returncode == 0 and "is satisfiable" in output:
        return None
    if "InconsistentOntologyException" in output or "is not satisfiable" in output:
        return "inconsistent"
    return output.strip() or f"HermiT exited with status {returncode}"


def run_hermit(
    triples: Iterable[ox.Triple],
    *,
    infer_property_values: bool = True,
    java_memory_mb: int = 2000,
    catalog: Path | None = None,
) -> ReasonerResult:
    """Check consistency, with the imported vocabularies, and return HermiT's inferences.

    Two HermiT runs, side by side (the build machine has two CPUs): the *gate*
    checks that the ontology, the module of its imports and the data are consistent
    (HermiT ``-k``, no datatype escape hatch); the *inference* run classifies and
    realises the ontology and data with the imports' declarations and class
    taxonomy (see :func:`_taxonomy`), through owlready2, and returns its conclusions
    about the project's own terms. The inference run reads a subset of what the gate
    reads, so it concludes nothing the gate's input does not entail.

    Args:
        triples: the ontology and data; their ``owl:imports`` are resolved through
            ``catalog`` (default: :func:`default_catalog`), never fetched.

    Raises:
        ReasonerUnavailableError: no Java runtime.
        InputError: a datatype outside the OWL 2 datatype map is used logically
            (the message names the triples), or an import cannot be read.
        InconsistentOntologyError: the ontology, imports and data have no model; the
            ``detail`` names the triples of the likely causes found by simple queries.
        ReasonerError: HermiT or Java failed for another reason.
    """
    import owlready2
    import owlready2.reasoning

    started = time.perf_counter()
    java_executable()
    triples = list(triples)
    union, closure, module = reasoning_input(triples, catalog)
    result = ReasonerResult(
        infer_property_values=infer_property_values,
        imported_files=[f.path.name for f in closure.files],
        unresolved_imports=closure.unresolved,
        module_triples=len(module.triples),
        module_seconds=module.seconds,
    )
    # An ontology that claims OWL 2 DL is held to it; one that does not (the small test
    # ontologies) is reasoned with as before, ignoring datatypes HermiT cannot interpret.
    result.owl2_dl = claims_owl2_dl(triples)
    lenient = [] if result.owl2_dl else ["--ignoreUnsupportedDatatypes"]
    problems = check_datatypes(union) if result.owl2_dl else []
    if problems:
        raise InputError(
            f"not OWL 2 DL: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            detail="\n".join(problems[:50]),
        )
    # Annotations (labels, descriptions, dates, evidence: a third of the triples) carry
    # no logical meaning: neither run needs them, and both parse faster without them.
    annotations = _annotation_properties(union)
    gate_input = _logical(union, annotations)
    inference_input = _logical(
        dict.fromkeys([*without_imports(triples), *_taxonomy(module)]), annotations
    )

    with _private_tempdir() as tmp:
        gate_path = tmp / "gate.nt"
        gate_path.write_bytes(ox.serialize(gate_input, format=ox.RdfFormat.N_TRIPLES))
        input_path = tmp / "union.nt"
        input_path.write_bytes(ox.serialize(inference_input, format=ox.RdfFormat.N_TRIPLES))
        gate_started = time.perf_counter()
        try:
            gate = subprocess.Popen(
                _hermit_command(java_memory_mb, gate_path, "-k", *lenient),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        except FileNotFoundError as e:  # java vanished since the check
            raise ReasonerUnavailableError(_INSTALL_JAVA.format(java=e.filename)) from None
        inference_error: BaseException | None = None
        world = owlready2.World()  # fresh, in memory
        try:
            with input_path.open("rb") as f:
                world.get_ontology("http://kg-reasoning-input.invalid/union#").load(
                    fileobj=f, format="ntriples"
                )
            owlready2.reasoning.JAVA_MEMORY = java_memory_mb
            hermit_started = time.perf_counter()
            try:
                with _jvm_options_for_owlready2():
                    owlready2.sync_reasoner_hermit(
                        world,
                        infer_property_values=infer_property_values,
                        ignore_unsupported_datatypes=not result.owl2_dl,
                        debug=0,
                    )
            finally:
                result.hermit_seconds = time.perf_counter() - hermit_started
        except BaseException as e:  # reported after the gate, which decides first
            inference_error = e
        finally:
            if isinstance(inference_error, KeyboardInterrupt | SystemExit):
                gate.kill()  # stopping: do not wait for the gate
            gate_output, _ = gate.communicate()
            result.gate_seconds = time.perf_counter() - gate_started

        failure = _gate_failure(gate.returncode, gate_output.decode("utf-8", "replace"))
        if failure == "inconsistent" or isinstance(
            inference_error, owlready2.OwlReadyInconsistentOntologyError
        ):
            raise _inconsistent(union, module, "") from None
        if failure is not None:
            raise _java_failure(failure) from None
        if inference_error is not None:
            if isinstance(inference_error, owlready2.OwlReadyJavaError):
                raise _java_failure(str(inference_error)) from None
            if isinstance(inference_error, FileNotFoundError):
                raise ReasonerUnavailableError(
                    _INSTALL_JAVA.format(java=inference_error.filename)
                ) from None
            if isinstance(inference_error, owlready2.OwlReadyError):
                raise ReasonerError(f"owlready2 failed: {inference_error}") from None
            raise inference_error

        inferences = world.get_ontology(owlready2.reasoning._INFERRENCES_ONTOLOGY)
        known = _signature_of(triples)
        result.inferred, result.unsatisfiable = _inferred_triples(world, inferences, known)
    result.total_seconds = time.perf_counter() - started
    return result


def _java_failure(text: str) -> ReasonerError:
    text = text.strip()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("\tat ")]
    summary = next((line for line in lines if "Exception" in line), lines[-1] if lines else "")
    if "UnsupportedDatatypeException" in text:
        summary = "a datatype outside the OWL 2 datatype map: " + summary
    return ReasonerError(f"HermiT failed: {summary or 'unknown Java error'}", detail=text)


def _inconsistent(
    union: list[ox.Triple], module: Module, owl_text: str
) -> InconsistentOntologyError:
    causes = explain_inconsistency(union, module.sources)
    detail_lines = []
    if owl_text.strip():
        detail_lines.append(f"HermiT: {owl_text.strip()}")
    if causes:
        detail_lines.append("likely causes:")
        detail_lines.extend(f"  - {c}" for c in causes)
    else:
        detail_lines.append(
            "no simple cause found (disjoint classes, datatype ranges, functional "
            "data properties); open ontology/sg.ttl in Protege (it reads "
            "ontology/catalog-v001.xml for the imports) and use 'Explain inconsistency'"
        )
    summary = f"; first likely cause: {causes[0]}" if causes else ""
    return InconsistentOntologyError(
        "the ontology, the vocabularies it imports and the data are logically "
        f"inconsistent (HermiT){summary}",
        detail="\n".join(detail_lines),
    )


def _inferred_triples(
    world: owlready2.World, inferences: owlready2.Ontology, known: set[str]
) -> tuple[list[ox.Triple], list[str]]:
    """Read the triples owlready2 put into its inference ontology.

    Uses owlready2's storage API (``graph._get_obj_triples_spo_spo``): HermiT only
    concludes object triples, between named entities (positive storids). Only
    conclusions in the terms of the ontology and data are kept (``known``): the
    imported vocabularies are reasoned with, not republished.
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
            if s_iri in known:
                unsatisfiable.add(s_iri)
            continue
        if o_iri == _OWL_THING or s_iri == _OWL_NOTHING:
            continue
        if s_iri not in known or o_iri not in known:
            continue
        if p_iri in _KEPT_PREDICATES or (not p_iri.startswith((OWL, RDF, RDFS)) and p_iri in known):
            triples.append(ox.Triple(ox.NamedNode(s_iri), ox.NamedNode(p_iri), ox.NamedNode(o_iri)))
    return triples, sorted(unsatisfiable)


# ---------------------------------------------------------------------- explanations

_EXPLAIN_PREFIXES = f"""
PREFIX owl: <{OWL}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
"""

# Types of ?x: asserted, or implied by the domain/range of a property it is used with;
# ?e is the other end of the triple that says so.
_TYPE_OF_X = """
  {{ ?x rdf:type ?t{n} . BIND ("1type" AS ?how{n}) }}
  UNION {{ ?x ?p{n} ?e{n} . ?p{n} rdfs:subPropertyOf*/rdfs:domain ?t{n} .
          BIND ("2domain" AS ?how{n}) }}
  UNION {{ ?e{n} ?p{n} ?x . ?p{n} rdfs:subPropertyOf*/rdfs:range ?t{n} .
          BIND ("3range" AS ?how{n}) }}
  ?t{n} rdfs:subClassOf* ?c{n} .
"""
_SEP = "\u001f"  # joins the parts of a reason inside one SPARQL string

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
  BIND (CONCAT(?how1, "SEP", STR(?t1), "SEP", COALESCE(STR(?p1), ""), "SEP",
               COALESCE(STR(?e1), "")) AS ?why1)
  BIND (CONCAT(?how2, "SEP", STR(?t2), "SEP", COALESCE(STR(?p2), ""), "SEP",
               COALESCE(STR(?e2), "")) AS ?why2)
} GROUP BY ?x ?c1 ?c2 ORDER BY ?x ?c1 ?c2 LIMIT 10
""".replace("SEP", _SEP),
        "{x} is a member of both {c1} ({w1}) and {c2} ({w2}), which are disjoint{where}",
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
  ?p a owl:DatatypeProperty ; rdfs:range ?range .
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


def _c(iri: str) -> str:
    return compact_iri(iri, MESSAGE_PREFIXES)


def _why(encoded: str, x: str) -> tuple[str, str]:
    """The reason for a type, and the triple that gives it.

    ``"3range␟C␟P␟S"`` -> ``("C is the range of P", "S P x")``; ``"1type␟C␟␟"`` ->
    ``("asserted type C", "x rdf:type C")`` (IRIs compacted).
    """
    how, cls, prop, end = (encoded.split(_SEP) + ["", "", ""])[:4]
    how = how.lstrip("123")  # the digit made MIN() prefer asserted types
    if how == "type":
        return f"asserted type {_c(cls)}", f"{_c(x)} rdf:type {_c(cls)}"
    other = _c(end) if end.startswith(("http://", "https://", "urn:")) else f'"{end}"'
    if how == "domain":
        return f"{_c(cls)} is the {how} of {_c(prop)}", f"{_c(x)} {_c(prop)} {other}"
    return f"{_c(cls)} is the {how} of {_c(prop)}", f"{other} {_c(prop)} {_c(x)}"


def _show(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    if isinstance(term, ox.Literal):
        return str(term)  # keep the datatype: it may be the problem
    return compact(term, MESSAGE_PREFIXES)


def _show_triple(t: ox.Triple) -> str:
    return " ".join(_show(x) for x in (t.subject, t.predicate, t.object))  # type: ignore[arg-type]


def explain_inconsistency(
    triples: Iterable[ox.Triple], sources: Mapping[ox.Triple, Path] | None = None
) -> list[str]:
    """Find simple, common causes of inconsistency with SPARQL (best effort).

    A disjointness clash names the two triples that put the resource into the two
    classes, and where the disjointness is stated when an imported vocabulary states
    it (``sources`` maps module triples to their files).
    """
    sources = sources or {}
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    causes: list[str] = []
    for query, template in _EXPLAIN_QUERIES:
        solutions = store.query(query)
        variables = [v.value for v in solutions.variables]
        for solution in solutions:
            row = dict(zip(variables, solution, strict=True))
            values = {name: _show(term) for name, term in row.items()}
            if "w1" in row:
                x = row["x"].value
                values["w1"], triple1 = _why(row["w1"].value, x)
                values["w2"], triple2 = _why(row["w2"].value, x)
                stated = [
                    f"{_c(a.value)} owl:disjointWith {_c(b.value)} in {sources[t].name}"
                    for a, b in ((row["c1"], row["c2"]), (row["c2"], row["c1"]))
                    if (t := ox.Triple(a, ox.NamedNode(OWL + "disjointWith"), b)) in sources
                ]
                values["where"] = (
                    f" ({'; '.join(stated)})" if stated else ""
                ) + f"; from the triples: {triple1} . and {triple2} ."
            causes.append(template.format(**values))
    return causes
