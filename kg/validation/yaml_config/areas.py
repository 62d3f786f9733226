"""``areas``: local authority areas the reference geography does not hold."""

from __future__ import annotations

import yaml

from kg.validation.namespaces import RDF_TYPE, RDFS_LABEL, sg
from kg.validation.yaml_config.reader import Reader

AREA_TYPES = {
    "local-authority": sg("LocalAuthorityArea"),
    "mappa": sg("MappaArea"),
    "area": sg("Area"),
}


def read_areas(r: Reader, node: yaml.Node) -> None:
    for n, item in enumerate(r.sequence(node, "areas")):
        where = f"areas[{n + 1}]"
        f = r.mapping(item, where, ("id", "label"), ("type", "within"))
        iri = r.ids[f["id"][1].value].iri
        area_type = "local-authority"
        if "type" in f:
            area_type = r.text(f["type"][1], f"{where}.type")
            if area_type not in AREA_TYPES:
                raise r.error(
                    f"unknown area type '{area_type}'; use one of {', '.join(AREA_TYPES)}",
                    f["type"][1],
                    f"{where}.type",
                )
        r.add(iri, RDF_TYPE, AREA_TYPES[area_type], item)
        r.add(iri, RDFS_LABEL, r.label(r.text(f["label"][1], f"{where}.label")), item)
        if "within" in f:
            r.add(iri, sg("within"), r.area_ref(f["within"][1], f"{where}.within"), item)
