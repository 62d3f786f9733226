"""Evidence you can cite (issue 9, deliverable 6).

Every ``sg:evidence`` names an ``sg:EvidenceDocument`` (data/evidence.ttl) with its
title, publisher and reference, linked to its official publisher where that was found;
mirrors are recorded as unofficial copies, never as the source. Checked on the real
built store, on the web read model (``evidence_items``), on the rewrite script, and on
a failing fixture for the data check queries/checks/evidence-documents.rq.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.browse.catalog import Catalog, load_catalog
from kg.browse.evidence import evidence_items
from kg.config import SG, SGD, Settings
from kg.errors import DataCheckError
from kg.store import build_store, open_store
from tests.helpers import REPO

LEG = "https://www.legislation.gov.uk/"
EVIDENCE = ox.NamedNode(SG + "evidence")
EVIDENCE_DOCUMENT = ox.NamedNode(SG + "EvidenceDocument")
OFFICIAL = ox.NamedNode(SG + "officialCopy")
UNOFFICIAL = ox.NamedNode(SG + "unofficialCopy")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: the built store's default graph: each distinct triple once, however many graphs state it
DEFAULT = ox.DefaultGraph()
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

#: Hosts that carry copies of other publishers' documents: never an official copy.
MIRROR_HOSTS = (
    "15huv.group",
    "ittrading-hk.tech",
    "bailii.org",
    "scribd.com",
    "vdocuments",
    "pdfslide",
    "fdokumen.com",
    "docslib.org",
    "paperzz.com",
    "studylib.net",
    "docest.com",
    "slideserve.com",
    "readkong.com",
    "acthub.uk",
    "uk-legislation.com",
    "zoomlaw.co.uk",
    "parallelparliament.co.uk",
    "theyworkforyou.com",
    "wikisum.wiki",
    "qwe.wiki",
    "iwiki.icu",
    "sparkthread.net",
    "tickerdossier.com",
    "lexisnexis",
    "herokuapp.com",
    "europarchive.org",
)

#: Documents whose official copy was found: evidence document -> official copy.
KNOWN_OFFICIAL = {
    "evidence-uksi-2006-90": LEG + "uksi/2006/90/made",
    "evidence-uksi-2005-394": LEG + "uksi/2005/394/made",
    "evidence-uksi-2006-927": LEG + "uksi/2006/927/made",
    "evidence-cjia-2008-s140-enacted": LEG + "ukpga/2008/4/section/140/enacted",
    "evidence-cja-2003-s325-2013-04-01": LEG + "ukpga/2003/44/section/325/2013-04-01",
    "evidence-mappa-guidance-ch3": "https://mappa.justice.gov.uk/MAPPA/view?objectID=12982868",
}


@pytest.fixture(scope="module")
def store(real_store: Settings) -> ox.Store:
    return open_store(real_store)


@pytest.fixture(scope="module")
def catalog(real_store: Settings, store: ox.Store) -> Catalog:
    return load_catalog(store, real_store)


def _host(url: str) -> str:
    return url.split("/")[2].lower()


def test_every_evidence_is_a_labelled_evidence_document(store: ox.Store) -> None:
    quads = list(store.quads_for_pattern(None, EVIDENCE, None, DEFAULT))
    assert len(quads) > 400
    bad = set()
    for q in quads:
        doc = q.object
        if not (isinstance(doc, ox.NamedNode) and doc.value.startswith(SGD + "evidence-")):
            bad.add((q.subject.value, str(doc)))
        elif not list(
            store.quads_for_pattern(doc, RDF_TYPE, EVIDENCE_DOCUMENT, DEFAULT)
        ) or not list(store.quads_for_pattern(doc, LABEL, None, DEFAULT)):
            bad.add((q.subject.value, doc.value))
    assert not bad, sorted(bad)[:10]


def test_every_document_has_an_official_copy_or_says_why_not(store: ox.Store) -> None:
    docs = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, EVIDENCE_DOCUMENT, DEFAULT)}
    assert len(docs) > 90
    note = ox.NamedNode(SG + "officialCopyNote")
    missing = [
        d.value
        for d in docs
        if not list(store.quads_for_pattern(d, OFFICIAL, None, DEFAULT))
        and not list(store.quads_for_pattern(d, note, None, DEFAULT))
    ]
    assert missing == []


def test_no_official_copy_is_on_a_mirror(store: ox.Store) -> None:
    officials = [q.object.value for q in store.quads_for_pattern(None, OFFICIAL, None, DEFAULT)]
    assert officials
    on_mirrors = [u for u in officials if any(m in _host(u) for m in MIRROR_HOSTS)]
    assert on_mirrors == []
    # ... and every mirror address of the fact sheet is kept, as an unofficial copy
    unofficial = [q.object.value for q in store.quads_for_pattern(None, UNOFFICIAL, None, DEFAULT)]
    for mirror in ("15huv.group", "ittrading-hk.tech", "scribd.com", "acthub.uk", "herokuapp.com"):
        assert any(mirror in _host(u) for u in unofficial), mirror


@pytest.mark.parametrize(("local", "official"), sorted(KNOWN_OFFICIAL.items()))
def test_known_documents_link_their_official_publisher(
    store: ox.Store, local: str, official: str
) -> None:
    found = [
        q.object.value
        for q in store.quads_for_pattern(ox.NamedNode(SGD + local), OFFICIAL, None, DEFAULT)
    ]
    assert found == [official]


def test_bailii_mirrors_are_unofficial_copies_of_the_instruments(store: ox.Store) -> None:
    def copies(local: str) -> list[str]:
        node = ox.NamedNode(SGD + local)
        return [q.object.value for q in store.quads_for_pattern(node, UNOFFICIAL, None, DEFAULT)]

    assert copies("evidence-uksi-2006-90") == [
        "https://247215.ittrading-hk.tech/uk/legis/num_reg/2006/20060090.html"
    ]
    assert copies("evidence-uksi-2006-927") == [
        "https://242575.15huv.group/uk/legis/num_reg/2006/20060927.html"
    ]


def test_evidence_items_of_a_statutory_instrument(catalog: Catalog) -> None:
    items = evidence_items(catalog, LEG + "uksi/2006/90")
    assert [i["iri"] for i in items] == [SGD + "evidence-uksi-2006-90"]
    item = items[0]
    assert set(item) == {
        "iri",
        "label",
        "href",
        "publisher",
        "reference",
        "official",
        "official_note",
        "unofficial",
    }
    assert item["label"] == "The Local Safeguarding Children Boards Regulations 2006"
    assert item["href"] == "/id/evidence-uksi-2006-90"
    assert item["reference"] == "S.I. 2006/90"
    assert item["publisher"]
    assert item["official"] == LEG + "uksi/2006/90/made"
    assert item["official_note"] is None
    assert item["unofficial"] == [
        "https://247215.ittrading-hk.tech/uk/legis/num_reg/2006/20060090.html"
    ]


def test_evidence_items_without_an_official_copy_say_why(catalog: Catalog) -> None:
    items = evidence_items(catalog, SGD + "mappa-guidance-2004-pc54")
    pc54 = next(i for i in items if i["iri"] == SGD + "evidence-pc-54-2004")
    assert pc54["reference"] == "Probation Circular 54/2004"
    assert pc54["official"] is None
    assert "no copy on an official site" in pc54["official_note"]
    assert sorted(_host(u) for u in pc54["unofficial"]) == ["vdocuments.net", "www.scribd.com"]


def test_evidence_items_show_a_bare_address_only_as_an_unofficial_copy() -> None:
    cat = Catalog()
    cat.add(SGD + "duty-x", SG + "evidence", "https://www.scribd.com/document/1/x")
    [item] = evidence_items(cat, SGD + "duty-x")
    assert item["official"] is None and item["href"] is None
    assert item["unofficial"] == ["https://www.scribd.com/document/1/x"]


def test_verification_box_cites_the_document_and_labels_unofficial_copies(
    real_store: Settings, catalog: Catalog
) -> None:
    from webui import create_app

    app = create_app({"KG_SETTINGS": real_store, "TESTING": True})
    macros = app.jinja_env.get_template("macros.html").module
    box = {"status": "verified", "label": "verified", "note": None, "date_note": None}
    with app.test_request_context("/"):
        items = evidence_items(catalog, LEG + "uksi/2006/90")
        html = str(macros.verification_box({**box, "evidence": items}))
        assert f'href="{LEG}uksi/2006/90/made"' in html
        assert "The Local Safeguarding Children Boards Regulations 2006" in html
        assert "S.I. 2006/90" in html
        assert "unofficial copy (247215.ittrading-hk.tech)" in html
        pc54 = evidence_items(catalog, SGD + "mappa-guidance-2004-pc54")
        html = str(macros.verification_box({**box, "evidence": pc54}))
        assert "Official copy not found." in html and "Probation Circular 54/2004" in html
        # the read model before evidence_items: a list of IRIs or addresses
        html = str(
            macros.verification_box(
                {**box, "evidence": [SGD + "evidence-uksi-2006-90", "https://www.scribd.com/x"]}
            )
        )
        assert 'href="/id/evidence-uksi-2006-90"' in html
        assert "(unofficial copy; document not named)" in html


# ------------------------------------------------------------------ rewrite script


@functools.cache
def _rewrite_module():
    spec = importlib.util.spec_from_file_location(
        "rewrite_evidence", REPO / "scripts" / "rewrite_evidence.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["rewrite_evidence"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_rewrite_maps_every_address_and_keeps_the_rest() -> None:
    rewrite = _rewrite_module()
    mapping = rewrite.load_mapping()
    pc54 = "https://www.scribd.com/document/1429571/UK-Home-Office-PC54"
    pc54_too = (
        "https://vdocuments.net/extension-of-mappa-guidance-"
        "extension-of-mappa-guidance-and-custodial-provision.html"
    )
    regs = "http://www.legislation.gov.uk/uksi/2006/90/body/made"
    text = (
        f"sgd:a sg:evidence <{pc54}> ,\n"
        f"        <{pc54_too}> ;\n"
        '    rdfs:label "a"@en .\n'
        f"sgd:b sg:evidence <{regs}> , sgd:evidence-uksi-2006-927 .\n"
    )
    new, changes = rewrite.rewrite_text(text, mapping)
    assert new == (
        "sgd:a sg:evidence sgd:evidence-pc-54-2004 ;\n"
        '    rdfs:label "a"@en .\n'
        "sgd:b sg:evidence sgd:evidence-uksi-2006-90 , sgd:evidence-uksi-2006-927 .\n"
    )
    assert sum(changes.values()) == 4  # three addresses and one duplicate dropped
    with pytest.raises(rewrite.MappingError):
        rewrite.rewrite_text("sgd:c sg:evidence <https://example.org/unknown> .\n", mapping)


def test_no_data_file_has_an_address_left_to_rewrite() -> None:
    rewrite = _rewrite_module()
    assert rewrite.check_all(rewrite.load_mapping()) == []


# ------------------------------------------------------------------ the data check

PREFIXES = """\
@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .
@prefix sgd: <https://w3id.org/safeguarding-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

