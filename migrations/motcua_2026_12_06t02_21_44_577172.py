"""PostgreSQL only: the staff dossier search's full-text index, counterpart of `dossier_fts`.

SQLite keeps a contentless FTS5 table filled by triggers (…19_58_02); PostgreSQL needs no
table: an IMMUTABLE SQL function `dossier_search_document(...)` builds the same document
from the row (scope tokens "ag<id>"/"rc<id>", the applicant's name folded to ASCII, the code
without punctuation and its day-and-number tail, the CCCD / tax code and a tax code's head,
the phone as 0xxxxxxxxx) as a `tsvector` in the `simple` configuration, and a GIN index on
that expression keeps it current with every write, by any writer.
`app/workqueue/postgres_text_index.py` queries the very same expression, so the planner
uses the index. Folding is `translate()` over every Latin letter with a diacritic (computed
here from Unicode, plus "đ"/"Đ", which do not decompose) then `lower()`: the same as
`app.text.fold` and FTS5's `remove_diacritics 2` for Vietnamese text.
Parameters are bigint, so the function keeps working if id columns are widened.
"""

import unicodedata

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-06T02:21:44:577172"
VERSION = "1.38.0"
DESCRIPTION = "PostgreSQL full-text index of dossiers for staff search"


def _fold_map() -> tuple[str, str]:
    accented, plain = ["Đ", "đ"], ["D", "d"]
    for code_point in [*range(0xC0, 0x250), *range(0x1EA0, 0x1EFA)]:
        char = chr(code_point)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            accented.append(char)
            plain.append(base)
    return "".join(accented), "".join(plain)


ACCENTED, PLAIN = _fold_map()
PHONE = ("replace(replace(replace(replace(replace(coalesce(phone, ''), "
         "' ', ''), '.', ''), '-', ''), '(', ''), ')', '')")
DOCUMENT = (
    "'ag' || agency || ' rc' || coalesce(receiving_agency, agency) || ' ' || "
    f"lower(translate(coalesce(name, ''), '{ACCENTED}', '{PLAIN}')) || ' ' || "
    "lower(replace(replace(code, '.', ''), '-', '')) || ' ' || "
    "replace(substr(code, strpos(code, '-') + 1), '-', '') || ' ' || "
    "replace(replace(replace(coalesce(id_number, ''), '-', ''), '.', ''), ' ', '') || ' ' || "
    "CASE WHEN strpos(coalesce(id_number, ''), '-') > 0 "
    "THEN substr(id_number, 1, strpos(id_number, '-') - 1) ELSE '' END || ' ' || "
    f"CASE WHEN {PHONE} LIKE '+84%' THEN '0' || substr({PHONE}, 4) "
    f"WHEN {PHONE} LIKE '84%' AND length({PHONE}) = 11 THEN '0' || substr({PHONE}, 3) "
    f"ELSE {PHONE} END"
)
CREATE = [
    "CREATE OR REPLACE FUNCTION dossier_search_document(agency bigint, receiving_agency bigint,"
    " name text, code text, id_number text, phone text) RETURNS tsvector"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_tsvector('simple'::regconfig, "
    f"{DOCUMENT}) $$",
    "CREATE INDEX IF NOT EXISTS dossier_search_tsv ON dossier USING gin ("
    "dossier_search_document(agency, receiving_agency, applicant_name, code, "
    "applicant_id_number, applicant_phone))",
]
DROP = [
    "DROP INDEX IF EXISTS dossier_search_tsv",
    "DROP FUNCTION IF EXISTS dossier_search_document(bigint, bigint, text, text, text, text)",
]


def _is_postgres() -> bool:
    return engine_finder().engine_type == "postgres"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create():
        if _is_postgres():
            for statement in CREATE:
                await engine_finder().run_ddl(statement)

    async def drop():
        if _is_postgres():
            for statement in DROP:
                await engine_finder().run_ddl(statement)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
