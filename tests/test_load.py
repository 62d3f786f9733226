import pyoxigraph as ox
import pytest

from kg.config import ONTOLOGY_GRAPH, Settings, graph_iri_for_data_stem
from kg.errors import InputError, ParseError
from kg.load import (
    OWL_IMPORTS,
    _parse_error_from_oxigraph,
    discover,
    load_inputs,
    parse_turtle,
    without_imports,
)
from tests.helpers import FIXTURES

PREFIXES = b"@prefix ex: <http://example.org/> .\n"


def make_home(tmp_path, data_files=None, ontology_files=None):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    for name, text in (ontology_files or {}).items():
        (tmp_path / "ontology" / name).write_bytes(text)
    for name, text in (data_files or {}).items():
        (tmp_path / "data" / name).write_bytes(text)
    return Settings.for_home(tmp_path)


def test_discover_assigns_named_graphs():
    sources = discover(Settings.for_home(FIXTURES / "kg-basic"))
    assert [(s.path.name, s.graph, s.kind) for s in sources] == [
        ("core.ttl", ONTOLOGY_GRAPH, "ontology"),
        ("sample-duties.ttl", graph_iri_for_data_stem("sample-duties"), "data"),
    ]


def test_load_inputs_parses_all_files():
    inputs = load_inputs(Settings.for_home(FIXTURES / "kg-basic"))
    assert inputs.triple_count > 50
    graphs = {q.graph_name.value for q in inputs.quads()}
    assert graphs == {ONTOLOGY_GRAPH, graph_iri_for_data_stem("sample-duties")}
    assert all(len(f.sha256) == 64 for f in inputs.files)


def test_owl_imports_are_kept_as_triples_and_droppable():
    triples = list(load_inputs(Settings.for_home(FIXTURES / "kg-basic")).triples())
    assert any(t.predicate == OWL_IMPORTS for t in triples)
    assert not any(t.predicate == OWL_IMPORTS for t in without_imports(triples))


def test_broken_turtle_names_file_line_and_column():
    with pytest.raises(ParseError) as info:
        load_inputs(Settings.for_home(FIXTURES / "broken"))
    e = info.value
    assert (e.file, e.line, e.column) == ("data/broken-act.ttl", 11, 1)
    assert str(e).startswith("data/broken-act.ttl:11:1: ")
    assert "dot" in str(e)
    assert e.exit_code == 2


def test_oversized_file_is_refused(tmp_path):
    settings = make_home(tmp_path, {"big.ttl": PREFIXES + b"ex:a ex:b ex:c .\n" * 100})
    with pytest.raises(ParseError, match=r"data/big\.ttl: file is \d+ bytes, larger than"):
        load_inputs(settings.with_(max_file_bytes=1000))


def test_relative_iris_are_an_error():
    with pytest.raises(ParseError, match="IRI"):
        parse_turtle(b"<a> <b> <c> .", "x.ttl")


def test_invalid_utf8_is_a_parse_error():
    with pytest.raises(ParseError) as info:
        parse_turtle(PREFIXES + b'ex:a ex:b "\xff" .', "x.ttl")
    assert info.value.line == 2


def test_blank_node_labels_do_not_clash_across_files(tmp_path):
    same = PREFIXES + b"_:b1 ex:p ex:o .\n"
    settings = make_home(tmp_path, {"one.ttl": same, "two.ttl": same})
    subjects = {t.subject for t in load_inputs(settings).triples()}
    assert len(subjects) == 2


@pytest.mark.parametrize(
    ("name", "message"), [("inferred.ttl", "reserved"), ("bad name.ttl", "must match")]
)
def test_data_file_names_must_make_good_graph_names(tmp_path, name, message):
    settings = make_home(tmp_path, {name: PREFIXES})
    with pytest.raises(InputError, match=message):
        discover(settings)


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no ontology folder"):
        discover(Settings.for_home(tmp_path))


def test_rdflib_fallback_when_pyoxigraph_gives_no_line():
    data = PREFIXES + b"ex:a ex:b ex:c .\nex:d ex:e\nex:f ex:g ex:h .\n"
    error = _parse_error_from_oxigraph(SyntaxError("something is wrong"), data, "x.ttl")
    assert error.file == "x.ttl"
    assert error.line is not None and error.line >= 3
    assert str(error).startswith(f"x.ttl:{error.line}: something is wrong")


def test_parse_turtle_returns_triples():
    triples = parse_turtle(PREFIXES + b'ex:a ex:b "x"@en .', "x.ttl")
    assert triples == [
        ox.Triple(
            ox.NamedNode("http://example.org/a"),
            ox.NamedNode("http://example.org/b"),
            ox.Literal("x", language="en"),
        )
    ]
