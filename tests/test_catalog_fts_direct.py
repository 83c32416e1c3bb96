"""The catalogue's FTS5 ranking goes straight to the engine with the index's presence kept
a few seconds (issue #21): the same ids in the same order as the statement run through
Piccolo's `raw()`, as it was before."""

from __future__ import annotations

import pytest

from app.catalog import sqlite_search
from app.catalog.search import query_words
from app.catalog.tables import Procedure
from tests.conftest import run
from tests.test_catalog_search import catalogue  # noqa: F401  (the fixture)

pytestmark = pytest.mark.sqlite_only


def test_ranked_ids_match_the_raw_query(catalogue):  # noqa: F811
    for query in ("giay phep", "dang ky", "xay dung", "ho tich", "cap", "d", "zzz"):
        words = query_words(query)
        through_piccolo = Procedure.raw(sqlite_search.RANKED,
                                       sqlite_search.fts_match(words)).run_sync()
        direct = run(sqlite_search.ranked_ids(words))
        assert direct == [row["id"] for row in through_piccolo], query
    assert run(sqlite_search.ranked_ids(["giay"]))  # the fixture's procedures are found
