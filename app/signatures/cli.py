"""`python -m app signing add | list | disable`: the IT team registers who signs with which
certificate. Keys stay in files on the server (readable only by the service account); the
database keeps their paths, never a key or a passphrase."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from app.formatting import format_date
from app.signatures import service
from app.signatures.certificates import CertificateProblem


def cmd_signing(args: argparse.Namespace) -> int:
    try:
        if args.signing_command == "add":
            certificate = Path(args.certificate).read_bytes() if args.certificate else b""
            row_id = asyncio.run(service.register(
                username=args.user or "", agency_code=args.agency or "",
                certificate=certificate, pkcs12_path=args.pkcs12 or "",
                passphrase_path=args.passphrase_file or ""))
            print(f"Đã đăng ký chứng thư số số {row_id}.")
        elif args.signing_command == "disable":
            asyncio.run(service.disable(args.id))
            print(f"Đã vô hiệu hóa chứng thư số số {args.id}.")
        else:
            for row in asyncio.run(service.registrations()):
                holder = row["username"] or f"cơ quan {row['agency_code']}"
                key = "khóa trên máy chủ" if row["pkcs12_path"] else "ký nơi khác"
                state = "" if row["active"] else "  [đã vô hiệu hóa]"
                print(f"{row['id']:>4}  {holder:<24} {row['common_name']:<32} "
                      f"hết hạn {format_date(row['not_after'])}  {key}  "
                      f"{row['fingerprint'][:16]}…{state}")
    except (CertificateProblem, OSError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    return 0


def add_signing_parser(sub) -> None:
    signing = sub.add_parser("signing", help="digital signature certificates (ký số)")
    signing_sub = signing.add_subparsers(dest="signing_command", required=True)
    add = signing_sub.add_parser("add", help="register a certificate for a user or an agency")
    holder = add.add_mutually_exclusive_group(required=True)
    holder.add_argument("--user", help="username of the signer (a leader)")
    holder.add_argument("--agency", help="agency code: its organisational certificate")
    add.add_argument("--certificate", help="PEM/DER certificate (signs elsewhere: USB token)")
    add.add_argument("--pkcs12", help="PKCS#12 file on this server: the server can sign")
    add.add_argument("--passphrase-file", help="file whose first line is the PKCS#12 passphrase")
    signing_sub.add_parser("list", help="list registered certificates")
    disable = signing_sub.add_parser("disable", help="stop using a registered certificate")
    disable.add_argument("id", type=int)
    signing.set_defaults(func=cmd_signing)
