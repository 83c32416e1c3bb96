"""Internal processes (quy trình nội bộ) in the admin area: the procedures' processes, their
versions, a draft's editor and publishing. Provincial admins manage every procedure's
process; an agency admin its own agency's. Pages other areas may link to:
`processes.procedure` (a procedure's versions) and `processes.version`."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.formatting import format_date
from app.processes import admin, queries
from app.processes.forms import read_editor, row_of
from app.processes.tables import ProcessVersion
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form


class ProcessAdminController(Controller):
    path = "/quan-tri/quy-trinh"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN)]

    @get("/", name="processes.index")
    async def index(self, request: Request) -> Template:
        query = request.query_params.get("q", "")[:100]
        return Template("processes/index.html", context={
            "rows": await queries.procedures_for(request.user, query), "q": query})

    @get("/thu-tuc/{procedure_id:int}", name="processes.procedure")
    async def procedure(self, request: Request, procedure_id: FromPath[int]) -> Template:
        procedure = await _procedure(request, procedure_id)
        return Template("processes/procedure.html", context={
            "procedure": procedure, "versions": await queries.versions_of(procedure_id)})

    @post("/thu-tuc/{procedure_id:int}/du-thao", name="processes.start")
    async def start(self, request: Request, procedure_id: FromPath[int]) -> Redirect:
        await _procedure(request, procedure_id)
        version_id = await admin.start_draft(request.user, procedure_id)
        return Redirect(request.app.route_reverse("processes.version", version_id=version_id),
                        status_code=303)

    @get("/phien-ban/{version_id:int}", name="processes.version")
    async def version(self, request: Request, version_id: FromPath[int]) -> Template:
        return await _version_page(request, version_id)

    @post("/phien-ban/{version_id:int}", name="processes.save")
    async def save(self, request: Request, version_id: FromPath[int]) -> Template | Redirect:
        version, _ = await _version(request, version_id)
        data = await read_form(request)
        form = await request.form()
        agencies = {a["id"] for a in await queries.agencies()}
        typed = read_editor(lambda name: data.get(name, ""),
                            lambda name: [str(v) for v in form.getall(name, [])], agencies)
        if typed.errors:
            return await _version_page(request, version_id, typed=typed,
                                       status_code=HTTP_400_BAD_REQUEST)
        try:
            await admin.save_draft(request.user, version_id, typed.header, typed.steps)
        except admin.ProcessError as exc:
            return await _version_page(request, version_id, problems=exc.problems,
                                       typed=typed, status_code=HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("processes.version", version_id=version_id)
        return Redirect(f"{url}?da_luu=1", status_code=303)

    @post("/phien-ban/{version_id:int}/ban-hanh", name="processes.publish")
    async def publish(self, request: Request, version_id: FromPath[int]) -> Template | Redirect:
        version, _ = await _version(request, version_id)
        try:
            await admin.publish(request.user, version_id)
        except admin.ProcessError as exc:
            return await _version_page(request, version_id, problems=exc.problems,
                                       status_code=HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("processes.procedure", procedure_id=version["procedure"])
        return Redirect(f"{url}?da_ban_hanh={version['number']}", status_code=303)

    @post("/phien-ban/{version_id:int}/xoa", name="processes.discard")
    async def discard(self, request: Request, version_id: FromPath[int]) -> Template | Redirect:
        await _version(request, version_id)
        try:
            procedure_id = await admin.discard_draft(request.user, version_id)
        except admin.ProcessError as exc:
            return await _version_page(request, version_id, problems=exc.problems,
                                       status_code=HTTP_400_BAD_REQUEST)
        return Redirect(request.app.route_reverse("processes.procedure",
                                                  procedure_id=procedure_id), status_code=303)


async def _procedure(request: Request, procedure_id: int) -> dict:
    procedure = await admin.procedure_for(request.user, procedure_id)
    if procedure is None:  # outside the admin's agencies: the same as missing
        raise NotFoundException("Không tìm thấy thủ tục.")
    return procedure


async def _version(request: Request, version_id: int) -> tuple[dict, dict]:
    version = await ProcessVersion.select().where(ProcessVersion.id == version_id).first()
    if version is None:
        raise NotFoundException("Không tìm thấy phiên bản quy trình.")
    return version, await _procedure(request, version["procedure"])


async def _version_page(request: Request, version_id: int, *, typed=None, problems=(),
                        status_code: int = 200) -> Template:
    """The version (an editor for a draft); after a refusal, what was typed and why."""
    version, procedure = await _version(request, version_id)
    context = await queries.editor_context(version, procedure)
    if typed is not None:
        rows, header = typed.rows, typed.header_text
    else:
        rows = [row_of(step) for step in context["steps"]]
        effective = version["effective_from"]
        header = {"decision_number": version["decision_number"],
                  "decision_date": format_date(version["decision_date"]),
                  "effective_date": format_date(admin.local_day(effective)) if effective
                  else "", "note": version["note"]}
    return Template("processes/version.html", status_code=status_code, context={
        **context, "version": version, "procedure": procedure, "header": header,
        "rows": rows, "problems": list(problems),
        "errors": FormErrors(dict(typed.errors)) if typed else FormErrors(),
        "saved": request.query_params.get("da_luu") == "1",
    })
