"""Receiving a dossier at the counter.

The dossier row, its code (agency code – yymmdd – daily sequence), its components and the
acceptance (through the one state machine) are written in a single IMMEDIATE transaction,
so a code is never given twice and never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User
from app.catalog.tables import Procedure, ProcedureComponent
from app.counter.logic import Outcome
from app.db import write_transaction
from app.directory.tables import Agency
from app.dossiers.logic import Channel, Status, format_dossier_code
from app.dossiers.service import visible_to
from app.dossiers.tables import DailySequence, Dossier, DossierComponent, RuleVersion
from app.formatting import now_utc, to_local
from app.text import is_cccd, is_phone, is_tax_code, normalise_phone
from app.web.forms import FormErrors
from app.workflow.service import perform


class ReceptionRefused(ValueError):
    """The counter may not receive this procedure (message in Vietnamese)."""


@dataclass
class Reception:
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_address: str
    channel: Channel
    component_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_form(
        cls, data: dict[str, str], component_ids: list[int], *, accepting: bool = True
    ) -> tuple[Reception, FormErrors]:
        errors = FormErrors()
        if not data.get("applicant_name"):
            errors.add("applicant_name", "Nhập họ và tên người nộp hoặc tên tổ chức.")
        id_number = data.get("applicant_id_number", "")
        if not (is_cccd(id_number) or is_tax_code(id_number)):
            errors.add("applicant_id_number",
                       "Số CCCD (12 chữ số) hoặc mã số thuế (10 chữ số) không hợp lệ.")
        phone = data.get("applicant_phone", "")
        if phone and not is_phone(phone):
            errors.add("applicant_phone", "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.")
        try:
            channel = Channel(int(data.get("channel", "1")))
        except ValueError:
            channel = Channel.IN_PERSON
        if channel == Channel.ONLINE:
            errors.add("channel", "Hồ sơ trực tuyến do công dân nộp trên Cổng Dịch vụ công.")
        if accepting and not component_ids:
            errors.add("components", "Đánh dấu các thành phần hồ sơ đã nhận.")
        reception = cls(
            applicant_name=data.get("applicant_name", "")[:200], applicant_id_number=id_number,
            applicant_phone=normalise_phone(phone) if phone else "",
            applicant_address=data.get("applicant_address", "")[:300], channel=channel,
            component_ids=component_ids,
        )
        return reception, errors


async def _applicant_account(id_number: str) -> dict | None:
    """The citizen or organisation account registered with this CCCD or tax code, if it is
    verified (app.identity): an account that merely typed the number must not receive the
    paper dossier, its scans and results, nor put its phone number on the dossier."""
    return await User.select(User.id, User.full_name, User.phone).where(
        (User.id_number == id_number) & User.id_verified_at.is_not_null()
        & User.role.is_in([Role.CITIZEN.value, Role.ORGANISATION.value])).first()


async def find_applicant(id_number: str) -> dict | None:
    """Details to pre-fill for a returning applicant: their account first (so the dossier
    also appears on their page), else their latest dossier. None for a new applicant."""
    id_number = id_number.strip()
    if not (is_cccd(id_number) or is_tax_code(id_number)):
        return None
    account = await _applicant_account(id_number)
    previous = await Dossier.select(
        Dossier.applicant_name, Dossier.applicant_phone, Dossier.applicant_address,
    ).where(Dossier.applicant_id_number == id_number).order_by(
        Dossier.id, ascending=False).first()
    if account is None and previous is None:
        return None
    found = {"applicant_id_number": id_number, "account": account is not None}
    if previous:
        found.update(previous)
    if account:
        found.update(applicant_name=account["full_name"],
                     applicant_phone=account["phone"] or found.get("applicant_phone", ""))
    return found


async def procedures_for_counter(user: CurrentUser) -> list[dict]:
    """Procedures this counter may receive: its agencies' own, plus those any counter may
    receive regardless of administrative boundary."""
    agencies = list(user.agency_ids) or [-1]
    return await Procedure.select(
        Procedure.id, Procedure.name, Procedure.agency.name.as_alias("agency_name"),
    ).where(
        Procedure.active.eq(True) & Procedure.internal.eq(False)
        & (Procedure.agency.is_in(agencies) | Procedure.boundary_free.eq(True))
    ).order_by(Procedure.name)


async def next_code(agency_id: int, day: date) -> str:
    """Must run inside the write transaction that inserts the dossier."""
    row = await DailySequence.select().where(
        (DailySequence.agency == agency_id) & (DailySequence.day == day)).first()
    if row is None:
        sequence = 1
        await DailySequence(agency=agency_id, day=day, last=1).save()
    else:
        sequence = row["last"] + 1
        await DailySequence.update({DailySequence.last: sequence}).where(
            DailySequence.id == row["id"])
    agency = await Agency.select(Agency.code).where(Agency.id == agency_id).first()
    return format_dossier_code(agency["code"], day, sequence)


async def missing_required(procedure_id: int, ticked: list[int]) -> list[str]:
    """Names of the procedure's required components the officer did not tick."""
    rows = await ProcedureComponent.select(ProcedureComponent.id, ProcedureComponent.name).where(
        (ProcedureComponent.procedure == procedure_id) & ProcedureComponent.required.eq(True)
        & ProcedureComponent.active.eq(True)
    ).order_by(ProcedureComponent.position)
    return [row["name"] for row in rows if row["id"] not in ticked]


