"""``protocols``: parties, dates, review clause, liaison roles and information sharing."""

from __future__ import annotations

import pyoxigraph as ox
import yaml

from kg.validation.namespaces import RDF_TYPE, RDFS, RDFS_LABEL, SGD, SKOS, XSD_INTEGER, sg, sgv
from kg.validation.yaml_config.reader import Reader


def read_protocols(r: Reader, node: yaml.Node) -> None:
    for n, item in enumerate(r.sequence(node, "protocols")):
        where = f"protocols[{n + 1}]"
        f = r.mapping(
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
        iri = r.ids[ident].iri
        r.add(iri, RDF_TYPE, sg("LocalProtocol"), item)
        r.add(iri, RDFS_LABEL, r.label(r.text(f["title"][1], f"{where}.title")), item)
        for m, party in enumerate(r.sequence(f["parties"][1], f"{where}.parties")):
            r.add(
                iri,
                sg("party"),
                r.ref(
                    party,
                    f"{where}.parties[{m + 1}]",
                    ("board", "body", "responsible authority"),
                ),
                party,
            )
        adopted = r.date(f["adopted"][1], f"{where}.adopted")
        r.add(iri, sg("documentDate"), r.date_literal(adopted), f["adopted"][1])
        if "review_within_months" in f:
            months = r.integer(
                f["review_within_months"][1], f"{where}.review_within_months", 1, 120
            )
            r.add(
                iri,
                sg("reviewWithinMonths"),
                ox.Literal(str(months), datatype=XSD_INTEGER),
                f["review_within_months"][1],
            )
        if "review_due" in f:
            due = r.date(f["review_due"][1], f"{where}.review_due")
            r.add(iri, sg("reviewDue"), r.date_literal(due), f["review_due"][1])
        if "valid_to" in f:
            end = r.date(f["valid_to"][1], f"{where}.valid_to")
            r.add(iri, sg("validTo"), r.date_literal(end), f["valid_to"][1])
        if "see_also" in f:
            r.add(
                iri,
                ox.NamedNode(RDFS + "seeAlso"),
                r.url(f["see_also"][1], f"{where}.see_also"),
                item,
            )
        if "liaison_roles" in f:
            for m, role in enumerate(r.sequence(f["liaison_roles"][1], f"{where}.liaison_roles")):
                _liaison_role(r, role, f"{where}.liaison_roles[{m + 1}]", iri)
        if "information_sharing" in f:
            for m, rule in enumerate(
                r.sequence(f["information_sharing"][1], f"{where}.information_sharing")
            ):
                _information_rule(
                    r, rule, f"{where}.information_sharing[{m + 1}]", iri, ident, m + 1
                )


def _liaison_role(r: Reader, item: yaml.Node, where: str, protocol: ox.NamedNode) -> None:
    f = r.mapping(item, where, ("id", "label"), ("sits_on", "on_behalf_of", "holders"))
    ident = f["id"][1].value
    role = r.ids[ident].iri
    r.add(role, RDF_TYPE, sg("Role"), item)
    r.add(role, RDFS_LABEL, r.label(r.text(f["label"][1], f"{where}.label")), item)
    r.add(role, ox.NamedNode(SKOS + "broader"), sg("representative"), item)
    r.add(protocol, sgv("createsRole"), role, item)
    context = (
        r.ref(f["sits_on"][1], f"{where}.sits_on", ("board", "body", "responsible authority"))
        if "sits_on" in f
        else protocol
    )
    behalf = []
    if "on_behalf_of" in f:
        behalf = [
            r.ref(b, f"{where}.on_behalf_of[{k + 1}]", ("board", "body", "responsible authority"))
            for k, b in enumerate(r.sequence(f["on_behalf_of"][1], f"{where}.on_behalf_of"))
        ]
    if "holders" not in f:
        return
    for k, holder_item in enumerate(r.sequence(f["holders"][1], f"{where}.holders")):
        hw = f"{where}.holders[{k + 1}]"
        if isinstance(holder_item, yaml.ScalarNode):
            person_node, fields = holder_item, {}
        else:
            fields = r.mapping(holder_item, hw, ("person",), ("from", "to"))
            person_node = fields["person"][1]
        person = r.ref(person_node, f"{hw}.person" if fields else hw, ("person",))
        person_id = person.value[len(r.base) :]
        assignment = r.iri(f"{ident}-{person_id}")
        r.add(assignment, RDF_TYPE, sg("RoleAssignment"), holder_item)
        r.add(assignment, RDFS_LABEL, r.assignment_label(person, role, context), holder_item)
        r.add(assignment, sg("role"), role, holder_item)
        r.add(assignment, sg("holder"), person, holder_item)
        r.add(assignment, sg("context"), context, holder_item)
        r.add(assignment, sg("source"), protocol, holder_item)
        for b in behalf:
            r.add(assignment, sg("onBehalfOf"), b, holder_item)
        post = r.iri(f"post-{person_id}")
        if any(t.subject == post for t in r.triples):
            r.add(assignment, sg("post"), post, holder_item)
        r.dates(assignment, fields, hw, ("from", "to"))


def _information_rule(
    r: Reader, item: yaml.Node, where: str, protocol: ox.NamedNode, protocol_id: str, n: int
) -> None:
    f = r.mapping(item, where, ("label",), ("marking_scheme",))
    rule = r.iri(f"{protocol_id}-information-sharing-{n}")
    r.add(rule, RDF_TYPE, sg("InformationSharingRule"), item)
    r.add(rule, RDFS_LABEL, r.label(r.text(f["label"][1], f"{where}.label")), item)
    r.add(rule, sg("source"), protocol, item)
    r.add(rule, sg("modality"), sg("will"), item)
    if "marking_scheme" in f:
        value = (
            r.text(f["marking_scheme"][1], f"{where}.marking_scheme").lower().removeprefix("sgd:")
        )
        iri = SGD + value
        if iri not in r.reference.schemes:
            names = sorted(i[len(SGD) :] for i in r.reference.schemes if i.startswith(SGD))
            raise r.error(
                f"unknown marking scheme '{value}'; use one of {', '.join(names)}",
                f["marking_scheme"][1],
                f"{where}.marking_scheme",
            )
        r.add(rule, sg("markingScheme"), ox.NamedNode(iri), f["marking_scheme"][1])
