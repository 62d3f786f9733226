"""A YAML document: composed safely, limited in size, then read section by section."""

from __future__ import annotations

import yaml

from kg.validation.configuration import ConfigurationError, Limits, ParsedSource
from kg.validation.reference import Reference
from kg.validation.yaml_config.areas import read_areas
from kg.validation.yaml_config.boards import read_boards
from kg.validation.yaml_config.bodies import read_bodies
from kg.validation.yaml_config.header import read_header, register_ids
from kg.validation.yaml_config.people import read_people
from kg.validation.yaml_config.protocols import read_protocols
from kg.validation.yaml_config.reader import Reader, line_of
from kg.validation.yaml_config.responsible_authority import read_responsible_authority

#: libyaml's safe loader when PyYAML was built with it (about ten times faster);
#: both only compose nodes here, nothing is constructed.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The sections, in the order they are read (a later one may refer to an earlier
#: one's triples, e.g. a liaison role to a person's post).
SECTIONS = (
    ("areas", read_areas),
    ("bodies", read_bodies),
    ("people", read_people),
    ("responsible_authority", read_responsible_authority),
    ("boards", read_boards),
    ("protocols", read_protocols),
)


def _check_size(root: yaml.Node, name: str, limits: Limits) -> None:
    """Refuse documents whose aliases expand beyond the limits (YAML "billion laughs")."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise ConfigurationError("an alias refers to itself", file=name, line=line_of(node))
        if depth > limits.max_yaml_depth:
            raise ConfigurationError(
                f"nested more than {limits.max_yaml_depth} levels deep",
                file=name,
                line=line_of(node),
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
                line=line_of(node),
            )
        sizes[key] = total
        return total

    size(root, 0)


def read(root: yaml.Node, name: str, reference: Reference, limits: Limits) -> ParsedSource:
    """The triples of a composed document: the header, every id, then each section."""
    r = Reader(name, reference, limits)
    top, config_date = read_header(r, root)
    register_ids(r, top)
    for section, read_section in SECTIONS:
        if section in top:
            read_section(r, top[section][1])
    return ParsedSource(name=name, triples=r.triples, locations=r.locations, date=config_date)


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
        if e.problem and e.context and e.context_mark and e.context_mark.line + 1 != line:
            # an unclosed quote or bracket is found where the text ends: say where it began
            problem += f", {e.context} at line {e.context_mark.line + 1}"
        raise ConfigurationError(
            f"invalid YAML: {problem}", file=name, line=line, column=column
        ) from None
    except yaml.YAMLError as e:
        raise ConfigurationError(f"invalid YAML: {e}", file=name) from None
    if root is None:
        raise ConfigurationError("the configuration is empty", file=name)
    _check_size(root, name, limits)
    return read(root, name, reference, limits)
