"""The electronic copy of a paper component is signed with the receiving agency's
organisational certificate when the server holds one, validates like any signed file, and
the digitisation page says whether each scan is signed."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from app.accounts import service as accounts
from app.digitisation import service as digitisation
from app.digitisation.tables import Scan
from app.dossiers import queries
from app.files import store
from app.signatures import pades
from app.signatures.certificates import trust_roots
from app.signatures.tables import DocumentSignature, SigningCertificate
from tests.conftest import run
from tests.digitisation_helpers import counter_world, printed_page
from tests.signing_world import signing  # noqa: F401  (fixture)


def scan(world) -> dict:
    dossier = run(queries.dossier_for_staff(world["dossier_id"], world["officer"]))
    scan_id = run(digitisation.scan_component(world["officer"], dossier,
                                              world["component_ids"][0], [printed_page()]))
    return run(Scan.select().where(Scan.id == scan_id).first().run())


def page_text(client, world) -> str:
    token = run(accounts.start_session(world["officer_row"], "127.0.0.1", "t"))
    client.cookies.set("motcua_session", accounts.cookie_value(token))
    return client.get(f"/can-bo/ho-so/{world['dossier_id']}/so-hoa").text


def test_a_scan_is_signed_by_the_receiving_agency_and_validates(client, signing, tmp_path):  # noqa: F811
    world = run(counter_world())
    run(signing.give_agency_key(world["agency"].code, "Sở Tài nguyên và Môi trường"))
    row = scan(world)

    signed = store.read(row["sha256"])
    facts = asyncio.run(asyncio.to_thread(pades.inspect, signed, trust_roots()))
    assert (facts.intact, facts.whole_file, facts.trusted) == (True, True, True)
    assert facts.signer_name == "Sở Tài nguyên và Môi trường"
    path = Path(tmp_path / "scan.pdf")
    path.write_bytes(signed)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True,
                            timeout=30).stdout
    assert "Signature is Valid" in report
    assert "Signer Certificate Common Name: Sở Tài nguyên và Môi trường" in report
    recorded = DocumentSignature.select().first().run_sync()
    assert (recorded["purpose"], recorded["sha256"], recorded["file"]) == (
        "scan", row["sha256"], row["file"])
    assert "Đã ký số: Sở Tài nguyên và Môi trường" in page_text(client, world)


def test_without_an_organisational_key_the_scan_is_kept_unsigned_and_says_so(client, signing):  # noqa: F811
    world = run(counter_world())
    row = scan(world)
    assert not pades.inspect(store.read(row["sha256"]), []).signed
    assert DocumentSignature.count().run_sync() == 0
    assert "Chưa ký số (cơ quan tiếp nhận chưa cấu hình chứng thư số tổ chức)" in page_text(
        client, world)


def test_a_configured_key_that_cannot_sign_refuses_the_scan_and_keeps_nothing(signing):  # noqa: F811
    world = run(counter_world())
    run(signing.give_agency_key(world["agency"].code, "Sở Tài nguyên và Môi trường"))
    key = SigningCertificate.select().first().run_sync()
    Path(key["passphrase_path"]).unlink()  # the passphrase file went missing
    with pytest.raises(digitisation.ScanRefused, match="Chưa ký số được bản số hóa: Không "
                       "đọc được tệp khóa ký số trên máy chủ"):
        scan(world)
    assert Scan.count().run_sync() == 0 and DocumentSignature.count().run_sync() == 0
