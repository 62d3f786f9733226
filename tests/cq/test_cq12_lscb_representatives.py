"""Competency question 12: the LSCB representatives' commitments a-d and who they are."""

SGD = "https://w3id.org/safeguarding-kg/id/"


def test_commitments_a_to_d_in_order(cq):
    rows = cq("cq12-lscb-representatives")
    numbers = []
    for r in rows:
        if r["number"] not in numbers:
            numbers.append(r["number"])
    assert numbers == ["a", "b", "c", "d"]
    assert {r["commitment"] for r in rows} == {
        SGD + f"commitment-merseyside-2017-lscb-{letter}" for letter in "abcd"
    }
    actions = {r["number"]: r["action"] for r in rows}
    assert "views of the LSCBs" in actions["a"]
    assert "business managers or chairs" in actions["b"]
    assert "guidance or training" in actions["c"]
    assert actions["d"].startswith("Escalate")


def test_each_commitment_is_borne_by_both_representatives(cq):
    rows = cq("cq12-lscb-representatives")
    assert len(rows) == 8
    by_number = {}
    for r in rows:
        by_number.setdefault(r["number"], set()).add(r["representativeLabel"])
    assert by_number == {n: {"Ian Mulcahey", "Mike Wyatt"} for n in "abcd"}


def test_representatives_posts_board_and_principals(cq):
    rows = cq("cq12-lscb-representatives")
    people = {
        r["representative"]: (
            r["postLabel"],
            r["postIn"],
            r["boardLabel"],
            r["fromEarliest"],
            r["fromLatest"],
        )
        for r in rows
    }
    assert people == {
        SGD + "mike-wyatt": (
            "Strategic Director, People's Services",
            None,  # the protocol does not say where the post is
            "Merseyside MAPPA Strategic Management Board",
            "2017-08-01",  # the protocol is dated August 2017, day not given
            "2017-08-31",
        ),
        SGD + "ian-mulcahey": (
            "Knowsley LSCB Board Manager",
            SGD + "knowsley-lscb",
            "Merseyside MAPPA Strategic Management Board",
            "2017-08-01",
            "2017-08-31",
        ),
    }
    for r in rows:
        assert set(r["onBehalfOf"].split("; ")) == {
            "Liverpool Local Safeguarding Children Board",
            "Knowsley Local Safeguarding Children Board",
            "Sefton Local Safeguarding Children Board",
            "St Helens Local Safeguarding Children Board",
            "Wirral Local Safeguarding Children Board",
        }
