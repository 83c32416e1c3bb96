"""Monthly TTHC report: the period rule (pure), SQL counts equal to the pure classifier on
random dossiers, stored XLSX/PDF exports that regenerate to the same numbers, the list page,
on-demand and scheduled exports."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.db import dialect_module
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierApology, DossierEvent
from app.formatting import LOCAL_TZ
from app.reports import logic, service
from app.reports.logic import KEYS, DossierFacts, classify, monthly_period
from app.reports.tables import ReportExport
from app.tasks import huey
from tests import factories
from tests.conftest import run

MARCH = monthly_period(2026, 3)


# -- the period (pure) --------------------------------------------------------------------

def test_monthly_period_runs_from_the_15th_to_the_14th():
    assert (MARCH.first_day, MARCH.last_day) == (date(2026, 2, 15), date(2026, 3, 14))
    assert MARCH.label == "Tháng 3/2026 (15/02/2026 – 14/03/2026)"
    assert MARCH.start_at == datetime(2026, 2, 14, 17, tzinfo=UTC)  # 00:00 at UTC+7
    assert MARCH.end_at == datetime(2026, 3, 14, 17, tzinfo=UTC)
    january = monthly_period(2026, 1)
    assert (january.first_day, january.last_day) == (date(2025, 12, 15), date(2026, 1, 14))


def test_period_of_a_day_and_the_last_closed_one():
    assert logic.period_containing(date(2026, 3, 14)) == MARCH
    assert logic.period_containing(date(2026, 3, 15)) == monthly_period(2026, 4)
    assert logic.period_containing(date(2026, 12, 20)) == monthly_period(2027, 1)
    assert logic.last_closed_period(date(2026, 3, 15)) == MARCH  # the cut-off day
    assert logic.last_closed_period(date(2026, 3, 14)) == monthly_period(2026, 2)
    assert logic.last_closed_period(date(2026, 3, 1), cutoff_day=1) == monthly_period(
        2026, 3, cutoff_day=1)


def test_cutoff_and_month_are_checked():
    for bad in (0, 29, 31):
        with pytest.raises(logic.PeriodError, match="Ngày chốt"):
            monthly_period(2026, 3, cutoff_day=bad)
    with pytest.raises(logic.PeriodError, match="không hợp lệ"):
        monthly_period(2026, 13)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
       st.integers(min_value=1, max_value=28))
def test_periods_tile_the_calendar(day, cutoff):
    period = logic.period_containing(day, cutoff)
    assert period.first_day <= day <= period.last_day
    following = logic.period_containing(period.last_day + timedelta(days=1), cutoff)
    assert following.first_day == period.last_day + timedelta(days=1)
    assert period.first_day.day == cutoff
    assert logic.last_closed_period(day, cutoff).last_day < day


def test_classify_one_dossier_of_each_kind():
    s, e = MARCH.start_at, MARCH.end_at
    day = timedelta(days=1)
    assert classify(DossierFacts(s - day, s + day, s + 2 * day, 1), MARCH) == {
        "carried_over", "processed_late"}
    assert classify(DossierFacts(s + day, s + 5 * day, s + 2 * day, 2), MARCH) == {
        "new_online", "processed_early"}
    assert classify(DossierFacts(s + day, s + 2 * day + timedelta(hours=2), s + 2 * day, 3),
                    MARCH) == {"new_direct", "processed_on_time"}
    assert classify(DossierFacts(s + day, e - day, None, 1, apologised=True), MARCH) == {
        "new_direct", "in_progress_overdue", "late_with_apology"}
    assert classify(DossierFacts(s + day, e + day, None, 2, closed_at=s + 3 * day,
                                 closing_action="withdrawn"), MARCH) == {"new_online",
                                                                         "withdrawn"}
    assert classify(DossierFacts(s - 9 * day, s - day, s - 2 * day, 2), MARCH) == set()


def local(day: str, hhmm: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), LOCAL_TZ)


def test_early_compares_local_dates_not_utc_dates():
    # Finished at 06:00 local on the appointment's day: on UTC dates that was the day
    # before (23:00Z), which used to count it as early.
    received, due = local("2026-03-02", "09:00"), local("2026-03-05", "10:00")
    facts = DossierFacts(received, due, local("2026-03-05", "06:00"), 1)
    assert "processed_on_time" in classify(facts, MARCH)
    facts = DossierFacts(received, due, local("2026-03-04", "23:30"), 1)
    assert "processed_early" in classify(facts, MARCH)


def test_an_appointment_at_24_00_belongs_to_its_own_day():
    received, due = local("2026-03-02", "09:00"), local("2026-03-06", "00:00")  # 24:00 on 5/3
    assert "processed_on_time" in classify(DossierFacts(received, due, local(
        "2026-03-05", "18:00"), 1), MARCH)  # issued at 18:00 on the last day: on time
    assert "processed_early" in classify(DossierFacts(received, due, local(
        "2026-03-04", "18:00"), 1), MARCH)
    assert "processed_late" in classify(DossierFacts(received, due, local(
        "2026-03-06", "00:01"), 1), MARCH)


# -- SQL against the classifier ----------------------------------------------------------

CLOSING = list(logic.CLOSING_ACTIONS)


def random_dossiers(agencies, procedures, n: int, seed: int) -> list[tuple[dict, dict]]:
    """(dossier columns, extra facts) around MARCH, with exact boundary times on purpose."""
    rng = random.Random(seed)
    s, e = MARCH.start_at, MARCH.end_at
    edges = [s, e, s - timedelta(microseconds=1), e - timedelta(seconds=1)]

    def moment(base):
        later = [edge for edge in edges if edge >= base]  # nothing ends before it begins
        if later and rng.random() < 0.08:
            return rng.choice(later)
        return base + timedelta(seconds=rng.randint(0, 40 * 86400),
                                microseconds=rng.choice([0, 0, 123456]))

    out = []
    for i in range(n):
        procedure = rng.choice(procedures)
        r = None if rng.random() < 0.04 else moment(s - timedelta(days=40))
        base = r or s - timedelta(days=10)
        due = None if rng.random() < 0.05 else base + timedelta(days=rng.randint(1, 20),
                                                                hours=rng.randint(0, 9))
        if due is not None and rng.random() < 0.2:  # a calendar-day limit: 24:00 of a day
            due = end_of_local_day(due)
        outcome = rng.choice(["open", "processed", "processed", "closed"])
        f = c = action = None
        status = rng.choice([Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED])
        if outcome == "processed":
            f, status = moment(base), rng.choice([Status.PROCESSED, Status.RETURNED])
        elif outcome == "closed":
            c, action = moment(base), rng.choice(CLOSING)
            status = Status.NOT_RECEIVED if action == "reception_refused" else Status.STOPPED
        out.append(({
            "procedure": procedure.id, "agency": procedure.agency, "channel": rng.randint(1, 3),
            "status": int(status), "received_at": r, "due_at": due, "finished_at": f,
            "code": f"R-{seed}-{i}", "applicant_name": "Trần Thị Bình", "created_at": base,
        }, {"closed_at": c, "closing_action": action, "apologised": rng.random() < 0.2}))
    return out


def end_of_local_day(moment: datetime) -> datetime:
    local = moment.astimezone(LOCAL_TZ)
    return datetime.combine(local.date() + timedelta(days=1), time(0), LOCAL_TZ)


async def insert(rows) -> None:
    made = await Dossier.insert(*(Dossier(**columns) for columns, _ in rows)).returning(
        Dossier.id)
    events, apologies = [], []
    for (columns, extra), row in zip(rows, made, strict=True):
        columns["id"] = row["id"]
        if extra["closed_at"]:
            events.append(DossierEvent(dossier=row["id"], at=extra["closed_at"],
                                       action=extra["closing_action"], to_status=columns[
                                           "status"]))
        # Every dossier has ordinary history too, which the report must not mistake.
        events.append(DossierEvent(dossier=row["id"], at=columns["created_at"],
                                   action="received", to_status=2))
        if extra["apologised"]:
            apologies.append(DossierApology(
                dossier=row["id"], previous_due_at=columns["created_at"],
                new_due_at=columns["created_at"], reason="Chậm do xác minh",
                created_at=columns["created_at"]))
    await DossierEvent.insert(*events)
    if apologies:
        await DossierApology.insert(*apologies)


def expected(rows) -> dict[tuple[int, int], dict[str, int]]:
    out: dict[tuple[int, int], dict[str, int]] = {}
    for columns, extra in rows:
        facts = DossierFacts(columns["received_at"], columns["due_at"], columns["finished_at"],
                             columns["channel"], **extra)
        marks = classify(facts, MARCH)
        if not marks:
            continue
        key = (columns["agency"], columns["procedure"])
        counts = out.setdefault(key, dict.fromkeys(KEYS, 0))
        for mark in marks:
            counts[mark] += 1
    return out


@pytest.fixture
def catalogue(db):
    async def make():
        a, b = await factories.agency("Sở Tư pháp"), await factories.agency("UBND xã Ba Tơ")
        return [a, b], [await factories.procedure(a), await factories.procedure(a, "Chứng thực"),
                        await factories.procedure(b, "=HYPERLINK(\"http://x\")")]

    return run(make())


@pytest.mark.engine
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_counts_equal_the_classifier(catalogue, seed):
    """The engine's own SQL (app/reports/<dialect>_counts.py) against the Python rules."""
    rows = random_dossiers(*catalogue, n=300, seed=seed)
    run(insert(rows))
    counts = dialect_module("app.reports", "counts")
    got = {(r["agency"], r["procedure"]): {k: r[k] for k in KEYS}
           for r in run(counts.count_by_procedure(MARCH))}
    got = {key: counts for key, counts in got.items() if any(counts.values())}
    assert got == expected(rows)
    assert sum(c["processed_late"] for c in got.values()) > 0  # the data exercised it


