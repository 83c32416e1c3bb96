"""Small builders for test rows, through Piccolo (the same code path as the app)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User, UserAgency
from app.catalog.tables import Field, Procedure
from app.directory.tables import Agency
from app.dossiers.logic import Status, format_dossier_code
from app.dossiers.tables import Dossier
from app.formatting import now_utc

_seq = count(1)


async def agency(name: str = "Sở Tư pháp", code: str | None = None) -> Agency:
    # Three digits: never one of the two-digit codes that tests spell out.
    row = Agency(code=code or f"000.00.{next(_seq):03d}.H55", name=name, short_name=name)
    await row.save()
    return row


async def procedure(agency_row: Agency, name: str = "Cấp Phiếu lý lịch tư pháp") -> Procedure:
    field = await Field.objects().get_or_create(Field.code == "TEST", {Field.name: "Thử"})
    row = Procedure(
        code=f"T.{next(_seq):06d}", name=name, field=field.id, agency=agency_row.id,
        level="tinh", time_limit_amount=Decimal(10), time_limit_unit="working_days",
        online_level="full",
    )
    await row.save()
    return row


async def dossier(procedure_row: Procedure, *, applicant_id: int | None = None,
                  phone: str = "0905123456", id_number: str = "052090001234",
                  status: Status = Status.PROCESSING) -> Dossier:
    received = now_utc()
    row = Dossier(
        code=format_dossier_code("000.00.17.H55", received.date(), next(_seq)),
        procedure=procedure_row.id, agency=procedure_row.agency, applicant=applicant_id,
        applicant_name="Nguyễn Văn An", applicant_id_number=id_number,
        applicant_phone=phone, channel=2, status=status.value, created_at=received,
        received_at=received, due_at=received + timedelta(days=14),
        current_step=1 if status == Status.PROCESSING else None,
    )
    await row.save()
    return row


async def staff(role: Role, agency_ids=(), username: str | None = None) -> CurrentUser:
    """A staff account row (no usable password: service tests act as it directly) and the
    CurrentUser a session would give."""
    name = username or f"{role.value}.{next(_seq)}"
    row = User(username=name, full_name=f"Cán bộ {name}", role=role.value,
               password_hash="!", created_at=now_utc())
    await row.save()
    for agency_id in agency_ids:
        await UserAgency(user=row.id, agency=agency_id).save()
    return CurrentUser(id=row.id, username=name, full_name=row.full_name, role=role,
                       agency_ids=tuple(agency_ids), session_token="")
