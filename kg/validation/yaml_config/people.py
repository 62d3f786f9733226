"""``people``: each person and the post they hold."""

from __future__ import annotations

import pyoxigraph as ox
import yaml

from kg.validation.namespaces import ORG, RDF_TYPE, RDFS_LABEL, sg
from kg.validation.yaml_config.reader import Reader


def read_people(r: Reader, node: yaml.Node) -> None:
    for n, item in enumerate(r.sequence(node, "people")):
        where = f"people[{n + 1}]"
        f = r.mapping(item, where, ("id", "name"), ("post",))
        ident = f["id"][1].value
        iri = r.ids[ident].iri
        r.add(iri, RDF_TYPE, sg("Person"), item)
        r.add(iri, RDFS_LABEL, r.label(r.text(f["name"][1], f"{where}.name")), item)
        if "post" in f:
            post_node = f["post"][1]
            p = r.mapping(post_node, f"{where}.post", ("title",), ("in",))
            post = r.iri(f"post-{ident}")
            r.add(post, RDF_TYPE, sg("Post"), post_node)
            r.add(
                post,
                RDFS_LABEL,
                r.label(r.text(p["title"][1], f"{where}.post.title")),
                post_node,
            )
            if "in" in p:
                body = r.ref(p["in"][1], f"{where}.post.in", ("body", "board"))
                r.add(post, ox.NamedNode(ORG + "postIn"), body, p["in"][1])
            r.add(iri, ox.NamedNode(ORG + "holds"), post, post_node)
