"""Where `app.dossiers.bulk` writes on SQLite: sqlite-utils on a connection of its own, so
`synchronous=OFF` never reaches the app; each chunk is one IMMEDIATE transaction."""

from __future__ import annotations

import sqlite_utils

from app.db import sqlite_path


class Writer:
    def __init__(self, url: str):
        self.db = sqlite_utils.Database(sqlite_path(url))
        self.db.conn.executescript("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; "
                                   "PRAGMA temp_store = MEMORY; PRAGMA busy_timeout = 10000;")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """`?` placeholders, as bulk.py writes them."""
        return list(self.db.execute(sql, params))

    def begin(self) -> None:
        """Take the write lock now: the chunk's state is read again under it."""
        self.db.execute("BEGIN IMMEDIATE")

    def insert(self, table: str, rows: list) -> None:
        """Rows headed by their column names. sqlite-utils caps each INSERT at 999
        variables (66 dossiers), whatever batch_size."""
        self.db[table].insert_all(rows, batch_size=10_000)

    def commit(self) -> None:
        self.db.commit()

    def finish(self) -> None:
        self.db.conn.executescript("PRAGMA analysis_limit = 1000; PRAGMA optimize;")

    def close(self) -> None:
        self.db.close()  # closing inside a failed chunk's transaction rolls it back
