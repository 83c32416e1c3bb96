"""Builders shared by the digitisation and warehouse tests: a printed Vietnamese page,
a received dossier with components, staff and citizens as the app sees them."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.catalog.tables import ProcedureComponent
from app.dossiers.tables import DossierComponent
from tests import factories

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAGE_LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Giấy chứng nhận quyền sử dụng đất",
              "Họ và tên: Nguyễn Thị Hồng Nhung", "Số CCCD: 052090001234"]


def printed_page(lines=PAGE_LINES, rotate_exif: bool = False) -> bytes:
    """A phone-photo-like JPEG of a printed page in DejaVu Sans (Vietnamese glyphs)."""
    font = ImageFont.truetype(FONT, 28)
    image = Image.new("RGB", (1240, 120 + 70 * len(lines)), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((60, 60 + index * 70), line, fill=(20, 20, 20), font=font)
    exif = Image.Exif()
    if rotate_exif:  # stored sideways, with the tag saying how to turn it back
        image = image.rotate(90, expand=True)
        exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def as_current(user, role: Role, agency_ids=()) -> CurrentUser:
    return CurrentUser(id=user.id, username=user.username, full_name=user.full_name,
                       role=role, agency_ids=tuple(agency_ids), session_token="test")


async def counter_world(id_number: str = "052090001234") -> dict:
    """Agency, procedure with two components, a counter officer, a dossier in processing
    with its components recorded (as the counter does), and the officer as CurrentUser."""
    agency = await factories.agency("Sở Tài nguyên và Môi trường")
    procedure = await factories.procedure(agency, name="Đăng ký đất đai lần đầu")
    components = []
    for position, name in enumerate(["Giấy chứng nhận", "Bản chụp CCCD"], 1):
        row = ProcedureComponent(procedure=procedure.id, position=position, name=name,
                                 kind="copy", required=True)
        await row.save()
        components.append(row)
    officer = await accounts.create_user(
        username=f"motcua.{agency.id}", password="abc12345", full_name="Lê Thị Hồng",
        role=Role.COUNTER_OFFICER, agency_ids=[agency.id])
    dossier = await factories.dossier(procedure, id_number=id_number)
    component_ids = []
    for component in components:
        row = DossierComponent(dossier=dossier.id, procedure_component=component.id,
                               name=component.name, kind="copy", quantity=1)
        await row.save()
        component_ids.append(row.id)
    return {"agency": agency, "procedure": procedure, "dossier_id": dossier.id,
            "component_ids": component_ids, "officer_row": officer,
            "officer": as_current(officer, Role.COUNTER_OFFICER, [agency.id])}
