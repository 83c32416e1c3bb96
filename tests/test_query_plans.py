"""Query plans: the scheduled work reads through indexes, never a scan of the dossiers
(the benchmarks in bench/ measure the same queries on 300,000 and 1,000,000 dossiers)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.reports.logic import monthly_period
from app.reports.sqlite_counts import explain


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
