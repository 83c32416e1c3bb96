"""Reading the archive for its pages, always within the user's scope: staff of an agency
see its files and packages, provincial admins and auditors the whole province. Something
outside the scope reads as absent (None), so ids cannot be probed.
"""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.archive.logic import FileStatus, in_scope
from app.archive.package import listing, package_row
from app.archive.tables import (
    ArchivalDocument,
    ArchivalFile,
    ArchiveHold,
    ArchivePackage,
    DisposalItem,
    DisposalList,
)
from app.directory.tables import Agency

PAGE_SIZE = 50


def _scope(user: CurrentUser, column):
    if user.role.sees_whole_province:
        return None
    return column.is_in(list(user.agency_ids) or [-1])


def _where(query, *conditions):
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    return query


async def agencies(user: CurrentUser) -> list[dict]:
    query = Agency.select(Agency.id, Agency.name).order_by(Agency.name)
    return await _where(query, _scope(user, Agency.id))


async def files_page(user: CurrentUser, *, agency_id: int | None, year: int | None,
                     status: str | None, page: int) -> tuple[list[dict], int]:
    conditions = [_scope(user, ArchivalFile.agency),
                  ArchivalFile.agency == agency_id if agency_id else None,
                  ArchivalFile.year == year if year else None,
                  ArchivalFile.status == status if status in set(FileStatus) else None]
    total = await _where(ArchivalFile.count(), *conditions)
    rows = await _where(ArchivalFile.select(
        ArchivalFile.all_columns(), ArchivalFile.dossier.code.as_alias("dossier_code"),
        ArchivalFile.agency.name.as_alias("agency_name"),
        ArchivalFile.package.code.as_alias("package_code"),
    ), *conditions).order_by(ArchivalFile.id, ascending=False).limit(PAGE_SIZE).offset(
        (max(page, 1) - 1) * PAGE_SIZE)
    return rows, total


async def archival_file(user: CurrentUser, file_id: int) -> dict | None:
    row = await _where(ArchivalFile.select(
        ArchivalFile.all_columns(), ArchivalFile.dossier.code.as_alias("dossier_code"),
        ArchivalFile.agency.name.as_alias("agency_name"),
        ArchivalFile.package.code.as_alias("package_code"),
    ).where(ArchivalFile.id == file_id), _scope(user, ArchivalFile.agency)).first()
    if row is None:
        return None
    row["documents"] = await ArchivalDocument.select().where(
        ArchivalDocument.file == file_id).order_by(ArchivalDocument.position)
    row["holds"] = await ArchiveHold.select(
        ArchiveHold.all_columns(), ArchiveHold.placed_by.full_name.as_alias("placed_by_name"),
        ArchiveHold.released_by.full_name.as_alias("released_by_name"),
    ).where(ArchiveHold.file == file_id).order_by(ArchiveHold.id)
    row["disposals"] = await DisposalItem.select(
        DisposalItem.all_columns(), DisposalItem.disposal.code.as_alias("list_code"),
        DisposalItem.disposal.status.as_alias("list_status"),
    ).where(DisposalItem.file == file_id).order_by(DisposalItem.id)
    return row


async def document(user: CurrentUser, file_id: int, document_id: int) -> dict | None:
    row = await archival_file(user, file_id)
    if row is None or row["status"] == FileStatus.DISPOSED.value:
        return None
    return next((d | {"file_code": row["code"]} for d in row["documents"]
                 if d["id"] == document_id), None)


async def packages(user: CurrentUser) -> list[dict]:
    return await _where(ArchivePackage.select(
        ArchivePackage.all_columns(), ArchivePackage.agency.name.as_alias("agency_name"),
        ArchivePackage.confirmed_by.full_name.as_alias("confirmed_by_name"),
    ), _scope(user, ArchivePackage.agency)).order_by(ArchivePackage.id, ascending=False)


async def package(user: CurrentUser, package_id: int) -> dict | None:
    row = await package_row(package_id)
    if row is None or not in_scope(user.role, user.agency_ids, row["agency"]):
        return None
    row["files"] = await listing(package_id)
    return row


async def disposal_lists() -> list[dict]:
    return await DisposalList.select(
        DisposalList.all_columns(), DisposalList.decided_by.full_name.as_alias("decided_by_name"),
    ).order_by(DisposalList.id, ascending=False)


async def disposal_list(user: CurrentUser, list_id: int) -> dict | None:
    """A list with the items the user may see (their agencies' files)."""
    row = await DisposalList.select(
        DisposalList.all_columns(), DisposalList.decided_by.full_name.as_alias("decided_by_name"),
        DisposalList.proposed_by.full_name.as_alias("proposed_by_name"),
    ).where(DisposalList.id == list_id).first()
    if row is None:
        return None
    row["items"] = await _where(DisposalItem.select(
        DisposalItem.all_columns(), DisposalItem.file.code.as_alias("code"),
        DisposalItem.file.title.as_alias("title"),
        DisposalItem.file.expires_on.as_alias("expires_on"),
        DisposalItem.file.retention_years.as_alias("retention_years"),
        DisposalItem.file.agency.name.as_alias("agency_name"),
    ).where(DisposalItem.disposal == list_id), _scope(user, DisposalItem.file.agency)
    ).order_by(DisposalItem.id)
    return row
