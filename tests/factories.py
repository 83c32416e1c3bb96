"""Small builders for test rows, through Piccolo (the same code path as the app)."""

from __future__ import annotations

from datetime import date, timedelta
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
from app.processes.admin import publish_new
from app.processes.forms import VersionHeader
from app.processes.logic import ProcessStep
from app.processes.publishing import legal_office_hours
from app.processes.service import version_in_force

_seq = count(1)

# The default internal process of a test procedure (10 working days = 80 office hours):
# the counter receives, a handler handles, a leader approves, a leader signs, the counter
# returns. Any leader (no position) may approve and sign, as in most older tests.
DEFAULT_STEPS = (
    ("Tiếp nhận hồ sơ", "reception", ("counter_officer",), 4),
    ("Thụ lý hồ sơ", "handling", ("handler",), 60),
    ("Lãnh đạo phòng xem xét", "approval", ("leader",), 4),
    ("Lãnh đạo ký kết quả", "signature", ("leader",), 8),
    ("Trả kết quả", "return", ("counter_officer",), 4),
)
FIRST_WORK_STEP = 2
# In force long before any test's clock, whatever today's date is.
ALWAYS = VersionHeader(decision_number="99/QĐ-UBND", decision_date=date(2020, 1, 1),
                       effective_date=date(2020, 1, 1))


def steps_for(procedure_row) -> tuple:
    """The default process's shape with the handling step taking what the procedure's
    time limit leaves after 1 office hour for each other step."""
    legal = legal_office_hours(procedure_row["time_limit_amount"],
                               procedure_row["time_limit_unit"])
    return tuple((name, kind, who, legal - 4 if kind == "handling" else 1)
                 for name, kind, who, _ in DEFAULT_STEPS)


async def process(procedure_row: Procedure | int, steps=DEFAULT_STEPS,
                  header: VersionHeader = ALWAYS) -> int:
    """Publish a process version for the procedure (a row or its id) through the real
    checks; its id. `steps`: (name, kind, performers, hours[, agency id]) in order."""
    procedure_id = getattr(procedure_row, "id", procedure_row)
    return await publish_new(procedure_id, header, [
        ProcessStep(position=n, name=step[0], kind=step[1], performers=frozenset(step[2]),
                    hours=Decimal(step[3]), agency_id=step[4] if len(step) > 4 else None)
        for n, step in enumerate(steps, start=1)])


async def agency(name: str = "Sở Tư pháp", code: str | None = None) -> Agency:
    # Three digits: never one of the two-digit codes that tests spell out.
    row = Agency(code=code or f"000.00.{next(_seq):03d}.H55", name=name, short_name=name)
    await row.save()
    return row


async def procedure(agency_row: Agency, name: str = "Cấp Phiếu lý lịch tư pháp",
                    steps=DEFAULT_STEPS) -> Procedure:
    """A procedure of 10 working days with its process published (none when `steps` is
    empty: a procedure not yet given an approved process)."""
    field = await Field.objects().get_or_create(Field.code == "TEST", {Field.name: "Thử"})
    row = Procedure(
        code=f"T.{next(_seq):06d}", name=name, field=field.id, agency=agency_row.id,
        level="tinh", time_limit_amount=Decimal(10), time_limit_unit="working_days",
        online_level="full",
    )
    await row.save()
    if steps:
        await process(row, steps)
    return row


async def dossier(procedure_row: Procedure, *, applicant_id: int | None = None,
                  phone: str = "0905123456", id_number: str = "052090001234",
                  status: Status = Status.PROCESSING) -> Dossier:
    received = now_utc()
    version = await version_in_force(procedure_row.id, received)
    row = Dossier(
        code=format_dossier_code("000.00.17.H55", received.date(), next(_seq)),
        procedure=procedure_row.id, agency=procedure_row.agency, applicant=applicant_id,
        applicant_name="Nguyễn Văn An", applicant_id_number=id_number,
        applicant_phone=phone, channel=2, status=status.value, created_at=received,
        received_at=received, due_at=received + timedelta(days=14),
        current_step=FIRST_WORK_STEP if status == Status.PROCESSING else None,
        process_version=version,
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
