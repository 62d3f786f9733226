"""Competency question 10: parties to the Merseyside protocol and the areas it covers."""

SGD = "https://w3id.org/safeguarding-kg/id/"

LSCB_AREAS = {
    "liverpool-lscb": "la-area-liverpool",
    "knowsley-lscb": "la-area-knowsley",
    "sefton-lscb": "la-area-sefton",
    "st-helens-lscb": "la-area-st-helens",
    "wirral-lscb": "la-area-wirral",
}


def _rows(cq, relation, **params):
    return [r for r in cq("cq10-protocol-parties-and-areas", **params) if r["relation"] == relation]


def test_parties_are_the_smb_and_the_five_lscbs(cq):
    parties = {r["resource"]: r["area"] for r in _rows(cq, "party")}
    expected = {SGD + "merseyside-smb": SGD + "mappa-area-merseyside"}
    expected |= {SGD + board: SGD + area for board, area in LSCB_AREAS.items()}
    assert parties == expected


def test_party_labels(cq):
    labels = {r["label"] for r in _rows(cq, "party")}
    assert labels == {
        "Merseyside MAPPA Strategic Management Board",
        "Liverpool Local Safeguarding Children Board",
        "Knowsley Local Safeguarding Children Board",
        "Sefton Local Safeguarding Children Board",
        "St Helens Local Safeguarding Children Board",
        "Wirral Local Safeguarding Children Board",
    }


def test_document_area_is_merseyside(cq):
    rows = _rows(cq, "area of the document")
    assert [(r["resource"], r["label"]) for r in rows] == [
        (SGD + "mappa-area-merseyside", "Merseyside")
    ]


def test_local_authority_areas_covered(cq):
    rows = _rows(cq, "local authority area covered")
    assert [r["label"] for r in rows] == ["Knowsley", "Liverpool", "Sefton", "St Helens", "Wirral"]
    assert {r["resource"] for r in rows} == {SGD + a for a in LSCB_AREAS.values()}


def test_other_document_has_its_own_answer(cq):
    # The London report has no parties; its area is London, which covers the 32 London
    # boroughs and the City of London (the reference geography, ONS lookups).
    rows = cq("cq10-protocol-parties-and-areas", document=SGD + "london-report-2004")
    pairs = {(r["relation"], r["label"]) for r in rows}
    assert ("area of the document", "London") in pairs
    covered = {label for relation, label in pairs if relation == "local authority area covered"}
    assert len(covered) == 33, sorted(covered)
    assert {"City of London", "Westminster", "Hackney"} <= covered
