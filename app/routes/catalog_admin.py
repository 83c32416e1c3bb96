"""The catalogue back office: procedures, drafts (agency admins for their agencies),
publishing and abolishing through decisions (provincial admin)."""

from __future__ import annotations

from dataclasses import replace

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.catalog import publishing, reading
from app.catalog.content import METHOD_LABELS, RESULT_KIND_LABELS, missing_parts
from app.catalog.editor import content_from_form, form_values, parse_day, rows_to_show
from app.catalog.logic import TimeUnit
from app.catalog.publishing import CatalogError, DecisionInput
from app.catalog.tables import Field
from app.catalog.versions import Decision, decision_problems
from app.db import write_transaction
from app.directory.tables import Agency
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form

PROVINCIAL = requires_roles(Role.PROVINCIAL_ADMIN)


def _scope(request: Request) -> tuple[int, ...] | None:
    return None if request.user.role == Role.PROVINCIAL_ADMIN else request.user.agency_ids



def read_decision(data: dict[str, str]) -> tuple[DecisionInput | None, dict[str, str]]:
    signed = parse_day(data.get("decision_signed_on", ""))
    effective = parse_day(data.get("decision_effective_from", "")) or (
        signed if not data.get("decision_effective_from") else None)
    number = data.get("decision_number", "")
    problems = decision_problems(number, signed, effective)
    if problems:
        return None, problems
    return DecisionInput(Decision(number.strip(), signed, effective),
                         issuer=data.get("decision_issuer", "")), {}


