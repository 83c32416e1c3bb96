"""A second, independent computation of every indicator: plain SQL over the raw rows (run
through Piccolo's engine), written from 766-index.md without the index's code. The test
compares it with the service on random provinces (tests/test_service_index_oracle.py).

Moments are compared as Piccolo's UTC text, which sorts in time order. Working-day
deadlines cannot be counted in SQL, so the feedback deadlines of 5.2 that depend on the
calendar (ask-more, publish) are given to the SQL as values.
"""

from __future__ import annotations

from app.dossiers.tables import Dossier
from app.reports.sqlite_counts import sql_time
from tests.service_index_oracle_sql import days, moment

OPEN = "(2, 4, 5, 6, 7)"
CLOSING = "('reception_refused', 'refused', 'withdrawn', 'stopped')"


async def rows(sql: str) -> list[dict]:
    return await Dossier.raw(sql)


def progress_sql(s: str, e: str, limit: int) -> str:
    """One row per dossier judged by 2.1: agency, late (0/1), complained (0/1)."""
    return f"""
    WITH closing AS (SELECT dossier, MAX(at) AS at FROM dossier_event
                     WHERE action IN {CLOSING} AND at >= '{s}' GROUP BY dossier),
    sorry AS (SELECT dossier, MIN(created_at) AS at FROM dossier_apology GROUP BY dossier),
    waiting AS (SELECT dossier, MIN(started_at) AS since FROM dossier_pause
                WHERE reason = 'supplement' AND started_at < '{e}'
                  AND (ended_at IS NULL OR ended_at >= '{e}') GROUP BY dossier),
    d AS (
      SELECT d.id, d.agency, d.due_at AS due, d.supplement_requests AS n, waiting.since,
             sorry.at AS apology,
             COALESCE(d.finished_at, d.returned_at,
                      CASE WHEN d.finished_at IS NULL THEN closing.at END) AS ended
      FROM dossier d JOIN procedure p ON p.id = d.procedure
      LEFT JOIN closing ON closing.dossier = d.id
      LEFT JOIN sorry ON sorry.dossier = d.id LEFT JOIN waiting ON waiting.dossier = d.id
      WHERE NOT p.internal AND d.received_at IS NOT NULL AND d.received_at < '{e}'
        AND (d.finished_at IS NOT NULL OR d.status IN {OPEN} OR closing.at IS NOT NULL)
    ),
    judged AS (
      SELECT *, CASE WHEN ended IS NOT NULL AND ended < '{e}' THEN ended
                     WHEN since IS NOT NULL AND n BETWEEN 1 AND {limit} THEN since
                     ELSE '{e}' END AS end_moment
      FROM d WHERE ended IS NULL OR ended >= '{s}'
    )
    SELECT id, agency,
      NOT (n <= {limit} AND (apology IS NULL OR apology >= '{e}')
           AND (due IS NULL OR end_moment <= due)) AS late,
      EXISTS (SELECT 1 FROM feedback f WHERE f.dossier = judged.id
              AND f.received_at >= '{s}' AND f.received_at < '{e}')
      OR EXISTS (SELECT 1 FROM rating r WHERE r.dossier = judged.id AND NOT r.satisfied
                 AND r.created_at >= '{s}' AND r.created_at < '{e}') AS complained
    FROM judged"""


def dossier_sql(s: str, e: str, document: str = "1") -> str:
    """Dossiers received or processed in the period with each fact (0/1); `document`: SQL
    saying the procedure `p`'s result is a document."""
    result = "EXISTS (SELECT 1 FROM dossier_result r WHERE r.dossier = d.id " \
             "AND (r.file IS NOT NULL OR r.sha256 <> ''))"
    return f"""
    SELECT d.id, d.agency,
      d.received_at >= '{s}' AND d.received_at < '{e}' AND d.status <> 0 AS received,
      d.finished_at >= '{s}' AND d.finished_at < '{e}' AS finished,
      d.channel = 2 AS online, {result} AS e_result,
      EXISTS (SELECT 1 FROM dossier_component c WHERE c.dossier = d.id
              AND (c.file IS NOT NULL OR c.digitised)) AS with_files,
      EXISTS (SELECT 1 FROM dossier_component c WHERE c.dossier = d.id AND c.reused)
        AS reused,
      EXISTS (SELECT 1 FROM warehouse_document w WHERE w.dossier = d.id
              AND w.source = 'result') AS in_warehouse,
      EXISTS (SELECT 1 FROM payment x WHERE x.dossier = d.id AND x.status = 'paid') AS paid,
      p.fee_amount > 0 AND p.active AS fee,
      EXISTS (SELECT 1 FROM app_user u WHERE u.id = d.applicant
              AND u.id_verified_at < '{e}') AS verified, d.procedure,
      EXISTS (SELECT 1 FROM national_sync n WHERE n.dossier = d.id
              AND n.reception_synced_at IS NOT NULL) AS synced, {document} AS document
    FROM dossier d JOIN procedure p ON p.id = d.procedure
    WHERE NOT p.internal AND d.received_at IS NOT NULL AND d.received_at < '{e}'
      AND ((d.received_at >= '{s}' AND d.status <> 0)
           OR (d.finished_at >= '{s}' AND d.finished_at < '{e}'))"""


