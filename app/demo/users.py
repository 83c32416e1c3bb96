"""Demo users: at least one for every role, with fixed usernames and fresh random passwords.

    username         role                         scope (agency code)
    congdan1         Công dân                     —  (CCCD 051090012345)
    congdan2         Công dân                     —  (CCCD 062195006789)
    doanhnghiep1     Đại diện tổ chức, doanh nghiệp  —  (mã số thuế 4300856142)
    motcua.tuphap    Công chức Bộ phận Một cửa    Sở Tư pháp (000.00.17.H55)
    motcua.xaydung   Công chức Bộ phận Một cửa    Sở Xây dựng (000.00.13.H55)
    motcua.kontum    Công chức Bộ phận Một cửa    UBND phường Kon Tum (000.01.40.H55)
    thuly.tuphap     Chuyên viên thụ lý           Sở Tư pháp
    lanhdao.tuphap   Lãnh đạo (Lãnh đạo cơ quan)  Sở Tư pháp
    thuly.xaydung    Chuyên viên thụ lý           Sở Xây dựng
    truongphong.xaydung Lãnh đạo (Lãnh đạo phòng)  Sở Xây dựng
    giamdoc.xaydung  Lãnh đạo (Lãnh đạo cơ quan)  Sở Xây dựng
    thuly.kontum     Chuyên viên thụ lý           UBND phường Kon Tum
    truongphong.kontum Lãnh đạo (Lãnh đạo phòng)   UBND phường Kon Tum
    chutich.kontum   Lãnh đạo (Chủ tịch UBND)     UBND phường Kon Tum
    quantri.tuphap   Quản trị cơ quan             Sở Tư pháp
    quantri.tinh     Quản trị cấp tỉnh            Văn phòng UBND tỉnh (000.00.01.H55), province-wide
    buudien1         Nhân viên bưu chính công ích TT Phục vụ hành chính công (000.20.01.H55)
    thanhtra1        Thanh tra, kiểm tra          province-wide, no agency
    luutru.tuphap    Cán bộ lưu trữ cơ quan       Sở Tư pháp (receives hand-over packages)
    vanthu.vpubnd    Công chức Bộ phận Một cửa    Văn phòng UBND tỉnh (internal procedures)
    chuyenvien.vpubnd Chuyên viên thụ lý          Văn phòng UBND tỉnh
    lanhdao.vpubnd   Lãnh đạo (Lãnh đạo cơ quan)  Văn phòng UBND tỉnh

Leaders carry a position (unit leader, agency leader, Chairman): the steps of the
internal processes name who signs or approves by position (`app.processes`).

Passwords are generated at load time and handed back once so the CLI can print them; only
their argon2 hashes are stored. A username or identity number already present is skipped.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from app.accounts.passwords import password_problems
from app.accounts.roles import Position, Role
from app.accounts.second_factor import staff_password_problems
from app.accounts.tables import User
from app.directory.tables import Agency
from app.identity.sandbox import demo_people, load_demo_people
from app.identity.service import create_vouched_user

TU_PHAP, XAY_DUNG, VP_UBND = "000.00.17.H55", "000.00.13.H55", "000.00.01.H55"
TT_PVHCC, PHUONG_KON_TUM = "000.20.01.H55", "000.01.40.H55"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    agencies: tuple[str, ...] = ()
    id_number: str | None = None
    email: str = ""
    phone: str = ""
    position: Position = Position.NONE


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("congdan1", "Nguyễn Văn An", Role.CITIZEN, id_number="051090012345",
             email="congdan1@example.vn", phone="0905123456"),
    DemoUser("congdan2", "Y Hoa", Role.CITIZEN, id_number="062195006789", phone="0914222333"),
    DemoUser("doanhnghiep1", "Trần Minh Quang (Công ty TNHH Xây dựng Sông Trà)",
             Role.ORGANISATION, id_number="4300856141", email="songtra@example.vn",
             phone="0983456789"),
    DemoUser("motcua.tuphap", "Lê Thị Hồng", Role.COUNTER_OFFICER, (TU_PHAP,),
             email="hong.lt@example.vn"),
    DemoUser("motcua.xaydung", "Phạm Văn Hải", Role.COUNTER_OFFICER, (XAY_DUNG,),
             email="hai.pv@example.vn"),
    DemoUser("motcua.kontum", "A Thuận", Role.COUNTER_OFFICER, (PHUONG_KON_TUM,),
             email="thuan.a@example.vn"),
    DemoUser("thuly.tuphap", "Võ Thị Mai", Role.HANDLER, (TU_PHAP,), email="mai.vt@example.vn"),
    DemoUser("lanhdao.tuphap", "Đinh Văn Tâm", Role.LEADER, (TU_PHAP,),
             email="tam.dv@example.vn", position=Position.AGENCY_LEADER),
    DemoUser("thuly.xaydung", "Nguyễn Thị Kim Oanh", Role.HANDLER, (XAY_DUNG,),
             email="oanh.ntk@example.vn"),
    DemoUser("truongphong.xaydung", "Lê Minh Tuấn", Role.LEADER, (XAY_DUNG,),
             email="tuan.lm@example.vn", position=Position.UNIT_LEADER),
    DemoUser("giamdoc.xaydung", "Phan Văn Dũng", Role.LEADER, (XAY_DUNG,),
             email="dung.pv@example.vn", position=Position.AGENCY_LEADER),
    DemoUser("thuly.kontum", "Y Nhung", Role.HANDLER, (PHUONG_KON_TUM,),
             email="nhung.y@example.vn"),
    DemoUser("truongphong.kontum", "Hoàng Văn Nam", Role.LEADER, (PHUONG_KON_TUM,),
             email="nam.hv@example.vn", position=Position.UNIT_LEADER),
    DemoUser("chutich.kontum", "A Khánh", Role.LEADER, (PHUONG_KON_TUM,),
             email="khanh.a@example.vn", position=Position.CHAIRMAN),
    DemoUser("quantri.tuphap", "Huỳnh Văn Lộc", Role.AGENCY_ADMIN, (TU_PHAP,),
             email="loc.hv@example.vn"),
    DemoUser("quantri.tinh", "Nguyễn Thị Thu", Role.PROVINCIAL_ADMIN, (VP_UBND,),
             email="thu.nt@example.vn"),
    DemoUser("buudien1", "Trương Văn Bình", Role.POSTAL_STAFF, (TT_PVHCC,),
             email="binh.tv@example.vn"),
    DemoUser("thanhtra1", "Lý Văn Sơn", Role.AUDITOR, email="son.lv@example.vn"),
    DemoUser("luutru.tuphap", "Phan Thị Kim Oanh", Role.ARCHIVIST, (TU_PHAP,),
             email="oanh.ptk@example.vn"),
    # The Provincial Office receives and decides the internal account procedures (seed 000).
    DemoUser("vanthu.vpubnd", "Đoàn Thị Lan", Role.COUNTER_OFFICER, (VP_UBND,),
             email="lan.dt@example.vn"),
    DemoUser("chuyenvien.vpubnd", "Lê Thị Phương", Role.HANDLER, (VP_UBND,),
             email="phuong.lt@example.vn"),
    DemoUser("lanhdao.vpubnd", "Trần Quốc Việt", Role.LEADER, (VP_UBND,),
             email="viet.tq@example.vn", position=Position.AGENCY_LEADER),
)


def new_password(username: str) -> str:
    """A random password that both account rules accept (staff: letters and digits, ≥ 10)."""
    while True:
        candidate = secrets.token_urlsafe(9)
        if not (password_problems(candidate, username=username)
                or staff_password_problems(candidate, username=username)):
            return candidate


async def create_demo_users() -> list[tuple[str, str, str]]:
    """Create the demo users not yet present: (username, role label, password) for each."""
    agency_ids = {row["code"]: row["id"] for row in await Agency.select(Agency.id, Agency.code)}
    taken = await User.select(User.username, User.id_number).where(
        User.username.is_in([u.username for u in DEMO_USERS])
        | User.id_number.is_in([u.id_number for u in DEMO_USERS if u.id_number])
    )
    taken_names = {row["username"] for row in taken}
    taken_ids = {row["id_number"] for row in taken}
    # The sandbox population registry knows the demo citizens (and a few people without an
    # account, to register as); the demo applicants are verified as if an admin vouched.
    await load_demo_people()
    born = {person.id_number: person.birth_date for person in demo_people()}
    created = []
    for demo in DEMO_USERS:
        if demo.username in taken_names or (demo.id_number and demo.id_number in taken_ids):
            continue
        missing = [code for code in demo.agencies if code not in agency_ids]
        if missing:
            raise ValueError(f"demo user {demo.username}: unknown agencies {missing}")
        password = new_password(demo.username)
        await create_vouched_user(
            reason="demo", birth_date=born.get(demo.id_number or ""),
            username=demo.username, password=password, full_name=demo.full_name,
            role=demo.role, agency_ids=[agency_ids[code] for code in demo.agencies],
            id_number=demo.id_number, email=demo.email, phone=demo.phone,
            position=demo.position,
        )
        created.append((demo.username, demo.role.label, password))
    return created
