"""The glossary (issue 11, deliverable 5): at least 40 terms from a SKOS concept scheme
in data/, each defined in plain English, the statutory ones citing their provision,
linked to what they name, and found by search."""

from __future__ import annotations

from flask.testing import FlaskClient

LEG = "https://www.legislation.gov.uk/"
SGD = "https://w3id.org/safeguarding-kg/id/"


def test_the_glossary_defines_the_terms_users_meet(client: FlaskClient) -> None:
    page = client.get("/glossary.json").get_json()
    terms = {t["label"]: t for t in page["terms"]}
    assert len(terms) >= 40
    assert all(t["definition"] and len(t["definition"]) > 40 for t in terms.values())
    acronyms = {a for t in terms.values() for a in t["acronyms"]}
    assert {"MAPPA", "RA", "DTC", "SMB", "LSCB", "SCR", "CSODS", "GPMS", "ACPC", "YOT"} <= acronyms
    offender = terms["relevant sexual or violent offender"]
    assert [p["iri"] for p in offender["provisions"]] == [LEG + "ukpga/2003/44/section/327"]
    assert offender["provisions"][0]["href"] == "/legislation/ukpga/2003/44/section/327"
    # a statutory term cites the provision; a term of this service's own does not
    assert terms["safeguarding partners"]["provisions"]
    assert not terms["as at"]["provisions"]
    assert [r["iri"] for r in terms["youth offending team"]["related"]] == [
        SGD + "kind-youth-offending-team"
    ]
    assert [t["label"] for t in page["terms"]] == sorted(terms, key=str.lower)


def test_the_glossary_page_lists_terms_by_letter_with_anchors(client: FlaskClient) -> None:
    html = client.get("/glossary").get_data(as_text=True)
    assert 'id="letter-M"' in html and 'href="#letter-M"' in html
    assert 'id="term-mappa"' in html and "Multi-Agency Public Protection Arrangements" in html
    assert 'href="/legislation/ukpga/2003/44/section/325"' in html
    assert client.get("/").get_data(as_text=True).count('href="/glossary"') == 1
