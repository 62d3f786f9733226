"""One encoding per fact (issue 15, items 5 and 6).

The controlled vocabularies are SKOS concept schemes whose members are exactly the
members of their class; a board class and its kind of body are one category; a
statement's class and modality agree. The data states each once and the build derives
the other: the rules on small graphs here, and on the repository's own build.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.config import INFERRED_GRAPH, Settings
from kg.rules import apply_rules, load_rules
from kg.store import open_store
from kg.validation.closure import Tables
from tests.helpers import REPO, RULES

SG = "https://w3id.org/safeguarding-kg/ontology#"
SGD = "https://w3id.org/safeguarding-kg/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = f"""\
PREFIX sg: <{SG}>
PREFIX sgd: <{SGD}>
PREFIX skos: <{SKOS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _with_ontology(data: str) -> ox.Store:
    store = ox.Store()
    store.load(path=str(REPO / "ontology" / "sg.ttl"), format=ox.RdfFormat.TURTLE)
    store.load((PREFIXES + data).encode(), format=ox.RdfFormat.TURTLE)
    rules = [r for r in load_rules(RULES) if not r.name.startswith("derive-")]
    apply_rules(store, rules, INFERRED_GRAPH, max_iterations=20)
    return store


def _has(store: ox.Store, s: str, p: str, o: str) -> bool:
    return bool(
        list(store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), None))
    )


def test_a_concept_typed_by_its_class_is_in_its_scheme_and_the_reverse() -> None:
    store = _with_ontology(
        'sgd:topic-a a sg:Topic ; rdfs:label "a"@en .\n'
        'sgd:topic-b skos:inScheme sg:topics ; rdfs:label "b"@en ; skos:broader sgd:topic-a .\n'
    )
    assert _has(store, SGD + "topic-a", SKOS + "inScheme", SG + "topics")
    assert _has(store, SGD + "topic-b", RDF_TYPE, SG + "Topic")
    # a top concept is one with no broader concept in its scheme, and SKOS names it both ways
    assert _has(store, SGD + "topic-a", SKOS + "topConceptOf", SG + "topics")
    assert _has(store, SG + "topics", SKOS + "hasTopConcept", SGD + "topic-a")
    assert not _has(store, SGD + "topic-b", SKOS + "topConceptOf", SG + "topics")
    # SKOS tools read skos:prefLabel; the data writes the label once
    labels = list(
        store.quads_for_pattern(
            ox.NamedNode(SGD + "topic-b"), ox.NamedNode(SKOS + "prefLabel"), None, None
        )
    )
    assert [q.object.value for q in labels] == ["b"]


def test_a_board_class_and_its_kind_are_one_category_stated_either_way() -> None:
    store = _with_ontology(
        "sgd:kind-lscb a sg:BodyKind .\n"
        "sgd:typed a sg:LocalSafeguardingChildrenBoard .\n"
        "sgd:kinded sg:ofKind sgd:kind-lscb .\n"
    )
    assert _has(store, SGD + "typed", SG + "ofKind", SGD + "kind-lscb")
    assert _has(store, SGD + "kinded", RDF_TYPE, SG + "LocalSafeguardingChildrenBoard")
    assert _has(store, SGD + "kinded", RDF_TYPE, SG + "Board")


def test_the_validator_derives_the_class_of_a_kind_as_the_build_does() -> None:
    ontology = list(ox.parse(path=str(REPO / "ontology" / "sg.ttl"), format=ox.RdfFormat.TURTLE))
    tables = Tables.from_triples(ontology)
    body = ox.NamedNode(SGD + "a-board")
    added = tables.infer(
        [ox.Triple(body, ox.NamedNode(SG + "ofKind"), ox.NamedNode(SGD + "kind-lscb"))]
    )
    types = {t.object.value for t in added if t.predicate.value == RDF_TYPE}
    assert {SG + "LocalSafeguardingChildrenBoard", SG + "Board", SG + "Body"} <= types


@pytest.mark.parametrize(
    ("modality", "cls"),
    [("must", "Duty"), ("objective", "StatutoryObjective"), ("will", "Commitment")],
)
def test_a_modality_that_names_one_class_gives_it(modality: str, cls: str) -> None:
    store = _with_ontology(f"sgd:s a sg:DutyOrPower ; sg:modality sg:{modality} .\n")
    assert _has(store, SGD + "s", RDF_TYPE, SG + cls)


@pytest.mark.parametrize("modality", ["may", "should"])
def test_a_modality_that_names_two_classes_gives_neither(modality: str) -> None:
    store = _with_ontology(f"sgd:s a sg:DutyOrPower ; sg:modality sg:{modality} .\n")
    classes = {SG + c for c in ("Duty", "Power", "Commitment", "StatutoryObjective")}
    got = {
        q.object.value
        for q in store.quads_for_pattern(
            ox.NamedNode(SGD + "s"), ox.NamedNode(RDF_TYPE), None, None
        )
    }
    assert not got & classes


