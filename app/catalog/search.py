"""The one query module for catalogue search: ranked full text with filters.

`search()` is all the rest of the app calls. It ranks with the engine's full-text index:
FTS5 and bm25 on SQLite (`sqlite_search`), a weighted `tsvector` on PostgreSQL
(`postgres_search`). If the index is missing, a portable LIKE query over the folded name
answers instead (every word must appear, ordered by name). Filters are plain Piccolo
conditions applied in both cases.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from types import ModuleType

from app.catalog.logic import LEVEL_LABELS, ONLINE_LEVEL_LABELS
from app.catalog.service import CATALOGUE_FIGURES, CATALOGUE_SECONDS
from app.catalog.tables import Field, Procedure
from app.db import dialect_module
from app.directory.tables import Agency
from app.prepared import padded_ids, prepared
from app.text import fold
from app.web.short_cache import database_key, kept

MAX_WORDS = 8
MAX_RESULTS = 50

# What a result shows (app.catalog.search_view.result_items), nothing more: every column
# read is converted on every keystroke, and the field's name cost a join (issue #21).
_COLUMNS = (
    Procedure.id, Procedure.name, Procedure.online_level, Procedure.time_limit_amount,
    Procedure.time_limit_unit, Procedure.agency.name.as_alias("agency_name"),
)


@dataclass(frozen=True)
class Filters:
    """What a visitor narrowed the catalogue to; None means any."""

    field: int | None = None
    agency: int | None = None
    level: str | None = None
    online_level: str | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.field, self.agency, self.level,
                                            self.online_level))


def filters_from(params) -> Filters:
    """Filters from the query string; a value that is not one of the choices counts as
    "any", so a hand-edited URL shows results rather than an error."""

    def number(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else None

    def choice(name: str, allowed) -> str | None:
        value = params.get(name, "")
        return value if value in allowed else None

    return Filters(field=number("linh_vuc"), agency=number("co_quan"),
                   level=choice("cap", LEVEL_LABELS),
                   online_level=choice("truc_tuyen", ONLINE_LEVEL_LABELS))


_WORD = re.compile(r"[a-z0-9]+")


def query_words(query: str) -> list[str]:
    """Folded words, letters and digits only (so nothing the user types can be read as
    full-text syntax): "Cấp giấy phép: xây-dựng" -> ["cap", "giay", "phep", "xay", "dung"]."""
    # Typed without diacritics (most keystrokes), folding is only lower-casing: the
    # Unicode decomposition cost ~7 us a keystroke for nothing.
    return _WORD.findall(query.lower() if query.isascii() else fold(query))[:MAX_WORDS]


def _conditions(field, agency, level, online_level):
    """Public procedures narrowed by the filters given (None: any)."""
    where = Procedure.active.eq(True) & Procedure.internal.eq(False)
    if field is not None:
        where &= Procedure.field == field
    if agency is not None:
        where &= Procedure.agency == agency
    if level is not None:
        where &= Procedure.level == level
    if online_level is not None:
        where &= Procedure.online_level == online_level
    return where


# Every keystroke in the search box runs these: their SQL is built once per shape (which
# filters are set; the number of ranked ids, padded to a power of two).
@prepared.inlining("limit")
def _browse(field, agency, level, online_level, limit):
    return Procedure.select(*_COLUMNS).where(
        _conditions(field, agency, level, online_level)).order_by(Procedure.name).limit(limit)


@prepared
def _ranked(field, agency, level, online_level, ids):
    return Procedure.select(*_COLUMNS).where(
        _conditions(field, agency, level, online_level) & Procedure.id.is_in(ids))


@prepared
def _public_fields(active, internal):
    return Procedure.select(Procedure.field).where(
        (Procedure.active == active) & (Procedure.internal == internal)).distinct()


@prepared
def _public_agencies(active, internal):
    return Procedure.select(Procedure.agency).where(
        (Procedure.active == active) & (Procedure.internal == internal)).distinct()


@prepared
def _fields_named(ids):
    return Field.select(Field.id, Field.name).where(Field.id.is_in(ids)).order_by(Field.name)


@prepared
def _agencies_named(ids):
    return Agency.select(Agency.id, Agency.name).where(Agency.id.is_in(ids)).order_by(
        Agency.name)


def _text_index() -> ModuleType:
    """This engine's text-index module, looked up once per engine kind: on every keystroke
    app.db.get_engine() and an import lookup cost more than the ranking's Python side."""
    engine_type = Procedure._meta.db.engine_type
    found = _TEXT_INDEXES.get(engine_type)
    if found is None:
        found = _TEXT_INDEXES[engine_type] = dialect_module("app.catalog", "search")
    return found


_TEXT_INDEXES: dict[str, ModuleType] = {}


async def tidy_index() -> None:
    """Keep the engine's text index compact after many catalogue writes (nightly, and
    after a whole catalogue is loaded or imported), so every keystroke reads less."""
    await _text_index().tidy_index()


async def _like_ids(words: list[str]) -> list[int]:
    """The portable fallback: every word inside the folded name, by name."""
    select = Procedure.select(Procedure.id)
    for word in words:
        select = select.where(Procedure.search_text.like(f"%{word}%"))
    return [row["id"] for row in await select.order_by(Procedure.name).limit(500)]


async def search(query: str, filters: Filters = Filters(),
                 limit: int = MAX_RESULTS) -> list[dict]:
    """Procedures matching the words and the filters, best first. With no words, the
    filtered catalogue by name (browsing a field or an agency); with neither, nothing."""
    words = query_words(query)
    chosen = {"field": filters.field, "agency": filters.agency, "level": filters.level,
              "online_level": filters.online_level}  # dataclasses.asdict deep-copies
    if not words:
        if not filters.any:
            return []
        return await _browse(**chosen, limit=limit)
    rows = await _text_index().ranked_rows(words, chosen, limit)
    if rows is not None:
        return rows
    return await rows_in_rank_order(await _like_ids(words), chosen, limit)


async def rows_in_rank_order(ids: list[int], chosen: dict, limit: int) -> list[dict]:
    """The rows of the ranked `ids` the filters keep, in the ids' order."""
    if not ids:
        return []
    rows = await _ranked(**chosen, ids=padded_ids(ids))
    rank = {procedure_id: position for position, procedure_id in enumerate(ids)}
    return sorted(rows, key=lambda row: rank[row["id"]])[:limit]


async def filter_options(*, clock=time.time) -> dict[str, list[dict]]:
    """Choices for the filter lists: only fields and agencies that offer procedures; at
    most CATALOGUE_SECONDS old (every search page shows them)."""
    return await kept(CATALOGUE_FIGURES, database_key("filter_options"), _filter_options,
                      now=clock(), ttl=CATALOGUE_SECONDS)


async def _filter_options() -> dict[str, list[dict]]:
    field_ids = {r["field"] for r in await _public_fields(active=True, internal=False)}
    agency_ids = {r["agency"] for r in await _public_agencies(active=True, internal=False)}
    fields = await _fields_named(ids=padded_ids(sorted(field_ids)))
    agencies = await _agencies_named(ids=padded_ids(sorted(agency_ids)))
    return {"fields": fields, "agencies": agencies}
