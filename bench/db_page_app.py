"""The server half of bench/db_page.py: one Litestar app serving the same page five ways.

/a/ runs Piccolo on our MotCuaEngine, /b/ Piccolo on the stock SQLiteEngine, /c/ a raw
persistent sqlite3 connection; all render the same HTML, so only the path to SQLite differs.
/d/ sends the raw SQL of /c/ through Piccolo's `Table.raw()` on MotCuaEngine: the gap between
/a/ and /d/ is the cost of building and compiling Piccolo's query objects. /e/ runs /a/'s
Piccolo queries built once (`app.prepared`, as the app's lookup does) on MotCuaEngine.
uvicorn imports it with `--app-dir bench --factory db_page_app:create_app`; BENCH_DB names
the database file.
"""

from __future__ import annotations

import asyncio
import html
import os
import sqlite3
import sys
from datetime import datetime, timedelta

RAW_DOSSIER = (
    "SELECT d.id, d.code, d.applicant_name, d.status, d.received_at, d.due_at, d.finished_at,"
    " d.returned_at, p.name AS procedure_name, a.name AS agency_name FROM dossier d"
    " LEFT JOIN procedure p ON p.id = d.procedure LEFT JOIN agency a ON a.id = d.agency"
    " WHERE d.code = ? LIMIT 1")
RAW_EVENTS = "SELECT at, action, to_status FROM dossier_event WHERE dossier = ? ORDER BY id"


def _tables(engine):
    """The app's tables, re-declared on a given engine so two engines can run side by side."""
    from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
    from piccolo.table import Table

    class Agency(Table, tablename="agency", db=engine):
        name = Varchar()

    class Procedure(Table, tablename="procedure", db=engine):
        name = Varchar()

    class Dossier(Table, tablename="dossier", db=engine):
        code = Varchar()
        procedure = ForeignKey(Procedure)
        agency = ForeignKey(Agency)
        applicant_name = Varchar()
        status = Integer()
        received_at, due_at = Timestamptz(null=True), Timestamptz(null=True)
        finished_at, returned_at = Timestamptz(null=True), Timestamptz(null=True)

    class DossierEvent(Table, tablename="dossier_event", db=engine):
        dossier = ForeignKey(Dossier)
        at = Timestamptz()
        action = Varchar()
        to_status = Integer(null=True)

    return Dossier, DossierEvent


def dossier_query(dossier, code):
    return dossier.select(
        dossier.id, dossier.code, dossier.applicant_name, dossier.status,
        dossier.received_at, dossier.due_at, dossier.finished_at,
        dossier.returned_at, dossier.procedure.name.as_alias("procedure_name"),
        dossier.agency.name.as_alias("agency_name"),
    ).where(dossier.code == code).first()


def events_query(event, dossier_id):
    return event.select(event.at, event.action, event.to_status).where(
        event.dossier == dossier_id).order_by(event.id)


def render(row: dict | None, events: list[dict]) -> str:
    from app.dossiers.logic import Status

    if row is None:
        return "<!doctype html><title>Không tìm thấy</title><p>Không tìm thấy hồ sơ.</p>"

    def when(value: datetime | None) -> str:
        return (value + timedelta(hours=7)).strftime("%H:%M %d/%m/%Y") if value else "—"

    items = "".join(f"<li>{when(e['at'])} {html.escape(e['action'])}: "
                    f"{Status(e['to_status']).label}</li>" for e in events)
    return (f"<!doctype html><title>Hồ sơ {html.escape(row['code'])}</title>"
            f"<h1>{html.escape(row['code'])}</h1><dl><dt>Thủ tục<dd>"
            f"{html.escape(row['procedure_name'])}<dt>Cơ quan<dd>{html.escape(row['agency_name'])}"
            f"<dt>Người nộp<dd>{html.escape(row['applicant_name'])}<dt>Trạng thái<dd>"
            f"{Status(row['status']).label}<dt>Tiếp nhận<dd>{when(row['received_at'])}"
            f"<dt>Hẹn trả<dd>{when(row['due_at'])}<dt>Hoàn thành<dd>{when(row['finished_at'])}"
            f"<dt>Đã trả<dd>{when(row['returned_at'])}</dl><ol>{items}</ol>")


def create_app():
    from litestar import Litestar, MediaType, get
    from piccolo.engine.sqlite import SQLiteEngine

    from app.db import PRAGMAS, MotCuaEngine
    from app.prepared import prepared

    path = os.environ["BENCH_DB"]
    handlers = []
    for key, engine in (("a", MotCuaEngine(path=path)), ("b", SQLiteEngine(path=path))):
        def make(dossier, event):
            async def page(code: str) -> str:
                row = await dossier_query(dossier, code)
                events = [] if row is None else await events_query(event, row["id"])
                return render(row, events)
            return page
        handlers.append(get(f"/{key}/{{code:str}}", media_type=MediaType.HTML,
                            name=key)(make(*_tables(engine))))
    raw_dossier, raw_events = _tables(MotCuaEngine(path=path))

    @get("/d/{code:str}", media_type=MediaType.HTML)
    async def piccolo_raw_page(code: str) -> str:
        found = await raw_dossier.raw(RAW_DOSSIER.replace("?", "{}"), code)
        events = found and await raw_events.raw(RAW_EVENTS.replace("?", "{}"), found[0]["id"])
        return render(found[0] if found else None, events or [])

    built_dossier, built_events = _tables(MotCuaEngine(path=path))
    dossier_by_code = prepared(lambda code: dossier_query(built_dossier, code))
    events_of = prepared(lambda dossier_id: events_query(built_events, dossier_id))

    @get("/e/{code:str}", media_type=MediaType.HTML)
    async def prepared_page(code: str) -> str:
        row = await dossier_by_code(code=code)
        events = [] if row is None else await events_of(dossier_id=row["id"])
        return render(row, events)

    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        conn.execute(pragma)

    def stamp(value: str | None) -> datetime | None:  # as Piccolo's Timestamptz converter
        return datetime.fromisoformat(value) if value else None

    @get("/c/{code:str}", media_type=MediaType.HTML)
    async def raw_page(code: str) -> str:
        found = conn.execute(RAW_DOSSIER, (code,)).fetchone()
        if found is None:
            return render(None, [])
        row = dict(found)
        for key in ("received_at", "due_at", "finished_at", "returned_at"):
            row[key] = stamp(row[key])
        events = [{"at": stamp(at), "action": action, "to_status": to_status}
                  for at, action, to_status in conn.execute(RAW_EVENTS, (row["id"],))]
        return render(row, events)

    @get("/info", media_type=MediaType.TEXT)
    async def info() -> str:
        loop = type(asyncio.get_running_loop())
        http = "httptools" if "httptools" in sys.modules else "h11"
        return f"loop {loop.__module__}.{loop.__name__}, http {http}"

    return Litestar([*handlers, raw_page, piccolo_raw_page, prepared_page, info])
