"""Read models for the web UI: what each page shows, as plain JSON-able data.

The web views (``webui``) call these functions and render their results; the
same dictionaries are the pages' JSON twins. Nothing here knows about HTTP.
"""

from kg.browse.catalog import Catalog, CatalogCache, load_catalog
from kg.browse.common import BadParameterError, NotFoundError, parse_as_at, today

__all__ = [
    "BadParameterError",
    "Catalog",
    "CatalogCache",
    "NotFoundError",
    "load_catalog",
    "parse_as_at",
    "today",
]
