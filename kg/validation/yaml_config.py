"""The YAML form of an area configuration, converted to the project's RDF.

The format is documented, with a full example, in ``docs/validation.md``. The
reader is strict, so that a typing mistake never passes for a valid configuration:
unknown keys are refused (with the allowed keys), dates must be ``YYYY-MM-DD``,
kinds, areas and marking schemes must exist in the reference data (close matches
are suggested), and every reference to a body, board or person must name an ``id``
declared in the file. Each error names the file, line and field.

YAML itself is read with PyYAML's safe composer (no object construction). Anchors
and aliases are allowed, but the document they expand to is limited in size, so a
"billion laughs" document is refused instead of expanded.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox
import yaml

from kg.validation.inputs import ConfigurationError, Limits, Location, ParsedSource
from kg.validation.namespaces import (
    DCTERMS,
    ORG,
    RDF_TYPE,
    RDFS,
    RDFS_LABEL,
    SGD,
    SKOS,
    XSD_DATE,
    XSD_INTEGER,
    sg,
    sgv,
)
from kg.validation.reference import Reference

#: libyaml's safe loader when PyYAML was built with it (about ten times faster);
#: both only compose nodes here, nothing is constructed.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_RE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

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
AREA_TYPES = {
    "local-authority": sg("LocalAuthorityArea"),
    "mappa": sg("MappaArea"),
    "area": sg("Area"),
}


@dataclass
class _Entry:
    iri: ox.NamedNode
    kind: str  # body, board, ra, person, protocol, role, area
    line: int


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    def __init__(self, name: str, reference: Reference, limits: Limits) -> None:
        self.name = name
        self.reference = reference
        self.limits = limits
        self.triples: list[ox.Triple] = []
        self.locations: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Location] = {}
        self.ids: dict[str, _Entry] = {}
        self.base = ""
        self.area: ox.NamedNode | None = None
        self.labels: dict[ox.NamedNode, str] = {}

    # -- helpers ------------------------------------------------------------------

    def error(
        self, message: str, node: yaml.Node | None, field: str | None = None
    ) -> ConfigurationError:
        line = _line(node) if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        return ConfigurationError(message, file=self.name, line=line, column=column, field=field)

    def add(
        self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal, node: yaml.Node
    ) -> None:
        self.triples.append(ox.Triple(s, p, o))
        if p == RDFS_LABEL and isinstance(o, ox.Literal):
            self.labels.setdefault(s, o.value)
        self.locations.setdefault(s, Location(self.name, _line(node)))

    def mapping(
        self, node: yaml.Node, field: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(
                f"expected a mapping with keys {', '.join(required + optional)}", node, field
            )
        allowed = required + optional
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error("a key must be a plain word", key_node, field)
            key = key_node.value
            where = f"{field}.{key}" if field else key
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise self.error(
                    f"unknown key '{key}'{hint}; allowed keys: {', '.join(allowed)}",
                    key_node,
                    where,
                )
            if key in out:
                raise self.error(f"key '{key}' appears twice", key_node, where)
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null"):
                raise self.error(f"'{key}' has no value", value_node, where)
            out[key] = (key_node, value_node)
        for key in required:
            if key not in out:
                raise self.error(
                    f"missing required key '{key}'", node, f"{field}.{key}" if field else key
                )
        return out

    def text(self, node: yaml.Node, field: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error("expected a single value (text)", node, field)
        value = node.value.strip()
        if not value:
            raise self.error("must not be empty", node, field)
        if len(value) > 2000:
            raise self.error("longer than 2000 characters", node, field)
        return value

    def ident(self, node: yaml.Node, field: str) -> str:
        value = self.text(node, field)
        if not _ID_RE.match(value):
            raise self.error(
                f"'{value}' is not a valid id: use lower-case letters, digits and hyphens",
                node,
                field,
            )
        return value

    def date(self, node: yaml.Node, field: str) -> date:
        value = self.text(node, field)
        parsed: date | None = None
        if _DATE_RE.match(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None or not 1900 <= parsed.year <= 2100:
            raise self.error(
                f"'{value}' is not a valid date (expected YYYY-MM-DD between 1900 and 2100)",
                node,
                field,
            )
        return parsed

    def integer(self, node: yaml.Node, field: str, low: int, high: int) -> int:
        value = self.text(node, field)
        if not re.fullmatch(r"\d+", value) or not low <= int(value) <= high:
            raise self.error(f"'{value}' is not a whole number from {low} to {high}", node, field)
        return int(value)

    def url(self, node: yaml.Node, field: str) -> ox.NamedNode:
        value = self.text(node, field)
        if value.startswith("sgd:"):
            value = SGD + value[4:]
        if not _URL_RE.match(value):
            raise self.error(f"'{value}' is not an http(s) address", node, field)
        return ox.NamedNode(value)

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error("expected a list (lines starting with '- ')", node, field)
        return list(node.value)

    @staticmethod
    def label(value: str) -> ox.Literal:
        return ox.Literal(value, language="en")

    @staticmethod
    def date_literal(value: date) -> ox.Literal:
        return ox.Literal(value.isoformat(), datatype=XSD_DATE)

    def assignment_label(
        self, holder: ox.NamedNode, role: ox.NamedNode, context: ox.NamedNode
    ) -> ox.Literal:
        role_label = self.labels.get(role) or self.reference.roles.get(role.value, "member")
        return self.label(
            f"{self.labels.get(holder, holder.value)} as {role_label} of "
            f"{self.labels.get(context, context.value)}"
        )

    def iri(self, local: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + local)

    def register(self, node: yaml.Node, field: str, kind: str, local: str | None = None) -> _Entry:
        ident = self.ident(node, field)
        if ident in self.ids:
            first = self.ids[ident]
            raise self.error(f"id '{ident}' is already used on line {first.line}", node, field)
        entry = _Entry(self.iri(local or ident), kind, _line(node))
        self.ids[ident] = entry
        return entry

    def ref(self, node: yaml.Node, field: str, kinds: tuple[str, ...]) -> ox.NamedNode:
        ident = self.text(node, field)
        entry = self.ids.get(ident)
        if entry is None:
            candidates = [i for i, e in self.ids.items() if e.kind in kinds]
            close = difflib.get_close_matches(ident, candidates, n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise self.error(
                f"'{ident}' does not resolve: "
                f"no {' or '.join(kinds)} has that id in this file{hint}",
                node,
                field,
            )
        if entry.kind not in kinds:
            raise self.error(
                f"'{ident}' is a {entry.kind} (line {entry.line}), expected a {' or '.join(kinds)}",
                node,
                field,
            )
        return entry.iri

    def kind(self, node: yaml.Node, field: str) -> ox.NamedNode:
        value = self.text(node, field).lower().removeprefix("sgd:").removeprefix("kind-")
        iri = SGD + "kind-" + value
        if iri not in self.reference.kinds:
            matches = self.reference.suggest_kinds(value)
            hint = f"; did you mean {', '.join(matches)}?" if matches else ""
            raise self.error(
                f"unknown kind of body '{value}'{hint} "
                "(the kinds are listed in docs/validation.md)",
                node,
                field,
            )
        return ox.NamedNode(iri)

    def area_ref(self, node: yaml.Node, field: str, mappa: bool = False) -> ox.NamedNode:
        value = self.text(node, field).lower().removeprefix("sgd:")
        local = self.ids.get(value)
        if local is not None and local.kind == "area" and not mappa:
            return local.iri
        candidates = (
            [SGD + "mappa-area-" + value, SGD + value]
            if mappa
            else [SGD + "la-area-" + value, SGD + "mappa-area-" + value, SGD + value]
        )
        pool = self.reference.mappa_areas if mappa else set(self.reference.areas)
        for candidate in candidates:
            if candidate in pool:
                return ox.NamedNode(candidate)
        names = sorted(
            i[len(SGD) :].removeprefix("mappa-area-").removeprefix("la-area-")
            for i in pool
            if i.startswith(SGD)
        )
        close = difflib.get_close_matches(value, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        what = "MAPPA area" if mappa else "area"
        raise self.error(
            f"unknown {what} '{value}'{hint} (declare local authority areas under 'areas')",
            node,
            field,
        )

    # -- sections -------------------------------------------------------------------

    def read(self, root: yaml.Node) -> ParsedSource:
        top = self.mapping(
            root,
            "",
            ("configuration", "title", "area", "date"),
            (
                "base",
                "description",
                "areas",
                "bodies",
                "people",
                "responsible_authority",
                "boards",
                "protocols",
            ),
        )
        ident = self.ident(top["configuration"][1], "configuration")
        if "base" in top:
            base = self.text(top["base"][1], "base")
            if not _URL_RE.match(base) or base[-1] not in "/#":
                raise self.error(
                    "base must be an http(s) address ending in / or #", top["base"][1], "base"
                )
            self.base = base
        else:
            self.base = f"{SGD}local/{ident}/"
        config_date = self.date(top["date"][1], "date")
        self.area = self.area_ref(top["area"][1], "area", mappa=True)
        config = self.iri(f"configuration-{ident}")
        self.add(config, RDF_TYPE, sgv("AreaConfiguration"), root)
        self.add(config, RDFS_LABEL, self.label(self.text(top["title"][1], "title")), root)
        self.add(config, sg("documentDate"), self.date_literal(config_date), root)
        self.add(config, sg("area"), self.area, root)
        if "description" in top:
            self.add(
                config,
                ox.NamedNode(DCTERMS + "description"),
                self.label(self.text(top["description"][1], "description")),
                top["description"][1],
            )
        self._register_all(top)
        for section, method in (
            ("areas", self._areas),
            ("bodies", self._bodies),
            ("people", self._people),
            ("responsible_authority", self._responsible_authority),
            ("boards", self._boards),
            ("protocols", self._protocols),
        ):
            if section in top:
                method(top[section][1])
        return ParsedSource(
            name=self.name, triples=self.triples, locations=self.locations, date=config_date
        )

    def _items(self, top: dict[str, tuple[yaml.Node, yaml.Node]], section: str) -> list[yaml.Node]:
        return self.sequence(top[section][1], section) if section in top else []

    def _register_all(self, top: dict[str, tuple[yaml.Node, yaml.Node]]) -> None:
        """First pass: every id, so that references may point forwards."""
        for section, kind in (
            ("areas", "area"),
            ("bodies", "body"),
            ("people", "person"),
            ("boards", "board"),
            ("protocols", "protocol"),
        ):
            for n, item in enumerate(self._items(top, section)):
                field = f"{section}[{n + 1}]"
                if not isinstance(item, yaml.MappingNode):
                    raise self.error("expected a mapping (key: value lines)", item, field)
                id_node = _get(item, "id")
                if id_node is None:
                    raise self.error("missing required key 'id'", item, f"{field}.id")
                self.register(id_node, f"{field}.id", kind)
                if section == "protocols":
                    roles = _get(item, "liaison_roles")
                    if roles is not None:
                        for m, role in enumerate(self.sequence(roles, f"{field}.liaison_roles")):
                            rid = _get(role, "id") if isinstance(role, yaml.MappingNode) else None
                            if rid is None:
                                raise self.error(
                                    "missing required key 'id'",
                                    role,
                                    f"{field}.liaison_roles[{m + 1}].id",
                                )
                            self.register(rid, f"{field}.liaison_roles[{m + 1}].id", "role")
        if "responsible_authority" in top:
            ra = top["responsible_authority"][1]
            id_node = _get(ra, "id") if isinstance(ra, yaml.MappingNode) else None
            if id_node is not None:
                self.register(id_node, "responsible_authority.id", "responsible authority")
            else:
                self.ids["responsible-authority"] = _Entry(
                    self.iri("responsible-authority"), "responsible authority", _line(ra)
                )

    def _dates(
        self,
        s: ox.NamedNode,
        fields: dict[str, tuple[yaml.Node, yaml.Node]],
        where: str,
        names: tuple[str, str] = ("valid_from", "valid_to"),
    ) -> None:
        for key, prop in ((names[0], sg("validFrom")), (names[1], sg("validTo"))):
            if key in fields:
                value = fields[key][1]
                self.add(s, prop, self.date_literal(self.date(value, f"{where}.{key}")), value)

    def _areas(self, node: yaml.Node) -> None:
        for n, item in enumerate(self.sequence(node, "areas")):
            where = f"areas[{n + 1}]"
            f = self.mapping(item, where, ("id", "label"), ("type", "within"))
            iri = self.ids[f["id"][1].value].iri
            area_type = "local-authority"
            if "type" in f:
                area_type = self.text(f["type"][1], f"{where}.type")
                if area_type not in AREA_TYPES:
                    raise self.error(
                        f"unknown area type '{area_type}'; use one of {', '.join(AREA_TYPES)}",
                        f["type"][1],
                        f"{where}.type",
                    )
            self.add(iri, RDF_TYPE, AREA_TYPES[area_type], item)
            self.add(iri, RDFS_LABEL, self.label(self.text(f["label"][1], f"{where}.label")), item)
            if "within" in f:
                self.add(iri, sg("within"), self.area_ref(f["within"][1], f"{where}.within"), item)

    def _bodies(self, node: yaml.Node) -> None:
        for n, item in enumerate(self.sequence(node, "bodies")):
            where = f"bodies[{n + 1}]"
            f = self.mapping(
                item,
                where,
                ("id", "label"),
                ("kind", "kinds", "area", "valid_from", "valid_to", "note"),
            )
            iri = self.ids[f["id"][1].value].iri
            self.add(iri, RDF_TYPE, sg("Body"), item)
            self.add(iri, RDFS_LABEL, self.label(self.text(f["label"][1], f"{where}.label")), item)
            if "kind" in f and "kinds" in f:
                raise self.error("give either 'kind' or 'kinds', not both", f["kinds"][0], where)
            if "kind" in f:
                self.add(iri, sg("ofKind"), self.kind(f["kind"][1], f"{where}.kind"), f["kind"][1])
            if "kinds" in f:
                for m, k in enumerate(self.sequence(f["kinds"][1], f"{where}.kinds")):
                    self.add(iri, sg("ofKind"), self.kind(k, f"{where}.kinds[{m + 1}]"), k)
            if "area" in f:
                self.add(
                    iri, sg("area"), self.area_ref(f["area"][1], f"{where}.area"), f["area"][1]
                )
            if "note" in f:
                self.add(
                    iri,
                    ox.NamedNode(RDFS + "comment"),
                    self.label(self.text(f["note"][1], f"{where}.note")),
                    f["note"][1],
                )
            self._dates(iri, f, where)

    def _people(self, node: yaml.Node) -> None:
        for n, item in enumerate(self.sequence(node, "people")):
            where = f"people[{n + 1}]"
            f = self.mapping(item, where, ("id", "name"), ("post",))
            ident = f["id"][1].value
            iri = self.ids[ident].iri
            self.add(iri, RDF_TYPE, sg("Person"), item)
            self.add(iri, RDFS_LABEL, self.label(self.text(f["name"][1], f"{where}.name")), item)
            if "post" in f:
                post_node = f["post"][1]
                p = self.mapping(post_node, f"{where}.post", ("title",), ("in",))
                post = self.iri(f"post-{ident}")
                self.add(post, RDF_TYPE, sg("Post"), post_node)
                self.add(
                    post,
                    RDFS_LABEL,
                    self.label(self.text(p["title"][1], f"{where}.post.title")),
                    post_node,
                )
                if "in" in p:
                    body = self.ref(p["in"][1], f"{where}.post.in", ("body", "board"))
                    self.add(post, ox.NamedNode(ORG + "postIn"), body, p["in"][1])
                self.add(iri, ox.NamedNode(ORG + "holds"), post, post_node)

    def _assignment(
        self,
        item: yaml.Node,
        where: str,
        key: str,
        kinds: tuple[str, ...],
        role: ox.NamedNode,
        context: ox.NamedNode,
        context_id: str,
        role_key: str | None = None,
        roles: dict[str, ox.NamedNode] | None = None,
    ) -> ox.NamedNode:
        """A membership list item: an id, or a mapping ``{<key>: id, from:, to:}``."""
        if isinstance(item, yaml.ScalarNode):
            holder_node, fields = item, {}
        else:
            optional = ("from", "to") + ((role_key,) if role_key else ())
            fields = self.mapping(item, where, (key,), optional)
            holder_node = fields[key][1]
        holder = self.ref(holder_node, f"{where}.{key}" if fields else where, kinds)
        if role_key and role_key in fields and roles is not None:
            name = self.text(fields[role_key][1], f"{where}.{role_key}")
            if name not in roles:
                raise self.error(
                    f"unknown role '{name}'; use one of {', '.join(roles)}",
                    fields[role_key][1],
                    where,
                )
            role = roles[name]
        local_role = role.value.rsplit("#", 1)[-1]
        holder_id = holder.value[len(self.base) :]
        ra = self.iri(f"{context_id}-{local_role}-{holder_id}")
        self.add(ra, RDF_TYPE, sg("RoleAssignment"), item)
        self.add(ra, RDFS_LABEL, self.assignment_label(holder, role, context), item)
        self.add(ra, sg("role"), role, item)
        self.add(ra, sg("holder"), holder, item)
        self.add(ra, sg("context"), context, item)
        self._dates(ra, fields, where, ("from", "to"))
        return ra

    def _responsible_authority(self, node: yaml.Node) -> None:
        where = "responsible_authority"
        f = self.mapping(
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
        iri = self.ids[ident].iri
        area = (
            self.area_ref(f["area"][1], f"{where}.area", mappa=True) if "area" in f else self.area
        )
        assert area is not None
        self.add(iri, RDF_TYPE, sg("ResponsibleAuthority"), node)
        label = (
            self.text(f["label"][1], f"{where}.label")
            if "label" in f
            else f"{self.reference.areas.get(area.value, 'Area')} MAPPA responsible authority"
        )
        self.add(iri, RDFS_LABEL, self.label(label), node)
        self.add(iri, sg("area"), area, node)
        self._dates(iri, f, where)
        bodies = ("body",)
        for key, role in (
            ("members", "responsibleAuthorityMember"),
            ("duty_to_cooperate", "dutyToCooperateBody"),
        ):
            if key in f:
                for n, item in enumerate(self.sequence(f[key][1], f"{where}.{key}")):
                    self._assignment(
                        item, f"{where}.{key}[{n + 1}]", "body", bodies, sg(role), iri, ident
                    )
        if "lay_advisers" in f:
            for n, item in enumerate(self.sequence(f["lay_advisers"][1], f"{where}.lay_advisers")):
                self._lay_adviser(item, f"{where}.lay_advisers[{n + 1}]", iri, ident, n + 1)
        if "annual_reports" in f:
            for n, item in enumerate(
                self.sequence(f["annual_reports"][1], f"{where}.annual_reports")
            ):
                self._annual_report(item, f"{where}.annual_reports[{n + 1}]", iri)

    def _lay_adviser(
        self, item: yaml.Node, where: str, ra: ox.NamedNode, ra_id: str, n: int
    ) -> None:
        if isinstance(item, yaml.ScalarNode):
            self._assignment(item, where, "person", ("person",), sg("layAdviser"), ra, ra_id)
            return
        f = self.mapping(item, where, (), ("person", "name", "from", "to"))
        if ("person" in f) == ("name" in f):
            raise self.error("give either 'person' (an id under people) or 'name'", item, where)
        if "person" in f:
            holder = self.ref(f["person"][1], f"{where}.person", ("person",))
        else:
            holder = self.iri(f"{ra_id}-lay-adviser-{n}")
            self.add(holder, RDF_TYPE, sg("Person"), item)
            self.add(holder, RDFS_LABEL, self.label(self.text(f["name"][1], f"{where}.name")), item)
        assignment = self.iri(f"{ra_id}-layAdviser-{n}")
        self.add(assignment, RDF_TYPE, sg("RoleAssignment"), item)
        self.add(assignment, RDFS_LABEL, self.assignment_label(holder, sg("layAdviser"), ra), item)
        self.add(assignment, sg("role"), sg("layAdviser"), item)
        self.add(assignment, sg("holder"), holder, item)
        self.add(assignment, sg("context"), ra, item)
        self._dates(assignment, f, where, ("from", "to"))

    def _annual_report(self, item: yaml.Node, where: str, ra: ox.NamedNode) -> None:
        f = self.mapping(
            item, where, ("published",), ("year", "period_start", "period_end", "title", "url")
        )
        if "year" in f:
            if "period_start" in f or "period_end" in f:
                raise self.error(
                    "give either 'year' or 'period_start' and 'period_end'", item, where
                )
            value = self.text(f["year"][1], f"{where}.year")
            match = _YEAR_RE.match(value)
            if not match:
                raise self.error(
                    f"'{value}' is not a reporting year such as 2016-17",
                    f["year"][1],
                    f"{where}.year",
                )
            start_year = int(match[1])
            start, end = date(start_year, 4, 1), date(start_year + 1, 3, 31)
            if int(match[2][-2:]) != (start_year + 1) % 100:
                raise self.error(
                    f"'{value}' is not a reporting year (1 April to 31 March) such as 2016-17",
                    f["year"][1],
                    f"{where}.year",
                )
        else:
            if "period_start" not in f or "period_end" not in f:
                raise self.error(
                    "give 'year' (e.g. 2016-17) or both 'period_start' and 'period_end'",
                    item,
                    where,
                )
            start = self.date(f["period_start"][1], f"{where}.period_start")
            end = self.date(f["period_end"][1], f"{where}.period_end")
        report = self.iri(f"annual-report-{start.isoformat()}-{end.isoformat()}")
        title = (
            self.text(f["title"][1], f"{where}.title")
            if "title" in f
            else f"MAPPA annual report {start.year}-{str(end.year)[-2:]}"
        )
        self.add(report, RDF_TYPE, sgv("AnnualReport"), item)
        self.add(report, RDFS_LABEL, self.label(title), item)
        self.add(report, sg("issuedBy"), ra, item)
        self.add(report, sgv("periodStart"), self.date_literal(start), item)
        self.add(report, sgv("periodEnd"), self.date_literal(end), item)
        published = self.date(f["published"][1], f"{where}.published")
        self.add(report, sg("documentDate"), self.date_literal(published), f["published"][1])
        if "url" in f:
            self.add(
                report, ox.NamedNode(RDFS + "seeAlso"), self.url(f["url"][1], f"{where}.url"), item
            )

    def _boards(self, node: yaml.Node) -> None:
        for n, item in enumerate(self.sequence(node, "boards")):
            where = f"boards[{n + 1}]"
            f = self.mapping(
                item,
                where,
                ("id", "type", "label"),
                (
                    "kind",
                    "area",
                    "established_by",
                    "members",
                    "sub_group_of",
                    "valid_from",
                    "valid_to",
                    "note",
                ),
            )
            ident = f["id"][1].value
            iri = self.ids[ident].iri
            board_type = self.text(f["type"][1], f"{where}.type")
            if board_type not in BOARD_TYPES:
                close = difflib.get_close_matches(board_type, list(BOARD_TYPES), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise self.error(
                    f"unknown board type '{board_type}'{hint}; use one of {', '.join(BOARD_TYPES)}",
                    f["type"][1],
                    f"{where}.type",
                )
            cls, member_role = BOARD_TYPES[board_type]
            self.add(iri, RDF_TYPE, cls, item)
            self.add(iri, RDFS_LABEL, self.label(self.text(f["label"][1], f"{where}.label")), item)
            if "kind" in f:
                self.add(iri, sg("ofKind"), self.kind(f["kind"][1], f"{where}.kind"), f["kind"][1])
            if "area" in f:
                self.add(
                    iri, sg("area"), self.area_ref(f["area"][1], f"{where}.area"), f["area"][1]
                )
            if "established_by" in f:
                by = self.ref(
                    f["established_by"][1],
                    f"{where}.established_by",
                    ("body", "board", "responsible authority"),
                )
                self.add(iri, sg("establishedBy"), by, f["established_by"][1])
            if "note" in f:
                self.add(
                    iri,
                    ox.NamedNode(RDFS + "comment"),
                    self.label(self.text(f["note"][1], f"{where}.note")),
                    item,
                )
            if "sub_group_of" in f:
                for m, parent in enumerate(
                    self.sequence(f["sub_group_of"][1], f"{where}.sub_group_of")
                ):
                    self.add(
                        iri,
                        sg("subGroupOf"),
                        self.ref(parent, f"{where}.sub_group_of[{m + 1}]", ("board",)),
                        parent,
                    )
            self._dates(iri, f, where)
            roles: dict[str, ox.NamedNode] = {"member": sg("boardMember")}
            partner = MEMBER_ROLES["partner"]
            assert isinstance(partner, dict)
            if board_type in partner:
                roles["partner"] = partner[board_type]
            if "members" in f:
                for m, member in enumerate(self.sequence(f["members"][1], f"{where}.members")):
                    self._assignment(
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

    def _protocols(self, node: yaml.Node) -> None:
        for n, item in enumerate(self.sequence(node, "protocols")):
            where = f"protocols[{n + 1}]"
            f = self.mapping(
                item,
                where,
                ("id", "title", "parties", "adopted"),
                (
                    "review_within_months",
                    "review_due",
                    "see_also",
                    "liaison_roles",
                    "information_sharing",
                    "valid_to",
                ),
            )
            ident = f["id"][1].value
            iri = self.ids[ident].iri
            self.add(iri, RDF_TYPE, sg("LocalProtocol"), item)
            self.add(iri, RDFS_LABEL, self.label(self.text(f["title"][1], f"{where}.title")), item)
            for m, party in enumerate(self.sequence(f["parties"][1], f"{where}.parties")):
                self.add(
                    iri,
                    sg("party"),
                    self.ref(
                        party,
                        f"{where}.parties[{m + 1}]",
                        ("board", "body", "responsible authority"),
                    ),
                    party,
                )
            adopted = self.date(f["adopted"][1], f"{where}.adopted")
            self.add(iri, sg("documentDate"), self.date_literal(adopted), f["adopted"][1])
            if "review_within_months" in f:
                months = self.integer(
                    f["review_within_months"][1], f"{where}.review_within_months", 1, 120
                )
                self.add(
                    iri,
                    sg("reviewWithinMonths"),
                    ox.Literal(str(months), datatype=XSD_INTEGER),
                    f["review_within_months"][1],
                )
            if "review_due" in f:
                due = self.date(f["review_due"][1], f"{where}.review_due")
                self.add(iri, sg("reviewDue"), self.date_literal(due), f["review_due"][1])
            if "valid_to" in f:
                end = self.date(f["valid_to"][1], f"{where}.valid_to")
                self.add(iri, sg("validTo"), self.date_literal(end), f["valid_to"][1])
            if "see_also" in f:
                self.add(
                    iri,
                    ox.NamedNode(RDFS + "seeAlso"),
                    self.url(f["see_also"][1], f"{where}.see_also"),
                    item,
                )
            if "liaison_roles" in f:
                for m, role in enumerate(
                    self.sequence(f["liaison_roles"][1], f"{where}.liaison_roles")
                ):
                    self._liaison_role(role, f"{where}.liaison_roles[{m + 1}]", iri)
            if "information_sharing" in f:
                for m, rule in enumerate(
                    self.sequence(f["information_sharing"][1], f"{where}.information_sharing")
                ):
                    self._information_rule(
                        rule, f"{where}.information_sharing[{m + 1}]", iri, ident, m + 1
                    )

    def _liaison_role(self, item: yaml.Node, where: str, protocol: ox.NamedNode) -> None:
        f = self.mapping(item, where, ("id", "label"), ("sits_on", "on_behalf_of", "holders"))
        ident = f["id"][1].value
        role = self.ids[ident].iri
        self.add(role, RDF_TYPE, sg("Role"), item)
        self.add(role, RDFS_LABEL, self.label(self.text(f["label"][1], f"{where}.label")), item)
        self.add(role, ox.NamedNode(SKOS + "broader"), sg("representative"), item)
        self.add(protocol, sgv("createsRole"), role, item)
        context = (
            self.ref(
                f["sits_on"][1], f"{where}.sits_on", ("board", "body", "responsible authority")
            )
            if "sits_on" in f
            else protocol
        )
        behalf = []
        if "on_behalf_of" in f:
            behalf = [
                self.ref(
                    b, f"{where}.on_behalf_of[{k + 1}]", ("board", "body", "responsible authority")
                )
                for k, b in enumerate(self.sequence(f["on_behalf_of"][1], f"{where}.on_behalf_of"))
            ]
        if "holders" not in f:
            return
        for k, holder_item in enumerate(self.sequence(f["holders"][1], f"{where}.holders")):
            hw = f"{where}.holders[{k + 1}]"
            if isinstance(holder_item, yaml.ScalarNode):
                person_node, fields = holder_item, {}
            else:
                fields = self.mapping(holder_item, hw, ("person",), ("from", "to"))
                person_node = fields["person"][1]
            person = self.ref(person_node, f"{hw}.person" if fields else hw, ("person",))
            person_id = person.value[len(self.base) :]
            assignment = self.iri(f"{ident}-{person_id}")
            self.add(assignment, RDF_TYPE, sg("RoleAssignment"), holder_item)
            self.add(
                assignment, RDFS_LABEL, self.assignment_label(person, role, context), holder_item
            )
            self.add(assignment, sg("role"), role, holder_item)
            self.add(assignment, sg("holder"), person, holder_item)
            self.add(assignment, sg("context"), context, holder_item)
            self.add(assignment, sg("source"), protocol, holder_item)
            for b in behalf:
                self.add(assignment, sg("onBehalfOf"), b, holder_item)
            post = self.iri(f"post-{person_id}")
            if any(t.subject == post for t in self.triples):
                self.add(assignment, sg("post"), post, holder_item)
            self._dates(assignment, fields, hw, ("from", "to"))

    def _information_rule(
        self, item: yaml.Node, where: str, protocol: ox.NamedNode, protocol_id: str, n: int
    ) -> None:
        f = self.mapping(item, where, ("label",), ("marking_scheme",))
        rule = self.iri(f"{protocol_id}-information-sharing-{n}")
        self.add(rule, RDF_TYPE, sg("InformationSharingRule"), item)
        self.add(rule, RDFS_LABEL, self.label(self.text(f["label"][1], f"{where}.label")), item)
        self.add(rule, sg("source"), protocol, item)
        self.add(rule, sg("modality"), sg("will"), item)
        if "marking_scheme" in f:
            value = (
                self.text(f["marking_scheme"][1], f"{where}.marking_scheme")
                .lower()
                .removeprefix("sgd:")
            )
            iri = SGD + value
            if iri not in self.reference.schemes:
                names = sorted(i[len(SGD) :] for i in self.reference.schemes if i.startswith(SGD))
                raise self.error(
                    f"unknown marking scheme '{value}'; use one of {', '.join(names)}",
                    f["marking_scheme"][1],
                    f"{where}.marking_scheme",
                )
            self.add(rule, sg("markingScheme"), ox.NamedNode(iri), f["marking_scheme"][1])


def _get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _check_size(root: yaml.Node, name: str, limits: Limits) -> None:
    """Refuse documents whose aliases expand beyond the limits (YAML "billion laughs")."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise ConfigurationError("an alias refers to itself", file=name, line=_line(node))
        if depth > limits.max_yaml_depth:
            raise ConfigurationError(
                f"nested more than {limits.max_yaml_depth} levels deep", file=name, line=_line(node)
            )
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > limits.max_yaml_nodes:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                total += size(v, depth + 1)
                if total > limits.max_yaml_nodes:
                    break
        in_progress.discard(key)
        if total > limits.max_yaml_nodes:
            raise ConfigurationError(
                f"the document expands to more than {limits.max_yaml_nodes} values "
                "(anchors and aliases are limited); write the values out",
                file=name,
                line=_line(node),
            )
        sizes[key] = total
        return total

    size(root, 0)


def convert(
    text: str, name: str, reference: Reference, limits: Limits | None = None
) -> ParsedSource:
    """Convert a YAML configuration to triples (with the line of each node)."""
    limits = limits or Limits()
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = e.problem or e.context or "invalid YAML"
        raise ConfigurationError(
            f"invalid YAML: {problem}", file=name, line=line, column=column
        ) from None
    except yaml.YAMLError as e:
        raise ConfigurationError(f"invalid YAML: {e}", file=name) from None
    if root is None:
        raise ConfigurationError("the configuration is empty", file=name)
    _check_size(root, name, limits)
    return _Reader(name, reference, limits).read(root)
