"""Bad and hostile input: each gives one clear message naming the file, line and field,
exit code 2, no traceback, and nothing is fetched or read besides the input."""

from __future__ import annotations

import copy
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from kg.validation import ConfigurationError, Limits, Validator
from tests.validation.helpers import BASE_CONFIG, dump, run

PREFIXES = (
    "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n"
    "@prefix sgd: <https://w3id.org/safeguarding-kg/id/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
)


def error(
    validator: Validator, name: str, data: bytes, limits: Limits | None = None
) -> ConfigurationError:
    if limits is not None:
        validator = Validator(reference=validator.reference, shapes=validator.shapes, limits=limits)
    with pytest.raises(ConfigurationError) as info:
        validator.validate([(name, data)])
    assert info.value.exit_code == 2
    return info.value


def yaml_text(**top: object) -> bytes:
    data = copy.deepcopy(BASE_CONFIG)
    data.update(top)
    return dump(data)


# -- YAML ---------------------------------------------------------------------------


def test_unknown_key_names_line_and_allowed_keys(validator: Validator) -> None:
    text = b"configuration: x\ntitle: T\narea: merseyside\ndate: 2017-08-01\nboddies: []\n"
    e = error(validator, "area.yaml", text)
    assert str(e) == (
        "area.yaml:5:1: boddies: unknown key 'boddies' (did you mean 'bodies'?); allowed keys: "
        "configuration, title, area, date, base, description, areas, bodies, people, "
        "responsible_authority, boards, protocols"
    )


def test_wrong_date(validator: Validator) -> None:
    text = b"configuration: x\ntitle: T\narea: merseyside\ndate: 2017-02-30\n"
    e = error(validator, "area.yaml", text)
    assert (e.file, e.line, e.field) == ("area.yaml", 4, "date")
    assert (
        e.message == "'2017-02-30' is not a valid date (expected YYYY-MM-DD between 1900 and 2100)"
    )


def test_unknown_kind_lists_close_matches(validator: Validator) -> None:
    data = copy.deepcopy(BASE_CONFIG)
    data["bodies"][0]["kind"] = "youth-offending-teams"
    e = error(validator, "area.yaml", dump(data))
    assert e.field == "bodies[1].kind"
    assert e.message.startswith(
        "unknown kind of body 'youth-offending-teams'; did you mean youth-offending-team"
    )


def test_reference_to_an_unknown_id(validator: Validator) -> None:
    data = copy.deepcopy(BASE_CONFIG)
    data["responsible_authority"]["members"] = ["police", "nsp", "prisons"]
    e = error(validator, "area.yaml", dump(data))
    assert e.field == "responsible_authority.members[2]"
    assert (
        e.message == "'nsp' does not resolve: no body has that id in this file; did you mean 'nps'?"
    )
    assert e.line is not None


def test_yaml_billion_laughs_is_refused(validator: Validator) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    e = error(validator, "laughs.yaml", "\n".join(lines).encode())
    assert "expands to more than 50000 values" in e.message


def test_yaml_syntax_error(validator: Validator) -> None:
    e = error(validator, "bad.yaml", b"configuration: x\n  title: [unclosed\n")
    assert e.file == "bad.yaml" and e.line == 2
    assert e.message.startswith("invalid YAML:")


def test_non_utf8(validator: Validator) -> None:
    e = error(validator, "latin1.yaml", b"configuration: x\ntitle: Caf\xe9\n")
    assert str(e) == "latin1.yaml:2:11: is not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_file_over_the_size_limit(validator: Validator) -> None:
    e = error(validator, "big.ttl", b"#" * 2048, limits=Limits(max_bytes=1024))
    assert str(e) == "big.ttl: file is 2048 bytes, larger than the limit of 1024 bytes"


def test_unsupported_extension(validator: Validator) -> None:
    e = error(validator, "area.txt", b"hello")
    assert e.message == "unsupported file type '.txt': use .yaml, .ttl, .jsonld or .rdf"


# -- RDF --------------------------------------------------------------------------------


