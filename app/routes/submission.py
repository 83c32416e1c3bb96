"""Online submission, one thing per page: start, applicant, components, check, confirm."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.documents.qr import lookup_qr_svg
from app.dossiers import queries
from app.dossiers.logic import Status
from app.files.logic import MAX_FILE_BYTES
from app.portal import service as portal
from app.portal.logic import ComponentPage, component_pages, page_after, page_of_components
from app.text import is_cccd, is_phone, is_tax_code, normalise_phone
from app.warehouse import service as warehouse
from app.web.auth import requires_applicant
from app.web.forms import FormErrors, read_form
from app.web.kept_forms import refill
from app.workflow import TransitionError


def _see_other(request: Request, name: str, **params) -> Redirect:
    return Redirect(request.app.route_reverse(name, **params), status_code=303)


class SubmissionController(Controller):
    path = "/nop-truc-tuyen"
    guards = [requires_applicant]

    @post("/bat-dau/{procedure_id:int}", name="submit.start")
    async def start(self, request: Request, procedure_id: FromPath[int]) -> Redirect:
        try:
            draft_id = await portal.start_draft(request.user, procedure_id)
        except portal.SubmissionError as exc:
            raise NotFoundException(str(exc)) from None
        return _see_other(request, "submit.applicant", draft_id=draft_id)

    @get("/{draft_id:int}/nguoi-nop", name="submit.applicant")
    async def applicant(self, request: Request, draft_id: FromPath[int]) -> Template | Redirect:
        draft = await _draft(request, draft_id)
        if draft["status"] != 0:
            return _see_other(request, "submit.done", draft_id=draft_id)
        return Template("submission/applicant.html", context={
            "d": draft, "values": refill(request, draft), "errors": FormErrors()})

    @post("/{draft_id:int}/nguoi-nop", name="submit.applicant_save")
    async def applicant_save(self, request: Request,
                             draft_id: FromPath[int]) -> Template | Redirect:
        draft = await _draft(request, draft_id)
        data = await read_form(request)
        errors = FormErrors()
        if not data.get("applicant_name"):
            errors.add("applicant_name", "Nhập họ và tên.")
        id_number = data.get("applicant_id_number", "").strip()
        if not (is_cccd(id_number) or is_tax_code(id_number)):
            errors.add("applicant_id_number", "Số CCCD phải gồm đúng 12 chữ số; mã số thuế gồm "
                       "10 chữ số (chi nhánh thêm dấu gạch ngang và 3 chữ số) và đúng chữ số "
                       "kiểm tra.")
        if not is_phone(data.get("applicant_phone", "")):
            errors.add("applicant_phone", "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.")
        if not data.get("applicant_address"):
            errors.add("applicant_address", "Nhập địa chỉ liên hệ.")
        if errors:
            return Template("submission/applicant.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"d": draft, "values": data, "errors": errors})
        await portal.save_applicant(draft, data["applicant_name"][:200], id_number,
                                    normalise_phone(data["applicant_phone"]),
                                    data["applicant_address"][:300])
        return _see_other(request, "submit.components", draft_id=draft_id)

    @get("/{draft_id:int}/thanh-phan", name="submit.components")
    async def components(self, request: Request, draft_id: FromPath[int],
                         trang: FromQuery[str] = "1") -> Template:
        draft = await _draft(request, draft_id)
        return await _components_page(request, draft, _page(draft, trang), FormErrors())

    @post("/{draft_id:int}/thanh-phan", name="submit.components_save",
          request_max_body_size=MAX_FILE_BYTES * 5)
    async def components_save(self, request: Request,
                              draft_id: FromPath[int]) -> Template | Redirect:
        """Saves every file sent (of any page); "next" asks to move on, which needs this
        page's required components."""
        draft = await _draft(request, draft_id)
        form = await request.form()
        page = _page(draft, str(form.get("trang", "1")))
        errors, draft, _ = await _attach_uploads(request, draft, form)
        missing = portal.missing_components(draft)
        if form.get("next") == "1":
            for component in draft["components"]:
                if component["id"] in page.component_ids and component["name"] in missing:
                    errors.add(f"file-{component['id']}", f"Cần nộp: {component['name']}.")
        if errors:
            return await _components_page(request, draft, page, errors, HTTP_400_BAD_REQUEST)
        following = page_after(component_pages(draft["components"]), page.number,
                               set(draft["supplied"]))
        if following is not None:
            return Redirect(_components_url(request, draft, following), status_code=303)
        return _see_other(request, "submit.check", draft_id=draft_id)

    @get("/{draft_id:int}/kiem-tra", name="submit.check")
    async def check(self, request: Request, draft_id: FromPath[int]) -> Template:
        return _check_page(request, await _draft(request, draft_id))

    @post("/{draft_id:int}/nop", name="submit.submit")
    async def submit(self, request: Request, draft_id: FromPath[int]) -> Template | Redirect:
        draft = await _draft(request, draft_id)
        try:
            await portal.submit(request.user, draft)
        except portal.SubmissionError as exc:
            return _check_page(request, draft, str(exc))
        return _see_other(request, "submit.done", draft_id=draft_id)

    @get("/{draft_id:int}/da-nop", name="submit.done")
    async def done(self, request: Request, draft_id: FromPath[int]) -> Template | Redirect:
        draft = await _draft(request, draft_id)
        if draft["status"] == 0:
            return _see_other(request, "submit.check", draft_id=draft_id)
        qr = lookup_qr_svg(draft["code"])
        return Template("submission/done.html", context={
            "d": draft, "qr_svg": qr, "expected": await portal.expected_appointment(draft)})


