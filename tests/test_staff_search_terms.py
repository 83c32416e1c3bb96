"""What the officer types into the one search box, and the queue filter in the URL (pure)."""

from datetime import date

import pytest

from app.web.forms import FormErrors
from app.workqueue.logic import ALL, OPEN, QueueFilter, Terms, fts_query, parse_filter, parse_terms


@pytest.mark.parametrize("typed, keys", [
    ("000.00.17.H55-260312-0004", ("0000017h552603120004",)),  # the code as printed
    ("0000017H552603120004", ("0000017h552603120004",)),  # without its dots and dashes
    ("260312-0004", ("2603120004",)),  # the day and number only
    ("052090001234", ("052090001234",)),  # CCCD
    ("0905 123 456", ("0905123456",)),  # a phone typed in groups
    ("0905.123.456", ("0905123456",)),
    ("+84 905 123 456", ("0905123456",)),
    ("84905123456", ("0905123456",)),
    ("0101234567-001", ("0101234567001",)),  # tax code of a branch
])
def test_keys_are_normalised(typed, keys):
    assert parse_terms(typed) == Terms(keys=keys)


def test_names_are_folded_words_and_keys_stay_apart():
    assert parse_terms("Đặng Thị Hoà") == Terms(words=("dang", "thi", "hoa"))
    assert parse_terms("  nguyen   van AN ") == Terms(words=("nguyen", "van", "an"))
    assert parse_terms("Trần Bình 0905123456") == Terms(keys=("0905123456",),
                                                        words=("tran", "binh"))
    assert not parse_terms("  ") and not parse_terms("!!! ---")


def test_nothing_typed_becomes_fts_syntax():
    terms = parse_terms('nguyen" OR * NEAR(x) -- ^col:')
    assert all(part.isalnum() for part in terms.words + terms.keys)
    query = fts_query(terms, None)
    assert query == '"nguyen" AND "or" AND "near" AND "x" AND "col"*'


def test_fts_query_scope_and_prefixes():
    terms = parse_terms("nguyen van 0905")
    assert fts_query(terms, [3, 7]) == (
        '("ag3" OR "rc3" OR "ag7" OR "rc7") AND "0905"* AND "nguyen" AND "van"*')
    # No agency at all: a token no dossier has, never "everything".
    assert fts_query(parse_terms("an"), []).startswith('("ag0") AND')


def test_postgres_tsquery_follows_the_same_rules():
    """The PostgreSQL dialect's tsquery: the FTS5 query's rules in tsquery syntax."""
    from app.workqueue.postgres_text_index import ts_query

    assert ts_query(parse_terms("nguyen van 0905"), [3, 7]) == (
        "(ag3 | rc3 | ag7 | rc7) & 0905:* & nguyen & van:*")
    assert ts_query(parse_terms("an"), []) == "(ag0) & an:*"
    assert ts_query(parse_terms('nguyen" | ! <-> & :*'), None) == "nguyen:*"


def test_long_input_is_cut_not_refused():
    terms = parse_terms("a " * 500)
    assert len(terms.words) == 8


def test_filter_defaults_queue_vs_search():
    queue = parse_filter({}, FormErrors())
    assert queue.mine and queue.status == OPEN and queue.sort == "han" and queue.page == 1
    searching = parse_filter({"q": "Nguyễn"}, FormErrors())
    assert not searching.mine and searching.status == ALL
    chosen = parse_filter({"q": "x", "pham_vi": "cua-toi", "trang_thai": "mo"}, FormErrors())
    assert chosen.mine and chosen.status == OPEN


def test_filter_reads_every_choice_and_round_trips_through_the_url():
    params = {"q": "an", "pham_vi": "don-vi", "trang_thai": "4", "thu_tuc": "12",
              "linh_vuc": "3", "buoc": "2", "tu_ngay": "01/03/2026", "den_ngay": "31/03/2026",
              "han": "qua-han", "kenh": "2", "sap_xep": "moi-nhan", "trang": "3"}
    f = parse_filter(params, FormErrors())
    assert f == QueueFilter(text="an", mine=False, status="4", procedure=12, field=3, step=2,
                            received_from=date(2026, 3, 1), received_to=date(2026, 3, 31),
                            due="qua-han", channel=2, sort="moi-nhan", page=3)
    assert parse_filter(f.query(), FormErrors()) == f
    assert f.query(page=1).get("trang") is None  # page 1 is the default: not in the URL


def test_hand_edited_choices_mean_any_and_bad_dates_are_errors():
    errors = FormErrors()
    f = parse_filter({"trang_thai": "0", "kenh": "9", "thu_tuc": "x", "han": "mai",
                      "sap_xep": "drop table", "trang": "-1", "buoc": "99999999999"}, errors)
    assert not errors
    assert (f.status, f.channel, f.procedure, f.due, f.sort, f.page, f.step) == (
        OPEN, None, None, "", "han", 1, None)
    errors = FormErrors()
    parse_filter({"tu_ngay": "31/02/2026", "den_ngay": "1/1/2026"}, errors)
    assert set(errors.messages) == {"tu_ngay"}
    errors = FormErrors()
    parse_filter({"tu_ngay": "10/03/2026", "den_ngay": "01/03/2026"}, errors)
    assert "den_ngay" in errors.messages