def test_turtle_syntax_error(validator: Validator) -> None:
    e = error(validator, "area.ttl", (PREFIXES + "sgd:x rdfs:label 'unclosed .\n").encode())
    assert e.file == "area.ttl" and e.line == 5
    assert e.message.startswith("invalid Turtle:")


def test_relative_iri_does_not_resolve(validator: Validator) -> None:
    e = error(validator, "area.ttl", (PREFIXES + "<x> rdfs:label 'x' .\n").encode())
    assert e.line == 5 and "invalid Turtle" in e.message


def test_iri_that_does_not_resolve(validator: Validator) -> None:
    text = (
        PREFIXES
        + "<https://example.org/b> a sg:Body ;\n    sg:ofKind sgd:kind-youth-offending-teams .\n"
    )
    e = error(validator, "area.ttl", text.encode())
    assert (e.line, e.field) == (5, "sg:ofKind")
    assert e.message.startswith("sgd:kind-youth-offending-teams does not resolve")
    assert "did you mean sgd:kind-youth-offending-team" in e.message


def test_statements_about_the_statute_are_refused(validator: Validator) -> None:
    text = PREFIXES + 'sgd:kind-lscb sg:validTo "2030-01-01" .\n'
    e = error(validator, "area.ttl", text.encode())
    assert e.line == 5
    assert e.message.startswith("the configuration may not make statements about sgd:kind-lscb")


def test_rdfxml_doctype_is_refused(validator: Validator) -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    e = error(validator, "area.rdf", text.encode())
    assert e.line == 2 and "DOCTYPE or ENTITY declaration is refused" in e.message


