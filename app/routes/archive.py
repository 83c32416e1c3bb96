"""The archive's files: the list, one file with its documents and metadata, downloads, and
holds against destruction. Hand-over, disposal and retention rules have their own modules."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.archive import holds, logic, queries, storage
from app.archive.logic import FileStatus
from app.db import run_in_thread
from app.files.backends import FileMissing
from app.web.auth import requires_roles
from app.web.forms import read_form

READERS = requires_roles(*logic.READERS)
HOLDERS = requires_roles(*logic.HOLDERS)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


async def file_page(request: Request, file_id: int, *, error: str = "",
                    values: dict | None = None) -> Template:
    row = await queries.archival_file(request.user, file_id)
    if row is None:
        raise NotFoundException("Không tìm thấy hồ sơ lưu trữ.")
    return Template("archive/file.html", status_code=HTTP_400_BAD_REQUEST if error else 200,
                    context={"f": row, "error": error, "values": values or {},
                             "statuses": FileStatus,
                             "can_hold": request.user.role in logic.HOLDERS,
                             "saved": request.query_params.get("da_luu") == "1"})


class ArchiveController(Controller):
    path = "/luu-tru"
    guards = [READERS]

    @get("/", name="archive.files")
    async def files(self, request: Request) -> Template:
        query = request.query_params
        filters = {"agency_id": _int(query.get("co_quan")), "year": _int(query.get("nam")),
                   "status": query.get("trang_thai") or None, "page": _int(query.get("trang")) or 1}
        rows, total = await queries.files_page(request.user, **filters)
        return Template("archive/files.html", context={
            "rows": rows, "total": total, "filters": filters, "statuses": list(FileStatus),
            "labels": {s.value: s.label for s in FileStatus},
            "agencies": await queries.agencies(request.user), "page_size": queries.PAGE_SIZE})

    @get("/ho-so/{file_id:int}", name="archive.file")
    async def file(self, request: Request, file_id: FromPath[int]) -> Template:
        return await file_page(request, file_id)

    @get("/ho-so/{file_id:int}/tai-lieu/{document_id:int}", name="archive.document")
    async def document(self, request: Request, file_id: FromPath[int],
                       document_id: FromPath[int]) -> Response:
        found = await queries.document(request.user, file_id, document_id)
        if found is None:
            raise NotFoundException("Không tìm thấy văn bản này.")
        try:
            data = await run_in_thread(lambda: storage.read_document(found["file_code"],
                                                                     found["filename"]))
        except FileMissing:
            raise NotFoundException("Không tìm thấy văn bản này.") from None
        media = "application/json" if found["filename"].endswith(".json") else "application/pdf"
        return Response(data, media_type=media, headers={
            "Content-Disposition": f'inline; filename="{found["filename"]}"'})

    @post("/ho-so/{file_id:int}/giu-lai", name="archive.hold", guards=[HOLDERS])
    async def hold(self, request: Request, file_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        try:
            await holds.place(request.user, file_id, data.get("reason", ""))
        except holds.HoldError as exc:
            return await file_page(request, file_id, error=str(exc), values=data)
        return _back(request, file_id)

    @post("/ho-so/{file_id:int}/giu-lai/{hold_id:int}/bo", name="archive.release",
          guards=[HOLDERS])
    async def release(self, request: Request, file_id: FromPath[int],
                      hold_id: FromPath[int]) -> Template | Redirect:
        try:
            await holds.release(request.user, file_id, hold_id)
        except holds.HoldError as exc:
            return await file_page(request, file_id, error=str(exc))
        return _back(request, file_id)


def _back(request: Request, file_id: int) -> Redirect:
    url = request.app.route_reverse("archive.file", file_id=file_id)
    return Redirect(f"{url}?da_luu=1", status_code=303)