async def _redirect_params(params: dict) -> dict:
    """The competent agency's name goes into the written guidance (the event's reason)."""
    name = params.get("target_agency_name", "")
    if params.get("target_agency_id"):
        agency = await Agency.select(Agency.name).where(
            Agency.id == params["target_agency_id"]).first()
        if agency is None:
            raise ReceptionRefused("Không tìm thấy cơ quan có thẩm quyền đã chọn.")
        name = agency["name"]
    reason = f"Hướng dẫn nộp hồ sơ tại: {name}."
    if params.get("reason"):
        reason += f" {params['reason']}"
    return {**params, "target_agency_name": name, "reason": reason}


async def receive(user: CurrentUser, procedure_id: int, reception: Reception,
                  outcome: Outcome = Outcome.ACCEPT, params: dict | None = None) -> int:
    """Create the dossier and record the counter's decision on it; its id. Raises
    ReceptionRefused or TransitionError (nothing saved). Only an accepted dossier is
    received: the legal clock starts then, so the others keep no reception time."""
    procedure = await Procedure.select().where(
        (Procedure.id == procedure_id) & Procedure.active.eq(True)).first()
    if procedure is None:
        raise ReceptionRefused("Không tìm thấy thủ tục này.")
    own = procedure["agency"] in user.agency_ids
    if not own and not procedure["boundary_free"]:
        raise ReceptionRefused("Thủ tục này không thuộc thẩm quyền tiếp nhận của đơn vị; "
                               "hướng dẫn công dân đến đúng cơ quan.")
    receiving_agency = procedure["agency"] if own else user.agency_ids[0]
    components = await ProcedureComponent.select().where(
        (ProcedureComponent.procedure == procedure_id) & ProcedureComponent.active.eq(True)
        & ProcedureComponent.id.is_in(reception.component_ids or [-1]))
    now = now_utc()
    account = await _applicant_account(reception.applicant_id_number)
    async with write_transaction():
        rule = await RuleVersion.select(RuleVersion.id).where(
            RuleVersion.effective_from <= now).order_by(
            RuleVersion.effective_from, ascending=False).first()
        dossier = Dossier(
            code=await next_code(receiving_agency, to_local(now).date()),
            procedure=procedure_id, agency=procedure["agency"],
            receiving_agency=receiving_agency, applicant_name=reception.applicant_name,
            procedure_version=procedure["current_version"],
            applicant=account["id"] if account else None,
            applicant_id_number=reception.applicant_id_number,
            applicant_phone=reception.applicant_phone,
            applicant_address=reception.applicant_address, channel=reception.channel.value,
            status=Status.NEW.value, rule_version=rule["id"] if rule else None,
            created_at=now, received_at=now if outcome == Outcome.ACCEPT else None,
            fees_due=procedure["fee_amount"],
        )
        await dossier.save()
        for component in components:
            await DossierComponent(
                dossier=dossier.id, procedure_component=component["id"],
                name=component["name"], kind=component["kind"],
                quantity=component["quantity"]).save()
        params = dict(params or {})
        if outcome == Outcome.REDIRECT:
            params = await _redirect_params(params)
        # Accepting computes the due moment from received_at.
        await perform(dossier.id, user, outcome.action, **params)
    return dossier.id


async def results_to_return(user: CurrentUser, limit: int = 100) -> list[dict]:
    """Processed dossiers waiting for their result to be handed over, oldest first. Postal
    staff see only those sent by post: the ones they deliver."""
    where = (Dossier.status == Status.PROCESSED.value) & visible_to(user)
    if user.role == Role.POSTAL_STAFF:
        where &= Dossier.channel == Channel.POST.value
    return await Dossier.select(
        Dossier.id, Dossier.code, Dossier.applicant_name, Dossier.applicant_address,
        Dossier.applicant_phone, Dossier.channel, Dossier.finished_at, Dossier.fees_due,
        Dossier.fees_paid, Dossier.procedure.name.as_alias("procedure_name"),
    ).where(where).order_by(Dossier.finished_at).order_by(Dossier.id).limit(limit)
