"""The evidence a page cites: documents, not bare addresses.

A fact's ``sg:evidence`` names an ``sg:EvidenceDocument`` (data/evidence.ttl) that
says what the document is (title, publisher, reference), where its publisher holds
it (``sg:officialCopy``) and where else a copy was read (``sg:unofficialCopy``).
:func:`evidence_items` turns them into plain dictionaries for the pages and their
JSON twins: the official copy is the link to cite; unofficial copies are only ever
shown as such; and where no official location was found, the note says why.
"""

from __future__ import annotations

from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.common import external_url, page_path
from kg.config import SG

EVIDENCE = SG + "evidence"
EVIDENCE_DOCUMENT = SG + "EvidenceDocument"
OFFICIAL_COPY = SG + "officialCopy"
UNOFFICIAL_COPY = SG + "unofficialCopy"
OFFICIAL_COPY_NOTE = SG + "officialCopyNote"
PUBLISHER = SG + "publisher"
REFERENCE = SG + "reference"


def evidence_items(cat: Catalog, iri: str) -> list[dict[str, Any]]:
    """The evidence documents of ``iri``, in data order.

    Each item is ``{"iri", "label", "href", "publisher", "reference", "official",
    "official_note", "unofficial"}``: ``href`` is this server's page for the
    document, ``official`` a safe link to its official copy (or ``None``) and
    ``unofficial`` the safe links to copies found elsewhere. A value of
    ``sg:evidence`` that is not a described evidence document (a bare address left
    in the data) is shown as an unofficial copy of an unnamed document, never as a
    source.
    """
    items = []
    for doc in cat.iris(iri, EVIDENCE):
        if not cat.is_a(doc, EVIDENCE_DOCUMENT):
            url = external_url(doc)
            if url is None:
                continue
            items.append(
                {
                    "iri": doc,
                    "label": "Document not named",
                    "href": None,
                    "publisher": None,
                    "reference": None,
                    "official": None,
                    "official_note": "This address has not been matched to a document.",
                    "unofficial": [url],
                }
            )
            continue
        official = next(
            (u for u in map(external_url, cat.iris(doc, OFFICIAL_COPY)) if u is not None), None
        )
        items.append(
            {
                "iri": doc,
                "label": cat.label(doc),
                "href": page_path(doc),
                "publisher": cat.text(doc, PUBLISHER),
                "reference": cat.text(doc, REFERENCE),
                "official": official,
                "official_note": None if official else cat.text(doc, OFFICIAL_COPY_NOTE),
                "unofficial": [
                    u for u in map(external_url, cat.iris(doc, UNOFFICIAL_COPY)) if u is not None
                ],
            }
        )
    return items