def test_deep_jsonld_is_refused_before_parsing(validator: Validator) -> None:
    text = (
        '{"@id": "https://example.org/a", "https://example.org/p": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    e = error(validator, "deep.jsonld", text.encode())
    assert e.message == "JSON nested more than 40 levels deep"


def _chain(n: int, *, via_id: bool = False) -> bytes:
    """A context whose term t<n> is defined through t<n-1>, ..., t0 (compact IRIs)."""
    context: dict[str, object] = {"t0": "https://example.org/"}
    for i in range(1, n + 1):
        context[f"t{i}"] = {"@id": f"t{i - 1}:a"} if via_id else f"t{i - 1}:a"
    return json.dumps({"@context": context, "@id": "https://example.org/x", f"t{n}": "v"}).encode()


def test_jsonld_term_chains_are_bounded_before_parsing(validator: Validator) -> None:
    limits = Limits(max_jsonld_chain=8)
    for via_id in (False, True):
        e = error(validator, "chain.jsonld", _chain(8, via_id=via_id), limits)
        assert "through a chain of more than 8 other terms (max_jsonld_chain)" in e.message
        assert e.field == "@context" and e.file == "chain.jsonld"
    # a chain at the limit is parsed and validated
    within = Validator(reference=validator.reference, shapes=validator.shapes, limits=limits)
    assert within.validate([("chain.jsonld", _chain(7))]) is not None


def test_jsonld_context_size_is_bounded(validator: Validator) -> None:
    e = error(validator, "big.jsonld", _chain(20_000))
    assert e.message == "JSON-LD contexts define 20001 terms; the limit is 5000 (max_jsonld_terms)"


def test_a_cyclic_jsonld_context_is_the_parsers_error_not_a_hang(validator: Validator) -> None:
    text = json.dumps({"@context": {"a": "b:x", "b": "a:y"}, "@id": "urn:x", "a": "v"})
    e = error(validator, "cycle.jsonld", text.encode())
    assert "Cyclic IRI mapping" in e.message


@pytest.fixture
def listener() -> Iterator[tuple[int, list[object]]]:
    """A TCP listener on the loopback interface that records every connection."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, addr = server.accept()
            except OSError:
                continue
            connections.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join(2)
    server.close()


def test_remote_jsonld_context_is_not_fetched(
    validator: Validator, listener: tuple[int, list[object]]
) -> None:
    port, connections = listener
    url = f"http://127.0.0.1:{port}/context.jsonld"
    text = json.dumps({"@context": url, "@id": "https://example.org/a", "name": "x"}, indent=1)
    e = error(validator, "area.jsonld", text.encode())
    assert (e.line, e.field) == (2, "@context")
    assert (
        e.message
        == f"the remote JSON-LD context '{url}' is not fetched; put the context object in the file"
    )
    assert connections == []


def test_owl_imports_is_not_followed(
    validator: Validator, listener: tuple[int, list[object]]
) -> None:
    port, connections = listener
    text = PREFIXES + f"<https://example.org/c> owl:imports <http://127.0.0.1:{port}/more.ttl> .\n"
    e = error(validator, "area.ttl", text.encode())
    assert (e.line, e.field) == (5, "owl:imports")
    assert "is not followed" in e.message
    assert connections == []


def test_validation_context_cannot_be_supplied(validator: Validator) -> None:
    text = PREFIXES + '[] <https://w3id.org/safeguarding-kg/validation#asAt> "1999-01-01" .\n'
    e = error(validator, "area.ttl", text.encode())
    assert e.field == "sgv:asAt"


def test_as_at_out_of_range(validator: Validator) -> None:
    from datetime import date

    with pytest.raises(ConfigurationError) as info:
        run(validator, copy.deepcopy(BASE_CONFIG), "9999-01-01")
    assert info.value.message == "9999-01-01 is outside the supported years 1900 to 2100"
    assert validator.validate([("a.yaml", yaml_text())], as_at=date(2017, 8, 1)).ok


def test_inline_jsonld_configuration_validates(validator: Validator) -> None:
    document = {
        "@context": {
            "sg": "https://w3id.org/safeguarding-kg/ontology#",
            "sgd": "https://w3id.org/safeguarding-kg/id/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        },
        "@id": "https://example.org/police",
        "@type": "sg:Body",
        "rdfs:label": "Police",
        "sg:ofKind": {"@id": "sgd:kind-chief-officer-of-police"},
    }
    report = validator.validate([("area.jsonld", json.dumps(document).encode())])
    assert report.ok


def test_source_lines_of_relative_prefixed_and_full_subjects() -> None:
    """One pass finds each subject's first line, however it is written (issue 13, item 3:
    the lookup was a scan of every line per subject, quadratic in the file's size)."""
    import pyoxigraph as ox

    from kg.validation.inputs import _rdf_locations

    text = (
        "@prefix sgd: <https://w3id.org/safeguarding-kg/id/> .\n"
        "@base <https://example.org/area/> .\n"
        "<b1> a <https://w3id.org/safeguarding-kg/ontology#Body> .\n"
        "sgd:x a <https://w3id.org/safeguarding-kg/ontology#Body> .\n"
        "<https://example.org/full> a <https://w3id.org/safeguarding-kg/ontology#Body> .\n"
        "sgd:xy a <https://w3id.org/safeguarding-kg/ontology#Body> .\n"
    ) + "".join(
        f"<n{i}> a <https://w3id.org/safeguarding-kg/ontology#Body> .\n" for i in range(5000)
    )
    subjects = {
        ox.NamedNode("https://example.org/area/b1"),
        ox.NamedNode("https://w3id.org/safeguarding-kg/id/x"),
        ox.NamedNode("https://example.org/full"),
        ox.NamedNode("https://w3id.org/safeguarding-kg/id/xy"),
        ox.NamedNode("https://example.org/area/n4999"),
    }
    lines = {s.value: loc.line for s, loc in _rdf_locations(text, "a.ttl", subjects).items()}
    assert lines == {
        "https://example.org/area/b1": 3,
        "https://w3id.org/safeguarding-kg/id/x": 4,  # not confused with sgd:xy
        "https://example.org/full": 5,
        "https://w3id.org/safeguarding-kg/id/xy": 6,
        "https://example.org/area/n4999": 5006,
    }


@pytest.mark.parametrize(
    "modules",
    [
        ("kg.validation.inputs", "kg.validation.yaml_config"),
        ("kg.validation.yaml_config", "kg.validation.inputs"),
        ("kg.validation.yaml_config.boards", "kg.validation"),
    ],
)
def test_the_readers_import_in_either_order(modules: tuple[str, str]) -> None:
    """No import circle between the readers (issue 10): each imports on its own, first."""
    import subprocess
    import sys

    code = "; ".join(f"import {m}" for m in modules)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