def procedure_sql(s: str, e: str) -> str:
    # The part of a supplement pause inside [received, finished].
    smaller = "CASE WHEN x.ended_at < d.finished_at THEN x.ended_at ELSE d.finished_at END"
    larger = "CASE WHEN x.started_at > d.received_at THEN x.started_at ELSE d.received_at END"
    return f"""
    SELECT p.id, p.agency, p.online_level IN ('full', 'partial') AS offered,
      p.fee_amount > 0 AS fee,
      EXISTS (SELECT 1 FROM dossier d WHERE d.procedure = p.id AND d.channel = 2
              AND d.received_at >= '{s}' AND d.received_at < '{e}' AND d.status <> 0) AS used,
      EXISTS (SELECT 1 FROM payment x JOIN dossier d ON d.id = x.dossier
              WHERE d.procedure = p.id AND x.status = 'paid'
                AND x.completed_at >= '{s}' AND x.completed_at < '{e}') AS paid,
      EXISTS (SELECT 1 FROM dossier d JOIN app_user u ON u.id = d.applicant
              WHERE d.procedure = p.id AND d.received_at >= '{s}' AND d.received_at < '{e}'
                AND d.status <> 0 AND u.id_verified_at < '{e}') AS population,
      (SELECT COUNT(*) FROM dossier d WHERE d.procedure = p.id AND d.finished_at IS NOT NULL
         AND d.received_at >= '{s}' AND d.received_at < '{e}' AND d.status <> 0) AS finished,
      (SELECT AVG({days("d.finished_at", "d.received_at")} - COALESCE(
         (SELECT SUM({days(smaller, larger)})
          FROM dossier_pause x WHERE x.dossier = d.id AND x.reason = 'supplement'
            AND x.ended_at IS NOT NULL AND x.ended_at > d.received_at
            AND x.started_at < d.finished_at), 0))
       FROM dossier d WHERE d.procedure = p.id AND d.finished_at IS NOT NULL
         AND d.received_at >= '{s}' AND d.received_at < '{e}' AND d.status <> 0)
        / (CASE p.time_limit_unit WHEN 'months' THEN 30 ELSE 1 END) AS average_time,
      CAST(p.time_limit_amount AS DOUBLE PRECISION) AS time_limit
    FROM procedure p WHERE p.active AND NOT p.internal"""


def feedback_sql(s: str, e: str, dues: dict[int, tuple[str | None, str | None]]) -> str:
    """One row per feedback received in the period; `dues`: id → (ask-more due, publish due)
    as UTC text, from the calendar."""
    values = ", ".join(f"({i}, {_text(a)}, {_text(p)})" for i, (a, p) in dues.items())
    nothing = f"(NULL, {moment(None)}, {moment(None)})"
    return f"""
    WITH dues(id, ask_due, publish_due) AS (VALUES {values or nothing}),
    ev AS (SELECT feedback, move, MIN(at) AS at FROM feedback_event GROUP BY feedback, move),
    f AS (
      SELECT f.*, COALESCE(f.agency, f.about_agency) AS owner, dues.ask_due, dues.publish_due,
        (SELECT at FROM ev WHERE ev.feedback = f.id AND ev.move = 'refuse') AS refused,
        (SELECT at FROM ev WHERE ev.feedback = f.id AND ev.move = 'ask_more') AS asked
      FROM feedback f LEFT JOIN dues ON dues.id = f.id
      WHERE f.received_at >= '{s}' AND f.received_at < '{e}')
    SELECT id, owner AS agency, category <> '' AS classified,
      CASE
        WHEN refused < '{e}' THEN refused <= refuse_due_at
        WHEN asked < '{e}' AND asked > ask_due THEN FALSE
        WHEN answered_at IS NULL OR answered_at >= '{e}' THEN '{e}' <= answer_due_at
        WHEN answered_at > answer_due_at THEN FALSE
        WHEN publish_due IS NULL THEN TRUE
        WHEN published_at < '{e}' THEN published_at <= publish_due
        ELSE '{e}' <= publish_due END AS on_time,
      EXISTS (SELECT 1 FROM feedback o WHERE o.dossier = f.dossier AND o.id <> f.id
              AND o.received_at < f.received_at) AS repeat,
      EXISTS (SELECT 1 FROM feedback o WHERE o.dossier = f.dossier AND o.id <> f.id
              AND o.received_at > f.received_at AND o.received_at < '{e}') AS raised_again,
      rating = 0 AND rated_at < '{e}' AS unsatisfied,
      answered_at < '{e}' AND answered_at > answer_due_at AS answered_late
    FROM f"""


def _text(at) -> str:
    return moment(None if at is None else sql_time(at))
