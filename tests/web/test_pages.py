"""The web pages and their JSON twins, through Flask's test client, on the real data."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests.web.conftest import unmarked

SGD = "https://w3id.org/safeguarding-kg/id/"
LEG = "https://www.legislation.gov.uk/"
YOT = "/id/kind-youth-offending-team"


def labels(rows: list[dict]) -> list[str]:
    return [r["duty"]["label"] for r in rows]


def html(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    return text


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/bodies",
        "/boards",
        "/provisions",
        "/areas",
        "/documents",
        YOT,
        "/id/merseyside-smb",
        "/id/merseyside-protocol-2017",
        "/id/london-report-2004",
        "/legislation/ukpga/2003/44/section/325",
        "/id/mappa-area-merseyside",
        "/id/duty-cja2003-s326-1-review",
        "/id/discrepancy-d1-lhb",
        "/search?q=youth",
        "/diagram",
        "/network",
        "/query",
        "/validate",
        "/downloads",
        "/ontology",
    ],
)
def test_every_page_type_renders_with_csp_and_a_json_twin(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    csp = dict(
        d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'" and csp["object-src"] == "'none'"
    if url != "/query":  # YASGUI's result views need inline styles (never scripts)
        assert csp["style-src"] == "'self'"
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1
    path, _, query = url.partition("?")
    twin = ("/index.json" if path == "/" else path + ".json") + (f"?{query}" if query else "")
    data = client.get(twin)
    assert data.status_code == 200 and data.is_json, twin
    # Accept: application/json on the page's own URL gives the same twin
    negotiated = client.get(url, headers={"Accept": "application/json"})
    assert negotiated.is_json and negotiated.get_json() == data.get_json()


def test_youth_offending_team_in_2017_and_today(client: FlaskClient) -> None:
    then = client.get(f"{YOT}.json?as_at=2017-08-01").get_json()
    now = client.get(f"{YOT}.json?as_at=2024-01-01").get_json()
    assert then["as_at"] == "2017-08-01"
    then_labels, now_labels = labels(then["duties_held"]), labels(now["duties_held"])
    # 2017: a duty-to-co-operate body (CJA 2003 s.325) and an LSCB Board partner
    assert any("Co-operate with the responsible authority" in x for x in then_labels)
    assert any("Be represented on the LSCB" in x for x in then_labels)
    # today: no LSCB any more, but a relevant agency of the safeguarding partners
    assert not any("Be represented on the LSCB" in x for x in now_labels)
    assert any("Relevant agencies" in x for x in now_labels)
    row = next(
        r for r in then["duties_held"] if "Co-operate with the responsible" in r["duty"]["label"]
    )
    assert row["modality"] == "must"
    assert row["owed_to"] and row["from"] == "2004-04-05"
    provision = row["provisions"][0]
    assert provision["external"].startswith(LEG) and provision["href"].startswith("/legislation/")
    page = html(client, f"{YOT}?as_at=2017-08-01")
    assert re.search(
        r'id="as_at-year"[^>]*value="2017"', page
    )  # the date input shows the page's date
    assert "/legislation/ukpga/2003/44/section/325/3?as_at=2017-08-01" in page  # links keep it


def test_boards_as_they_stood(client: FlaskClient) -> None:
    def exists(kind: str, when: str) -> bool:
        return client.get(f"/id/{kind}.json?as_at={when}").get_json()["exists_at"]

    assert exists("kind-acpc", "2004-06-01") and not exists("kind-lscb", "2004-06-01")
    assert exists("kind-lscb", "2017-08-01") and not exists("kind-acpc", "2017-08-01")
    assert exists("kind-safeguarding-partnership", "2024-01-01")
    assert not exists("kind-lscb", "2024-01-01")


def test_merseyside_smb_commitments_a_to_h_in_order(client: FlaskClient) -> None:
    doc = client.get("/id/merseyside-protocol-2017.json").get_json()
    smb = next(
        g
        for g in doc["commitment_groups"]
        if [b["iri"] for b in g["bearers"]] == [SGD + "merseyside-smb"]
    )
    numbers = [c["number"] for c in smb["commitments"] if c["number"]]
    assert numbers == list("abcdefgh")
    first = next(c for c in smb["commitments"] if c["number"] == "a")
    assert SGD + "knowsley-lscb" in [o["iri"] for o in first["owed_to"]]
    reps = next(g for g in doc["commitment_groups"] if "Mike Wyatt" in str(g["bearers"]))
    assert [c["number"] for c in reps["commitments"]] == list("abcd")
    # 12 months from a date of August 2017 (day not given): by 31 August 2018
    assert doc["review_due"] == "2018-08-31" and doc["review_within_months"] == 12
    assert doc["discrepancies"] and all(d["code"] for d in doc["discrepancies"])
    page = html(client, "/id/merseyside-protocol-2017")
    assert "Differs from statute" in page and "govuk-warning-text" in page


def test_board_page_lists_members_and_representatives(client: FlaskClient) -> None:
    smb = client.get("/id/merseyside-smb.json?as_at=2017-08-01").get_json()
    assert smb["page_type"] == "board"
    holders = {m["holder"]["label"] for m in smb["members"]}
    assert {"Mike Wyatt", "Ian Mulcahey"} <= holders
    assert any(r["number"] == "a" for r in smb["duties_held"])


def test_provision_page(client: FlaskClient) -> None:
    data = client.get("/legislation/ukpga/2003/44/section/325.json").get_json()
    assert data["legislation_url"] == LEG + "ukpga/2003/44/section/325"
    assert data["part_of"][0]["iri"] == LEG + "ukpga/2003/44"
    assert data["duties"] and data["effects"]
    documents = {r["document"]["iri"] for r in data["relied_on_by"]}
    assert SGD + "merseyside-protocol-2017" in documents
    assert client.get("/provision?iri=" + LEG + "ukpga/2003/44/section/325").status_code == 303


def test_area_page_shows_bodies_boards_protocols_and_analysis(client: FlaskClient) -> None:
    data = client.get("/id/mappa-area-merseyside.json?as_at=2017-08-01").get_json()
    assert SGD + "merseyside-smb" in [b["iri"] for b in data["boards"]]
    assert SGD + "merseyside-protocol-2017" in [d["iri"] for d in data["documents"]]
    assert data["analysis"]["rankings"]["borne"][0]["iri"] == SGD + "merseyside-smb"
    status = data["analysis"]["validation"]
    assert status and status[0]["configuration"] == "merseyside-2017" and status[0]["ok"]
    later = client.get("/id/mappa-area-merseyside.json?as_at=2024-01-01").get_json()
    assert later["analysis"]["validation"][0]["violations"] > 0  # LSCBs were abolished


def test_search_groups_results_by_type(client: FlaskClient) -> None:
    data = client.get("/search.json?q=local+safeguarding+children+board").get_json()
    types = [g["type"] for g in data["groups"]]
    assert "board" in types and "body" in types
    assert data["total"] >= len(data["groups"])
    assert client.get("/search.json?q=").get_json()["groups"] == []


def test_linked_data_by_accept_and_suffix(client: FlaskClient) -> None:
    for headers, url, media in (
        ({"Accept": "text/turtle"}, "/id/merseyside-smb", "text/turtle"),
        ({}, "/id/merseyside-smb.ttl", "text/turtle"),
        ({"Accept": "application/ld+json"}, "/id/merseyside-smb", "application/ld+json"),
        ({}, "/id/merseyside-smb.jsonld", "application/ld+json"),
        ({"Accept": "text/turtle"}, "/legislation/ukpga/2003/44/section/325", "text/turtle"),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 200 and response.mimetype == media, url
        fmt = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.JSON_LD
        triples = list(ox.parse(response.get_data(), format=fmt))
        iri = SGD + "merseyside-smb" if "smb" in url else LEG + "ukpga/2003/44/section/325"
        assert any(t.subject == ox.NamedNode(iri) for t in triples)
    html_page = client.get("/id/merseyside-smb", headers={"Accept": "text/html"})
    assert html_page.mimetype == "text/html"


def test_diagram_json_svg_and_graphml(client: FlaskClient) -> None:
    q = "?area=sgd:mappa-area-merseyside&as_at=2017-08-01"
    data = client.get("/diagram.json" + q).get_json()
    assert data["elements"]["nodes"] and data["elements"]["edges"]
    assert {e["data"]["modality"] for e in data["elements"]["edges"]} >= {"will", "role"}
    assert len(data["elements"]["rows"]) == len(data["elements"]["edges"])
    svg = client.get("/diagram.svg" + q)
    assert svg.mimetype == "image/svg+xml"
    ET.fromstring(svg.get_data())
    graphml = client.get("/diagram.graphml" + q)
    g = nx.read_graphml(__import__("io").BytesIO(graphml.get_data()))
    assert SGD + "merseyside-smb" in g


def test_network_chain_from_the_smb_to_an_lscb_board_manager(client: FlaskClient) -> None:
    url = (
        "/network.json?as_at=2017-08-01&from=sgd:merseyside-smb"
        "&to=sgd:post-knowsley-lscb-board-manager"
    )
    data = client.get(url).get_json()
    chain = data["chain"]
    assert chain["found"] and chain["directed"]
    assert chain["steps"][0]["from"]["iri"] == SGD + "merseyside-smb"
    assert chain["steps"][-1]["to"]["iri"] == SGD + "post-knowsley-lscb-board-manager"
    assert data["rankings"]["borne"] and data["rankings"]["owed"]
    assert client.get("/network.graphml").mimetype == "application/graphml+xml"


def test_downloads_parse(client: FlaskClient) -> None:
    for name, fmt in (("ontology", ox.RdfFormat.TURTLE), ("data", ox.RdfFormat.TRIG)):
        suffix = "ttl" if fmt == ox.RdfFormat.TURTLE else "trig"
        response = client.get(f"/downloads/{name}.{suffix}")
        assert response.status_code == 200
        assert len(list(ox.parse(response.get_data(), format=fmt))) > 100
    assert client.get("/downloads/all.nq").status_code == 200
    assert client.get("/downloads/data.jsonld").mimetype == "application/ld+json"
    assert client.get("/downloads/nothing.ttl").status_code == 404
    doc = client.get("/ontology.json").get_json()
    assert any(c["name"] == "Duty" for c in doc["classes"])


def test_query_page_offers_the_competency_queries(client: FlaskClient) -> None:
    data = client.get("/query.json").get_json()
    names = [e["name"] for e in data["examples"]]
    assert "cq11-smb-commitments" in names
    cq11 = data["examples"][names.index("cq11-smb-commitments")]
    assert "VALUES" in cq11["text"]  # parameters bound to their defaults
    assert "PREFIX sgd:" in data["default_query"]


# ------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "url",
    [
        "/bodies?as_at=0000-01-01",
        "/bodies?as_at=9999-12-31",
        "/bodies?as_at=yesterday",
        "/bodies?as_at=2017-02-30",
        f"{YOT}?as_at=2017-8-1",
    ],
)
def test_bad_dates_are_400_and_say_what_was_expected(client: FlaskClient, url: str) -> None:
    page = html(client, url, 400)
    assert "YYYY-MM-DD" in page
    data = client.get(url, headers={"Accept": "application/json"}).get_json()
    assert data["error"]["status"] == 400 and "YYYY-MM-DD" in data["error"]["expected"]


@pytest.mark.parametrize(
    "url",
    [
        "/bodies?colour=red",
        "/diagram?area=sgd:nowhere",
        "/diagram?board=sgd:merseyside-police",
        "/diagram?provision=ukpga/1900/1",
        "/diagram?benefits=maybe",
        "/network?from=sgd:nobody&to=sgd:merseyside-smb",
    ],
)
def test_unknown_filters_are_400(client: FlaskClient, url: str) -> None:
    page = html(client, url, 400)
    assert "Expected:" in page


def test_unknown_iri_is_404_with_a_search_box(client: FlaskClient) -> None:
    for url in ("/id/no-such-thing", "/legislation/ukpga/1900/1", "/nowhere", "/id/no.ttl"):
        page = html(client, url, 404)
        assert 'action="/search"' in page and "Traceback" not in page


def test_internal_errors_show_no_trace(web_app, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.browse import pages

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(pages, "bodies_listing", boom)
    monkeypatch.setitem(
        __import__("webui.views", fromlist=["LISTINGS"]).LISTINGS, "bodies", (boom, "Bodies")
    )
    response = web_app.test_client().get("/bodies")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text


def test_validate_upload_and_paste(client: FlaskClient) -> None:
    from tests.helpers import REPO

    example = (REPO / "examples" / "merseyside-2017.yaml").read_bytes()
    response = client.post(
        "/validate",
        data={
            "as_at": "2017-08-01",
            "format": "yaml",
            "config": "",
            "upload": (__import__("io").BytesIO(example), "merseyside-2017.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = unmarked(response.get_data(as_text=True))
    assert 'id="report-summary"' in page and "as at 1 August 2017" in page
    data = client.post(
        "/validate.json", data={"format": "yaml", "config": example.decode()}
    ).get_json()
    assert data["report"]["summary"]["violations"] == 0


def test_validate_shows_the_line_of_a_parse_error_and_escapes_text(client: FlaskClient) -> None:
    bad = "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n\n<a> <b> <c> ;;; oops\n"
    response = client.post("/validate", data={"format": "turtle", "config": bad})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "line 3" in page.lower() or "Line 3" in page
    nasty = "configuration: x\ntitle: <script>alert(1)</script>\n"
    page = client.post("/validate", data={"format": "yaml", "config": nasty}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ------------------------------------------------------------- escaping, links


def test_labels_are_escaped_and_bad_iris_never_become_links(web_app) -> None:
    """A catalog with a hostile label and a ``javascript:`` IRI, rendered by the real views."""
    from kg.browse.catalog import LABEL, RDF_TYPE, Catalog, Lit
    from kg.config import SG

    cat = Catalog(version="test")
    body = SGD + "evil-body"
    cat.add(body, RDF_TYPE, SG + "Body")
    cat.add(body, LABEL, Lit("<script>alert('x')</script>", "en"))
    cat.add(body, SG + "area", "javascript:alert(1)")
    cat.add(body, SG + "ofKind", 'https://evil.example/"onmouseover=alert(1)')
    cat.add("javascript:alert(1)", LABEL, Lit("Click me", "en"))

    class FakeCache:
        def get(self) -> Catalog:
            return cat

    state = web_app.extensions["kg"]
    original = state.catalogs
    state.catalogs = FakeCache()
    try:
        page = web_app.test_client().get("/id/evil-body").get_data(as_text=True)
    finally:
        state.catalogs = original
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r'href="\s*javascript:', page, re.I)
    assert "onmouseover=alert" not in page or 'href="https://evil' not in page
    assert "Click me" in page  # shown, as text


def test_home_json_keeps_the_store_summary(client: FlaskClient) -> None:
    data = client.get("/index.json").get_json()
    assert data["total_quads"] > 1000 and data["home"]["counts"]["duties"] > 50
    json.dumps(data)
