"""Hostile uploads through the real submission pages: each refused with a Vietnamese
message and a 4xx, nothing stored; names never reach the file system and are shown
escaped."""

from __future__ import annotations

import struct
import zlib

from app.dossiers.tables import DossierComponent, StoredFile
from app.files import store
from app.settings import get_settings
from tests import pdfs
from tests.test_web_submission import PNG, citizen, post, start  # noqa: F401 (fixture)

PDF = pdfs.simple()


def png_claiming(width: int, height: int) -> bytes:
    """A few dozen bytes whose header announces width × height pixels (a bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


HOSTILE = {
    "oversized": ("to-khai.pdf", PDF + b"0" * (5 * 1024 * 1024), "quá lớn"),
    "exe named pdf": ("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 200, "Chỉ nhận tệp PDF"),
    "html named png": ("anh.png", b"<html><script>alert(1)</script>", "Chỉ nhận tệp PDF"),
    "decompression bomb": ("anh.png", png_claiming(100_000, 100_000), "quá lớn"),
    "truncated png": ("anh.png", PNG[: len(PNG) // 2], "bị hỏng"),
    "malformed pdf": ("to-khai.pdf", b"%PDF-\x00\xff rac", "bị hỏng"),
    "pdf with script": ("to-khai.pdf",
                        pdfs.with_action(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
                        "mã lệnh"),
    "zero bytes": ("to-khai.pdf", b"", "Tệp rỗng"),
}


def test_hostile_uploads_refused_and_nothing_stored(client, citizen):  # noqa: F811
    # One draft for all cases: each fixture costs two argon2 hashes.
    base = start(client, citizen)
    first = citizen["components"][0]
    for name, (filename, content, message) in HOSTILE.items():
        response = post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"},
                        files={f"file-{first}": (filename, content, "application/pdf")})
        assert response.status_code == 400, name
        assert message in response.text, name
        assert StoredFile.count().run_sync() == 0, name
        assert DossierComponent.count().run_sync() == 0, name
        assert store.files_on_disk() == [], name


def test_body_beyond_the_limit_is_a_413_not_a_crash(client, citizen):  # noqa: F811
    base = start(client, citizen)
    first = citizen["components"][0]
    response = post(client, base + "/thanh-phan", base + "/thanh-phan", {}, files={
        f"file-{first}": ("to-khai.pdf", PDF + b"0" * (26 * 1024 * 1024), "application/pdf")})
    assert response.status_code == 413
    assert StoredFile.count().run_sync() == 0


NAMES = ["../../../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/tmp/tuyet-doi.pdf",
         "a" * 300 + ".pdf", "a" * 5000 + ".pdf", "<img src=x onerror=alert(1)>.pdf",
         "tên có dấu\x00.pdf"]


def test_names_never_touch_the_disk_and_are_shown_escaped(client, citizen, tmp_path):  # noqa: F811
    base = start(client, citizen)
    first = citizen["components"][0]
    for n, filename in enumerate(NAMES):
        content = PDF + f"% {n}\n".encode()
        response = post(client, base + "/thanh-phan", base + "/thanh-phan", {}, files={
            f"file-{first}": (filename, content, "application/pdf")})
        if response.status_code == 400:
            # The multipart parser refuses header lines past its limit: a clean 4xx page.
            assert len(filename) > 1000 and "Yêu cầu không hợp lệ" in response.text
            continue
        assert response.status_code == 303, filename[:40]
        row = DossierComponent.select().first().run_sync()
        assert len(row["original_filename"]) <= 255
        page = client.get(base + "/kiem-tra").text
        assert "<img src=x" not in page
    # Stored by content only: the latest file (earlier ones replaced) under var/files.
    files = store.files_on_disk()
    assert all(p.parent.parent.parent == get_settings().files_dir for p in files)
    assert not (tmp_path / "etc").exists() and not (tmp_path.parent / "tuyet-doi.pdf").exists()
