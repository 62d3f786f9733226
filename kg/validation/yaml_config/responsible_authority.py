"""``responsible_authority``: members, duty-to-co-operate bodies, lay advisers and
annual reports."""

from __future__ import annotations

import re
from datetime import date

import pyoxigraph as ox
import yaml

from kg.validation.namespaces import RDF_TYPE, RDFS, RDFS_LABEL, sg, sgv
from kg.validation.yaml_config.memberships import read_assignment
from kg.validation.yaml_config.reader import Reader

YEAR_RE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")


def read_responsible_authority(r: Reader, node: yaml.Node) -> None:
    where = "responsible_authority"
    f = r.mapping(
        node,
        where,
        (),
        (
            "id",
            "label",
            "area",
            "members",
            "duty_to_cooperate",
            "lay_advisers",
            "annual_reports",
            "valid_from",
            "valid_to",
        ),
    )
    ident = f["id"][1].value if "id" in f else "responsible-authority"
    iri = r.ids[ident].iri
    area = r.area_ref(f["area"][1], f"{where}.area", mappa=True) if "area" in f else r.area
    assert area is not None
    r.add(iri, RDF_TYPE, sg("ResponsibleAuthority"), node)
    label = (
        r.text(f["label"][1], f"{where}.label")
        if "label" in f
        else f"{r.reference.areas.get(area.value, 'Area')} MAPPA responsible authority"
    )
    r.add(iri, RDFS_LABEL, r.label(label), node)
    r.add(iri, sg("area"), area, node)
    r.dates(iri, f, where)
    bodies = ("body",)
    for key, role in (
        ("members", "responsibleAuthorityMember"),
        ("duty_to_cooperate", "dutyToCooperateBody"),
    ):
        if key in f:
            for n, item in enumerate(r.sequence(f[key][1], f"{where}.{key}")):
                read_assignment(
                    r, item, f"{where}.{key}[{n + 1}]", "body", bodies, sg(role), iri, ident
                )
    if "lay_advisers" in f:
        for n, item in enumerate(r.sequence(f["lay_advisers"][1], f"{where}.lay_advisers")):
            _lay_adviser(r, item, f"{where}.lay_advisers[{n + 1}]", iri, ident, n + 1)
    if "annual_reports" in f:
        for n, item in enumerate(r.sequence(f["annual_reports"][1], f"{where}.annual_reports")):
            _annual_report(r, item, f"{where}.annual_reports[{n + 1}]", iri)


def _lay_adviser(
    r: Reader, item: yaml.Node, where: str, ra: ox.NamedNode, ra_id: str, n: int
) -> None:
    if isinstance(item, yaml.ScalarNode):
        read_assignment(r, item, where, "person", ("person",), sg("layAdviser"), ra, ra_id)
        return
    f = r.mapping(item, where, (), ("person", "name", "from", "to"))
    if ("person" in f) == ("name" in f):
        raise r.error("give either 'person' (an id under people) or 'name'", item, where)
    if "person" in f:
        holder = r.ref(f["person"][1], f"{where}.person", ("person",))
    else:
        holder = r.iri(f"{ra_id}-lay-adviser-{n}")
        r.add(holder, RDF_TYPE, sg("Person"), item)
        r.add(holder, RDFS_LABEL, r.label(r.text(f["name"][1], f"{where}.name")), item)
    assignment = r.iri(f"{ra_id}-layAdviser-{n}")
    r.add(assignment, RDF_TYPE, sg("RoleAssignment"), item)
    r.add(assignment, RDFS_LABEL, r.assignment_label(holder, sg("layAdviser"), ra), item)
    r.add(assignment, sg("role"), sg("layAdviser"), item)
    r.add(assignment, sg("holder"), holder, item)
    r.add(assignment, sg("context"), ra, item)
    r.dates(assignment, f, where, ("from", "to"))


def _annual_report(r: Reader, item: yaml.Node, where: str, ra: ox.NamedNode) -> None:
    f = r.mapping(
        item, where, ("published",), ("year", "period_start", "period_end", "title", "url")
    )
    if "year" in f:
        if "period_start" in f or "period_end" in f:
            raise r.error("give either 'year' or 'period_start' and 'period_end'", item, where)
        value = r.text(f["year"][1], f"{where}.year")
        match = YEAR_RE.match(value)
        if not match:
            raise r.error(
                f"'{value}' is not a reporting year such as 2016-17",
                f["year"][1],
                f"{where}.year",
            )
        start_year = int(match[1])
        start, end = date(start_year, 4, 1), date(start_year + 1, 3, 31)
        if int(match[2][-2:]) != (start_year + 1) % 100:
            raise r.error(
                f"'{value}' is not a reporting year (1 April to 31 March) such as 2016-17",
                f["year"][1],
                f"{where}.year",
            )
    else:
        if "period_start" not in f or "period_end" not in f:
            raise r.error(
                "give 'year' (e.g. 2016-17) or both 'period_start' and 'period_end'",
                item,
                where,
            )
        start = r.date(f["period_start"][1], f"{where}.period_start")
        end = r.date(f["period_end"][1], f"{where}.period_end")
    report = r.iri(f"annual-report-{start.isoformat()}-{end.isoformat()}")
    title = (
        r.text(f["title"][1], f"{where}.title")
        if "title" in f
        else f"MAPPA annual report {start.year}-{str(end.year)[-2:]}"
    )
    r.add(report, RDF_TYPE, sgv("AnnualReport"), item)
    r.add(report, RDFS_LABEL, r.label(title), item)
    r.add(report, sg("issuedBy"), ra, item)
    r.add(report, sgv("periodStart"), r.date_literal(start), item)
    r.add(report, sgv("periodEnd"), r.date_literal(end), item)
    published = r.date(f["published"][1], f"{where}.published")
    r.add(report, sg("documentDate"), r.date_literal(published), f["published"][1])
    if "url" in f:
        r.add(report, ox.NamedNode(RDFS + "seeAlso"), r.url(f["url"][1], f"{where}.url"), item)
