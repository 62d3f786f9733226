"""The configuration header (``configuration``, ``title``, ``area``, ``date``, ``base``,
``description``) and the first pass that declares every id."""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox
import yaml

from kg.validation.namespaces import DCTERMS, RDF_TYPE, RDFS_LABEL, SGD, sg, sgv
from kg.validation.yaml_config.reader import URL_RE, Entry, Reader, get, line_of

Top = dict[str, tuple[yaml.Node, yaml.Node]]

REQUIRED = ("configuration", "title", "area", "date")
OPTIONAL = (
    "base",
    "description",
    "areas",
    "bodies",
    "people",
    "responsible_authority",
    "boards",
    "protocols",
)


def read_header(r: Reader, root: yaml.Node) -> tuple[Top, date]:
    """The top-level keys, checked; the configuration's own triples; its date."""
    top = r.mapping(root, "", REQUIRED, OPTIONAL)
    ident = r.ident(top["configuration"][1], "configuration")
    if "base" in top:
        base = r.text(top["base"][1], "base")
        if not URL_RE.match(base) or base[-1] not in "/#":
            raise r.error(
                "base must be an http(s) address ending in / or #", top["base"][1], "base"
            )
        r.base = base
    else:
        r.base = f"{SGD}local/{ident}/"
    config_date = r.date(top["date"][1], "date")
    r.area = r.area_ref(top["area"][1], "area", mappa=True)
    config = r.iri(f"configuration-{ident}")
    r.add(config, RDF_TYPE, sgv("AreaConfiguration"), root)
    r.add(config, RDFS_LABEL, r.label(r.text(top["title"][1], "title")), root)
    r.add(config, sg("documentDate"), r.date_literal(config_date), root)
    r.add(config, sg("area"), r.area, root)
    if "description" in top:
        r.add(
            config,
            ox.NamedNode(DCTERMS + "description"),
            r.label(r.text(top["description"][1], "description")),
            top["description"][1],
        )
    return top, config_date


def _items(r: Reader, top: Top, section: str) -> list[yaml.Node]:
    return r.sequence(top[section][1], section) if section in top else []


def register_ids(r: Reader, top: Top) -> None:
    """First pass: every id, so that references may point forwards."""
    for section, kind in (
        ("areas", "area"),
        ("bodies", "body"),
        ("people", "person"),
        ("boards", "board"),
        ("protocols", "protocol"),
    ):
        for n, item in enumerate(_items(r, top, section)):
            field = f"{section}[{n + 1}]"
            if not isinstance(item, yaml.MappingNode):
                raise r.error("expected a mapping (key: value lines)", item, field)
            id_node = get(item, "id")
            if id_node is None:
                raise r.error("missing required key 'id'", item, f"{field}.id")
            r.register(id_node, f"{field}.id", kind)
            if section == "protocols":
                _register_liaison_roles(r, item, field)
    if "responsible_authority" in top:
        ra = top["responsible_authority"][1]
        id_node = get(ra, "id") if isinstance(ra, yaml.MappingNode) else None
        if id_node is not None:
            r.register(id_node, "responsible_authority.id", "responsible authority")
        else:
            r.ids["responsible-authority"] = Entry(
                r.iri("responsible-authority"), "responsible authority", line_of(ra)
            )


def _register_liaison_roles(r: Reader, protocol: yaml.MappingNode, field: str) -> None:
    roles = get(protocol, "liaison_roles")
    if roles is None:
        return
    for m, role in enumerate(r.sequence(roles, f"{field}.liaison_roles")):
        rid = get(role, "id") if isinstance(role, yaml.MappingNode) else None
        if rid is None:
            raise r.error(
                "missing required key 'id'",
                role,
                f"{field}.liaison_roles[{m + 1}].id",
            )
        r.register(rid, f"{field}.liaison_roles[{m + 1}].id", "role")
