"""Unlinked members asked about one board are those of the national list on that
board: the board page looks them up through the board's assignments, not by
filtering every assignment in the country."""

from __future__ import annotations

from datetime import date

import pytest

from kg import analysis
from kg.browse.catalog import Catalog, load_catalog
from kg.config import SG, Settings
from kg.store import open_store

DATES = (date(2004, 6, 1), date(2017, 8, 1), date(2026, 1, 1))


@pytest.fixture(scope="module")
def catalog(real_store: Settings) -> Catalog:
    return load_catalog(open_store(real_store), real_store)


@pytest.mark.parametrize("when", DATES, ids=str)
def test_one_boards_unlinked_members_are_its_share_of_the_national_list(
    catalog: Catalog, when: date
) -> None:
    national = analysis.unlinked_members(catalog, when)
    assert national  # something to compare
    contexts = {catalog.iri(ra, SG + "context") for ra in catalog.instances(SG + "RoleAssignment")}
    assert len(contexts) > 100  # every board anyone holds a role on, most with none
    for board in contexts - {None}:
        mine = [row for row in national if row["board"]["iri"] == board]
        assert analysis.unlinked_members(catalog, when, board=board) == mine
    # a board with none has none
    assert analysis.unlinked_members(catalog, when, board="https://example.org/none") == []