BAD = """\
sgd:kind-test a sg:BodyKind ;
    rdfs:label "test kind"@en ;
    sg:evidence <https://www.scribd.com/document/1429571/UK-Home-Office-PC54> .
sgd:kind-test-2 a sg:BodyKind ;
    rdfs:label "second test kind"@en ;
    sg:evidence sgd:evidence-mirrored .
sgd:evidence-mirrored a sg:EvidenceDocument ;
    rdfs:label "A document linked to a mirror as its official copy"@en ;
    sg:officialCopy <https://vdocuments.us/mappa-guidance-2012.html> .
sgd:evidence-unsaid a sg:EvidenceDocument ;
    rdfs:label "A document with neither an official copy nor a note"@en .
"""


def test_evidence_check_refuses_bare_addresses_and_mirrors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "ontology").mkdir(parents=True)
    (home / "data").mkdir()
    for name in ("sg.ttl", "evidence.ttl"):
        shutil.copy(REPO / "ontology" / name, home / "ontology")
    (home / "data" / "test.ttl").write_text(PREFIXES + BAD, encoding="utf-8")
    checks = tmp_path / "checks"
    checks.mkdir()
    shutil.copy(REPO / "queries" / "checks" / "evidence-documents.rq", checks)
    settings = Settings.for_home(
        home, rules_dir=REPO / "queries" / "rules", checks_dir=checks, reason=False
    )
    with pytest.raises(DataCheckError) as caught:
        build_store(settings)
    assert not settings.store_dir.exists(), "a failed check must not publish a store"
    problems = (caught.value.detail or "").splitlines()
    assert any(
        "kind-test> has sg:evidence <https://www.scribd.com/" in p and "bare address" in p
        for p in problems
    ), problems
    assert any(
        "evidence-mirrored> has sg:officialCopy <https://vdocuments.us/" in p for p in problems
    ), problems
    assert any(
        "evidence-unsaid> has neither sg:officialCopy nor sg:officialCopyNote" in p
        for p in problems
    ), problems
    assert all("data/test.ttl" in p for p in problems), problems
