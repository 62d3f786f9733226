import csv
import io
import json
from importlib.metadata import entry_points

import pytest

import kg.cli
from kg.cli import main
from tests.helpers import fixture_settings, require_java, run_kg

pytestmark = pytest.mark.slow
QUERY = "queries/duties-owed-by.rq"


def test_console_script_entry_point():
    (ep,) = [e for e in entry_points(group="console_scripts") if e.name == "kg"]
    assert ep.value == "kg.cli:main"


def test_build_prints_progress_and_summary(tmp_path):
    require_java()
    settings = fixture_settings("kg-basic", tmp_path / "store")
    proc = run_kg(["build"], settings)
    assert proc.returncode == 0, proc.stderr
    assert "HermiT" in proc.stderr and "rules" in proc.stderr
    assert "https://w3id.org/safeguarding-kg/graph/sample-duties" in proc.stdout
    assert "total" in proc.stdout
    quiet = run_kg(["build", "--quiet"], settings)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_broken_turtle_exits_2_and_keeps_previous_store(tmp_path):
    good = fixture_settings("kg-basic", tmp_path / "store")
    assert run_kg(["build", "--no-reason", "--quiet"], good).returncode == 0
    published = good.store_dir.resolve()

    proc = run_kg(["build"], fixture_settings("broken", tmp_path / "store"))
    assert proc.returncode == 2
    assert "data/broken-act.ttl:11:1: A dot is expected" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert good.store_dir.resolve() == published
    assert run_kg(["query", "ASK { ?s ?p ?o }"], good).stdout == "true\n"


def test_inconsistent_ontology_exits_2(tmp_path):
    require_java()
    proc = run_kg(["build"], fixture_settings("inconsistent", tmp_path / "store"))
    assert proc.returncode == 2
    assert "inconsistent" in proc.stderr and "sgd:both-a-duty-and-a-body" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "store").exists()


def test_query_table_csv_json(basic_store):
    table = run_kg(["query", QUERY], basic_store)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == ["duty", "|", "label", "|", "from"]
    assert "sgd:duty-cda1998-s39-yot" in table.stdout and table.stdout.endswith("(2 rows)\n")

    as_csv = run_kg(["query", QUERY, "--format", "csv"], basic_store)
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["duty", "label", "from"] and len(rows) == 3

    as_json = json.loads(run_kg(["query", QUERY, "--format", "json"], basic_store).stdout)
    assert as_json["head"]["vars"] == ["duty", "label", "from"]
    assert len(as_json["results"]["bindings"]) == 2


def test_query_param_override(basic_store):
    proc = run_kg(
        [
            "query",
            QUERY,
            "--param",
            "kind=sgd:kind-local-authority",
            "-p",
            'date="2030-06-01"^^xsd:date',
        ],
        basic_store,
    )
    assert proc.returncode == 0, proc.stderr
    assert "sgd:duty-ca2004-s11-la" in proc.stdout and "(1 row)" in proc.stdout


def test_query_ask(basic_store):
    proc = run_kg(
        ["query", "ASK { ?s a <https://w3id.org/safeguarding-kg/ontology#Duty> }"], basic_store
    )
    assert (proc.returncode, proc.stdout) == (0, "true\n")


def test_query_errors(basic_store, tmp_path):
    bad = run_kg(["query", "SELECT ?x WHERE { ?x ?y }"], basic_store)
    assert bad.returncode == 2 and "invalid SPARQL" in bad.stderr and "Traceback" not in bad.stderr
    bad_param = run_kg(["query", QUERY, "--param", "kind=nonsense"], basic_store)
    assert bad_param.returncode == 2 and "--param kind" in bad_param.stderr
    no_store = run_kg(["query", QUERY], fixture_settings("kg-basic", tmp_path / "none"))
    assert no_store.returncode == 3 and "run `kg build`" in no_store.stderr


def test_unexpected_exception_exits_70(monkeypatch, capsys, tmp_path):
    def crash(args, settings):
        raise ZeroDivisionError("oops")

    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_DEBUG", raising=False)
    monkeypatch.setattr(kg.cli, "cmd_build", crash)
    assert main(["build"]) == 70
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError: oops)" in err and "Traceback" not in err


def test_query_that_would_crash_the_engine_is_refused_not_a_segfault(basic_store):
    # 7,000 terms at depth 1: pyoxigraph's parser overflowed its stack (exit 139)
    proc = run_kg(["query", "SELECT (1" + "+1" * 7000 + " AS ?x) {}"], basic_store)
    assert proc.returncode == 2, proc.stderr
    assert "7000 operators" in proc.stderr and "max_operators" in proc.stderr
    assert "Traceback" not in proc.stderr