class SupplementController(Controller):
    """The applicant answers a supplement request: sees exactly what is asked, uploads
    only that, and sends the dossier back (the clock resumes)."""

    path = "/ho-so-cua-toi"
    guards = [requires_applicant]

    @get("/{draft_id:int}/bo-sung", name="supplement.form")
    async def form(self, request: Request, draft_id: FromPath[int]) -> Template:
        return await _supplement_page(request, await _draft(request, draft_id), FormErrors())

    @post("/{draft_id:int}/bo-sung", name="supplement.send",
          request_max_body_size=MAX_FILE_BYTES * 5)
    async def send(self, request: Request, draft_id: FromPath[int]) -> Template | Redirect:
        dossier = await _draft(request, draft_id)
        errors, dossier, attached = await _attach_uploads(request, dossier,
                                                          await request.form())
        if not errors and not attached:
            errors.add("send", "Chưa chọn giấy tờ bổ sung nào. Tải lên hoặc chọn từ kho dữ liệu "
                       "giấy tờ được yêu cầu; nếu nộp bản giấy, hãy mang đến Bộ phận Một cửa.")
        if not errors:
            try:
                await portal.supply(request.user, dossier)
            except TransitionError as exc:
                errors.add("send", str(exc))
        if errors:
            return await _supplement_page(request, dossier, errors, HTTP_400_BAD_REQUEST)
        return Redirect(request.app.route_reverse("citizen.home") + "?da_bo_sung=1",
                        status_code=303)


async def _supplement_page(request, dossier, errors, status_code=200) -> Template:
    if dossier["status"] != Status.SUPPLEMENT_REQUESTED:
        raise NotFoundException("Hồ sơ này không có yêu cầu bổ sung.")
    requested = {c["id"] for c in await queries.requested_components(dossier["id"])}
    return Template("submission/supplement.html", status_code=status_code, context={
        "d": dossier, "errors": errors,
        "request_text": await portal.supplement_request(dossier["id"]),
        # Only what was asked for, when the agency named it; otherwise every component.
        "components": [c for c in dossier["components"] if not requested or c["id"] in requested],
        "kept": [c for c in dossier["components"] if requested and c["id"] not in requested],
        "values": refill(request, {}),
        "warehouse": await warehouse.list_documents(request.user, 50)})


async def _attach_uploads(request: Request, dossier: dict,
                          form) -> tuple[FormErrors, dict, int]:
    """Store every file field (`file-<component id>`); a refused file is reported beside
    its field while the accepted ones are kept. Returns the errors, the dossier as it
    now stands and how many components were attached."""
    errors, attached = FormErrors(), 0
    for key, value in form.multi_items():
        if key.startswith("reuse-") and str(value).isdigit():
            # A document chosen from the warehouse; an upload for the same component,
            # handled below, replaces it.
            try:
                await portal.attach_from_warehouse(request.user, dossier, int(key[6:]),
                                                   int(value))
                attached += 1
            except (portal.SubmissionError, ValueError) as exc:
                errors.add("file-" + key[6:], str(exc))
            dossier = await portal.draft_of(request.user, dossier["id"])
            continue
        if not (key.startswith("file-") and isinstance(value, UploadFile)):
            continue
        content = await value.read()
        if not content and not value.filename:
            continue  # nothing chosen for this component
        try:
            await portal.attach(dossier, int(key[5:]), value.filename or "", content)
            attached += 1
        except (portal.SubmissionError, ValueError) as exc:
            errors.add(key, str(exc))
        # Later files must see earlier ones (per-dossier size limit).
        dossier = await portal.draft_of(request.user, dossier["id"])
    return errors, dossier, attached


async def _draft(request: Request, draft_id: int) -> dict:
    draft = await portal.draft_of(request.user, draft_id)
    if draft is None:
        raise NotFoundException("Không tìm thấy hồ sơ.")
    return draft


def _page(draft: dict, number) -> ComponentPage:
    """The requested page of the components step; anything else is the first page."""
    pages = component_pages(draft["components"])
    number = int(number) if str(number).isdigit() and len(str(number)) < 4 else 1
    return pages[number - 1] if 1 <= number <= len(pages) else pages[0]


def _components_url(request: Request, draft: dict, number: int) -> str:
    url = request.app.route_reverse("submit.components", draft_id=draft["id"])
    return f"{url}?trang={number}"


def _check_page(request: Request, draft: dict, error: str = "") -> Template:
    """Check your answers: one "Sửa" per row, leading to that field or that component's
    page of the components step."""
    pages = component_pages(draft["components"])
    on_page = page_of_components(pages)
    change_url = {c["id"]: _components_url(request, draft, on_page.get(c["id"], 1))
                  for c in draft["components"]}
    return Template("submission/check.html", status_code=HTTP_400_BAD_REQUEST if error else 200,
                    context={"d": draft, "missing": portal.missing_components(draft),
                             "error": error, "change_url": change_url,
                             "back_url": _components_url(request, draft, len(pages))})


async def _components_page(request, draft, page: ComponentPage, errors,
                           status_code=200) -> Template:
    back_url = (_components_url(request, draft, page.number - 1) if page.number > 1 else
                request.app.route_reverse("submit.applicant", draft_id=draft["id"]))
    return Template("submission/components.html", status_code=status_code, context={
        "d": draft, "errors": errors, "page": page, "back_url": back_url,
        "pages": len(component_pages(draft["components"])),
        "components": [c for c in draft["components"] if c["id"] in page.component_ids],
        "values": refill(request, {}),
        "warehouse": await warehouse.list_documents(request.user, 50)})
