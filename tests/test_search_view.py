"""The catalogue search page drawn through app.catalog.search_view is, byte for byte, the
page the straightforward templates draw (issue #21): the result items of one pass and the
filter lists kept per list and chosen value against the Jinja loops they replace
(tests/reference_templates/public/), for many queries, with and without diacritics, every
kind of filter, no result, no words, plain and htmx; with names that need escaping; and
with the kept lists drawn again and again in any order."""

from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import ChoiceLoader, FileSystemLoader

from app.catalog import search_view
from app.catalog.logic import TimeUnit, describe_time_limit, search_text
from app.catalog.search import MAX_WORDS, query_words
from app.catalog.tables import Field, Procedure
from app.demo.loader import PROVINCE_CODE, load_catalogue
from app.directory.service import load_current_units
from app.directory.tables import Agency
from app.text import fold
from tests.conftest import run, shared_app

REFERENCE = Path(__file__).parent / "reference_templates"
HTMX = {"HX-Request": "true", "HX-Target": "search-results"}
HOSTILE = '<b>"Giấy phép" & \'xây dựng\'</b>'
QUERIES = ["giay phep", "khai sinh", "đăng ký kết hôn", "xay d", "GIẤY PHÉP XÂY DỰNG", "zzz",
           "ly lich tu phap", "'", "%", "dang ky", "d", "<b>", "giay phep xay dung", ""]


@contextmanager
def straightforward_templates():
    """The app's pages drawn by the reference templates (the loops as they were)."""
    env = shared_app().template_engine.engine
    kept = env.loader
    env.loader = ChoiceLoader([FileSystemLoader(REFERENCE), kept])
    try:
        yield
    finally:
        env.loader = kept


def same_page(client, **kwargs) -> str:
    served = client.get("/thu-tuc", **kwargs)
    with straightforward_templates():
        reference = client.get("/thu-tuc", **kwargs)
    assert served.status_code == reference.status_code == 200
    assert served.text == reference.text, kwargs
    return served.text


async def _catalogue() -> dict:
    await load_current_units(PROVINCE_CODE)
    await load_catalogue()
    agency = await Agency.select(Agency.id).first()
    field = await Field.objects().get_or_create(Field.code == "XSS", {Field.name: HOSTILE})
    await Procedure(code="X.000001", name=HOSTILE, search_text=search_text(HOSTILE, HOSTILE),
                    field=field.id, agency=agency["id"], level="tinh",
                    time_limit_amount=Decimal("0.5"), time_limit_unit="working_days",
                    online_level="partial").save()
    await Agency.update({Agency.name: HOSTILE + " Sở"}).where(Agency.id == agency["id"])
    return {"fields": [r["id"] for r in await Field.select(Field.id)],
            "agencies": [r["id"] for r in await Agency.select(Agency.id)]}


@pytest.fixture
def catalogue(db):
    return run(_catalogue())


def test_search_pages_are_the_straightforward_pages(client, catalogue):
    filters = [{}, {"linh_vuc": catalogue["fields"][0]}, {"linh_vuc": catalogue["fields"][-1]},
               {"co_quan": catalogue["agencies"][0]}, {"co_quan": catalogue["agencies"][1]},
               {"cap": "tinh", "truc_tuyen": "full"}, {"cap": "xa", "truc_tuyen": "partial"},
               {"truc_tuyen": "none"}, {"linh_vuc": "999999", "cap": "xa"}, {"cap": "bogus"}]
    listed = escaped = 0
    for q in QUERIES:  # every filter for a few queries, the commonest for the rest
        for extra in filters if q in ("giay phep", "", "<b>") else filters[:4]:
            page = same_page(client, params={"q": q, **extra})
            fragment = same_page(client, params={"q": q, **extra}, headers=HTMX)
            assert fragment in page  # the full page holds the very fragment htmx swaps in
            listed += '<ul class="results">' in fragment
            escaped += "&lt;b&gt;&#34;Giấy phép&#34; &amp; &#39;xây dựng&#39;&lt;/b&gt;" in page
    assert listed > 10 and escaped  # searches that list procedures, the hostile one too
    assert " selected>" in same_page(client, params={"co_quan": catalogue["agencies"][0]})
    assert "Nộp trực tuyến một phần" in same_page(client, params={"q": "giay phep xay"})


def test_a_plain_visit_without_words_or_filters(client, catalogue):
    page = same_page(client)
    assert "kết quả" not in page and '<option value="tinh">Cấp tỉnh</option>' in page


def test_kept_lists_are_drawn_per_chosen_value():
    choices = ((1, "Hộ tịch"), (2, "Đất <đai>"))
    first = search_view.option_tags(choices, 2)
    assert first == ('<option value="1">Hộ tịch</option>'
                     '<option value="2" selected>Đất &lt;đai&gt;</option>')
    assert search_view.option_tags(choices, None) == first.replace(" selected", "")
    assert search_view.option_tags(choices, 2) is first  # kept
    assert search_view.option_tags(((1, "Hộ tịch"), (2, "Khác")), 2) != first  # list changed
    for n in range(search_view.MAX_DRAWN * 2):  # bounded: a full memo starts over
        search_view.option_tags(((n, "x"),), n)
    assert len(search_view._drawn) <= search_view.MAX_DRAWN


def test_a_kept_list_is_found_by_itself_and_a_new_list_is_drawn_anew():
    rows = [{"id": 1, "name": "Hộ tịch"}, {"id": 2, "name": "Đất đai"}]
    first = search_view._kept_list_tags(rows, 1)
    assert search_view._kept_list_tags(rows, 1) is first
    assert first == search_view.option_tags(((1, "Hộ tịch"), (2, "Đất đai")), 1)
    renamed = [{"id": 1, "name": "Hộ tịch"}, {"id": 2, "name": "Đất <đai>"}]  # a new list
    assert "Đất &lt;đai&gt;" in search_view._kept_list_tags(renamed, 1)
    for n in range(search_view.MAX_DRAWN * 2):
        search_view._kept_list_tags([{"id": n, "name": "x"}], n)
    assert len(search_view._drawn_rows) <= search_view.MAX_DRAWN


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
       st.sampled_from(list(TimeUnit)))
def test_time_limits_kept_read_as_made(amount, unit):
    made = describe_time_limit.__wrapped__(amount, unit)
    assert describe_time_limit(amount, unit) == made
    assert describe_time_limit(amount, str(unit)) == made  # the column's plain string
    assert describe_time_limit(float(amount), unit) == describe_time_limit.__wrapped__(
        float(amount), unit)


@given(st.text() | st.text(alphabet="aAzZ09 .-_'\"*:()đĐấẤ\t\n"))
def test_query_words_without_diacritics_skip_folding_and_read_the_same(text):
    assert query_words(text) == re.findall(r"[a-z0-9]+", fold(text))[:MAX_WORDS]
