"""``bodies``: each body, its kinds, its area, what it is in the statute data, its dates."""

from __future__ import annotations

import pyoxigraph as ox
import yaml

from kg.validation.namespaces import RDF_TYPE, RDFS, RDFS_LABEL, sg
from kg.validation.yaml_config.reader import Reader


def read_bodies(r: Reader, node: yaml.Node) -> None:
    for n, item in enumerate(r.sequence(node, "bodies")):
        where = f"bodies[{n + 1}]"
        f = r.mapping(
            item,
            where,
            ("id", "label"),
            ("kind", "kinds", "area", "same_as", "valid_from", "valid_to", "note"),
        )
        iri = r.ids[f["id"][1].value].iri
        r.add(iri, RDF_TYPE, sg("Body"), item)
        r.add(iri, RDFS_LABEL, r.label(r.text(f["label"][1], f"{where}.label")), item)
        if "kind" in f and "kinds" in f:
            raise r.error("give either 'kind' or 'kinds', not both", f["kinds"][0], where)
        if "kind" in f:
            r.add(iri, sg("ofKind"), r.kind(f["kind"][1], f"{where}.kind"), f["kind"][1])
        if "kinds" in f:
            for m, k in enumerate(r.sequence(f["kinds"][1], f"{where}.kinds")):
                r.add(iri, sg("ofKind"), r.kind(k, f"{where}.kinds[{m + 1}]"), k)
        if "area" in f:
            r.add(iri, sg("area"), r.area_ref(f["area"][1], f"{where}.area"), f["area"][1])
        r.same_as(iri, f, where)
        if "note" in f:
            r.add(
                iri,
                ox.NamedNode(RDFS + "comment"),
                r.label(r.text(f["note"][1], f"{where}.note")),
                f["note"][1],
            )
        r.dates(iri, f, where)
