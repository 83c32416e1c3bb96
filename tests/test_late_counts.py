"""Late dossiers with and without an apology, per agency and per officer; the dashboard
shows a count and only the few most late."""

import html
import re
from datetime import datetime, timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierApology, DossierEvent
from app.formatting import LOCAL_TZ
from app.workflow.late import count_overdue_without_apology, late_report
from tests import factories
from tests.conftest import login, run

WED = datetime(2026, 3, 11, 9, 0, tzinfo=LOCAL_TZ)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


async def make(procedure, due_at, status=Status.PROCESSING, *, assignee=None, apology=None,
               finished_at=None) -> int:
    row = await factories.dossier(procedure, status=status)
    await Dossier.update({Dossier.due_at: due_at, Dossier.assignee: assignee,
                          Dossier.finished_at: finished_at}).where(Dossier.id == row.id)
    if apology:
        await DossierApology(dossier=row.id, previous_due_at=apology[0], new_due_at=apology[1],
                             reason="Hồ sơ phức tạp", created_at=apology[0]).save()
    return row.id


async def province():
    a, b = await factories.agency("Sở Tư pháp"), await factories.agency("UBND xã Ba Tơ")
    p, q = await factories.procedure(a), await factories.procedure(b)
    users = {}
    for name, role in (("mai", Role.HANDLER), ("lan", Role.HANDLER), ("ld", Role.LEADER)):
        users[name] = await accounts.create_user(
            username=name, password="abc12345", full_name=f"Cán bộ {name}", role=role,
            agency_ids=[a.id])
    mai, lan = users["mai"].id, users["lan"].id
    await make(p, WED - HOUR, assignee=mai)  # late, no apology
    await make(p, WED + DAY, assignee=mai, apology=(WED - DAY, WED + DAY))  # apologised
    finished_late = await make(p, WED - DAY, Status.RETURNED, finished_at=WED - DAY + HOUR)
    await DossierEvent(dossier=finished_late, at=WED, actor=lan, action="processing_finished",
                       from_status=Status.PROCESSING.value,
                       to_status=Status.PROCESSED.value).save()
    await make(p, WED - DAY, Status.RETURNED, finished_at=WED - 2 * DAY)  # on time
    # Apologised once, then missed the new appointment too: late without apology again.
    await make(p, WED - 2 * HOUR, assignee=lan, apology=(WED - 5 * DAY, WED - 2 * HOUR))
    await make(q, WED - HOUR)  # other agency, nobody assigned
    await make(p, WED - DAY, Status.SUPPLEMENT_REQUESTED)  # clock paused: not late
    await make(p, WED - DAY, Status.PROCESSED, finished_at=WED - 2 * DAY,
               apology=(WED - 3 * DAY, WED - DAY))  # finished within the new appointment
    return a, b, users


@pytest.mark.anyio
async def test_counts_per_agency_and_officer(db):
    a, b, users = await province()
    everyone = Dossier.status != Status.DRAFT.value
    report = await late_report(everyone, now=WED)
    by_agency = {r.name: (r.with_apology, r.without_apology) for r in report.by_agency}
    assert by_agency == {"Sở Tư pháp": (2, 3), "UBND xã Ba Tơ": (0, 1)}
    by_officer = {r.name: (r.with_apology, r.without_apology) for r in report.by_officer}
    assert by_officer == {"Cán bộ mai": (1, 1), "Cán bộ lan": (0, 2),
                          "Chưa giao người xử lý": (1, 1)}
    assert (report.with_apology, report.without_apology) == (2, 4)
    assert report.by_agency[0].name == "Sở Tư pháp"  # most without apology first

    later = WED.replace(year=2030)
    assert (await late_report(everyone, received_from=later, now=WED)).by_agency == []
    assert await count_overdue_without_apology(everyone, now=WED) == 3
    assert await count_overdue_without_apology(Dossier.agency == b.id, now=WED) == 1


def test_late_page_is_scoped_and_checks_dates(client):
    # The page uses the real clock: the dossiers above were due in March 2026.
    run(province())
    login(client, "ld", "abc12345")
    page = client.get("/can-bo/tre-han", params={"tu_ngay": "01/01/2020"})
    assert page.status_code == 200
    assert "Sở Tư pháp" in page.text and "UBND xã Ba Tơ" not in page.text  # scope
    assert "Cán bộ lan" in page.text
    bad = client.get("/can-bo/tre-han", params={"tu_ngay": "31/02/2026"})
    assert bad.status_code == 400 and "dd/mm/yyyy" in bad.text
    backwards = client.get("/can-bo/tre-han",
                           params={"tu_ngay": "02/01/2026", "den_ngay": "01/01/2026"})
    assert backwards.status_code == 400


def test_dashboard_counts_all_but_lists_five(client):
    async def make_world():
        agency = await factories.agency("Sở Tư pháp")
        procedure = await factories.procedure(agency)
        await accounts.create_user(username="ld", password="abc12345", full_name="Lãnh đạo",
                                   role=Role.LEADER, agency_ids=[agency.id])
        for i in range(7):
            await make(procedure, WED - i * HOUR)

    run(make_world())
    login(client, "ld", "abc12345")
    page = client.get("/can-bo")
    assert "<strong>7</strong> hồ sơ quá hạn" in page.text
    late_section = page.text.split("Hồ sơ theo trạng thái")[0]
    assert late_section.count("/can-bo/ho-so/") == 5


@pytest.mark.anyio
async def test_each_count_lists_its_dossiers(db):
    """Issue #16: the late page had counts but no list behind them."""
    from app.workflow.late_list import NOBODY, WITH, WITHOUT, late_dossiers

    a, b, users = await province()
    everyone = Dossier.status != Status.DRAFT.value
    report = await late_report(everyone, now=WED)
    for row in report.by_agency:
        for kind, n in ((WITH, row.with_apology), (WITHOUT, row.without_apology)):
            assert (await late_dossiers(everyone, kind, agency=row.key, now=WED)).total == n
    for row in report.by_officer:
        listed = await late_dossiers(everyone, WITHOUT, officer=row.key or NOBODY, now=WED)
        assert listed.total == row.without_apology
        assert {d["officer_name"] for d in listed.rows} <= {row.name}
    both = await late_dossiers(everyone, "tat-ca", agency=a.id, now=WED)
    assert both.total == 5 and [d["due_at"] for d in both.rows] == sorted(
        d["due_at"] for d in both.rows)  # most overdue first


def test_late_page_counts_link_to_their_dossiers(client):
    a, b, _ = run(province())
    login(client, "ld", "abc12345")
    page = client.get("/can-bo/tre-han", params={"tu_ngay": "01/01/2020"})
    link = re.search(r'href="([^"]*ds=khong&amp;co_quan=' + str(a.id) + r')#danh-sach"', page.text)
    assert link, "the count without apology of the agency is a link"
    listed = client.get(html.unescape(link.group(1)))
    assert listed.status_code == 200 and "Hồ sơ trễ hạn chưa có phiếu xin lỗi" in listed.text
    codes = re.findall(r'<a href="/can-bo/ho-so/\d+">([^<]+)</a>', listed.text)
    assert len(codes) >= 1
    other = Dossier.select(Dossier.code).where(Dossier.agency == b.id).first().run_sync()["code"]
    assert other not in listed.text
    # A forged agency id outside the scope lists nothing.
    forged = client.get("/can-bo/tre-han", params={"tu_ngay": "01/01/2020", "ds": "khong",
                                                   "co_quan": str(b.id)})
    assert re.findall(r'<a href="/can-bo/ho-so/\d+">', forged.text.split("danh-sach")[-1]) == []
