"""Staff downloads of a dossier's draft result (to read before approving, or to sign with a
USB token) and of its latest signed result."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from app.dossiers import queries
from app.files import store
from app.signatures.view import result_file
from app.web.auth import requires_staff

_NAMES = {"du-thao": "du-thao-ket-qua", "ky-so": "ket-qua-da-ky-so"}


class ResultFileController(Controller):
    path = "/can-bo/ho-so"
    guards = [requires_staff]

    @get("/{dossier_id:int}/ket-qua/{kind:str}", name="dossier.result_file")
    async def file(self, request: Request, dossier_id: FromPath[int],
                   kind: FromPath[str]) -> Response:
        if kind not in _NAMES or await queries.dossier_for_staff(
                dossier_id, request.user) is None:
            raise NotFoundException("Không tìm thấy tệp.")
        sha256 = await result_file(dossier_id, kind)
        if sha256 is None:
            raise NotFoundException("Hồ sơ chưa có tệp này.")
        return Response(store.read(sha256), media_type="application/pdf", headers={
            "content-disposition": f'attachment; filename="{_NAMES[kind]}-{dossier_id}.pdf"'})
