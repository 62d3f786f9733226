"""What each web page shows, as plain data (the pages' JSON twins).

Every function takes a :class:`~kg.browse.catalog.Catalog` and the date the page
is about (``as_at``) and returns a JSON-able dictionary. References to other
resources are dictionaries ``{"iri", "label", "href", "external"}``: ``href`` is
this server's page for the resource (or ``None`` when it has none) and
``external`` a safe link out (legislation.gov.uk), so templates never build
links from raw data.

One module per page type:

* ``base``: What every page is made of: references, page types, periods and dates, the
  common header and the statements list.
* ``duties``: Duties and roles as rows: what a party bears, what is owed to it, the
  roles it holds.
* ``parts``: Parts and wholes: the ancestors and descendants of a provision or clause,
  in their natural order.
* ``entries``: A resource as an entry of a listing: its label, type, dates and counts.
* ``documents``: The page of a local protocol or report: its clauses, commitments and
  discrepancies.
* ``provision``: The page of a provision: its parts, duties and events.
* ``body``: The page of a body, a kind of body or a board.
* ``duty``: The page of a duty, power or commitment.
* ``area``: The page of an area: who owes what to whom there, by statute and by local
  documents.
* ``entity``: Any resource's page: the page type decides which builder makes it.
* ``listings``: The listings (bodies, boards, provisions, areas, documents) and the home
  page.
"""

from __future__ import annotations

from kg.browse.pages.area import (  # noqa: F401
    _COUNTRIES,
    _area_duties,
    _area_responsible_authorities,
    _assignments_here,
    _coverage_gaps,
    _general_statutory,
    applies_in,
    area_country,
    area_page,
    area_scope,
    general_statutory,
)
from kg.browse.pages.base import (  # noqa: F401
    _DATE_PROPS,
    AREA_CLASSES,
    BOARD_CLASSES,
    BOARD_KINDS,
    BODY_CLASSES,
    DOCUMENT_CLASSES,
    DUTY_CLASSES,
    DUTY_KINDS,
    MEMBERSHIP_ROLES,
    PAGE_TYPE_NAMES,
    PROVISION_CLASSES,
    Json,
    _first,
    _period,
    base,
    current,
    dated,
    iso,
    p,
    page_type,
    period,
    ref,
    refs,
    statements,
    type_labels,
    value_json,
    verification,
)
from kg.browse.pages.body import (  # noqa: F401
    body_page,
)
from kg.browse.pages.documents import (  # noqa: F401
    _CLAUSE_SHOWN,
    CAUTION_TYPE,
    _document_of,
    _flatten,
    clause_tree,
    discrepancy_row,
    document_of,
    document_page,
    is_caution,
)
from kg.browse.pages.duties import (  # noqa: F401
    by_dates,
    closure,
    duties_held,
    duties_owed_to,
    duty_kind,
    duty_row,
    is_board,
    role_assignments_of,
    role_row,
    selves,
    sort_duties,
    split_current,
)
from kg.browse.pages.duty import (  # noqa: F401
    duty_page,
)
from kg.browse.pages.entity import (  # noqa: F401
    PAGE_BUILDERS,
    entity_page,
    other_page,
)
from kg.browse.pages.entries import (  # noqa: F401
    listing_entry,
    sorted_entries,
)
from kg.browse.pages.listings import (  # noqa: F401
    areas_listing,
    boards_listing,
    bodies_listing,
    documents_listing,
    home_page,
    provisions_listing,
)
from kg.browse.pages.parts import (  # noqa: F401
    _clause_key,
    ancestors,
    children_sorted,
    descendants,
    natural_key,
)
from kg.browse.pages.provision import (  # noqa: F401
    provision_page,
)
