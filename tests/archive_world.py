"""A small province for the archive tests: one agency with three procedures, its staff
(counter, handler, leader, archivist, agency admin, provincial admin) and helpers that take
dossiers through the real workflow to each way of closing.

Component files are put in the real file store, as the counter's digitisation or an
online upload would: a born-digital PDF/A, a plain PDF (no PDF/A metadata), a scanned page
without text and a phone photo (JPEG).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image, ImageDraw, ImageFont

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User, UserAgency
from app.catalog.tables import Field, ProcedureComponent
from app.counter.service import Reception, receive
from app.documents.pdf import PDFA_VARIANT, html_to_pdf
from app.dossiers.logic import Channel, Status
from app.dossiers.tables import DossierComponent
from app.files import store
from app.formatting import now_utc
from app.workflow import Action
from app.workflow.service import perform, snapshot
from tests import factories
from tests.signing_world import sign_and_issue

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SCAN_LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
              "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Họ và tên người yêu cầu: Nguyễn Thị Hồng Nhung")


def _html(title: str, body: str) -> str:
    return (f"<html lang='vi'><head><meta charset='utf-8'><title>{title}</title>"
            "<style>body{font-family:'DejaVu Sans'}</style></head>"
            f"<body><h1>{title}</h1><p>{body}</p></body></html>")


def pdfa_document(title: str, body: str = "Nội dung văn bản.") -> bytes:
    return html_to_pdf(_html(title, body), pdf_variant=PDFA_VARIANT)


def plain_pdf(title: str) -> bytes:
    return html_to_pdf(_html(title, "Bản PDF thường, không có siêu dữ liệu PDF/A."))


def _page_image() -> Image.Image:
    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, 34)
    for number, line in enumerate(SCAN_LINES):
        draw.text((110, 150 + number * 70), line, font=font, fill=0)
    return image


def scanned_pdf() -> bytes:
    out = io.BytesIO()
    _page_image().save(out, "PDF", resolution=150)
    return out.getvalue()


def phone_photo() -> bytes:
    out = io.BytesIO()
    _page_image().convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


@dataclass
class World:
    agency: object
    procedures: list
    counter: object
    handler: object
    leader: object
    archivist: object
    agency_admin: object
    provincial_admin: object
    cookies: dict
    signing: object = None  # tests/signing_world.Signing: the leader signs on the server


async def _staff(role: Role, agency_id: int, username: str):
    # Signed in by session, never by password: the row is written without an argon2 hash
    # (a quarter of a second each), with an unusable password.
    user = User(username=username, full_name=f"Trần Văn {username.title()}", role=role.value,
                password_hash="!", created_at=now_utc())
    await user.save()
    await UserAgency(user=user.id, agency=agency_id).save()
    token = await accounts.start_session(user, "127.0.0.1", "t")
    return await accounts.load_session(token), accounts.cookie_value(token)


async def make_world(signing=None) -> World:
    """`signing` (the `signing` fixture) is needed to return results: the leader gets a
    server-held key from the test CA the fixture trusts."""
    # The agency's code differs from the one factories.dossier stamps on its rows, so the
    # counter's daily numbers never meet a factory-made code.
    agency = await factories.agency("Sở Tư pháp tỉnh Quảng Ngãi", code="000.00.30.H55")
    field = await Field.objects().get_or_create(Field.code == "HT", {Field.name: "Hộ tịch"})
    procedures = []
    for name in ("Đăng ký khai sinh", "Cấp Phiếu lý lịch tư pháp", "Chứng thực bản sao"):
        procedure = await factories.procedure(agency, name=name)
        procedure.field = field.id
        await procedure.save()
        for position, component in enumerate(("Tờ khai", "Giấy tờ tùy thân"), start=1):
            await ProcedureComponent(procedure=procedure.id, position=position, name=component,
                                     kind="original", quantity=1).save()
        procedures.append(procedure)
    staff, cookies = {}, {}
    for key, role in (("counter", Role.COUNTER_OFFICER), ("handler", Role.HANDLER),
                      ("leader", Role.LEADER), ("archivist", Role.ARCHIVIST),
                      ("agency_admin", Role.AGENCY_ADMIN),
                      ("provincial_admin", Role.PROVINCIAL_ADMIN)):
        staff[key], cookies[key] = await _staff(role, agency.id, key.replace("_", ""))
    if signing is not None:
        await signing.give_key(staff["leader"].username, staff["leader"].full_name)
    return World(agency=agency, procedures=procedures, cookies=cookies, signing=signing,
                 **staff)


async def _components(procedure_id: int) -> list[int]:
    rows = await ProcedureComponent.select(ProcedureComponent.id).where(
        ProcedureComponent.procedure == procedure_id).order_by(ProcedureComponent.position)
    return [row["id"] for row in rows]


async def received(world: World, procedure, name: str = "Nguyễn Văn An") -> int:
    return await receive(world.counter, procedure.id, Reception(
        applicant_name=name, applicant_id_number="052090001234", applicant_phone="0905123456",
        applicant_address="Phường Cẩm Thành", channel=Channel.IN_PERSON,
        component_ids=await _components(procedure.id)))


async def attach(dossier_id: int, position: int, data: bytes, content_type: str,
                 *, digitised: bool = False) -> str:
    """Give the dossier's `position`-th component a stored file (as digitisation does)."""
    stored = await store.store(data, content_type)
    rows = await DossierComponent.select(DossierComponent.id).where(
        DossierComponent.dossier == dossier_id).order_by(DossierComponent.id)
    await DossierComponent.update({DossierComponent.file: stored.id,
                                   DossierComponent.digitised: digitised}).where(
        DossierComponent.id == rows[position - 1]["id"])
    return stored.sha256


