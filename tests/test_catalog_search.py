"""Catalogue search: FTS5 ranking, diacritics, filters, triggers and the portable fallback."""

from decimal import Decimal

import pytest

from app.catalog import search as catalog_search
from app.catalog.logic import search_text
from app.catalog.search import Filters, filters_from, query_words
from app.catalog.sqlite_search import fts_match
from app.catalog.tables import Field, Procedure
from app.text import fold
from tests import factories
from tests.conftest import run

# Ranked on either engine's index (FTS5 / tsvector): `make test` runs it on both.
pytestmark = pytest.mark.engine


def test_query_words_fold_and_drop_syntax():
    assert query_words("Cấp GIẤY phép: xây-dựng") == ["cap", "giay", "phep", "xay", "dung"]
    assert query_words('Đăng ký "OR" NEAR(') == ["dang", "ky", "or", "near"]
    assert query_words("  ") == []


def test_fts_match_quotes_every_word_and_prefixes_the_last():
    assert fts_match(["giay", "phep", "x"]) == '"giay" "phep" "x"*'
    assert fts_match([]) == ""


def test_filters_from_ignores_values_that_are_not_choices():
    f = filters_from({"linh_vuc": "3", "co_quan": "x", "cap": "tinh", "truc_tuyen": "bogus"})
    assert f == Filters(field=3, agency=None, level="tinh", online_level=None)
    assert not filters_from({}).any


async def _procedure(agency, name, *, field=None, level="tinh", online="full") -> int:
    field_row = field or await Field.objects().get_or_create(
        Field.code == "TEST", {Field.name: "Thử"})
    row = Procedure(code=f"X.{abs(hash(name)) % 10**6:06d}", name=name,
                    search_text=search_text(name, field_row.name),
                    field=field_row.id, agency=agency.id, level=level,
                    time_limit_amount=Decimal(5), time_limit_unit="working_days",
                    online_level=online)
    await row.save()
    return row.id


@pytest.fixture
def catalogue(db):
    async def make():
        a = await factories.agency("Sở Xây dựng", code="000.00.90.H55")
        b = await factories.agency("UBND xã An Phú", code="000.00.91.H55")
        other = await Field.objects().get_or_create(Field.code == "HT", {Field.name: "Hộ tịch"})
        ids = {
            "xd": await _procedure(a, "Cấp giấy phép xây dựng nhà ở riêng lẻ"),
            "sua": await _procedure(a, "Điều chỉnh giấy phép xây dựng", online="partial"),
            "ks": await _procedure(b, "Đăng ký khai sinh", field=other, level="xa"),
            "kh": await _procedure(b, "Đăng ký kết hôn", field=other, level="xa", online="none"),
            "tl": await _procedure(b, "Cấp bản sao trích lục hộ tịch", level="xa"),
        }
        return ids, a, b, other
    return run(make())


def names(rows):
    return [r["name"] for r in rows]


def test_ranked_search_without_diacritics(catalogue):
    ids, *_ = catalogue
    rows = run(catalog_search.search("cap giay phep xay dung"))
    assert names(rows)[0] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    # "đ" typed as "d", and a half-typed last word.
    assert names(run(catalog_search.search("dang ky khai s"))) == ["Đăng ký khai sinh"]
    assert run(catalog_search.search("giay phep")) and not run(catalog_search.search("zzz"))


def test_field_names_are_searched_but_names_rank_first(catalogue):
    rows = names(run(catalog_search.search("ho tich")))
    # Named so, in another field, first; then the field Hộ tịch's procedures.
    assert rows[0] == "Cấp bản sao trích lục hộ tịch"
    assert set(rows[1:]) == {"Đăng ký khai sinh", "Đăng ký kết hôn"}
    assert set(run(catalog_search._like_ids(["ho", "tich"]))) == {
        r["id"] for r in run(catalog_search.search("ho tich"))}


def test_filters_narrow_and_browse(catalogue):
    ids, a, b, other = catalogue
    assert names(run(catalog_search.search("dang ky", Filters(online_level="none")))) == [
        "Đăng ký kết hôn"]
    assert set(names(run(catalog_search.search("", Filters(agency=a.id))))) == {
        "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Điều chỉnh giấy phép xây dựng"}
    assert len(run(catalog_search.search("", Filters(field=other.id, level="xa")))) == 2
    assert run(catalog_search.search("")) == []  # nothing asked, nothing listed


def test_index_follows_renames_and_deletes(catalogue):
    ids, *_ = catalogue
    new = "Cấp đổi giấy phép lái tàu"
    Procedure.update({Procedure.name: new, Procedure.search_text: fold(new)}).where(
        Procedure.id == ids["xd"]).run_sync()
    assert names(run(catalog_search.search("lai tau"))) == [new]
    assert "nha o rieng le" not in {fold(n) for n in names(run(catalog_search.search("xay")))}
    Procedure.delete().where(Procedure.id == ids["ks"]).run_sync()
    assert run(catalog_search.search("khai sinh")) == []


def test_portable_fallback_finds_the_same_procedures(catalogue):
    for query in ("giay phep", "dang ky", "xay dung"):
        words = query_words(query)
        assert set(run(catalog_search._like_ids(words))) == set(
            run(catalog_search._text_index().ranked_ids(words)))


def test_page_and_htmx_fragment_share_one_url(client, catalogue):
    ids, a, *_ = catalogue
    page = client.get("/thu-tuc", params={"q": "giay phep", "co_quan": a.id})
    assert page.status_code == 200 and "<form" in page.text and 'hx-push-url="true"' in page.text
    assert "2 kết quả" in page.text
    fragment = client.get("/thu-tuc", params={"q": "khai sinh"},
                          headers={"HX-Request": "true", "HX-Target": "search-results"})
    assert fragment.status_code == 200 and "<form" not in fragment.text
    assert "Đăng ký khai sinh" in fragment.text
    assert client.get("/thu-tuc", params={"q": '"*NEAR(', "cap": "x"}).status_code == 200


def test_migration_recomputes_the_search_text_of_loaded_procedures(catalogue):
    import importlib

    migration = importlib.import_module("migrations.motcua_2026_12_03t21_10_00_000010")
    Procedure.update({Procedure.search_text: "cu"}, force=True).run_sync()  # as loaded before
    manager = run(migration.forwards())
    for step in manager.raw:
        run(step())
    assert {p["search_text"] for p in Procedure.select(Procedure.search_text).run_sync()} == {
        "dang ky khai sinh ho tich", "dang ky ket hon ho tich",
        "cap ban sao trich luc ho tich thu", "cap giay phep xay dung nha o rieng le thu",
        "dieu chinh giay phep xay dung thu"}
    assert len(run(catalog_search.search("ho tich"))) == 3
