"""What changed between two dates: the duties, powers, commitments, role
assignments, bodies and boards that began or ended, grouped by the instrument that
made the change, each said in a sentence (docs/changes.md).

The web page ``/changes`` (and its JSON twin) and ``kg changes`` both call
:func:`parse_query` then :func:`changes`.
"""

from kg.changes.filters import FIELDS, ChangeQuery, parse_query
from kg.changes.report import changes
from kg.changes.window import Certainty, Change, Window

__all__ = ["FIELDS", "Certainty", "Change", "ChangeQuery", "Window", "changes", "parse_query"]
