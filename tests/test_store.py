import json
import os
import subprocess
import sys
import textwrap

import pyoxigraph as ox
import pytest

import kg.store
from kg.config import INFERRED_GRAPH, ONTOLOGY_GRAPH, SG, SGD, Settings, graph_iri_for_data_stem
from kg.errors import BuildLockedError, ParseError, StoreMissingError
from kg.store import (
    StoreReader,
    build_store,
    open_store,
    quad_counts,
    read_manifest,
    store_summary,
)
from tests.helpers import REPO, RULES, fixture_settings

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def siblings(settings):
    parent = settings.store_dir.parent
    return sorted(p.name for p in parent.iterdir() if p.name != "store.lock")


def test_built_store_has_named_graphs_and_inferences(basic_store):
    store = open_store(basic_store)
    counts = quad_counts(store)
    assert set(counts) == {ONTOLOGY_GRAPH, INFERRED_GRAPH, graph_iri_for_data_stem("sample-duties")}
    inferred = ox.NamedNode(INFERRED_GRAPH)
    la_duty = ox.NamedNode(SGD + "duty-ca2004-s11-la")
    # from HermiT (defined class) and then from the subclass rule (its superclasses)
    assert ox.Quad(la_duty, RDF_TYPE, ox.NamedNode(SG + "LocalAuthorityDuty"), inferred) in store
    assert ox.Quad(la_duty, RDF_TYPE, ox.NamedNode(SG + "Duty"), inferred) in store
    # the default graph is the set of the named graphs' triples: each once (kg.dataset)
    named = {
        q.triple for g in counts for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    }
    default = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    assert len(default) == len(set(default)) and set(default) == named
    assert read_manifest(basic_store)["default_graph_triples"] == len(named)


def test_manifest_records_inputs_counts_and_durations(basic_store):
    manifest = read_manifest(basic_store)
    assert manifest["reasoner"]["consistent"] is True
    assert [i["path"] for i in manifest["inputs"]] == [
        "ontology/core.ttl",
        "data/sample-duties.ttl",
    ]
    assert manifest["total_quads"] == sum(manifest["graphs"].values())
    assert {"parse", "reason", "load", "rules", "total"} <= set(manifest["durations_seconds"])
    assert manifest["rules"]["iterations"] >= 1


def test_open_store_without_build(tmp_path):
    settings = fixture_settings("kg-basic", tmp_path / "store")
    with pytest.raises(StoreMissingError, match="no built store at .*; run `kg build`"):
        open_store(settings)


def test_failed_build_keeps_previous_store(tmp_path, monkeypatch):
    settings = fixture_settings("kg-basic", tmp_path / "build" / "store", reason=False)
    first = build_store(settings)
    before = quad_counts(open_store(settings))

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash while applying the rules")

    monkeypatch.setattr(kg.store, "apply_rules", boom)
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_store(settings)
    assert settings.store_dir.resolve() == first.version_dir.resolve()
    assert quad_counts(open_store(settings)) == before
    assert siblings(settings) == ["store", first.version_dir.name]  # temp dir removed


def test_parse_error_keeps_previous_store(tmp_path):
    store_dir = tmp_path / "store"
    good = fixture_settings("kg-basic", store_dir, reason=False)
    first = build_store(good)
    with pytest.raises(ParseError):
        build_store(fixture_settings("broken", store_dir, reason=False))
    assert store_dir.resolve() == first.version_dir.resolve()
    assert quad_counts(open_store(good))


def test_killed_build_leaves_old_store_and_is_cleaned_up(tmp_path):
    """SIGKILL the build just before it publishes; the old store must survive."""
    settings = fixture_settings("kg-basic", tmp_path / "store", reason=False)
    first = build_store(settings)
    script = textwrap.dedent(
        f"""
        import os, signal
        import kg.store
        from kg.config import Settings

        def die(*args):
            os.kill(os.getpid(), signal.SIGKILL)

        kg.store._swap_in = die
        settings = Settings.for_home({str(settings.home)!r}, store_dir={str(settings.store_dir)!r},
                                     rules_dir={str(settings.rules_dir)!r}, reason=False)
        kg.store.build_store(settings)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, timeout=60, check=False)
    assert proc.returncode == -9
    assert settings.store_dir.resolve() == first.version_dir.resolve()
    assert quad_counts(open_store(settings))
    assert len(siblings(settings)) == 3  # store, old version, the unpublished new version

    second = build_store(settings)
    assert settings.store_dir.resolve() == second.version_dir.resolve()
    names = siblings(settings)
    assert not any(".tmp-" in n or ".link-" in n for n in names)
    # store -> new version, and the previously published one; the orphan is gone
    assert names == ["store", first.version_dir.name, second.version_dir.name]


def test_rebuild_prunes_old_versions(tmp_path):
    settings = fixture_settings("kg-basic", tmp_path / "store", reason=False)
    builds = [build_store(settings) for _ in range(3)]
    assert siblings(settings) == ["store", builds[1].version_dir.name, builds[2].version_dir.name]
    assert os.readlink(settings.store_dir) == builds[2].version_dir.name  # relative link


def test_previous_version_can_be_dropped(tmp_path):
    settings = fixture_settings("kg-basic", tmp_path / "store", reason=False)
    build_store(settings)
    last = build_store(settings.with_(keep_previous_version=False))
    assert siblings(settings) == ["store", last.version_dir.name]


def test_plain_directory_store_is_replaced(tmp_path):
    settings = fixture_settings("kg-basic", tmp_path / "store", reason=False)
    settings.store_dir.mkdir()
    (settings.store_dir / "junk").write_text("x")
    build_store(settings)
    assert settings.store_dir.is_symlink()
    assert json.loads((settings.store_dir / "manifest.json").read_text())["total_quads"] > 0


def test_concurrent_build_is_refused(tmp_path):
    settings = fixture_settings("kg-basic", tmp_path / "store", reason=False)
    with kg.store._build_lock(settings.store_dir), pytest.raises(BuildLockedError):
        build_store(settings)


def test_empty_folders_build_an_empty_store(tmp_path):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    messages = []
    settings = Settings.for_home(tmp_path, rules_dir=RULES)
    result = build_store(settings, messages.append)
    assert result.manifest["total_quads"] == 0
    assert any("warning: no *.ttl files" in m for m in messages)
    assert quad_counts(open_store(settings)) == {}


def test_reader_follows_new_builds(tmp_path):
    settings = fixture_settings("kg-basic", tmp_path / "store", reason=False)
    build_store(settings)
    reader = StoreReader(settings)
    first_store, first_manifest = reader.get()
    assert reader.get()[0] is first_store  # cached
    build_store(settings)
    second_store, second_manifest = reader.get()
    assert second_store is not first_store
    assert second_manifest["built_at"] >= first_manifest["built_at"]
    assert store_summary(reader)["total_quads"] == second_manifest["total_quads"]