async def returned(world: World, procedure, result: bytes | None = None, *,
                   supplements: int = 0, apology: bool = False,
                   files: dict[int, tuple[bytes, str]] | None = None, **kwargs) -> int:
    """Received (with `files` for components, by position, as the counter digitises
    them), processed through both steps with a PDF/A draft result that the leader approves
    and signs on the server, issued and returned; on the way, `supplements` supplement
    requests (naming the first component) answered at the counter, and an apology with a
    new appointment. Needs a world made with `signing`."""
    dossier_id = await received(world, procedure, **kwargs)
    for position, (data, content_type) in (files or {}).items():
        await attach(dossier_id, position, data, content_type, digitised=True)
    await perform(dossier_id, world.counter, Action.FORWARD, assignee_id=world.handler.id)
    first = (await _components(procedure.id))[0]
    for number in range(supplements):
        await perform(dossier_id, world.handler, Action.REQUEST_SUPPLEMENT,
                      reason=f"Bổ sung lần {number + 1}: bản chụp rõ nét",
                      components=[first])
        await perform(dossier_id, world.counter, Action.SUPPLY_SUPPLEMENT)
    if apology:
        due = (await snapshot(dossier_id)).row["due_at"]
        await perform(dossier_id, world.handler, Action.RECORD_APOLOGY,
                      new_due_at=due + timedelta(days=3), reason="Chờ xác minh của Công an xã")
    draft = result or pdfa_document("Kết quả", f"Hồ sơ {dossier_id}")
    # The handler drafts, the leader approves and signs on the server, the result is issued.
    await sign_and_issue(dossier_id, world.handler, world.leader, draft, counter=world.counter,
                         finish=True)
    await perform(dossier_id, world.counter, Action.RETURN_RESULT)
    return dossier_id


async def stopped(world: World, procedure) -> int:
    dossier_id = await received(world, procedure)
    await perform(dossier_id, world.counter, Action.FORWARD, assignee_id=world.handler.id)
    await perform(dossier_id, world.leader, Action.STOP, reason="Người yêu cầu đã chết")
    return dossier_id


async def refused_at_counter(world: World, procedure) -> int:
    dossier = await factories.dossier(procedure, status=Status.NEW)
    await perform(dossier.id, world.counter, Action.REFUSE,
                  reason="Hồ sơ không thuộc trường hợp được giải quyết")
    return dossier.id


async def stranger() -> str:
    """The session cookie of an archivist of another agency."""
    other = await factories.agency("Sở Xây dựng")
    _, cookie = await _staff(Role.ARCHIVIST, other.id, "luutru.khac")
    return cookie
