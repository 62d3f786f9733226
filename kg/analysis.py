"""The duty network: who owes what to whom, as a networkx graph, and its analysis.

Nodes are parties (kinds of body, concrete bodies, boards, roles, people and
beneficiary groups). Edges, each with the period it holds:

* ``duty``: bearer -> party it is owed to (one edge per duty and pair), with the
  duty's modality (must, may, will, should, objective) and legal basis;
* ``benefit``: bearer -> beneficiary group (left out of the diagram by default);
* ``role``: holder -> the body or board the role is held in (member of,
  duty-to-co-operate body with, representative on ...);
* ``represents``: holder of a role -> the bodies it acts on behalf of.

:func:`duty_network` builds the graph as at a date, optionally narrowed to an
area, a board or a provision; the other functions analyse it: the chain of
duties and liaison roles between two parties (:func:`chain`), the parties most
duties are owed to or borne by (:func:`rankings`), members of boards with no duty
linking them to the board (:func:`unlinked_members`), GraphML export
(:func:`to_graphml`), a Cytoscape.js element list (:func:`diagram_elements`) and a
static SVG drawing (:func:`to_svg`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from kg.browse.catalog import Catalog
from kg.browse.common import BadParameterError, page_path
from kg.browse.pages import (
    BOARD_KINDS,
    applies_in,
    area_country,
    area_scope,
    descendants,
    document_of,
    general_statutory,
    is_board,
    period,
    ref,
    role_assignments_of,
    selves,
)
from kg.config import SG
from kg.dates import Period, Status, long_date

if TYPE_CHECKING:  # imported where used: networkx costs the web process 0.1 s at start
    import networkx as nx

Json = dict[str, Any]

MODALITY_COLOURS = {
    "must": "#d4351c",
    "should": "#c2590a",  # GOV.UK orange (#f47738) is under 3:1 on white (WCAG 1.4.11)
    "may": "#1d70b8",
    "will": "#00703c",
    "objective": "#4c2c92",
}
ROLE_COLOUR = "#505a5f"
ORG = "http://www.w3.org/ns/org#"


def _p(local: str) -> str:
    return SG + local


def node_category(cat: Catalog, iri: str) -> str:
    """``board``, ``kind``, ``body``, ``role``, ``person``, ``group`` or ``other``."""
    types = cat.types(iri)
    if is_board(cat, iri):
        return "board"
    if SG + "BodyKind" in types:
        return "kind"
    if SG + "Role" in types:
        return "role"
    if SG + "Person" in types:
        return "person"
    if SG + "BeneficiaryGroup" in types:
        return "group"
    if types & {SG + "Body", SG + "Agent"}:
        return "body"
    return "other"


@dataclass(frozen=True)
class Filters:
    """What the network is narrowed to (all optional)."""

    area: str | None = None
    board: str | None = None
    provision: str | None = None
    include_benefits: bool = False


def check_filters(cat: Catalog, filters: Filters) -> None:
    """Raise :class:`BadParameterError` for a filter naming nothing of the right kind."""
    if filters.area and not cat.is_a(filters.area, SG + "Area"):
        raise BadParameterError(
            f"{filters.area!r} is not an area",
            field="area",
            expected="the IRI or sgd: name of an area (see /areas), e.g. sgd:mappa-area-merseyside",
        )
    if filters.board and not is_board(cat, filters.board):
        raise BadParameterError(
            f"{filters.board!r} is not a board",
            field="board",
            expected="the IRI or sgd: name of a board (see /boards), e.g. sgd:merseyside-smb",
        )
    if filters.provision and not (
        cat.types(filters.provision) & {SG + "Provision", SG + "Legislation", SG + "Guidance"}
    ):
        raise BadParameterError(
            f"{filters.provision!r} is not a provision",
            field="provision",
            expected="a legislation.gov.uk IRI of a provision or Act we hold (see /provisions)",
        )


def _add_node(g: nx.MultiDiGraph, cat: Catalog, iri: str) -> None:
    if iri not in g:
        g.add_node(
            iri,
            label=cat.label(iri),
            category=node_category(cat, iri),
            href=page_path(iri) or "",
        )


def _add_edge(
    g: nx.MultiDiGraph,
    cat: Catalog,
    source: str,
    target: str,
    item: str,
    span: Period,
    status: str,
    **attributes: str,
) -> None:
    """An arrow for ``item`` (a duty or a role assignment), with its provisions and period.

    ``status`` is the three-valued "as at" of the edge ("in force", "possibly in
    force"), or "" for the network of all dates. Exact days only in
    ``valid_from``/``valid_to``; ``dates`` says in words what is known.
    """
    _add_node(g, cat, source)
    _add_node(g, cat, target)
    g.add_edge(
        source,
        target,
        item=item,
        provisions=" ".join(cat.iris(item, _p("legalBasis"))),
        valid_from=span.start.exact.isoformat() if span.start.exact else "",
        valid_to=span.end.exact.isoformat() if span.end.exact else "",
        dates=span.describe(),
        uncertain="true" if span.uncertain else "false",
        status=status,
        **attributes,
    )


#: National networks kept per catalog (one per date, provision and benefits asked for).
NETWORKS_KEPT = 8


def duty_network(
    cat: Catalog, as_at: date | None = None, filters: Filters | None = None
) -> nx.MultiDiGraph:
    """The duty network in force at ``as_at`` (all dates when ``None``)."""
    filters = filters or Filters()
    check_filters(cat, filters)
    # Every area page and area diagram narrows the national network of its date: build
    # it once per catalog and date, and never change it (narrowing copies; the whole
    # network is given out as a copy).
    cache: dict[tuple[date | None, str | None, bool], tuple[nx.MultiDiGraph, _EdgeIndex]]
    cache = cat.__dict__.setdefault("_networks", {})
    key = (as_at, filters.provision, filters.include_benefits)
    entry = cache.get(key)
    if entry is None:
        national = _national_network(cat, as_at, filters)
        entry = (national, _EdgeIndex(cat, national))
        if len(cache) >= NETWORKS_KEPT:
            cache.clear()
        cache[key] = entry
    g, index = entry
    narrowed = g
    if filters.area:
        narrowed = _restrict_to_area(cat, narrowed, filters.area, index)
    if filters.board:
        narrowed = _restrict_to_board(narrowed, filters.board)
    return narrowed if narrowed is not g else g.copy()


def _national_network(cat: Catalog, as_at: date | None, filters: Filters) -> nx.MultiDiGraph:
    """:func:`duty_network` before it is narrowed to an area or a board."""
    import networkx as nx

    g = nx.MultiDiGraph()
    scope: set[str] | None = None
    if filters.provision:
        scope = {filters.provision, *descendants(cat, filters.provision)}

    def status(span: Period | None, *parties: str | None) -> str | None:
        """The edge's "as at" status, or None to leave it out: it, and the parties
        at its ends, must be in force or possibly in force on the date."""
        if span is None:
            return None
        if as_at is None:
            return ""
        verdicts = [span.status(as_at)]
        verdicts += [period(cat, x).status(as_at) for x in parties if x]
        if any(v.not_in_force for v in verdicts):
            return None
        return Status.POSSIBLY.value if any(v.possibly for v in verdicts) else Status.IN_FORCE.value

    def based_in_scope(item: str) -> bool:
        return scope is None or bool(set(cat.iris(item, _p("legalBasis"))) & scope)

    for duty in cat.instances(SG + "DutyOrPower"):
        span = period(cat, duty)
        if not based_in_scope(duty):
            continue
        modality_iri = cat.iri(duty, _p("modality"))
        modality = modality_iri.rsplit("#", 1)[-1] if modality_iri else "must"
        targets = [("duty", t) for t in cat.iris(duty, _p("owedTo"))]
        if filters.include_benefits:
            targets += [("benefit", t) for t in cat.iris(duty, _p("beneficiary"))]
        for bearer in cat.iris(duty, _p("bearer")):
            for kind, target in targets:
                if target == bearer or (edge_status := status(span, bearer, target)) is None:
                    continue
                _add_edge(
                    g, cat, bearer, target, duty, span, edge_status,
                    key=f"{duty}|{kind}", kind=kind, label=cat.label(duty), modality=modality,
                )  # fmt: skip
    for ra in cat.instances(SG + "RoleAssignment"):
        span = period(cat, ra)
        if not based_in_scope(ra):
            continue
        holder = cat.iri(ra, _p("holder"))
        context = cat.iri(ra, _p("context"))
        role = cat.iri(ra, _p("role"))
        if not holder:
            continue
        role_label = cat.label(role) if role else "role"
        edges = []
        if context:
            edges.append(("role", context, role_label))
        for other in cat.iris(ra, _p("onBehalfOf")):
            edges.append(("represents", other, f"{role_label} on behalf of"))
        for kind, target, label in edges:
            if target == holder or (edge_status := status(span, holder, target)) is None:
                continue
            _add_edge(
                g, cat, holder, target, ra, span, edge_status,
                key=f"{ra}|{kind}|{target}", kind=kind, label=label, modality="role",
            )  # fmt: skip
    for person in list(g.nodes):
        for post in cat.iris(person, ORG + "holds"):
            links = [(person, post, "holds the post")]
            links += [(post, body, "post in") for body in cat.iris(post, ORG + "postIn")]
            for u, v, label in links:
                _add_node(g, cat, u)
                _add_node(g, cat, v)
                g.add_edge(
                    u,
                    v,
                    key=f"{u}|post|{v}",
                    kind="post",
                    item=post,
                    label=label,
                    modality="role",
                    provisions="",
                    valid_from="",
                    valid_to="",
                    dates="",
                    uncertain="false",
                    status="",
                )
    return g


class _EdgeIndex:
    """Each edge's place in a national network, and the edges each local document made:
    narrowing to an area reads the edges at its own parties, not every edge (on a
    million generated statements, 190 -> 40 ms for most areas; docs/performance.md)."""

    def __init__(self, cat: Catalog, g: nx.MultiDiGraph) -> None:
        self.place: dict[tuple[str, str, str], int] = {}
        self.by_document: dict[str, list[tuple[str, str, str]]] = {}
        for i, (u, v, k, data) in enumerate(g.edges(keys=True, data=True)):
            self.place[(u, v, k)] = i
            doc = document_of(cat, data["item"])
            if doc:
                self.by_document.setdefault(doc, []).append((u, v, k))

    def in_order(self, edges: Iterable[tuple[str, str, str, Json]]) -> list:
        """``edges`` (u, v, key, data) in the network's order, each once."""
        unique = {e[:3]: e for e in edges}
        return [unique[e] for e in sorted(unique, key=self.place.__getitem__)]


def _restrict_to_area(
    cat: Catalog, g: nx.MultiDiGraph, area: str, index: _EdgeIndex | None = None
) -> nx.MultiDiGraph:
    """The edges of the area: those with an end in it (a body, board or authority whose
    ``sg:area`` is within it, such as the area's responsible authority and the bodies
    that hold roles in it), or made by a document of the area; and the statutory duties
    of kinds and roles made concrete for the area's bodies.

    Statute gives duties to kinds of body and roles (the responsible authority must keep
    its arrangements under review; a duty-to-co-operate body must co-operate with it).
    A body of the area bears them as a body of that kind (``sg:ofKind``) or as the
    holder of the role in the area's responsible authority (a role edge of this
    network, derived by the rules in ``queries/rules/derive-*.rq``); a duty owed to the
    kind of responsible authority is owed to the area's. Each such edge holds while both
    the duty and the body's kind or role do; it is "possibly" in force when either is,
    or when all that links the body to the network on that date is only possibly so.
    Duties of a provision that extends only to the other country are left out.
    """
    index = index or _EdgeIndex(cat, g)
    areas = set(area_scope(cat, area))
    # the parties of the area: those whose sg:area is in it
    local = {n for a in areas for n in cat.subjects(_p("area"), a) if n in g}
    docs = {d for a in areas for d in cat.subjects(_p("area"), a)}
    keep_edges: set[tuple[str, str, str]] = set()
    for n in local:
        keep_edges.update(g.in_edges(n, keys=True))
        keep_edges.update(g.out_edges(n, keys=True))
    for doc in docs:
        keep_edges.update(index.by_document.get(doc, ()))
    # in the network's order, as when every edge was read (the subgraph's order follows)
    out = g.edge_subgraph(sorted(keep_edges, key=index.place.__getitem__)).copy()
    country = area_country(cat, area)
    ras = sorted(n for n in local if cat.is_a(n, SG + "ResponsibleAuthority"))
    ra_kinds = {k for ra in ras for k in selves(cat, ra)[1:]}

    def node_status(n: str) -> str:
        seen = {d["status"] for _, _, d in g.in_edges(n, data=True)}
        seen |= {d["status"] for _, _, d in g.out_edges(n, data=True)}
        if "" in seen:
            return ""
        return Status.IN_FORCE.value if Status.IN_FORCE.value in seen else Status.POSSIBLY.value

    # (party of the area, the kind or role it stands for, its status, its period)
    stands_for: list[tuple[str, str, str, Period]] = []
    for n in sorted(local):
        status = node_status(n)
        stands_for += [(n, k, status, period(cat, n)) for k in selves(cat, n)[1:]]
        # the roles its kinds hold wherever they are (s.11, s.28 ...), as on the area page
        for assignment, holder in role_assignments_of(cat, n):
            role = cat.iri(assignment, _p("role"))
            if holder == n or not role or not general_statutory(cat, assignment):
                continue
            span = period(cat, assignment).overlap(period(cat, n))
            if span is not None:
                stands_for.append((n, role, status, span))
    into_ras = index.in_order(e for ra in ras for e in g.in_edges(ra, keys=True, data=True))
    for u, _v, _k, data in into_ras:
        if data["kind"] == "role":
            role = cat.iri(data["item"], _p("role"))
            if role:
                stands_for.append((u, role, data["status"], period(cat, data["item"])))
    by_standing: dict[str, list[tuple[str, str, Period]]] = {}
    for party, kind, status, span in stands_for:
        by_standing.setdefault(kind, []).append((party, status, span))
    borne = index.in_order(
        e for kind in by_standing if kind in g for e in g.out_edges(kind, keys=True, data=True)
    )
    for u, v, _k, data in borne:
        if data["kind"] not in ("duty", "benefit"):
            continue
        duty = data["item"]
        if not applies_in(cat, duty, country):
            continue
        duty_span = period(cat, duty)
        for party, status, span in by_standing[u]:
            both = duty_span.overlap(span)
            if both is None:
                continue
            if "" in (status, data["status"]):
                edge_status = ""
            elif Status.POSSIBLY.value in (status, data["status"]):
                edge_status = Status.POSSIBLY.value
            else:
                edge_status = Status.IN_FORCE.value
            for target in ras if v in ra_kinds else [v]:
                key = f"{duty}|{data['kind']}|{party}|{target}"
                if target == party or out.has_edge(party, target, key):
                    continue
                _add_edge(
                    out, cat, party, target, duty, both, edge_status,
                    key=key, kind=data["kind"], label=data["label"], modality=data["modality"],
                )  # fmt: skip
    return out


def _restrict_to_board(g: nx.MultiDiGraph, board: str) -> nx.MultiDiGraph:
    import networkx as nx

    if board not in g:
        return nx.MultiDiGraph()
    near = {board} | set(g.successors(board)) | set(g.predecessors(board))
    return g.subgraph(near).copy()


# ----------------------------------------------------------------------- analysis


def _edge_json(g: nx.MultiDiGraph, u: str, v: str, data: dict[str, Any]) -> Json:
    return {
        "from": {"iri": u, "label": g.nodes[u]["label"], "href": g.nodes[u]["href"] or None},
        "to": {"iri": v, "label": g.nodes[v]["label"], "href": g.nodes[v]["href"] or None},
        "kind": data["kind"],
        "modality": data["modality"],
        "label": data["label"],
        "item": {"iri": data["item"], "href": page_path(data["item"])},
        "valid_from": data["valid_from"] or None,
        "valid_to": data["valid_to"] or None,
        "dates": data["dates"] or None,
        "uncertain": data["uncertain"] == "true",
        "status": data["status"] or None,
    }


def chain(g: nx.MultiDiGraph, source: str, target: str) -> Json:
    """The shortest chain of duties and roles from ``source`` to ``target``.

    Follows edges in their direction first (who must act towards whom); when no
    such chain exists, any chain ignoring direction, marked ``directed: False``.
    """
    import networkx as nx

    for directed in (True, False):
        view = g if directed else g.to_undirected(as_view=True)
        try:
            path = nx.shortest_path(view, source, target)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            continue
        steps = []
        for u, v in zip(path, path[1:], strict=False):
            if g.has_edge(u, v):
                data_all = g.get_edge_data(u, v)
                a, b = u, v
            else:
                data_all = g.get_edge_data(v, u)
                a, b = v, u
            # prefer a duty over a role when both link the pair
            data = sorted(data_all.values(), key=lambda d: (d["kind"] != "duty", d["label"]))[0]
            step = _edge_json(g, a, b, data)
            step["reversed"] = a != u
            step["alternatives"] = len(data_all) - 1
            steps.append(step)
        return {"found": True, "directed": directed, "steps": steps}
    return {"found": False, "directed": True, "steps": []}


def chains(g: nx.MultiDiGraph, source: str, target: str, limit: int = 5) -> list[list[Json]]:
    """Up to ``limit`` shortest chains (following edge direction), shortest first."""
    import networkx as nx

    simple = nx.DiGraph()
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    if source not in simple or target not in simple:
        return []
    out = []
    try:
        for path in nx.shortest_simple_paths(simple, source, target):
            if len(path) > 6 or len(out) >= limit:
                break
            steps = []
            for u, v in zip(path, path[1:], strict=False):
                data = sorted(
                    g.get_edge_data(u, v).values(), key=lambda d: (d["kind"] != "duty", d["label"])
                )[0]
                steps.append(_edge_json(g, u, v, data))
            out.append(steps)
    except nx.NetworkXNoPath:
        return []
    return out


def rankings(g: nx.MultiDiGraph, limit: int = 10) -> Json:
    """Parties by the number of distinct duties they bear and are owed."""
    borne: Counter[str] = Counter()
    owed: Counter[str] = Counter()
    seen_b: set[tuple[str, str]] = set()
    seen_o: set[tuple[str, str]] = set()
    for u, v, data in g.edges(data=True):
        if data["kind"] != "duty":
            continue
        if (u, data["item"]) not in seen_b:
            seen_b.add((u, data["item"]))
            borne[u] += 1
        if (v, data["item"]) not in seen_o:
            seen_o.add((v, data["item"]))
            owed[v] += 1

    def rows(counter: Counter[str]) -> list[Json]:
        return [
            {
                "iri": n,
                "label": g.nodes[n]["label"],
                "href": g.nodes[n]["href"] or None,
                "category": g.nodes[n]["category"],
                "count": c,
            }
            for n, c in sorted(counter.items(), key=lambda x: (-x[1], g.nodes[x[0]]["label"]))[
                :limit
            ]
        ]

    return {"borne": rows(borne), "owed": rows(owed)}


def _duty_pairs(cat: Catalog, as_at: date) -> set[tuple[str, str]]:
    """(bearer, party owed) and (party owed, bearer) of every duty in force, or possibly
    in force, on the date: once per catalog and date."""
    cache: dict[date, set[tuple[str, str]]] = cat.__dict__.setdefault("_duty_pairs", {})
    pairs = cache.get(as_at)
    if pairs is None:
        pairs = set()
        for d in cat.instances(SG + "DutyOrPower"):
            if period(cat, d).status(as_at).not_in_force:
                continue
            for b in cat.iris(d, _p("bearer")):
                for t in cat.iris(d, _p("owedTo")):
                    pairs.add((b, t))
                    pairs.add((t, b))
        if len(cache) >= NETWORKS_KEPT:
            cache.clear()
        cache[as_at] = pairs
    return pairs


def unlinked_members(
    cat: Catalog, as_at: date, area: str | None = None, board: str | None = None
) -> list[Json]:
    """Holders of a role on a board with no duty, in force, linking them to it
    (``area``: on the boards of that area; ``board``: on that board).

    A duty links a member to a board when the member (or one of its kinds) bears a
    duty owed to the board (or its kind), or the board bears one owed to the member.
    """
    areas = set(area_scope(cat, area)) if area else None
    pairs = _duty_pairs(cat, as_at)
    assignments = cat.instances(SG + "RoleAssignment")
    if areas is not None or board is not None:
        # only the assignments on the boards asked about (not every one in the
        # country), in the same order
        place = cat.__dict__.get("_assignment_places")
        if place is None:
            place = cat.__dict__["_assignment_places"] = {a: i for i, a in enumerate(assignments)}
        boards = (
            [board]
            if board is not None
            else [b for a in areas or () for b in cat.subjects(_p("area"), a)]
        )
        on_boards = {ra for b in boards for ra in cat.subjects(_p("context"), b)}
        assignments = sorted((ra for ra in on_boards if ra in place), key=place.__getitem__)
    out = []
    for ra in assignments:
        context = cat.iri(ra, _p("context"))
        holder = cat.iri(ra, _p("holder"))
        if not context or not holder or not is_board(cat, context):
            continue
        if board is not None and context != board:
            continue
        if period(cat, ra).status(as_at).not_in_force:
            continue
        if areas is not None and not (set(cat.iris(context, _p("area"))) & areas):
            continue
        holder_side = set(selves(cat, holder))
        holder_side |= {r for r in cat.iris(ra, _p("role"))}
        board_side = set(selves(cat, context)) | ({context} if context in BOARD_KINDS else set())
        if any((h, b) in pairs for h in holder_side for b in board_side):
            continue
        out.append(
            {
                "holder": {"iri": holder, "label": cat.label(holder), "href": page_path(holder)},
                "board": {"iri": context, "label": cat.label(context), "href": page_path(context)},
                "role": cat.label(r) if (r := cat.iri(ra, _p("role"))) else None,
                "assignment": {"iri": ra, "label": cat.label(ra), "href": page_path(ra)},
            }
        )
    out.sort(key=lambda r: (r["board"]["label"], r["holder"]["label"]))
    return out


# ------------------------------------------------------------------------ exports


def to_graphml(g: nx.MultiDiGraph) -> bytes:
    """The network as GraphML (node and edge attributes are strings)."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


#: The diagram's layers, top to bottom: what a party is in the arrangements. Bodies bear
#: most duties and hold the roles; boards and authorities (anything a role is held in)
#: are where they meet; people and posts act for boards; roles and groups are only owed
#: duties. Keys are stable (the page's script and tests use them); the short name is
#: the one written beside the layer in the drawing.
DIAGRAM_BANDS = (
    ("bodies", "Bodies and kinds of body", "Bodies"),
    ("boards", "Boards and authorities", "Boards"),
    ("people", "People and posts", "People"),
    ("owed", "Roles and groups owed duties", "Owed duties"),
)

#: One arrow stands for all the duties and roles from one party to another; it takes
#: the colour of the strongest of them (statute and guidance before local commitments).
STRENGTH = ("must", "should", "may", "objective", "will", "role")


def diagram_band(g: nx.MultiDiGraph, n: str) -> str:
    """The key of the layer (:data:`DIAGRAM_BANDS`) that party ``n`` is drawn in."""
    category = g.nodes[n]["category"]
    if category in ("person", "other"):  # "other": posts (org:Post)
        return "people"
    if category in ("role", "group"):
        return "owed"
    if category == "board" or any(d["kind"] == "role" for _, _, d in g.in_edges(n, data=True)):
        return "boards"
    return "bodies"


def _provision_refs(cat: Catalog | None, provisions: str) -> list[Json]:
    if cat is None:
        return [{"iri": p, "label": p, "href": None} for p in provisions.split()]
    return [ref(cat, p) for p in provisions.split()]


def diagram_elements(g: nx.MultiDiGraph, cat: Catalog | None = None) -> Json:
    """Cytoscape.js elements, plus the same edges as rows for the text table.

    ``nodes`` carry their layer (``band``, ``layer``: :data:`DIAGRAM_BANDS`); ``edges``
    are one per duty or role, each naming the ``pair`` it is drawn in; ``pairs`` are the
    arrows drawn by default, one per party and party it owes something to, with the
    number of duties and roles and their modalities. ``rows`` list the edges in words;
    with ``cat`` they also name their provisions.
    """
    layer = {key: i for i, (key, _, _) in enumerate(DIAGRAM_BANDS)}
    nodes = []
    for n, d in sorted(g.nodes(data=True), key=lambda x: x[1]["label"].lower()):
        band = diagram_band(g, n)
        nodes.append(
            {
                "data": {
                    "id": n,
                    "label": d["label"],
                    "category": d["category"],
                    "href": d["href"] or None,
                    "band": band,
                    "layer": layer[band],
                }
            }
        )
    edges = []
    rows = []
    pairs: dict[tuple[str, str], Json] = {}
    for i, (u, v, data) in enumerate(
        sorted(g.edges(data=True), key=lambda e: (g.nodes[e[0]]["label"], e[2]["label"]))
    ):
        colour = MODALITY_COLOURS.get(data["modality"], ROLE_COLOUR)
        possibly = data["status"] == Status.POSSIBLY.value
        pair = pairs.get((u, v))
        if pair is None:
            pair = pairs[(u, v)] = {
                "id": f"p{len(pairs)}",
                "source": u,
                "target": v,
                "count": 0,
                "modalities": {},
                "edges": [],
                "possibly": True,
            }
        pair["count"] += 1
        pair["modalities"][data["modality"]] = pair["modalities"].get(data["modality"], 0) + 1
        pair["edges"].append(f"e{i}")
        pair["possibly"] = pair["possibly"] and possibly
        edges.append(
            {
                "data": {
                    "id": f"e{i}",
                    "source": u,
                    "target": v,
                    "label": data["label"],
                    "kind": data["kind"],
                    "modality": data["modality"],
                    "colour": colour,
                    "href": page_path(data["item"]),
                    "possibly": possibly,
                    "pair": pair["id"],
                }
            }
        )
        row = _edge_json(g, u, v, data)
        row["id"] = f"e{i}"
        row["provisions"] = _provision_refs(cat, data["provisions"])
        rows.append(row)
    for pair in pairs.values():
        strongest = min(pair["modalities"], key=lambda m: STRENGTH.index(m) if m in STRENGTH else 0)
        pair["modality"] = strongest
        pair["colour"] = MODALITY_COLOURS.get(strongest, ROLE_COLOUR)
        pair["roles_only"] = set(pair["modalities"]) == {"role"}
    return {
        "nodes": nodes,
        "edges": edges,
        "rows": rows,
        "pairs": [{"data": p} for p in pairs.values()],
        "bands": [
            {"key": k, "label": label, "short": short, "layer": i}
            for i, (k, label, short) in enumerate(DIAGRAM_BANDS)
        ],
    }


CSV_COLUMNS = (
    "bearer", "modality", "what", "owed to", "provisions", "status", "dates",
    "bearer iri", "item iri", "owed to iri", "provision iris", "valid from", "valid to",
)  # fmt: skip


def diagram_csv(rows: list[Json]) -> str:
    """The diagram's rows (:func:`diagram_elements` with a catalog) as CSV, in the
    table's columns first, then the IRIs and exact dates for machines."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(CSV_COLUMNS)
    for r in rows:
        out.writerow(
            [
                r["from"]["label"],
                r["modality"],
                r["label"],
                r["to"]["label"],
                "; ".join(p["label"] for p in r["provisions"]),
                r["status"] or "",
                r["dates"] or "",
                r["from"]["iri"],
                r["item"]["iri"],
                r["to"]["iri"],
                " ".join(p["iri"] for p in r["provisions"]),
                r["valid_from"] or "",
                r["valid_to"] or "",
            ]
        )
    return buf.getvalue()


def diagram_title(
    as_at: date | None,
    area: str | None = None,
    board: str | None = None,
    provision: str | None = None,
    benefits: bool = False,
) -> tuple[str, str]:
    """The title of an exported diagram and a line naming the other filters, so that
    a picture taken away still says what it shows (labels, not IRIs)."""
    title = "Who owes what to whom"
    if area:
        title += f" in {area}"
    title += f" on {long_date(as_at)}" if as_at else ", at any date"
    filters = []
    if board:
        filters.append(f"around {board}")
    if provision:
        filters.append(f"under {provision}")
    if benefits:
        filters.append("with the groups duties benefit")
    return title, "; ".join(filters) if filters else "All boards and provisions"


def layered_layout(g: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """(column, row) per node: columns follow the direction of the edges."""
    import networkx as nx

    simple = nx.DiGraph()
    simple.add_nodes_from(g.nodes)
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    cond = nx.condensation(simple)
    layer: dict[int, int] = {}
    for c in nx.topological_sort(cond):
        preds = list(cond.predecessors(c))
        layer[c] = 1 + max((layer[x] for x in preds), default=-1)
    columns: dict[int, list[str]] = {}
    for c, members in cond.nodes(data="members"):
        for n in members:
            columns.setdefault(layer[c], []).append(n)
    pos = {}
    for col, members in columns.items():
        for row, n in enumerate(sorted(members, key=lambda x: g.nodes[x]["label"].lower())):
            pos[n] = (col, row)
    return pos


def _wrap(text: str, width: int = 26, lines: int = 3) -> list[str]:
    words = text.split()
    out: list[str] = []
    cur = ""
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return out


#: The key drawn on exported pictures (here and by the page's PNG export):
#: (label, colour, SVG dash pattern).
LEGEND = (
    ("must", MODALITY_COLOURS["must"], ""),
    ("should", MODALITY_COLOURS["should"], ""),
    ("may", MODALITY_COLOURS["may"], ""),
    ("will (a local document)", MODALITY_COLOURS["will"], ""),
    ("role (dashed)", ROLE_COLOUR, "5 4"),
    ("possibly in force (dotted)", ROLE_COLOUR, "1 3"),
)


def _svg_legend(x: int, y: int) -> list[str]:
    out = [f'<g id="legend" font-size="12"><text x="{x}" y="{y}" font-weight="bold">Key</text>']
    cx = x + 40
    for label, colour, dash in LEGEND:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{cx}" y1="{y - 4}" x2="{cx + 28}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2.5"{dashes}/><text x="{cx + 34}" y="{y}">{escape(label)}</text>'
        )
        cx += 34 + 7 * len(label) + 24
    out.append("</g>")
    return out


def to_svg(g: nx.MultiDiGraph, title: str = "Duty network", subtitle: str = "") -> str:
    """A static drawing of the network (layered, left to right), as SVG text, headed
    by ``title`` (and ``subtitle``: the other filters) and the key."""
    node_w, node_h, col_gap, row_gap, margin, head = 200, 56, 140, 24, 40, 84
    pos = layered_layout(g)
    xy = {
        n: (margin + c * (node_w + col_gap), margin + head + r * (node_h + row_gap))
        for n, (c, r) in pos.items()
    }
    # wide enough for the key, however few columns
    width = max(
        900,
        margin * 2 + (max((c for c, _ in pos.values()), default=0) + 1) * (node_w + col_gap),
    )
    height = (
        margin * 2 + head + (max((r for _, r in pos.values()), default=0) + 1) * (node_h + row_gap)
    )
    full = f"{title}. {subtitle}" if subtitle else title
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="svg-title" '
        'font-family="arial, sans-serif">',
        f'<title id="svg-title">{escape(full)}</title>',
        "<defs>",
    ]
    for name, colour in [*MODALITY_COLOURS.items(), ("role", ROLE_COLOUR)]:
        out.append(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" '
            f'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
            f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    out.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    out.append(
        f'<text x="{margin}" y="{margin}" font-size="20" font-weight="bold">{escape(title)}</text>'
    )
    if subtitle:
        out.append(f'<text x="{margin}" y="{margin + 24}" font-size="14">{escape(subtitle)}</text>')
    out += _svg_legend(margin, margin + 56)
    seen_pairs: Counter[tuple[str, str]] = Counter()
    for u, v, data in g.edges(data=True):
        if u == v:
            continue
        modality = data["modality"] if data["modality"] in MODALITY_COLOURS else "role"
        colour = MODALITY_COLOURS.get(modality, ROLE_COLOUR)
        (x1, y1), (x2, y2) = xy[u], xy[v]
        sx, sy = x1 + node_w, y1 + node_h / 2
        tx, ty = x2, y2 + node_h / 2
        if x2 <= x1:  # backwards or same column: leave from the left edge
            sx, tx = x1, x2 + node_w
        seen_pairs[(u, v)] += 1
        bend = 18 * (seen_pairs[(u, v)] - 1)
        mx, my = (sx + tx) / 2, (sy + ty) / 2 - bend
        dash = (
            ' stroke-dasharray="1 3"'
            if data["status"] == Status.POSSIBLY.value
            else ' stroke-dasharray="5 4"'
            if data["kind"] in ("role", "represents")
            else ""
        )
        out.append(
            f'<path d="M {sx:.0f} {sy:.0f} Q {mx:.0f} {my - 20:.0f} {tx:.0f} {ty:.0f}" '
            f'fill="none" stroke="{colour}" stroke-width="1.6"{dash} '
            f'marker-end="url(#arrow-{modality})"><title>{escape(g.nodes[u]["label"])} '
            f"— {escape(data['label'])} ({escape(data['modality'])}) → "
            f"{escape(g.nodes[v]['label'])}</title></path>"
        )
    fills = {
        "board": "#f3f2f1",
        "kind": "#ffffff",
        "body": "#ffffff",
        "role": "#f3f2f1",
        "person": "#ffffff",
        "group": "#ffffff",
    }
    for n, (x, y) in xy.items():
        data = g.nodes[n]
        stroke = "#0b0c0c" if data["category"] == "board" else "#505a5f"
        out.append(
            f'<rect x="{x}" y="{y}" width="{node_w}" height="{node_h}" rx="6" '
            f'fill="{fills.get(data["category"], "#ffffff")}" stroke="{stroke}" '
            f'stroke-width="{2 if data["category"] == "board" else 1}"/>'
        )
        lines = _wrap(data["label"])
        top = y + node_h / 2 - (len(lines) - 1) * 7
        for i, line in enumerate(lines):
            out.append(
                f'<text x="{x + node_w / 2}" y="{top + i * 14 + 4:.0f}" font-size="12" '
                f'text-anchor="middle">{escape(line)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def network_summary(g: nx.MultiDiGraph) -> Json:
    import networkx as nx

    kinds = Counter(d["kind"] for _, _, d in g.edges(data=True))
    modalities = Counter(d["modality"] for _, _, d in g.edges(data=True) if d["kind"] == "duty")
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "edge_kinds": dict(kinds),
        "modalities": dict(modalities),
        "components": nx.number_weakly_connected_components(g) if len(g) else 0,
    }


def parties(g: nx.MultiDiGraph) -> list[Json]:
    """The nodes, for choosing the two ends of a chain."""
    return sorted(
        ({"iri": n, "label": d["label"], "category": d["category"]} for n, d in g.nodes(data=True)),
        key=lambda r: r["label"].lower(),
    )
