"""The fast engine agrees with stock pyshacl, the reference SHACL implementation.

pyshacl runs on exactly the data graph the engine sees (reference data, the
configuration, the inferred kinds and types, the validation context). Its results are
restricted to the configuration's nodes, as the engine's are. To keep this test
quick, pyshacl gets a data graph whose ``query`` caches the prepared SPARQL (a local
subclass: nothing in rdflib or pyshacl is patched).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from kg.validation import Validator
from kg.validation.engine import run_shapes
from kg.validation.inputs import load_source
from tests.validation.conftest import REPO
from tests.validation.helpers import BASE_CONFIG, dump
from tests.validation.test_shapes import GOOD_TURTLE, TURTLE_CASES, TURTLE_PREFIXES

pytestmark = pytest.mark.slow
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


class CachingGraph(rdflib.Graph):
    """A graph whose string queries are parsed once (pyshacl re-sends the same text)."""

    _prepared: dict[str, Any] = {}

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Result:  # type: ignore[override]
        if isinstance(query_object, str):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def _many_problems() -> dict[str, Any]:
    data = copy.deepcopy(BASE_CONFIG)
    data["bodies"] += [
        {"id": "trust", "label": "Probation Trust", "kind": "probation-trust"},
        {"id": "lhb", "label": "LHB", "kind": "local-health-board"},
        {"id": "ukba", "label": "UKBA", "kind": "uk-border-agency"},
        {"id": "childrens", "label": "Children's services", "kind": "local-authority"},
        {"id": "kindless", "label": "Kindless"},
    ]
    ra = data["responsible_authority"]
    ra["members"] = ["police", "trust"]
    ra["duty_to_cooperate"] += ["lhb", "ukba", "childrens"]
    ra["lay_advisers"] = [{"person": "adviser-1"}]
    ra["annual_reports"] = [{"year": "2014-15", "published": "2015-10-01"}]
    data["boards"][1]["members"].remove("cafcass")
    protocol = data["protocols"][0]
    protocol["review_due"] = "2019-01-01"
    protocol["information_sharing"] = [{"label": "GPMS", "marking_scheme": "gpms"}]
    protocol["liaison_roles"][0]["holders"] = ["adviser-2"]
    return data


CONFIGS = [
    ("base", ("t.yaml", dump(copy.deepcopy(BASE_CONFIG))), date(2017, 8, 1), 1),
    ("many problems", ("t.yaml", dump(_many_problems())), date(2017, 8, 1), 15),
    ("2020", ("t.yaml", dump(copy.deepcopy(BASE_CONFIG))), date(2020, 1, 1), 3),
    (
        "structure",
        ("t.ttl", (TURTLE_PREFIXES + GOOD_TURTLE + "\n".join(c[1] for c in TURTLE_CASES)).encode()),
        date(2017, 8, 1),
        8,
    ),
]


@pytest.fixture(scope="module")
def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        graph.parse(data=path.read_text(encoding="utf-8"), format="turtle")
    return graph


@pytest.mark.parametrize(
    ("source", "as_at", "at_least"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS]
)
def test_engine_agrees_with_pyshacl(
    validator: Validator,
    shapes_graph: rdflib.Graph,
    source: tuple[str, bytes],
    as_at: date,
    at_least: int,
) -> None:
    parsed = [load_source(source, validator.reference)]
    store, _locations, scope = validator.build_store(parsed, as_at)
    mine = {
        (r.shape.node.value, r.focus.value, r.shape.info.severity)
        for r in run_shapes(store, validator.shapes, scope)  # type: ignore[arg-type]
    }
    data = CachingGraph()
    data.parse(
        data=ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES).decode(),
        format="nt",
    )
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph, inference="none", advanced=False, allow_warnings=True
    )
    in_scope = {str(n.value) for n in scope if isinstance(n, ox.NamedNode)}  # type: ignore[attr-defined]
    theirs = set()
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = str(report.value(result, SH.focusNode))
        if focus in in_scope:
            severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1].lower()
            theirs.add((str(report.value(result, SH.sourceShape)), focus, severity))
    assert mine == theirs
    assert len(mine) >= at_least
