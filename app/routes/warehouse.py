"""The citizen's data warehouse: list and download their own documents, nobody else's."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from app.files import store
from app.identity import service as identity
from app.warehouse import service as warehouse
from app.warehouse.logic import Source
from app.web.auth import requires_applicant

_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class WarehouseController(Controller):
    path = "/kho-du-lieu"
    guards = [requires_applicant]

    @get("/", name="warehouse.list")
    async def documents(self, request: Request) -> Template:
        return Template("warehouse/list.html", context={
            "documents": await warehouse.list_documents(request.user), "Source": Source,
            "identity": await identity.status(request.user.id)})

    @get("/{document_id:int}", name="warehouse.download")
    async def download(self, request: Request, document_id: FromPath[int]) -> Response:
        document = await warehouse.document_for(request.user, document_id)
        if document is None:  # not theirs or not there: the same answer
            raise NotFoundException("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.")
        extension = _EXTENSIONS.get(document["content_type"], "bin")
        return Response(store.read(document["sha256"]), media_type=document["content_type"],
                        headers={"content-disposition":
                                 f'attachment; filename="giay-to-{document_id}.{extension}"',
                                 "cache-control": "private, no-store"})
