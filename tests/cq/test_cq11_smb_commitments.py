"""Competency question 11: the MAPPA SMB's commitments a-h and which involve case reviews."""

SGD = "https://w3id.org/safeguarding-kg/id/"
LSCBS = {
    "Liverpool Local Safeguarding Children Board",
    "Knowsley Local Safeguarding Children Board",
    "Sefton Local Safeguarding Children Board",
    "St Helens Local Safeguarding Children Board",
    "Wirral Local Safeguarding Children Board",
}


def _split(value):
    return set(value.split("; ")) if value else set()


def test_eight_commitments_in_order(cq):
    rows = cq("cq11-smb-commitments")
    assert [r["number"] for r in rows] == list("abcdefgh")
    assert [int(r["order"]) for r in rows] == list(range(1, 9))
    assert [r["commitment"] for r in rows] == [
        SGD + f"commitment-merseyside-2017-smb-{letter}" for letter in "abcdefgh"
    ]
    assert [r["clause"] for r in rows] == [
        SGD + f"merseyside-protocol-2017-smb-{letter}" for letter in "abcdefgh"
    ]
    assert {r["bearer"] for r in rows} == {SGD + "merseyside-smb"}


def test_case_review_commitments_are_b_c_d(cq):
    rows = cq("cq11-smb-commitments")
    involved = [r["number"] for r in rows if r["involvesTopic"] == "true"]
    assert involved == ["b", "c", "d"]
    for r in rows:
        assert ("case reviews" in _split(r["topics"])) == (r["number"] in "bcd")


def test_owed_to_the_lscbs_and_representative(cq):
    rows = {r["number"]: r for r in cq("cq11-smb-commitments")}
    for r in rows.values():
        assert _split(r["owedTo"]) >= LSCBS
    reps = {"Mike Wyatt", "Ian Mulcahey"}
    assert _split(rows["a"]["owedTo"]) == LSCBS | reps
    assert _split(rows["h"]["owedTo"]) == LSCBS | reps
    assert _split(rows["e"]["owedTo"]) == LSCBS | {"duty-to-co-operate body"}
    assert "training" in rows["e"]["action"].lower()
    assert "serious case review" in rows["c"]["action"]


def test_other_topic_parameter(cq):
    rows = cq("cq11-smb-commitments", topic=SGD + "topic-information-sharing")
    assert [r["number"] for r in rows if r["involvesTopic"] == "true"] == ["a", "b", "h"]
