"""Staff view of one dossier: its state and step, history, the actions allowed now, the slip.

Every action form carries the dossier's version: an action on a page made before someone
else moved the dossier is refused (409) with who did what and when. A refused action shows
the page again with the message and what was typed in that form.
"""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT

from app.calendar.service import current_calendar
from app.dossiers import queries
from app.files import store
from app.files.logic import sniff
from app.formatting import LOCAL_TZ
from app.legal_forms.appointment import collection_note
from app.signatures.logic import Problem, message
from app.signatures.view import signing_view
from app.web.auth import requires_staff
from app.web.forms import read_form
from app.workflow import ACTION_LABELS, Action, TransitionError
from app.workflow.page import process_view
from app.workflow.service import StaleDossier, perform

MAX_RESULT_BYTES = 20 * 1024 * 1024


class DossierController(Controller):
    path = "/can-bo/ho-so"
    guards = [requires_staff]

    @get("/{dossier_id:int}", name="dossier.detail")
    async def detail(self, request: Request, dossier_id: FromPath[int]) -> Template:
        return await _detail_page(request, dossier_id)

    @get("/{dossier_id:int}/phieu-hen", name="dossier.slip")
    async def slip(self, request: Request, dossier_id: FromPath[int]) -> Template:
        dossier = await _load(request, dossier_id)
        if dossier["received_at"] is None:  # refused or redirected: no receipt exists
            raise NotFoundException("Hồ sơ chưa được tiếp nhận nên không có phiếu hẹn.")
        note = collection_note(dossier["due_at"], await current_calendar())
        return Template("dossiers/slip.html", context={"d": dossier, "collect_note": note})

    @post("/{dossier_id:int}/thao-tac", name="dossier.act")
    async def act(self, request: Request, dossier_id: FromPath[int]) -> Template | Redirect:
        await _load(request, dossier_id)  # scope check before anything else
        data = await read_form(request)
        try:
            version = _form_version(data)
            # One transaction for the file and the action: a refused action keeps no file.
            async with store.atomic():
                params = await _params(request, data)
                await perform(dossier_id, request.user, data.get("action", ""),
                              expected_version=version, **params)
        except TransitionError as exc:
            stale = isinstance(exc, StaleDossier)
            form = await request.form()
            typed = {**data, "components": [str(c) for c in form.getall("components", [])]}
            return await _detail_page(request, dossier_id, error=str(exc), typed=typed,
                                      status_code=HTTP_409_CONFLICT if stale
                                      else HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("dossier.detail", dossier_id=dossier_id)
        return Redirect(f"{url}?da_thuc_hien={data.get('action', '')}", status_code=303)


async def _load(request: Request, dossier_id: int) -> dict:
    dossier = await queries.dossier_for_staff(dossier_id, request.user)
    if dossier is None:
        raise NotFoundException("Không tìm thấy hồ sơ.")
    return dossier


async def _detail_page(request, dossier_id, error="", typed=None,
                       status_code=200) -> Template:
    dossier = await _load(request, dossier_id)
    done = request.query_params.get("da_thuc_hien", "")
    view = await process_view(dossier_id, request.user)
    return Template("dossiers/detail.html", status_code=status_code, context={
        "d": dossier, "view": view, "actions": view.actions,
        "labels": ACTION_LABELS, "Action": Action, "error": error,
        # What was typed in the refused form, shown again in that form only.
        "typed": typed or {},
        "done_label": ACTION_LABELS.get(done, ""),  # StrEnum keys match plain strings
        "resubmitted": request.query_params.get("da_gui_truoc") == "1",
        "agencies": await queries.other_agencies(dossier["agency"]),
        "procedure_components": await queries.procedure_components(
            procedure_id=dossier["procedure"]),
        "signing": await signing_view(dossier_id, request.user),
    })


def _form_version(data: dict[str, str]) -> int:
    """The dossier version the form was made from (every action form carries it)."""
    text = data.get("version", "")
    if not text.isdigit() or len(text) > 9:
        raise TransitionError("Trang này đã cũ hoặc thiếu thông tin phiên bản hồ sơ; vui lòng "
                              "tải lại trang rồi thao tác lại.")
    return int(text)


def _local_moment(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y %H:%M").replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise TransitionError("Ngày giờ phải theo dạng dd/mm/yyyy hh:mm, "
                              "ví dụ 25/03/2026 16:00.") from None


async def _params(request: Request, data: dict[str, str]) -> dict:
    """Form fields to the machine's parameters; files are stored and passed by SHA-256."""
    params: dict = {}
    for name in ("reason", "comment", "method", "receiver_name", "receiver_id_number", "note"):
        if data.get(name):
            params[name] = data[name]
    for name in ("assignee_id", "target_agency_id", "amount"):
        if data.get(name):
            if not data[name].isdigit():
                raise TransitionError("Giá trị nhập vào phải là số.")
            params[name] = int(data[name])
    if data.get("new_due_at"):
        params["new_due_at"] = _local_moment(data["new_due_at"])
    form = await request.form()
    if data.get("action") == Action.REQUEST_SUPPLEMENT:
        ticked = form.getall("components") if "components" in form else []
        if not all(str(c).isdigit() and len(str(c)) < 10 for c in ticked):
            raise TransitionError("Thành phần hồ sơ cần bổ sung không hợp lệ.")
        params["components"] = [int(c) for c in ticked]
    if data.get("action") in (Action.ATTACH_DRAFT, Action.SIGN):
        params.update(await _result_file_params(data, form.get("file")))
    return params


async def _result_file_params(data: dict[str, str], upload) -> dict:
    """The draft result or the signed result: a PDF judged by its bytes, stored and passed
    by SHA-256. Server signing ("Ký số") takes no file."""
    params: dict = {}
    if data.get("action") == Action.SIGN:
        params["signing"] = data.get("signing", "")
        if params["signing"] != "upload":
            return params
    content = await upload.read(MAX_RESULT_BYTES + 1) if isinstance(upload, UploadFile) else b""
    if not content:
        raise TransitionError("Chưa chọn tệp hoặc tệp rỗng.")
    if len(content) > MAX_RESULT_BYTES:
        raise TransitionError("Tệp quá lớn (tối đa 20 MB).")
    if sniff(content) != "application/pdf":
        raise TransitionError(message(Problem.NOT_PDF) if data.get("action") == Action.SIGN
                              else "Dự thảo kết quả phải là tệp PDF.")
    from app.files.inspect import pdf_problem  # pypdf (~25 MB): loaded when a file comes

    problem = pdf_problem(content)
    if problem:
        raise TransitionError(problem)
    params["sha256"] = (await store.store(content, "application/pdf")).sha256
    return params
