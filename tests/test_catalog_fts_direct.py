"""The catalogue's FTS5 ranking runs as a kept statement (app.prepared) with the index's
presence kept a few seconds (issue #21): the same ids in the same order as the statement
run through Piccolo's `raw()`, as it was before; merging the index's segments changes no
answer."""

from __future__ import annotations

import pytest

from app.catalog import search as catalog_search
from app.catalog import sqlite_search
from app.catalog.search import query_words
from app.catalog.tables import Procedure
from tests.conftest import run
from tests.test_catalog_search import _procedure, catalogue  # noqa: F401  (the fixture)

pytestmark = pytest.mark.sqlite_only


def test_ranked_ids_match_the_raw_query(catalogue):  # noqa: F811
    for query in ("giay phep", "dang ky", "xay dung", "ho tich", "cap", "d", "zzz"):
        words = query_words(query)
        through_piccolo = Procedure.raw(sqlite_search.RANKED,
                                       sqlite_search.fts_match(words)).run_sync()
        direct = run(sqlite_search.ranked_ids(words))
        assert direct == [row["id"] for row in through_piccolo], query
    assert run(sqlite_search.ranked_ids(["giay"]))  # the fixture's procedures are found


def _segment_rows() -> int:
    return Procedure.raw("SELECT count(*) AS n FROM procedure_fts_data").run_sync()[0]["n"]


def test_tidy_index_merges_segments_and_keeps_every_rank(catalogue):  # noqa: F811
    # Each save went through the triggers in a transaction of its own: one segment each.
    for _ in range(3):
        Procedure.update({Procedure.name: Procedure.name}, force=True).run_sync()
    queries = ("giay phep", "dang ky", "xay dung", "ho tich", "cap", "d", "zzz", "khai s")
    before = {q: run(sqlite_search.ranked_ids(query_words(q))) for q in queries}
    fragmented = _segment_rows()
    run(catalog_search.tidy_index())
    assert _segment_rows() < fragmented
    assert {q: run(sqlite_search.ranked_ids(query_words(q))) for q in queries} == before
    run(catalog_search.tidy_index())  # idempotent: nothing left to merge, same answers
    assert {q: run(sqlite_search.ranked_ids(query_words(q))) for q in queries} == before


def _typed(rows):
    return [[(key, type(value).__name__, value) for key, value in row.items()] for row in rows]


def test_ranked_rows_in_one_statement_are_the_ids_then_their_rows(catalogue):  # noqa: F811
    ids, a, b, other = catalogue
    run(_procedure(a, "Cấp giấy phép xây dựng nhà ở riêng lẻ."))  # the same words: a tie
    shapes = [{}, {"field": other.id}, {"agency": a.id}, {"agency": b.id, "level": "xa"},
              {"online_level": "none"}, {"online_level": "partial", "level": "tinh"},
              {"field": other.id, "agency": b.id, "level": "xa", "online_level": "full"},
              {"field": 10**6}]
    compared = 0
    for query in ("giay phep", "dang ky", "xay dung", "ho tich", "cap", "d", "zzz", "khai s",
                  "cap giay phep xay dung nha o rieng le"):
        words = query_words(query)
        for shape in shapes:
            chosen = {"field": None, "agency": None, "level": None, "online_level": None,
                      **shape}
            for limit in (50, 1):
                one = run(sqlite_search.ranked_rows(words, chosen, limit))
                two = run(catalog_search.rows_in_rank_order(
                    run(sqlite_search.ranked_ids(words)), chosen, limit))
                assert _typed(one) == _typed(two), (query, shape, limit)
                compared += len(one)
    assert compared > 20  # the comparisons saw rows, not only empty lists
