"""Query plans: the scheduled work reads through indexes, never a scan of the dossiers
(the benchmarks in bench/ measure the same queries on 300,000 and 1,000,000 dossiers)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.reports.logic import monthly_period
from app.reports.sqlite_counts import explain

# SQLite's own planner (EXPLAIN QUERY PLAN); bench/ reads PostgreSQL's plans.
pytestmark = pytest.mark.sqlite_only


def test_report_query_reads_through_indexes(db):
    plan = " | ".join(explain(monthly_period(2026, 3)))
    assert "dossier_finished_received" in plan and "dossier_event_action_at" in plan
    assert "SCAN dossier " not in plan + " " and "SCAN d " not in plan + " "


def plan_of(db, query) -> list[str]:
    import sqlite3

    sql, args = query.querystrings[0].compile_string(engine_type="sqlite")
    conn = sqlite3.connect(db)
    try:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
    finally:
        conn.close()


def test_deadline_watch_is_an_indexed_range_query(db):
    from app.workflow.watch import candidates

    plan = plan_of(db, candidates(datetime(2026, 3, 11, tzinfo=UTC)))
    assert any("USING INDEX dossier_status_due_at (status=? AND due_at<?)" in p for p in plan)
    assert not any(p.startswith("SCAN") for p in plan)


def test_step_deadline_watch_is_an_indexed_range_query(db):
    from app.workflow.watch import step_candidates

    plan = plan_of(db, step_candidates(datetime(2026, 3, 11, tzinfo=UTC)))
    assert any("INDEX dossier_status_step_due_at (status=? AND step_due_at<?)" in p
               for p in plan)
    assert not any(p.startswith("SCAN") for p in plan)


def test_staff_search_reads_candidates_by_primary_key_and_filters_by_index(db):
    """The queue's page query after the FTS5 candidates (a list of ids) looks each up by
    primary key; a reception-period view enters through the received_at index; the FTS5
    query itself is answered by its virtual table, never a scan of the dossiers."""
    import asyncio

    from app.accounts.roles import Role
    from app.accounts.service import CurrentUser
    from app.dossiers.tables import Dossier
    from app.web.forms import FormErrors
    from app.workqueue import search
    from app.workqueue.logic import fts_query, parse_filter, parse_terms

    now = datetime(2026, 3, 11, tzinfo=UTC)
    user = CurrentUser(1, "x", "X", Role.HANDLER, (3, 5), "")

    def where_for(params):
        return asyncio.run(search.conditions(user, parse_filter(params, FormErrors()), now))

    found = where_for({"q": "x"}) & Dossier.id.is_in(list(range(1, 500)))
    plan = " | ".join(plan_of(db, search.page_query(found, "han")))
    assert "USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert "SCAN dossier " not in plan + " " and "SCAN d " not in plan + " "

    period = where_for({"pham_vi": "don-vi", "trang_thai": "tat-ca", "tu_ngay": "01/03/2026",
                        "den_ngay": "10/03/2026"})
    plan = " | ".join(plan_of(db, search.page_query(period, "moi-nhan")))
    assert "dossier_received_at" in plan and "SCAN dossier " not in plan + " ", plan

    import sqlite3

    conn = sqlite3.connect(db)
    try:
        fts = [row[3] for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 2001", (fts_query(parse_terms("nguyen van an"), [3]),))]
    finally:
        conn.close()
    assert any("VIRTUAL TABLE INDEX" in p for p in fts), fts
