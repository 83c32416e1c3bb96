"""Who issues the monthly TTHC report, and its number: the presentation of the files only
(the figures are `service.build_report`'s).

The Provincial Office (Văn phòng UBND tỉnh, kind `van_phong` under the province's people's
committee) runs the system and issues the report; without one, the province's committee
itself. Reports are numbered per year in the order they are exported ("Số: 03/BC-VP").
"""

from __future__ import annotations

from app.directory.queries import letterhead_of
from app.directory.tables import Agency
from app.reports.export import Report
from app.reports.tables import ReportExport

SIGNER_TITLES = {"van_phong": "CHÁNH VĂN PHÒNG", "ubnd_tinh": "TM. ỦY BAN NHÂN DÂN"}


async def issuing_agency() -> dict | None:
    offices = await Agency.select(Agency.id, Agency.kind).where(
        Agency.active.eq(True) & (Agency.kind == "van_phong")
        & (Agency.parent.kind == "ubnd_tinh")).order_by(Agency.id)
    if offices:
        return offices[0]
    return await Agency.select(Agency.id, Agency.kind).where(
        Agency.active.eq(True) & (Agency.kind == "ubnd_tinh")).order_by(Agency.id).first()


async def dress(report: Report) -> None:
    """Give the report its letterhead, number and signer before its files are written."""
    agency = await issuing_agency()
    if agency is None:
        return
    report.head = await letterhead_of(agency["id"])
    issued = await ReportExport.count().where(ReportExport.year == report.period.year)
    report.number = f"{issued + 1:02d}/BC-{report.head.symbol}"
    report.signer_title = SIGNER_TITLES.get(agency["kind"], "THỦ TRƯỞNG CƠ QUAN")
