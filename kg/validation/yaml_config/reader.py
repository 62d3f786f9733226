"""The reader every section of the YAML format shares: its state and its helpers.

A :class:`Reader` holds what one file has produced so far (triples, where each
subject was written, the ids declared) and the strict helpers the sections read
values with: each refuses a wrong value with a :class:`ConfigurationError` naming
the file, line, column and field.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox
import yaml

from kg.validation.configuration import ConfigurationError, Limits, Location
from kg.validation.namespaces import OWL, RDFS_LABEL, SGD, XSD_DATE, sg
from kg.validation.reference import Reference

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass
class Entry:
    """An id declared in the file: what it names, and where."""

    iri: ox.NamedNode
    kind: str  # body, board, ra, person, protocol, role, area
    line: int


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    """The value of ``key`` in a mapping node, before the mapping is checked."""
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


class Reader:
    """The state of one YAML file being read, and the helpers that read its values."""

    def __init__(self, name: str, reference: Reference, limits: Limits) -> None:
        self.name = name
        self.reference = reference
        self.limits = limits
        self.triples: list[ox.Triple] = []
        self.locations: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Location] = {}
        self.ids: dict[str, Entry] = {}
        self.base = ""
        self.area: ox.NamedNode | None = None
        self.labels: dict[ox.NamedNode, str] = {}

    def error(
        self, message: str, node: yaml.Node | None, field: str | None = None
    ) -> ConfigurationError:
        line = line_of(node) if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        return ConfigurationError(message, file=self.name, line=line, column=column, field=field)

    def add(
        self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal, node: yaml.Node
    ) -> None:
        self.triples.append(ox.Triple(s, p, o))
        if p == RDFS_LABEL and isinstance(o, ox.Literal):
            self.labels.setdefault(s, o.value)
        self.locations.setdefault(s, Location(self.name, line_of(node)))

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
        if not ID_RE.match(value):
            raise self.error(
                f"'{value}' is not a valid id: use lower-case letters, digits and hyphens",
                node,
                field,
            )
        return value

    def date(self, node: yaml.Node, field: str) -> date:
        value = self.text(node, field)
        parsed: date | None = None
        if DATE_RE.match(value):
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
        if not URL_RE.match(value):
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

    def register(self, node: yaml.Node, field: str, kind: str, local: str | None = None) -> Entry:
        ident = self.ident(node, field)
        if ident in self.ids:
            first = self.ids[ident]
            raise self.error(f"id '{ident}' is already used on line {first.line}", node, field)
        entry = Entry(self.iri(local or ident), kind, line_of(node))
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

    def dates(
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

    def same_as(
        self, s: ox.NamedNode, fields: dict[str, tuple[yaml.Node, yaml.Node]], where: str
    ) -> None:
        """``same_as``: the IRI (or IRIs) of the same body in the statute data, e.g.
        ``sgd:council-carlisle``, for the comparison with the statutory frame."""
        if "same_as" not in fields:
            return
        value = fields["same_as"][1]
        items = (
            [(value, f"{where}.same_as")]
            if isinstance(value, yaml.ScalarNode)
            else [
                (v, f"{where}.same_as[{m + 1}]")
                for m, v in enumerate(self.sequence(value, f"{where}.same_as"))
            ]
        )
        for node, field in items:
            self.add(s, ox.NamedNode(OWL + "sameAs"), self.url(node, field), node)
