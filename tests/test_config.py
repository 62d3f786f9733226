from pathlib import Path

import pytest

from kg.config import INFERRED_GRAPH, ONTOLOGY_GRAPH, Settings, find_home, graph_iri_for_data_stem
from kg.errors import (
    ConfigError,
    InconsistentOntologyError,
    KGError,
    ParseError,
    QueryError,
    ReasonerUnavailableError,
    StoreMissingError,
)
from tests.helpers import REPO


def test_named_graph_conventions():
    assert ONTOLOGY_GRAPH == "https://w3id.org/safeguarding-kg/graph/ontology"
    assert INFERRED_GRAPH == "https://w3id.org/safeguarding-kg/graph/inferred"
    assert graph_iri_for_data_stem("cja-2003") == "https://w3id.org/safeguarding-kg/graph/cja-2003"


def test_home_from_env_var(tmp_path):
    assert find_home({"KG_HOME": str(tmp_path)}, cwd=REPO) == tmp_path.resolve()


def test_home_env_var_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="KG_HOME"):
        find_home({"KG_HOME": str(tmp_path / "nope")})


def test_home_from_cwd_with_ontology_and_data(tmp_path):
    (tmp_path / "ontology").mkdir()
    assert find_home({}, cwd=tmp_path) == REPO  # data/ missing: not a home
    (tmp_path / "data").mkdir()
    assert find_home({}, cwd=tmp_path) == tmp_path.resolve()


def test_home_falls_back_to_package_parent(tmp_path):
    assert find_home({}, cwd=tmp_path) == REPO


def test_settings_defaults_derive_from_home(tmp_path):
    s = Settings.for_home(tmp_path)
    assert s.ontology_dir == tmp_path.resolve() / "ontology"
    assert s.data_dir == tmp_path.resolve() / "data"
    assert s.rules_dir == tmp_path.resolve() / "queries" / "rules"
    assert s.store_dir == tmp_path.resolve() / "build" / "store"
    assert s.max_file_bytes > 0 and s.reason


def test_settings_from_env_overrides(tmp_path):
    env = {
        "KG_HOME": str(tmp_path),
        "KG_STORE_DIR": str(tmp_path / "elsewhere"),
        "KG_MAX_FILE_BYTES": "123",
        "KG_REASON": "0",
    }
    s = Settings.from_env(env)
    assert s.store_dir == tmp_path / "elsewhere"
    assert s.max_file_bytes == 123
    assert s.reason is False


@pytest.mark.parametrize(
    ("var", "value"),
    [("KG_MAX_FILE_BYTES", "lots"), ("KG_MAX_FILE_BYTES", "0"), ("KG_REASON", "maybe")],
)
def test_settings_reject_bad_values(tmp_path, var, value):
    with pytest.raises(ConfigError):
        Settings.from_env({"KG_HOME": str(tmp_path), var: value})


def test_settings_are_frozen(tmp_path):
    s = Settings.for_home(tmp_path)
    with pytest.raises(AttributeError):
        s.home = Path("/")  # type: ignore[misc]
    assert s.with_(reason=False).reason is False


def test_error_str_is_one_line_with_location():
    e = ParseError("expected '.'\n  (more)", file="data/cja-2003.ttl", line=12, column=5)
    assert str(e) == "data/cja-2003.ttl:12:5: expected '.' (more)"
    assert e.exit_code == 2
    assert str(KGError("plain")) == "plain"
    assert str(QueryError("bad value", field="--param date")) == "--param date: bad value"
    assert str(ParseError("too big", file="x.ttl")) == "x.ttl: too big"


def test_exit_codes():
    assert InconsistentOntologyError("x").exit_code == 2
    assert QueryError("x").exit_code == 2
    assert StoreMissingError("x").exit_code == 3
    assert ReasonerUnavailableError("x").exit_code == 69
    assert all(issubclass(c, KGError) for c in (ParseError, StoreMissingError, QueryError))
