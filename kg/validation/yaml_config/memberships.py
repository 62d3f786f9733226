"""A membership list item, shared by the responsible authority and the boards."""

from __future__ import annotations

import pyoxigraph as ox
import yaml

from kg.validation.namespaces import RDF_TYPE, RDFS_LABEL, sg
from kg.validation.yaml_config.reader import Reader


def read_assignment(
    r: Reader,
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
        fields = r.mapping(item, where, (key,), optional)
        holder_node = fields[key][1]
    holder = r.ref(holder_node, f"{where}.{key}" if fields else where, kinds)
    if role_key and role_key in fields and roles is not None:
        name = r.text(fields[role_key][1], f"{where}.{role_key}")
        if name not in roles:
            raise r.error(
                f"unknown role '{name}'; use one of {', '.join(roles)}",
                fields[role_key][1],
                where,
            )
        role = roles[name]
    local_role = role.value.rsplit("#", 1)[-1]
    holder_id = holder.value[len(r.base) :]
    ra = r.iri(f"{context_id}-{local_role}-{holder_id}")
    r.add(ra, RDF_TYPE, sg("RoleAssignment"), item)
    r.add(ra, RDFS_LABEL, r.assignment_label(holder, role, context), item)
    r.add(ra, sg("role"), role, item)
    r.add(ra, sg("holder"), holder, item)
    r.add(ra, sg("context"), context, item)
    r.dates(ra, fields, where, ("from", "to"))
    return ra
