"""Retention and disposal: the lists of files past their retention, proposing one now,
the provincial admin's approval or rejection; and the retention rules per field and
procedure (thời hạn bảo quản)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.archive import disposal, logic, queries, rules
from app.archive.logic import DisposalStatus, Usage
from app.catalog.tables import Field
from app.formatting import now_utc, to_local
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form

READERS = requires_roles(*logic.READERS)


class DisposalController(Controller):
    path = "/luu-tru/huy"
    guards = [READERS]

    @get("/", name="archive.disposals")
    async def index(self, request: Request) -> Template:
        return Template("archive/disposals.html", context={
            "lists": await queries.disposal_lists(),
            "labels": {s.value: s.label for s in DisposalStatus},
            "can_propose": request.user.role in logic.HOLDERS,
            "none_due": request.query_params.get("khong_co") == "1"})

    @post("/", name="archive.disposal_propose", guards=[requires_roles(*logic.HOLDERS)])
    async def propose(self, request: Request) -> Redirect:
        list_id = await disposal.propose(request.user, to_local(now_utc()).date())
        if list_id is None:
            return Redirect(f"{request.app.route_reverse('archive.disposals')}?khong_co=1",
                            status_code=303)
        return Redirect(request.app.route_reverse("archive.disposal", list_id=list_id),
                        status_code=303)

    @get("/{list_id:int}", name="archive.disposal")
    async def detail(self, request: Request, list_id: FromPath[int]) -> Template:
        return await _detail(request, list_id)

    @post("/{list_id:int}/quyet-dinh", name="archive.disposal_decide",
          guards=[requires_roles(*logic.DECIDERS)])
    async def decide(self, request: Request, list_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        try:
            await disposal.decide(request.user, list_id, approve=data.get("ket_qua") == "duyet",
                                  decision=data.get("quyet_dinh", ""))
        except disposal.DisposalError as exc:
            return await _detail(request, list_id, error=str(exc), values=data)
        return Redirect(request.app.route_reverse("archive.disposal", list_id=list_id),
                        status_code=303)


async def _detail(request: Request, list_id: int, *, error: str = "",
                  values: dict | None = None) -> Template:
    row = await queries.disposal_list(request.user, list_id)
    if row is None:
        raise NotFoundException("Không tìm thấy danh mục.")
    return Template("archive/disposal.html", status_code=HTTP_400_BAD_REQUEST if error else 200,
                    context={"d": row, "label": DisposalStatus(row["status"]).label,
                             "can_decide": (request.user.role in logic.DECIDERS
                                            and row["status"] == DisposalStatus.PROPOSED.value),
                             "error": error, "values": values or {}})


class RetentionController(Controller):
    path = "/luu-tru/thoi-han-bao-quan"
    guards = [READERS]

    @get("/", name="archive.rules")
    async def index(self, request: Request) -> Template:
        return await _rules_page(request)

    @post("/", name="archive.rule_save", guards=[requires_roles(*logic.DECIDERS)])
    async def save(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        try:
            await rules.save_rule(
                request.user, field_code=data.get("linh_vuc", ""),
                procedure_code=data.get("thu_tuc", ""), years=data.get("so_nam", ""),
                permanent=data.get("vinh_vien") == "1", usage=data.get("che_do", ""),
                basis=data.get("can_cu", ""))
        except rules.RuleError as exc:
            errors = FormErrors()
            errors.add("so_nam", str(exc))
            return await _rules_page(request, errors, data)
        return Redirect(f"{request.app.route_reverse('archive.rules')}?da_luu=1",
                        status_code=303)

    @post("/{rule_id:int}/xoa", name="archive.rule_delete",
          guards=[requires_roles(*logic.DECIDERS)])
    async def delete(self, request: Request, rule_id: FromPath[int]) -> Redirect:
        if not await rules.delete_rule(request.user, rule_id):
            raise NotFoundException("Không có quy định này.")
        return Redirect(f"{request.app.route_reverse('archive.rules')}?da_luu=1",
                        status_code=303)


async def _rules_page(request: Request, errors: FormErrors | None = None,
                      values: dict | None = None) -> Template:
    return Template("archive/rules.html", status_code=HTTP_400_BAD_REQUEST if errors else 200,
                    context={"rules": await rules.all_rules(), "errors": errors or FormErrors(),
                             "values": values or {"che_do": Usage.RESTRICTED.value},
                             "fields": await Field.select(Field.code, Field.name).order_by(
                                 Field.name),
                             "usages": list(Usage), "default": logic.DEFAULT_RETENTION,
                             "can_edit": request.user.role in logic.DECIDERS,
                             "saved": request.query_params.get("da_luu") == "1"})
