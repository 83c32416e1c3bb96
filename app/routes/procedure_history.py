"""Public history of a procedure: every version published, with its decision, and each
version as it was published (what a dossier received under it was judged by)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from app.catalog import reading
from app.catalog import service as catalog
from app.catalog.content import METHOD_LABELS, RESULT_KIND_LABELS
from app.catalog.logic import describe_time_limit


class ProcedureHistoryController(Controller):
    path = "/thu-tuc/{procedure_id:int}"

    @get("/lich-su", name="catalog.history")
    async def history(self, procedure_id: FromPath[int]) -> Template:
        procedure = await catalog.get_procedure(procedure_id)
        if procedure is None:
            raise NotFoundException("Không tìm thấy thủ tục này.")
        return Template("public/history.html", context={
            "procedure": procedure, "versions": await reading.history(procedure_id)})

    @get("/phien-ban/{number:int}", name="catalog.version")
    async def version(self, procedure_id: FromPath[int], number: FromPath[int]) -> Template:
        procedure = await catalog.get_procedure(procedure_id)
        version = await reading.published_version(procedure_id, number) if procedure else None
        if version is None:
            raise NotFoundException("Không tìm thấy phiên bản này của thủ tục.")
        return Template("public/version.html", context={
            "procedure": procedure, "version": version, "content": version["content"],
            "method_labels": METHOD_LABELS, "result_kind_labels": RESULT_KIND_LABELS,
            "time_limit_text": describe_time_limit(version["content"].time_limit_amount,
                                                   version["content"].time_limit_unit)})