class CatalogAdminController(Controller):
    path = "/quan-tri/thu-tuc"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN)]

    @get("/", name="catalog_admin.list")
    async def index(self, request: Request) -> Template:
        q = request.query_params.get("q", "")[:200]
        return Template("catalog_admin/list.html", context={
            "q": q, **await reading.admin_list(_scope(request), q)})

    @post("/moi", name="catalog_admin.new")
    async def new(self, request: Request) -> Redirect:
        version = await publishing.start_draft(request.user)
        return Redirect(request.app.route_reverse("catalog_admin.draft", version_id=version),
                        status_code=303)

    @get("/{procedure_id:int}", name="catalog_admin.procedure")
    async def procedure(self, request: Request, procedure_id: FromPath[int]) -> Template:
        return await _procedure_page(request, procedure_id, FormErrors(), {})

    @post("/{procedure_id:int}/ban-nhap", name="catalog_admin.new_version")
    async def new_version(self, request: Request, procedure_id: FromPath[int]
                          ) -> Template | Redirect:
        try:
            version = await publishing.start_draft(request.user, procedure_id)
        except CatalogError as exc:
            return await _procedure_page(request, procedure_id, FormErrors.of(exc), {},
                                         HTTP_400_BAD_REQUEST)
        return Redirect(request.app.route_reverse("catalog_admin.draft", version_id=version),
                        status_code=303)

    @post("/{procedure_id:int}/bai-bo", name="catalog_admin.abolish", guards=[PROVINCIAL])
    async def abolish(self, request: Request, procedure_id: FromPath[int]
                      ) -> Template | Redirect:
        data = await read_form(request)
        decision, problems = read_decision(data)
        try:
            if problems:
                raise CatalogError(" ".join(problems.values()), problems)
            await publishing.abolish(request.user, procedure_id, decision,
                                     data.get("reason", ""))
        except CatalogError as exc:
            return await _procedure_page(request, procedure_id, FormErrors.of(exc), data,
                                         HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("catalog_admin.procedure", procedure_id=procedure_id)
        return Redirect(f"{url}?da_bai_bo=1", status_code=303)

    @get("/ban-nhap/{version_id:int}", name="catalog_admin.draft")
    async def draft(self, request: Request, version_id: FromPath[int]) -> Template:
        row = await _draft(request, version_id)
        return await _editor(request, row, form_values(row["content"]), FormErrors())

    @post("/ban-nhap/{version_id:int}", name="catalog_admin.save")
    async def save(self, request: Request, version_id: FromPath[int]) -> Template | Redirect:
        row = await _draft(request, version_id)
        data = await read_form(request)
        content, problems = content_from_form(data, row["content"])
        errors = FormErrors(problems)
        if not errors:
            try:
                async with write_transaction():  # a new field only with the draft saved
                    if data.get("field_new"):
                        content = replace(content, field_id=await publishing.field_id_for(
                            data["field_new"], request.user.id))
                    await publishing.save_draft(request.user, version_id, content)
            except CatalogError as exc:
                errors = FormErrors.of(exc)
        if errors:
            return await _editor(request, row, data, errors, HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("catalog_admin.draft", version_id=version_id)
        return Redirect(f"{url}?da_luu=1", status_code=303)

    @post("/ban-nhap/{version_id:int}/mau/{index:int}", name="catalog_admin.upload_form",
          request_max_body_size=6 * 1024 * 1024)
    async def upload_form(self, request: Request, version_id: FromPath[int],
                          index: FromPath[int]) -> Template | Redirect:
        row = await _draft(request, version_id)
        upload = (await request.form()).get("form_file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise CatalogError("Chọn tệp mẫu đơn (PDF, DOC, DOCX) để tải lên.",
                                   {f"form_file_{index}": "Chọn tệp mẫu đơn để tải lên."})
            await publishing.attach_form(request.user, version_id, index, await upload.read(),
                                         upload.filename)
        except CatalogError as exc:
            return await _editor(request, row, form_values(row["content"]), FormErrors.of(exc),
                                 HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("catalog_admin.draft", version_id=version_id)
        return Redirect(f"{url}?da_tai_mau={index}", status_code=303)

    @post("/ban-nhap/{version_id:int}/cong-bo", name="catalog_admin.publish",
          guards=[PROVINCIAL])
    async def publish(self, request: Request, version_id: FromPath[int]) -> Template | Redirect:
        published = await reading.published_as(version_id)
        if published is not None:  # Back and resubmit, a second tab: show what was done
            url = request.app.route_reverse("catalog_admin.procedure",
                                            procedure_id=published["procedure"])
            return Redirect(f"{url}?da_cong_bo={published['number']}", status_code=303)
        row = await _draft(request, version_id)
        data = await read_form(request)
        decision, problems = read_decision(data)
        try:
            if problems:
                raise CatalogError(" ".join(problems.values()), problems)
            procedure_id, number = await publishing.publish_draft(request.user, version_id,
                                                                  decision)
        except CatalogError as exc:
            return await _editor(request, row, {**form_values(row["content"]), **data},
                                 FormErrors.of(exc), HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("catalog_admin.procedure", procedure_id=procedure_id)
        return Redirect(f"{url}?da_cong_bo={number}", status_code=303)

    @post("/ban-nhap/{version_id:int}/xoa", name="catalog_admin.discard")
    async def discard(self, request: Request, version_id: FromPath[int]) -> Redirect:
        await _draft(request, version_id)
        await publishing.discard_draft(request.user, version_id)
        return Redirect(request.app.route_reverse("catalog_admin.list"), status_code=303)

    @get("/quyet-dinh", name="catalog_admin.decisions")
    async def decisions(self) -> Template:
        return Template("catalog_admin/decisions.html",
                        context={"decisions": await reading.decisions()})


async def _draft(request: Request, version_id: int) -> dict:
    row = await publishing.draft_for(request.user, version_id)
    if row is None:
        raise NotFoundException("Không tìm thấy bản nháp này, hoặc bản nháp đã được công bố.")
    return row


async def _procedure_page(request: Request, procedure_id: int, errors: FormErrors,
                          values: dict, status_code: int = 200) -> Template:
    row = await reading.admin_procedure(procedure_id)
    scope = _scope(request)
    if row is None or (scope is not None and row["agency"] not in scope):
        raise NotFoundException("Không tìm thấy thủ tục này.")
    return Template("catalog_admin/procedure.html", status_code=status_code, context={
        "procedure": row, "errors": errors, "values": values,
        "published": request.query_params.get("da_cong_bo"),
        "abolished": request.query_params.get("da_bai_bo") == "1"})


async def _editor(request: Request, row: dict, values: dict, errors: FormErrors,
                  status_code: int = 200) -> Template:
    scope = _scope(request)
    agencies = Agency.select(Agency.id, Agency.name).where(Agency.active.eq(True))
    if scope is not None:
        agencies = agencies.where(Agency.id.is_in(list(scope) or [-1]))
    return Template("catalog_admin/draft.html", status_code=status_code, context={
        "draft": row, "values": values, "errors": errors,
        "component_rows": rows_to_show(values, "comp", "name"),
        "basis_rows": rows_to_show(values, "basis", "title"),
        "components": row["content"].components,
        "missing": missing_parts(row["content"]),
        "fields": await Field.select(Field.id, Field.name).order_by(Field.name),
        "agencies": await agencies.order_by(Agency.name),
        "units": {u.value: u.words for u in TimeUnit}, "methods": METHOD_LABELS,
        "result_kinds": RESULT_KIND_LABELS, "saved": request.query_params.get("da_luu"),
        "uploaded": request.query_params.get("da_tai_mau"),
        "may_publish": request.user.role == Role.PROVINCIAL_ADMIN})
