"""`python -m app init`: a production start — an empty, migrated installation with the
province's root unit (and, on request, its official communes), the dated one-stop rule
sets, and one provincial admin who sets a password through a one-time link.

It refuses a database that already holds units, agencies, procedures or users, so it can
never overwrite a running province (`make run` loads the demo instead). The province's name
is written to `var/province_name`, which the interface shows unless `MOTCUA_PROVINCE_NAME`
says otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from dataclasses import dataclass

import vietnam_provinces as vp

from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit import service as audit
from app.catalog.tables import Procedure
from app.db import write_transaction
from app.directory.service import CURRENT_ERA, UnitNode, current_tree, load_tree
from app.directory.tables import AdminUnit, Agency
from app.formatting import now_utc
from app.internal.logic import PENDING_PASSWORD_HASH
from app.internal.service import issue_set_password_link
from app.settings import get_settings, province_name_file
from app.text import fold

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")


class InitRefused(ValueError):
    """Why `init` will not run (Vietnamese)."""


@dataclass(frozen=True)
class Initialised:
    province: str
    units: int
    admin: str
    link: str


def _bare(name: str) -> str:
    return fold(re.sub(r"^\s*(tỉnh|thành phố)\s+", "", name, flags=re.I))


def official_province(name: str) -> vp.Province | None:
    """The province of `vietnam-provinces` (post-2025 units) with this name, if any."""
    return next((p for p in vp.Province.iter_all() if _bare(p.name) == _bare(name)), None)


async def database_is_empty() -> bool:
    return not any([await AdminUnit.exists(), await Agency.exists(),
                    await Procedure.exists(), await User.exists()])


async def initialise(province: str, admin: str, full_name: str, email: str = "",
                     phone: str = "", with_communes: bool = False) -> Initialised:
    from app.demo.loader import load_rule_versions  # legal configuration, not demo data

    province, admin = province.strip(), admin.strip().lower()
    if not province:
        raise InitRefused("Nhập tên tỉnh (--province).")
    if not _USERNAME.match(admin):
        raise InitRefused("Tên đăng nhập quản trị gồm 3–60 chữ thường không dấu, số, "
                          "dấu chấm, gạch ngang hoặc gạch dưới.")
    official = official_province(province)
    if with_communes and official is None:
        raise InitRefused(f"Không có '{province}' trong danh mục đơn vị hành chính từ "
                          "01/07/2025; bỏ --with-communes và khai báo đơn vị trên trang quản trị.")
    async with write_transaction():
        if not await database_is_empty():
            raise InitRefused("Cơ sở dữ liệu đã có dữ liệu (đơn vị, cơ quan, thủ tục hoặc "
                              "tài khoản): init chỉ chạy trên một cơ sở dữ liệu trống.")
        if official is not None:
            root = current_tree(int(official.code))
            if not with_communes:
                root.children = []
        else:
            root = UnitNode(code="00", name=f"Tỉnh {province}", level="tinh",
                            level_name="Tỉnh")
        units = await load_tree(CURRENT_ERA, root, source="init")
        await load_rule_versions()
        user = User(username=admin, full_name=full_name.strip() or "Quản trị hệ thống",
                    role=Role.PROVINCIAL_ADMIN.value, email=email, phone=phone,
                    password_hash=PENDING_PASSWORD_HASH, created_at=now_utc())
        await user.save()
        path = await issue_set_password_link(user.id)
        await audit.record("system.initialised", "installation", "init",
                           {"province": province, "units": units, "admin": admin})
    province_name_file(get_settings().var_dir).write_text(province, encoding="utf-8")
    from app.notifications.config import notify_settings

    return Initialised(province, units, admin, notify_settings().public_url + path)


def cmd_init(args: argparse.Namespace) -> int:
    from app.system.migrations import migrate

    asyncio.run(migrate())
    try:
        done = asyncio.run(initialise(args.province, args.admin, args.name, args.email,
                                      args.phone, args.with_communes))
    except InitRefused as exc:
        print(f"Không khởi tạo: {exc}", file=sys.stderr)
        return 2
    print(f"Đã khởi tạo hệ thống: {done.province}, {done.units} đơn vị hành chính.")
    print(f"Tài khoản quản trị cấp tỉnh: {done.admin}")
    print("Đặt mật khẩu (dùng một lần, trong 72 giờ) tại:")
    print(f"  {done.link}")
    print("Lần đăng nhập đầu tiên sẽ thiết lập ứng dụng xác thực hai lớp.")
    return 0


def add_init_parser(sub) -> None:
    init = sub.add_parser("init", help="start an empty installation for a province")
    init.add_argument("--province", required=True, help='e.g. "Quảng Ngãi"')
    init.add_argument("--admin", required=True, help="username of the provincial admin")
    init.add_argument("--name", default="Quản trị hệ thống", help="the admin's full name")
    init.add_argument("--email", default="")
    init.add_argument("--phone", default="")
    init.add_argument("--with-communes", action="store_true",
                      help="also load the province's official communes and wards")
    init.set_defaults(func=cmd_init)
