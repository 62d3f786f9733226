"""``boards``: each board, its type, who established it and its members."""

from __future__ import annotations

import difflib

import pyoxigraph as ox
import yaml

from kg.validation.namespaces import RDF_TYPE, RDFS, RDFS_LABEL, sg
from kg.validation.yaml_config.memberships import read_assignment
from kg.validation.yaml_config.reader import Reader

BOARD_TYPES = {
    "smb": (sg("StrategicManagementBoard"), sg("boardMember")),
    "lscb": (sg("LocalSafeguardingChildrenBoard"), sg("boardPartner")),
    "acpc": (sg("AreaChildProtectionCommittee"), sg("boardMember")),
    "safeguarding-partnership": (sg("SafeguardingPartnership"), sg("safeguardingPartner")),
    "regional-committee": (sg("RegionalChildProtectionCommittee"), sg("boardMember")),
    "sub-group": (sg("SubGroup"), sg("boardMember")),
    "board": (sg("Board"), sg("boardMember")),
}
MEMBER_ROLES = {
    "partner": {
        "lscb": sg("boardPartner"),
        "safeguarding-partnership": sg("safeguardingPartner"),
    },
    "member": sg("boardMember"),
}


def read_boards(r: Reader, node: yaml.Node) -> None:
    for n, item in enumerate(r.sequence(node, "boards")):
        where = f"boards[{n + 1}]"
        f = r.mapping(
            item,
            where,
            ("id", "type", "label"),
            (
                "kind",
                "area",
                "same_as",
                "established_by",
                "members",
                "sub_group_of",
                "valid_from",
                "valid_to",
                "note",
            ),
        )
        ident = f["id"][1].value
        iri = r.ids[ident].iri
        board_type = r.text(f["type"][1], f"{where}.type")
        if board_type not in BOARD_TYPES:
            close = difflib.get_close_matches(board_type, list(BOARD_TYPES), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise r.error(
                f"unknown board type '{board_type}'{hint}; use one of {', '.join(BOARD_TYPES)}",
                f["type"][1],
                f"{where}.type",
            )
        cls, member_role = BOARD_TYPES[board_type]
        r.add(iri, RDF_TYPE, cls, item)
        r.add(iri, RDFS_LABEL, r.label(r.text(f["label"][1], f"{where}.label")), item)
        if "kind" in f:
            r.add(iri, sg("ofKind"), r.kind(f["kind"][1], f"{where}.kind"), f["kind"][1])
        if "area" in f:
            r.add(iri, sg("area"), r.area_ref(f["area"][1], f"{where}.area"), f["area"][1])
        r.same_as(iri, f, where)
        if "established_by" in f:
            by = r.ref(
                f["established_by"][1],
                f"{where}.established_by",
                ("body", "board", "responsible authority"),
            )
            r.add(iri, sg("establishedBy"), by, f["established_by"][1])
        if "note" in f:
            r.add(
                iri,
                ox.NamedNode(RDFS + "comment"),
                r.label(r.text(f["note"][1], f"{where}.note")),
                item,
            )
        if "sub_group_of" in f:
            for m, parent in enumerate(r.sequence(f["sub_group_of"][1], f"{where}.sub_group_of")):
                r.add(
                    iri,
                    sg("subGroupOf"),
                    r.ref(parent, f"{where}.sub_group_of[{m + 1}]", ("board",)),
                    parent,
                )
        r.dates(iri, f, where)
        roles: dict[str, ox.NamedNode] = {"member": sg("boardMember")}
        partner = MEMBER_ROLES["partner"]
        assert isinstance(partner, dict)
        if board_type in partner:
            roles["partner"] = partner[board_type]
        if "members" in f:
            for m, member in enumerate(r.sequence(f["members"][1], f"{where}.members")):
                read_assignment(
                    r,
                    member,
                    f"{where}.members[{m + 1}]",
                    "body",
                    ("body", "board", "person", "responsible authority"),
                    member_role,
                    iri,
                    ident,
                    role_key="role",
                    roles=roles,
                )
