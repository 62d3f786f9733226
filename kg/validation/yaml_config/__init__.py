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

The reader is split by section, one module each: :mod:`.header` (the configuration
header and the ids), :mod:`.areas`, :mod:`.bodies`, :mod:`.people`,
:mod:`.responsible_authority`, :mod:`.boards` and :mod:`.protocols`, with
:mod:`.memberships` (a membership list item) and :mod:`.reader` (the state and
helpers they share); :mod:`.document` composes the YAML and reads the sections in
order.
"""

from __future__ import annotations

from kg.validation.yaml_config.boards import BOARD_TYPES, MEMBER_ROLES
from kg.validation.yaml_config.document import convert

__all__ = ["BOARD_TYPES", "MEMBER_ROLES", "convert"]
