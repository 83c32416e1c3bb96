"""The citizen checks (again) their CCCD, name and date of birth against the population
database: after the registry was down at registration, or after a typing mistake.
Plain form, POST-redirect-GET; limited per account (app.identity.logic).

At the counter, an officer holding the citizen's original card can verify the account
instead (a name the registry spells otherwise, no registry answer), or, when the person
holding the card is not the account's holder, move the number to them
(app.identity.takeover)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_429_TOO_MANY_REQUESTS

from app.accounts.roles import Role
from app.accounts.service import AccountError
from app.formatting import format_date, now_utc, to_local
from app.identity import service as identity
from app.identity import takeover
from app.identity.logic import claim_problems, parse_birth_date
from app.text import is_cccd, is_phone, normalise_phone
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form
from app.web.kept_forms import refill


async def _page(request: Request, values: dict, errors: FormErrors, status_code: int = 200,
                too_soon: int = 0) -> Template:
    return Template("identity/form.html", status_code=status_code, context={
        "identity": await identity.status(request.user.id), "values": values,
        "errors": errors, "too_soon": too_soon})


class IdentityController(Controller):
    path = "/ca-nhan/xac-thuc"
    guards = [requires_roles(Role.CITIZEN)]

    @get("/", name="identity.form")
    async def form(self, request: Request) -> Template:
        status = await identity.status(request.user.id)
        values = {"full_name": status.full_name,
                  "birth_date": format_date(status.birth_date) if status.birth_date else ""}
        return await _page(request, refill(request, values), FormErrors())

    @post("/", name="identity.verify")
    async def verify(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        name = data.get("full_name", "")
        born, problems = claim_problems(name, data.get("birth_date", ""),
                                        to_local(now_utc()).date())
        errors = FormErrors(problems)
        if errors:
            return await _page(request, data, errors, HTTP_400_BAD_REQUEST)
        try:
            await identity.check_again(request.user.id, name, born)
        except identity.TooSoon as exc:
            return await _page(request, data, errors, HTTP_429_TOO_MANY_REQUESTS, exc.seconds)
        except AccountError as exc:
            errors.add("full_name", str(exc))
            return await _page(request, data, errors, HTTP_400_BAD_REQUEST)
        return Redirect("/ca-nhan#xac-thuc", status_code=303)


async def _counter_page(request: Request, id_number: str, errors: FormErrors,
                        values: dict | None = None, status_code: int = 200) -> Template:
    account = None
    if id_number and not errors.messages.get("cccd"):
        account = await identity.citizen_by_id_number(id_number)
    if values is None and account is not None:
        values = {"birth_date": format_date(account["birth_date"])
                  if account["birth_date"] else ""}
    return Template("identity/counter.html", status_code=status_code, context={
        "cccd": id_number, "account": account, "errors": errors, "values": values or {},
        "done": request.query_params.get("da_xac_thuc") == "1",
        "moved": request.query_params.get("da_chuyen") == "1"})


class CounterIdentityController(Controller):
    """The one-stop counter verifies a citizen's account against the original card."""

    path = "/mot-cua/xac-thuc-tai-khoan"
    guards = [requires_roles(Role.COUNTER_OFFICER)]

    @get("/", name="counter_identity.find")
    async def find(self, request: Request, cccd: FromQuery[str] = "") -> Template:
        cccd = cccd.strip()[:20]
        errors = FormErrors()
        if cccd and not is_cccd(cccd):
            errors.add("cccd", "Số CCCD phải gồm đúng 12 chữ số.")
        return await _counter_page(request, cccd, errors,
                                   status_code=HTTP_400_BAD_REQUEST if errors else 200)

    @post("/{user_id:int}", name="counter_identity.vouch")
    async def vouch(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        cccd, account = await _account_on_card(data, user_id)
        errors = FormErrors()
        born, problem = parse_birth_date(data.get("birth_date", ""), to_local(now_utc()).date())
        if problem:
            errors.add("birth_date", problem)
        if data.get("da_doi_chieu") != "1":
            errors.add("da_doi_chieu", "Chỉ xác thực sau khi đã đối chiếu thẻ căn cước bản gốc.")
        if errors:
            return await _counter_page(request, cccd, errors, data, HTTP_400_BAD_REQUEST)
        await identity.vouch_at_counter(request.user.id, account, born)
        url = request.app.route_reverse("counter_identity.find")
        return Redirect(f"{url}?cccd={cccd}&da_xac_thuc=1", status_code=303)

    @post("/{user_id:int}/chuyen-so", name="counter_identity.transfer")
    async def transfer(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        """The card's owner is not the account's holder: the number moves to them."""
        data = await read_form(request)
        cccd, account = await _account_on_card(data, user_id)
        born, problems = claim_problems(data.get("owner_name", ""),
                                        data.get("owner_birth_date", ""),
                                        to_local(now_utc()).date())
        on_form = {"full_name": "owner_name", "birth_date": "owner_birth_date"}
        errors = FormErrors({on_form[name]: message for name, message in problems.items()})
        if not is_phone(data.get("owner_phone", "")):
            errors.add("owner_phone", "Số điện thoại của chủ thẻ gồm 10 chữ số, bắt đầu bằng 0 "
                       "(để nhận mã đặt mật khẩu).")
        email = data.get("owner_email", "")
        if email and "@" not in email:
            errors.add("owner_email", "Địa chỉ thư điện tử không hợp lệ.")
        if data.get("chu_the") != "1":
            errors.add("chu_the", "Chỉ chuyển số sau khi đã đối chiếu thẻ căn cước bản gốc với "
                       "người mang thẻ.")
        if errors:
            return await _counter_page(request, cccd, errors, data, HTTP_400_BAD_REQUEST)
        await takeover.move_at_counter(
            request.user.id, account, full_name=data["owner_name"], birth_date=born,
            phone=normalise_phone(data["owner_phone"]), email=email)
        url = request.app.route_reverse("counter_identity.find")
        return Redirect(f"{url}?cccd={cccd}&da_chuyen=1", status_code=303)


async def _account_on_card(data: dict, user_id: int) -> tuple[str, dict]:
    """The CCCD typed on the form and the account holding it, which must be `user_id`."""
    cccd = data.get("cccd", "")
    account = await identity.citizen_by_id_number(cccd) if is_cccd(cccd) else None
    if account is None or account["id"] != user_id:
        raise NotFoundException("Không tìm thấy tài khoản công dân này.")
    return cccd, account
