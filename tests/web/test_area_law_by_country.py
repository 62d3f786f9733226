"""Each area under its own country's law, at each era (issue 10, deliverables 2-4):
Welsh areas get Children Act 2004 Part 3 and then the Social Services and Well-being
(Wales) Act 2014, never Part 2; English areas get their ACPCs before 2006; the general
statutory duties of a kind of body (s.11, s.28, s.130) reach every concrete body of
that kind in the area; and what is not derived is said, not left silent."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

SGD = "https://w3id.org/safeguarding-kg/id/"
#: Children Act 2004 Part 2 (England), and the English LSCB Regulations 2006
ENGLISH_PART_2 = re.compile(
    r"^https://www\.legislation\.gov\.uk/(ukpga/2004/31/section/1[0-6][A-Z]?(/|$)|uksi/2006/90(/|$))"
)
NORTH_WALES_COUNCILS = {
    SGD + f"council-{n}"
    for n in ("conwy", "denbighshire", "flintshire", "gwynedd", "isle-of-anglesey", "wrexham")
}


def _page(client: FlaskClient, area: str, as_at: str) -> dict:
    return client.get(f"/id/{area}.json?as_at={as_at}").get_json()


def _bearers(page: dict, duty: str) -> dict[str, dict]:
    """The concrete bodies of the area that bear the duty (not certainly out of force)."""
    for row in page["statutory_duties"]:
        if row["duty"]["iri"] == SGD + duty:
            return {
                b["party"]["iri"]: b
                for b in row["borne_here"]
                if b["concrete"] and b["status"] != "not in force"
            }
    return {}


def _provisions(page: dict) -> set[str]:
    return {p["iri"] for r in page["statutory_duties"] for p in r["provisions"]}


def test_north_wales_in_2017_has_welsh_duties_and_no_english_part_2(client: FlaskClient) -> None:
    page = _page(client, "mappa-area-north-wales", "2017-08-01")
    assert page["country"] == "Wales"
    s28 = _bearers(page, "duty-ca2004-s28-2-safeguard-welfare-wales")
    assert set(s28) >= NORTH_WALES_COUNCILS
    assert s28[SGD + "council-conwy"]["route"] == "holds the role as a kind of body"
    assert SGD + "police-force-north-wales" in s28
    assert set(_bearers(page, "duty-sswa2014-s130-report-child-at-risk")) >= NORTH_WALES_COUNCILS
    assert not {p for p in _provisions(page) if ENGLISH_PART_2.match(p)}
    # the regional boards are not named per area, and the page says so
    gaps = {g["iri"] for g in page["not_yet_covered"]}
    assert gaps == {SGD + "gap-wales-safeguarding-board-areas"}


def test_north_wales_in_2015_has_its_section_31_lscbs(client: FlaskClient) -> None:
    page = _page(client, "mappa-area-north-wales", "2015-01-01")
    objective = _bearers(page, "objective-ca2004-s32-co-ordinate-wales")
    assert set(objective) == {SGD + "derived-lscb-" + c.removeprefix(SGD + "council-")
                              for c in NORTH_WALES_COUNCILS}  # fmt: skip
    assert set(_bearers(page, "duty-ca2004-s31-establish-lscb-wales")) >= NORTH_WALES_COUNCILS
    assert not {p for p in _provisions(page) if ENGLISH_PART_2.match(p)}
    assert not page["not_yet_covered"]


def test_north_wales_before_october_2006_says_its_acpcs_are_not_covered(
    client: FlaskClient,
) -> None:
    page = _page(client, "mappa-area-north-wales", "2004-06-01")
    assert [g["iri"] for g in page["not_yet_covered"]] == [SGD + "gap-wales-acpcs"]
    assert not [b for b in page["boards"] if "acpc" in b["iri"] and b["status"] != "not in force"]


def test_english_areas_in_2004_have_their_acpc(client: FlaskClient) -> None:
    page = _page(client, "mappa-area-cumbria", "2004-06-01")
    acpc = [b for b in page["boards"] if b["iri"] == SGD + "derived-acpc-cumbria-county"]
    assert [b["status"] for b in acpc] == ["in force"]
    ensure = _bearers(page, "duty-wt1999-ensure-acpc")
    assert SGD + "council-cumbria-county" in ensure
    board = client.get("/id/derived-acpc-cumbria-county.json").get_json()
    start, end = board["period"]["start"], board["period"]["end"]
    assert (start["earliest"], start["latest"]) == ("1988-01-01", "1999-12-31")
    assert end["latest"] == "2006-03-31"
    assert "inferred" in board["verification"]["note"]
    # a unitary created in 1998 had its ACPC from then, not from 1988
    halton = client.get("/id/derived-acpc-halton.json").get_json()
    assert halton["period"]["start"]["earliest"] == "1998-04-01"
    # none after 2006: a 2009 unitary never had one
    assert client.get("/id/derived-acpc-cheshire-east.json").status_code == 404
    # Merseyside, whose only local document is of 2017, now shows statute in 2004
    merseyside = _page(client, "mappa-area-merseyside", "2004-06-01")
    assert SGD + "derived-acpc-liverpool" in {b["iri"] for b in merseyside["boards"]}
    assert any(r["modality"] == "must" for r in merseyside["statutory_duties"])


def test_section_11_reaches_every_council_and_the_police_of_an_english_area(
    client: FlaskClient,
) -> None:
    page = _page(client, "mappa-area-cumbria", "2017-08-01")
    s11 = _bearers(page, "duty-ca2004-s11-2-safeguard-welfare")
    assert {SGD + "council-carlisle", SGD + "council-cumbria-county",
            SGD + "police-force-cumbria"} <= set(s11)  # fmt: skip
    assert not [g for g in page["not_yet_covered"] if "wales" in g["iri"]]
    # a kind's role held only with a qualification says so beside the body
    wales = _page(client, "mappa-area-north-wales", "2017-08-01")
    lead = _bearers(wales, "duty-sswa2014-s134-4-establish-safeguarding-children-board")
    assert lead and all(b["qualification"] for b in lead.values())


def test_the_area_page_shows_what_is_not_yet_covered(client: FlaskClient) -> None:
    html = client.get("/id/mappa-area-north-wales?as_at=2017-08-01").get_data(as_text=True)
    assert 'id="not-yet-covered"' in html
    assert "Which regional Safeguarding Children Board serves each Welsh area" in html
    html = client.get("/id/mappa-area-north-wales?as_at=2015-01-01").get_data(as_text=True)
    assert 'id="not-yet-covered"' not in html
