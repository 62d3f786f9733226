"""Competency question 13: the protocol's information-sharing rules and which are out of date."""

SGD = "https://w3id.org/safeguarding-kg/id/"
RULES = [
    "info-principle",
    "info-relevant",
    "info-gpms",
    "info-business-managers",
    "info-channels",
    "info-csods",
    "info-consider-role",
]


def test_seven_rules_in_document_order(cq):
    rows = cq("cq13-information-sharing-rules")
    rules = []
    for r in rows:
        if r["rule"] not in rules:
            rules.append(r["rule"])
    assert rules == [SGD + f"commitment-merseyside-2017-{name}" for name in RULES]
    assert {r["documentDate"] for r in rows} == {"2017-08-31"}  # August 2017: its last day


def test_modalities(cq):
    modality = {
        r["rule"].rsplit("2017-", 1)[1]: r["modality"] for r in cq("cq13-information-sharing-rules")
    }
    assert modality["info-consider-role"] == "should"
    assert modality["info-channels"] == "may"
    assert {
        modality[name] for name in RULES if name not in ("info-consider-role", "info-channels")
    } == {"will (commitment)"}


def test_only_the_gpms_rule_is_out_of_date(cq):
    rows = cq("cq13-information-sharing-rules")
    stale = [
        (r["rule"], r["dependency"], r["dependencyTo"]) for r in rows if r["outOfDate"] == "true"
    ]
    assert stale == [(SGD + "commitment-merseyside-2017-info-gpms", SGD + "gpms", "2014-04-01")]


def test_disclosure_rule_relies_on_s327a_in_force(cq):
    rows = [r for r in cq("cq13-information-sharing-rules") if r["rule"].endswith("info-csods")]
    assert [(r["dependency"], r["outOfDate"]) for r in rows] == [
        ("https://www.legislation.gov.uk/ukpga/2003/44/section/327A", "false")
    ]