# -- files, idempotency, pages, tasks ---------------------------------------------------

@pytest.mark.engine
def test_export_is_stored_and_regenerates_to_the_same_numbers(catalogue):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from app.files import store

    rows = random_dossiers(*catalogue, n=120, seed=9)
    run(insert(rows))
    first = run(service.export_period(MARCH, trigger="on_demand"))
    again = run(service.export_period(MARCH, trigger="on_demand"))
    assert first == again and ReportExport.count().run_sync() == 1  # same numbers: nothing added
    rebuilt = run(service.build_report(MARCH))
    row = ReportExport.select().first().run_sync()
    assert row["numbers_digest"] == service.numbers_digest(rebuilt)

    sha_xlsx, _ = run(service.file_for(first, "xlsx"))
    book = load_workbook(io.BytesIO(store.read(sha_xlsx)))
    sheet = book["Theo thủ tục"]
    assert sheet["A2"].value == MARCH.label
    names = [sheet.cell(r, 4).value for r in range(5, sheet.max_row)]
    assert "'=HYPERLINK(\"http://x\")" in names  # a formula-looking name stays text
    # The totals row (the signature block follows it).
    total = next([c.value for c in row] for row in sheet.iter_rows() if row[1].value == "Tổng cộng")
    expected_total = {k: sum(c[k] for c in expected(rows).values()) for k in KEYS}
    assert total[4] == logic.received_total(expected_total)
    assert total[6:] == [expected_total[k] for k in KEYS]

    sha_pdf, _ = run(service.file_for(first, "pdf"))
    text = PdfReader(io.BytesIO(store.read(sha_pdf))).pages[0].extract_text()
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT" in text and "15/02/2026" in text

    # New data in the period: the next export differs and is kept beside the first.
    run(insert(random_dossiers(*catalogue, n=30, seed=10)))
    assert run(service.export_period(MARCH, trigger="schedule")) != first


