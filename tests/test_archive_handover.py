"""Issue #22's acceptance drill: fifty dossiers of three procedures are closed through the
real workflow (one refused at the counter, one with a supplement request and an apology,
a few with scanned components; every result drafted, approved, signed on the server with
a key of the test CA and issued), the agency admin asks for the package of the period on
the web page, the worker builds it, and the archive's checks hold without our software:
the bag validates with `bagit`, every PDF in it declares PDF/A in its XMP metadata
(pikepdf) and passes `qpdf --check`, each file's manifest counts and checksums match the
files, and a signed result taken out of the bag still validates (pyHanko, pdfsig). The
archivist then confirms and the dossiers stay readable.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import bagit
import pikepdf
import pytest

from app.archive import storage
from app.archive.tables import ArchivalFile, ArchivePackage
from app.dossiers.tables import DossierResult
from app.formatting import format_date, to_local
from app.jobs.tables import JobRun
from app.signatures import pades
from app.signatures.certificates import trust_roots
from tests.archive_copies import package_folder
from tests.archive_world import (
    make_world,
    pdfa_document,
    refused_at_counter,
    returned,
    scanned_pdf,
)
from tests.conftest import post_form, run
from tests.signing_world import signing  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow
DOSSIERS = 50


def _pdfs(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pdf"))


def test_fifty_closed_dossiers_make_a_package_the_archive_can_verify_alone(
        client, immediate_huey, signing):  # noqa: F811
    world = run(make_world(signing))

    async def close_all() -> list[int]:
        ids = [await refused_at_counter(world, world.procedures[0]),
               await returned(world, world.procedures[1], supplements=1, apology=True)]
        for number in range(DOSSIERS - 2):
            # Two real scans (OCR is slow), a born-digital PDF/A now and then, the rest
            # of the components on paper only.
            files = ({1: (scanned_pdf(), "application/pdf")} if number in (0, 1) else
                     {2: (pdfa_document("Căn cước"), "application/pdf")} if number % 8 == 0
                     else None)
            ids.append(await returned(world, world.procedures[number % 3], files=files,
                                      name=f"Công dân số {number}"))
        return ids

    ids = run(close_all())  # each closing queues its file's build (immediate mode: built now)
    files = ArchivalFile.select().order_by(ArchivalFile.id).run_sync()
    assert len(files) == DOSSIERS and {f["status"] for f in files} == {"built"}
    first = min(to_local(f["end_at"]).date() for f in files)
    last = max(to_local(f["end_at"]).date() for f in files)

    client.cookies.set("motcua_session", world.cookies["agency_admin"])
    answer = post_form(client, "/luu-tru/nop-luu", "/luu-tru/nop-luu", {
        "co_quan": str(world.agency.id), "tu_ngay": format_date(first),
        "den_ngay": format_date(last)})
    assert answer.status_code == 200 and "Chờ lưu trữ xác nhận" in answer.text
    package = ArchivePackage.select().first().run_sync()
    job = JobRun.select().where(JobRun.task.like("%build_package")).first().run_sync()
    assert job["status"] == "succeeded" and job["progress"] == f"{DOSSIERS}/{DOSSIERS} hồ sơ"

    folder = package_folder(package["code"])
    bagit.Bag(str(folder)).validate()  # every payload and tag file against its SHA-256
    assert (folder / "manifest-sha256.txt").exists()
    pdfs = _pdfs(folder / "data")
    assert len(pdfs) >= 4 * DOSSIERS
    for pdf in pdfs:
        with pikepdf.open(pdf) as opened:
            assert opened.open_metadata().pdfa_status == "2B", pdf.name
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0, (pdf.name, check.stdout[-300:])

    described = json.loads((folder / "data" / "goi-nop-luu.json").read_text())
    assert len(described["files"]) == DOSSIERS
    for entry in described["files"]:
        manifest = json.loads((folder / entry["manifest"]).read_text())
        documents = manifest["documents"]
        assert manifest["file"]["document_count"] == len(documents) == entry["documents"]
        for document in documents:
            path = folder / entry["folder"] / document["filename"]
            assert storage.sha256_file(path) == document["sha256"]
        on_disk = {p.name for p in (folder / entry["folder"]).iterdir()}
        assert on_disk == {d["filename"] for d in documents} | {
            "metadata.json", "muc-luc-van-ban.pdf"}
    special_code = next(f["code"] for f in files if f["dossier"] == ids[1])
    special = json.loads((folder / "data" / special_code / "metadata.json").read_text())
    assert "Số lần yêu cầu bổ sung: 1" in special["file"]["notes"]

    # The signed result, taken out of the bag, still validates: pyHanko against the trusted
    # CA, and poppler's pdfsig from outside.
    signed = next(d for d in special["documents"] if d["source"] == "result")
    assert signed["conversion"] == "signed_kept" and signed["format"] == "PDF/A-2b"
    path = folder / "data" / special_code / signed["filename"]
    issued = DossierResult.select().where(DossierResult.dossier == ids[1]).first().run_sync()
    assert storage.sha256_file(path) == issued["signed_sha256"]
    facts = pades.inspect(path.read_bytes(), trust_roots())
    assert (facts.intact, facts.whole_file, facts.trusted) == (True, True, True)
    assert facts.signer_name == world.leader.full_name
    outside = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in outside and "Total document signed" in outside

    client.cookies.set("motcua_session", world.cookies["archivist"])
    url = f"/luu-tru/nop-luu/{package['id']}"
    confirmed = post_form(client, url, f"{url}/xac-nhan", {"da_kiem_tra": "1"})
    assert confirmed.status_code == 200 and "đã xác nhận giao nhận" in confirmed.text
    handed = ArchivalFile.select(ArchivalFile.handed_over_at).run_sync()
    assert all(row["handed_over_at"] for row in handed)
    # Handed over, still readable: the dossier page and the archived documents.
    assert client.get(f"/can-bo/ho-so/{ids[1]}").status_code == 200
    file_page = client.get(f"/luu-tru/ho-so/{files[1]['id']}")
    assert "Đã nộp lưu" in file_page.text
