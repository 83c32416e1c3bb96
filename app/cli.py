"""Command line: `python -m app migrate | init | seed | createuser | reset-second-factor |
deadline | catalog import/export | signing | late-lists run | files … | archive … |
audit verify`.

Each command is a small function; argparse wires them. Commands print plain text and
exit non-zero on failure, so they can be scripted by the IT team and the Makefile.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time

import piccolo_conf  # noqa: F401  (registers the engine)


def cmd_migrate(args: argparse.Namespace) -> int:
    from app.system.migrations import migrate

    widened = asyncio.run(migrate())
    print("Đã áp dụng migration.")
    if widened:
        print("Cột id đã mở rộng thành 64 bit: " + ", ".join(widened))
    from app.settings import get_settings

    if get_settings().huey_url:
        from app.tasks import adopt_list_queue, huey

        moved = adopt_list_queue(huey.storage)
        if moved:
            print(f"Đã chuyển {moved} tác vụ đang chờ sang hàng đợi có độ ưu tiên.")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    if not (args.demo or args.dossiers):
        print("Chọn --demo và/hoặc --dossiers N.", file=sys.stderr)
        return 2
    if args.demo:
        from app.demo.loader import database_is_empty, load_demo

        if not asyncio.run(database_is_empty()):
            if not args.if_empty:
                print("Cơ sở dữ liệu đã có dữ liệu; bỏ qua dữ liệu mẫu.")
        else:
            started = time.monotonic()
            users = asyncio.run(load_demo())
            print(f"Đã nạp tỉnh mẫu trong {time.monotonic() - started:.1f} giây.")
            from app.signatures.demo import demo_directory

            print(f"Khóa ký số thử nghiệm: {demo_directory()} (CA thử nghiệm: ca.pem; "
                  "chỉ dùng cho bản demo).")
            print("Tài khoản mẫu (mật khẩu chỉ hiện một lần):")
            for username, role_label, password in users:
                print(f"  {username:<24} {password:<20} {role_label}")
    if args.dossiers:
        from app.dossiers.bulk import generate_dossiers
        from app.formatting import format_number
        from app.settings import get_settings

        result = generate_dossiers(get_settings().database_url, args.dossiers)
        print(f"Đã tạo {format_number(result['dossiers'])} hồ sơ và "
              f"{format_number(result['events'])} sự kiện trong {result['seconds']:.1f} giây.")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    from app.accounts import service as accounts
    from app.accounts.passwords import password_problems
    from app.accounts.roles import Position, Role
    from app.accounts.second_factor import staff_password_problems
    from app.identity import service as identity

    password = args.password or getpass.getpass("Mật khẩu: ")
    rules = staff_password_problems if Role(args.role).is_staff else password_problems
    problems = rules(password, username=args.username)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    try:
        role = Role(args.role)
        # An administrator creating an account with an ID number vouches for it (README,
        # "Identity check"): the account is verified, as after a population-database match.
        user = asyncio.run(identity.create_vouched_user(
            reason="createuser", username=args.username, password=password,
            full_name=args.name, role=role, agency_ids=args.agency or [],
            id_number=args.id_number, position=Position(args.position),
        ))
    except (ValueError, accounts.AccountError) as exc:
        print(f"Không tạo được tài khoản: {exc}", file=sys.stderr)
        return 2
    verified = " (đã xác thực số định danh)" if args.id_number else ""
    print(f"Đã tạo tài khoản {user.username} ({role.label}), id {user.id}{verified}.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from app.audit.service import verify

    problems = asyncio.run(verify())
    if not problems:
        print("Nhật ký kiểm toán toàn vẹn.")
        return 0
    for problem in problems:
        where = f"bản ghi {problem.entry_id}" if problem.entry_id else "chuỗi"
        print(f"LỖI {where}: {problem.message}", file=sys.stderr)
    return 1


def cmd_reset_second_factor(args: argparse.Namespace) -> int:
    from app.accounts import second_factor_service
    from app.accounts.service import AccountError

    try:
        user = asyncio.run(second_factor_service.reset(args.username))
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"Đã đặt lại xác thực hai lớp của {user.username}; các phiên đăng nhập đã kết thúc. "
          f"Lần đăng nhập sau, người dùng sẽ thiết lập lại ứng dụng xác thực.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from app.accounts.roles import Position, Role

    parser = argparse.ArgumentParser(prog="python -m app", description="Một Cửa")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    seed = sub.add_parser("seed", help="load demo data or generate dossiers")
    seed.add_argument("--demo", action="store_true", help="load the demo province")
    seed.add_argument("--if-empty", action="store_true",
                      help="with --demo: silently do nothing when data exists")
    seed.add_argument("--dossiers", type=int, metavar="N", help="generate N historical dossiers")
    seed.set_defaults(func=cmd_seed)

    create = sub.add_parser("createuser", help="create an account")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="full name")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--agency", type=int, action="append", help="agency id (repeatable)")
    create.add_argument("--id-number", default=None)
    create.add_argument("--password", default=None, help="omit to be asked")
    create.add_argument("--position", default="", choices=[p.value for p in Position],
                        help="a leader's position: unit_leader, agency_leader, chairman")
    create.set_defaults(func=cmd_createuser)

    reset = sub.add_parser("reset-second-factor",
                           help="forget a user's TOTP app and recovery codes (lost phone)")
    reset.add_argument("username")
    reset.set_defaults(func=cmd_reset_second_factor)

    from app.calendar.cli import add_deadline_parser

    add_deadline_parser(sub)

    from app.files.cli import add_files_parser

    add_files_parser(sub)

    from app.archive.cli import add_archive_parser

    add_archive_parser(sub)

    from app.signatures.cli import add_signing_parser

    add_signing_parser(sub)
    from app.late_lists.cli import add_late_lists_parser

    add_late_lists_parser(sub)

    from app.system.restore_check import add_restore_check_parser

    add_restore_check_parser(sub)

    from app.catalog_io.cli import add_catalog_parser
    from app.system.initialise import add_init_parser

    add_init_parser(sub)
    add_catalog_parser(sub)

    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="verify the hash chain").set_defaults(func=cmd_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