@pytest.fixture
def immediate(db):
    before = huey.immediate
    huey.immediate = True
    yield huey
    huey.immediate = before


@pytest.mark.clock
def test_cutoff_task_exports_the_last_closed_period_of_each_kind_once(catalogue, immediate):
    from app.formatting import now_utc, to_local
    from app.jobs.tables import JobRun
    from app.tasks.reports import monthly_report_at_cutoff

    monthly_report_at_cutoff()
    monthly_report_at_cutoff()
    rows = ReportExport.select().order_by(ReportExport.id).run_sync()
    today = to_local(now_utc()).date()
    expected_periods = [logic.last_closed_period(today, 15, kind) for kind in logic.Kind]
    assert [(r["kind"], r["first_day"], r["last_day"], r["trigger"]) for r in rows] == [
        (p.kind.value, p.first_day, p.last_day, "schedule") for p in expected_periods]
    assert [r["status"] for r in JobRun.select().run_sync()] == ["succeeded", "succeeded"]


def test_a_quarterly_report_on_demand(catalogue, immediate):
    from app.tasks.reports import export_monthly_report

    run(insert(random_dossiers(*catalogue, n=60, seed=5)))
    export_monthly_report(2026, 3, None, "quarter")
    row = ReportExport.select().first().run_sync()
    quarter = logic.make_period("quarter", 2026, 3, 15)
    assert (row["kind"], row["first_day"], row["last_day"]) == (
        "quarter", date(2025, 12, 15), date(2026, 3, 14))
    [listed] = run(service.list_exports())
    assert listed["period"] == quarter and listed["period"].name == "Quý I/2026"
    got = run(service.build_report(quarter)).totals
    # The quarter holds at least what its last month received.
    march = run(service.build_report(MARCH)).totals
    assert logic.received_total(got) >= logic.received_total(march)


def test_page_exports_on_demand_and_offers_downloads(client, catalogue, immediate):
    from app.accounts import service as accounts
    from app.accounts.roles import Role
    from tests.conftest import csrf_from

    async def admin():
        user = await accounts.create_user(username="tinh", password="abc12345",
                                          full_name="Quản trị tỉnh",
                                          role=Role.PROVINCIAL_ADMIN, agency_ids=[])
        return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "t"))

    run(insert(random_dossiers(*catalogue, n=50, seed=4)))
    client.cookies.set("motcua_session", run(admin()))
    page = client.get("/bao-cao")
    assert page.status_code == 200 and "Chưa có báo cáo" in page.text
    bad = client.post("/bao-cao", data={"_csrf_token": csrf_from(page.text), "ky": "2026-13"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.text
    done = client.post("/bao-cao", data={"_csrf_token": csrf_from(page.text), "ky": "2026-03"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/bao-cao?dang_tao=2026-03"
    listing = client.get(done.headers["location"])
    assert MARCH.label in listing.text and "Theo yêu cầu" in listing.text
    assert all(f'<optgroup label="{k.label}">' in listing.text for k in logic.Kind)
    export_id = ReportExport.select(ReportExport.id).first().run_sync()["id"]
    xlsx = client.get(f"/bao-cao/{export_id}/xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "bao-cao-tthc-2026-03.xlsx" in xlsx.headers["content-disposition"]
    assert client.get(f"/bao-cao/{export_id}/pdf").content[:5] == b"%PDF-"
    assert client.get(f"/bao-cao/{export_id}/doc").status_code == 404