# ------------------------------------------------------------- the repository's build


def _select(settings: Settings, query: str) -> list[dict[str, str]]:
    store = open_store(settings)
    # the build's real default graph: each distinct triple once (kg/dataset.py); the
    # union of the named graphs would count a triple stated in two graphs twice
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [
        {n: t.value for n, t in zip(names, row, strict=True) if t is not None} for row in solutions
    ]


def test_the_controlled_vocabularies_are_concept_schemes(real_store: Settings) -> None:
    rows = _select(
        real_store,
        """SELECT ?class ?scheme (COUNT(DISTINCT ?c) AS ?n) WHERE {
             ?class sg:conceptScheme ?scheme . ?scheme a skos:ConceptScheme ; skos:prefLabel ?l .
             ?c skos:inScheme ?scheme } GROUP BY ?class ?scheme""",
    )
    schemes = {r["class"][len(SG) :]: int(r["n"]) for r in rows}
    # the six the issue names, and the other vocabularies of the ontology
    for name in ("Role", "Modality", "VerificationStatus", "Topic", "BodyKind", "LinkLevel"):
        assert schemes.get(name, 0) > 0, name
    assert schemes["Modality"] == 5 and schemes["VerificationStatus"] == 4
    assert schemes["BodyKind"] >= 60 and schemes["Role"] >= 19


def test_every_scheme_has_exactly_the_members_of_its_class(real_store: Settings) -> None:
    rows = _select(
        real_store,
        """SELECT ?x ?class ?scheme WHERE {
             ?class sg:conceptScheme ?scheme .
             { ?x a ?class FILTER NOT EXISTS { ?x skos:inScheme ?scheme } }
             UNION { ?x skos:inScheme ?scheme FILTER NOT EXISTS { ?x a ?class } } }""",
    )
    assert rows == []


def test_every_concept_of_a_scheme_is_labelled_once_and_top_concepts_are_consistent(
    real_store: Settings,
) -> None:
    problems = _select(
        real_store,
        """SELECT ?c ?problem WHERE {
             ?c skos:inScheme ?s . ?s a skos:ConceptScheme .
             {
               { SELECT ?c (COUNT(?l) AS ?n) WHERE { ?c skos:prefLabel ?l } GROUP BY ?c }
               FILTER(?n != 1) BIND("prefLabels" AS ?problem)
             } UNION {
               ?c skos:topConceptOf ?s . ?c skos:broader ?b . ?b skos:inScheme ?s
               BIND("top concept with a broader one" AS ?problem)
             } UNION {
               FILTER NOT EXISTS { ?c skos:topConceptOf ?s }
               FILTER NOT EXISTS { ?c skos:broader ?b2 . ?b2 skos:inScheme ?s }
               BIND("neither top nor narrower" AS ?problem)
             } UNION {
               ?c skos:topConceptOf ?s . FILTER NOT EXISTS { ?s skos:hasTopConcept ?c }
               BIND("no hasTopConcept" AS ?problem)
             }
           }""",
    )
    assert problems == []


def test_board_classes_and_their_kinds_have_the_same_members(real_store: Settings) -> None:
    rows = _select(
        real_store,
        """SELECT ?x ?class ?kind WHERE {
             ?class sg:correspondingKind ?kind .
             { ?x a ?class FILTER NOT EXISTS { ?x sg:ofKind ?kind } }
             UNION { ?x sg:ofKind ?kind FILTER NOT EXISTS { ?x a ?class } } }""",
    )
    assert rows == []


def test_the_information_sharing_rules_keep_the_protocol_wording(real_store: Settings) -> None:
    # "can be shared" stays a permission and "should consider" an expectation, both agreed
    # in the protocol: commitments whose modality is may and should
    rows = _select(
        real_store,
        "SELECT ?r ?m WHERE { ?r a sg:InformationSharingRule , sg:Commitment ; sg:modality ?m }",
    )
    modalities = {r["r"][len(SGD) :]: r["m"][len(SG) :] for r in rows}
    assert modalities["commitment-merseyside-2017-info-channels"] == "may"
    assert modalities["commitment-merseyside-2017-info-consider-role"] == "should"
    assert modalities["commitment-merseyside-2017-info-gpms"] == "will"


def test_every_term_of_the_ontology_has_a_label_of_its_own() -> None:
    # a class and a property once shared one ("area" for sg:Area and sg:area), and sg:asAt
    # and sgv:asAt both read "as at"
    by_label: dict[str, list[str]] = {}
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if (
                t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
                and isinstance(t.subject, ox.NamedNode)
                and t.subject.value.startswith("https://w3id.org/safeguarding-kg/")
            ):
                by_label.setdefault(t.object.value.lower(), []).append(t.subject.value)
    shared = {label: terms for label, terms in by_label.items() if len(set(terms)) > 1}
    assert shared == {}
