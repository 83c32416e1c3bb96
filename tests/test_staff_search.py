"""Finding any dossier from the queue: each key, within scope, with filters, sort, paging.

Issue #16: "No way to find a dossier" — the queue filtered only by scope and status.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import Field, Procedure
from app.dossiers.tables import Dossier
from app.web.forms import FormErrors
from app.workqueue import search
from app.workqueue.logic import parse_filter
from tests import factories

# engine: the search goes through each engine's own full-text index (FTS5, tsvector).
pytestmark = [pytest.mark.anyio, pytest.mark.engine]
NOW = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)  # Wednesday 10:00 in Quảng Ngãi


async def add(procedure, code: str, name: str, *, id_number="", phone="", status=4,
              channel=1, received=NOW - timedelta(days=2), due=NOW + timedelta(days=5),
              step=None, agency=None, assignee=None) -> int:
    row = Dossier(code=code, procedure=procedure.id, agency=agency or procedure.agency,
                  applicant_name=name, applicant_id_number=id_number, applicant_phone=phone,
                  channel=channel, status=status, created_at=received, received_at=received,
                  due_at=due, current_step=step, assignee=assignee)
    await row.save()
    return row.id


async def officer(role: Role, agency_ids, username: str):
    user = await accounts.create_user(username=username, password="abc12345",
                                      full_name=f"Cán bộ {username}", role=role,
                                      agency_ids=list(agency_ids))
    return await accounts.load_session(await accounts.start_session(user, "127.0.0.1", "t"))


@pytest.fixture
async def world(db):
    x, y = await factories.agency("Sở Tư pháp tỉnh Quảng Ngãi"), await factories.agency("Sở Y tế")
    px = await factories.procedure(x, "Cấp Phiếu lý lịch tư pháp")
    other_field = await Field.objects().get_or_create(Field.code == "HT", {Field.name: "Hộ tịch"})
    px2 = await factories.procedure(x, "Đăng ký khai sinh")
    await Procedure.update({Procedure.field: other_field.id}).where(Procedure.id == px2.id)
    py = await factories.procedure(y)
    ids = {
        "hoa": await add(px, "000.00.17.H55-260312-0004", "Đặng Thị Hoà", id_number="052185003344",
                         phone="0905 123 456", step=2),
        "binh": await add(px2, "000.00.17.H55-260312-0005", "Trần Văn Bình",
                          id_number="0101234567-001", phone="+84935111222", channel=2),
        "late": await add(px, "000.00.17.H55-260301-0001", "Lê Văn Trễ",
                          due=NOW - timedelta(hours=3)),
        "soon": await add(px, "000.00.17.H55-260305-0002", "Phạm Thị Gấp",
                          due=NOW + timedelta(hours=2)),
        "done": await add(px, "000.00.17.H55-260201-0001", "Đặng Văn Xong", status=10,
                          received=NOW - timedelta(days=40)),
        "other": await add(py, "000.00.18.H55-260312-0001", "Đặng Thị Hoà",
                           id_number="052185009999", phone="0905999888"),
    }
    handler = await officer(Role.HANDLER, [x.id], "thuly.x")
    return {"x": x, "y": y, "px": px, "px2": px2, "field": other_field, "ids": ids,
            "handler": handler}


async def found(user, **params) -> list[int]:
    f = parse_filter({"pham_vi": "don-vi", **params}, FormErrors())
    return [row["id"] for row in (await search.find(user, f, now=NOW)).rows]


KEYS = [
    ("000.00.17.H55-260312-0004", "hoa"), ("0000017H552603120004", "hoa"),
    ("260312-0004", "hoa"), ("dang thi hoa", "hoa"), ("ĐẶNG THỊ HOÀ", "hoa"), ("hoa dang", "hoa"),
    ("052185003344", "hoa"), ("0905123456", "hoa"), ("0905 123 456", "hoa"),
    ("84935111222", "binh"), ("0935.111.222", "binh"), ("0101234567-001", "binh"),
    ("0101234567", "binh"), ("tran van b", "binh"),
]


async def test_each_key_finds_the_dossier(world):
    results = {typed: await found(world["handler"], q=typed) for typed, _ in KEYS}
    assert results == {typed: [world["ids"][who]] for typed, who in KEYS}


async def test_postgres_search_uses_its_index(world):
    """On PostgreSQL the query names the indexed expression word for word, so the GIN
    index answers it (sequential scans off: the test table is too small to prefer it)."""
    from piccolo.engine.finder import engine_finder

    if engine_finder().engine_type != "postgres":
        pytest.skip("the PostgreSQL dialect's plan")
    from app.workqueue.logic import parse_terms
    from app.workqueue.postgres_text_index import DOCUMENT, ts_query

    async with engine_finder().transaction():
        await Dossier.raw("SET LOCAL enable_seqscan = off")
        plan = await Dossier.raw(f"EXPLAIN SELECT id FROM dossier WHERE {DOCUMENT} @@ "
                                 "to_tsquery('simple', {})", ts_query(parse_terms("hoa"), [1]))
    assert "dossier_search_tsv" in " ".join(row["QUERY PLAN"] for row in plan)


async def test_search_stays_within_scope(world):
    handler, ids = world["handler"], world["ids"]
    assert ids["other"] not in await found(handler, q="000.00.18.H55-260312-0001")
    assert await found(handler, q="052185009999") == []
    auditor = await officer(Role.AUDITOR, [], "kiemtra")  # province-wide
    assert set(await found(auditor, q="dang thi hoa")) == {ids["hoa"], ids["other"]}
    nobody = await officer(Role.HANDLER, [], "khongdonvi")
    assert await found(nobody, q="dang thi hoa") == []


async def test_index_follows_changes_of_name_and_agency(world):
    ids, handler = world["ids"], world["handler"]
    await Dossier.update({Dossier.applicant_name: "Đoàn Thị Hoà"}).where(Dossier.id == ids["hoa"])
    assert await found(handler, q="dang thi hoa") == []
    assert await found(handler, q="doan thi hoa") == [ids["hoa"]]
    # Transferred to the other agency: it leaves this handler's search.
    await Dossier.update({Dossier.agency: world["y"].id}).where(Dossier.id == ids["hoa"])
    assert await found(handler, q="doan thi hoa") == []
    await Dossier.delete().where(Dossier.id == ids["other"])
    auditor = await officer(Role.AUDITOR, [], "kiemtra2")
    assert await found(auditor, q="052185009999") == []


async def test_filters(world):
    h, ids = world["handler"], world["ids"]
    assert set(await found(h)) == {ids[k] for k in ("hoa", "binh", "late", "soon")}  # open ones
    assert set(await found(h, trang_thai="tat-ca")) == {ids[k] for k in (
        "hoa", "binh", "late", "soon", "done")}
    assert await found(h, trang_thai="10") == [ids["done"]]
    assert await found(h, thu_tuc=str(world["px2"].id)) == [ids["binh"]]
    assert await found(h, linh_vuc=str(world["field"].id)) == [ids["binh"]]
    assert await found(h, buoc="2") == [ids["hoa"]]
    assert await found(h, kenh="2") == [ids["binh"]]
    assert await found(h, han="qua-han") == [ids["late"]]
    assert await found(h, han="sap-den-han") == [ids["soon"]]
    assert await found(h, trang_thai="tat-ca", tu_ngay="01/01/2026", den_ngay="29/01/2026") == []
    assert await found(h, trang_thai="tat-ca", tu_ngay="30/01/2026",
                       den_ngay="31/01/2026") == [ids["done"]]
    assert await found(h, q="dang", trang_thai="tat-ca") == [ids["hoa"], ids["done"]]


async def test_sorting_and_paging(world):
    h, ids = world["handler"], world["ids"]
    assert await found(h) == [ids["late"], ids["soon"], ids["hoa"], ids["binh"]]  # due first
    assert await found(h, sap_xep="ma") == [ids["late"], ids["soon"], ids["hoa"], ids["binh"]]
    # Received at the same moment: the later-entered first.
    assert await found(h, sap_xep="moi-nhan") == [ids["soon"], ids["late"], ids["binh"],
                                                  ids["hoa"]]
    f = parse_filter({"pham_vi": "don-vi", "trang": "2"}, FormErrors())
    page = await search.find(h, f, now=NOW, page_size=3)
    assert page.total == 4 and [r["id"] for r in page.rows] == [ids["binh"]]
    late_row = (await search.find(h, parse_filter({"pham_vi": "don-vi"}, FormErrors()),
                                  now=NOW)).rows[0]
    assert late_row["late"] and late_row["agency_short"] == "Sở Tư pháp tỉnh Quảng Ngãi"


async def test_candidates_are_capped_and_said_so(world, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 1)
    f = parse_filter({"q": "dang", "pham_vi": "don-vi", "trang_thai": "tat-ca"}, FormErrors())
    page = await search.find(world["handler"], f, now=NOW)
    assert page.capped and page.total == 1


async def test_portable_fallback_without_the_index(world):
    """Without the full-text index (its migration not applied): LIKE conditions answer
    (names as typed)."""
    from piccolo.engine.finder import engine_finder

    if engine_finder().engine_type == "postgres":
        from app.workqueue.postgres_text_index import SIGNATURE
        await engine_finder().run_ddl(f"DROP FUNCTION {SIGNATURE} CASCADE")
    else:
        await engine_finder().run_ddl("DROP TABLE dossier_fts")
        for trigger in ("insert", "update", "delete"):
            await engine_finder().run_ddl(f"DROP TRIGGER dossier_fts_{trigger}")
    h, ids = world["handler"], world["ids"]
    assert await found(h, q="Đặng Thị") == [ids["hoa"]]
    assert await found(h, q="052185003344") == [ids["hoa"]]
    assert await found(h, q="260312-0005") == [ids["binh"]]


async def test_filter_choices_follow_the_scope(world):
    handler = world["handler"]
    mine = await search.filter_options(handler, parse_filter({}, FormErrors()))
    assert {p["id"] for p in mine["procedures"]} == {world["px"].id, world["px2"].id}
    assert not mine["procedures_need_field"]
    # Province-wide: every procedure of the province is too long a list for each answer.
    auditor = await officer(Role.AUDITOR, [], "kiemtra3")
    none_yet = await search.filter_options(auditor, parse_filter({}, FormErrors()))
    assert none_yet["procedures"] == [] and none_yet["procedures_need_field"]
    by_field = await search.filter_options(auditor, parse_filter(
        {"linh_vuc": str(world["field"].id)}, FormErrors()))
    assert [p["id"] for p in by_field["procedures"]] == [world["px2"].id]


async def test_a_whole_code_typed_with_spaces_is_found_as_the_lookup_finds_it(db):
    """One normaliser for codes: the staff search makes a whole code canonical with the
    citizen lookup's `canonical_code`, so a code read out over the phone in groups
    ("0000017h55 260312 0004") is found in both places."""
    from app.dossiers.service import resolve_code

    justice = await factories.agency("Sở Tư pháp tỉnh Quảng Ngãi", code="000.00.17.H55")
    procedure = await factories.procedure(justice)
    wanted = await add(procedure, "000.00.17.H55-260312-0004", "Đặng Thị Hoà")
    await add(procedure, "000.00.17.H55-260312-0040", "Trần Văn Khác")
    handler = await officer(Role.HANDLER, [justice.id], "thuly.ma")
    for typed in ("0000017h55 260312 0004", "000 00 17 H55 260312 0004",
                  " 000.00.17.h55-260312-0004 ", "0000017H55-2603120004"):
        assert await resolve_code(typed) == "000.00.17.H55-260312-0004", typed
        assert await found(handler, q=typed) == [wanted], typed
    # What is not a whole code keeps the staff search's own keys: a tail, a prefix.
    assert set(await found(handler, q="260312-00")) == {wanted, wanted + 1}
