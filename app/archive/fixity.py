"""Fixity: every archived document and every hand-over package re-hashed against what was
recorded when it was made. Run weekly by housekeeping (`app.tasks.housekeeping`) and by
`python -m app archive verify`; a mismatch names the file.

Documents are checked against their SHA-256 in `archival_document` and each file's
metadata.json against `manifest_sha256`; packages with `bagit` (every payload file against
manifest-sha256.txt, the tag files against tagmanifest-sha256.txt) and the tag manifest
against the digest recorded when the bag was built, so a bag whose manifests were
rewritten to match altered files is caught too.
"""

from __future__ import annotations

import bagit

from app.archive import storage
from app.archive.logic import FileStatus, PackageStatus
from app.archive.tables import ArchivalDocument, ArchivalFile, ArchivePackage

BATCH = 200


def _mismatch(path, expected: str) -> bool:
    return not path.exists() or storage.sha256_file(path) != expected


def _document_mismatch(code: str, filename: str, expected: str) -> bool:
    return storage.document_sha256(code, filename) != expected


async def verify_files() -> tuple[int, list[str]]:
    """(documents checked, problems) over every built file, a batch of files at a time."""
    checked, problems, last = 0, [], 0
    while True:
        files = await ArchivalFile.select(
            ArchivalFile.id, ArchivalFile.code, ArchivalFile.manifest_sha256).where(
            (ArchivalFile.id > last) & (ArchivalFile.status == FileStatus.BUILT.value)
        ).order_by(ArchivalFile.id).limit(BATCH)
        if not files:
            return checked, problems
        documents = await ArchivalDocument.select(
            ArchivalDocument.file, ArchivalDocument.filename, ArchivalDocument.sha256).where(
            ArchivalDocument.file.is_in([f["id"] for f in files]))
        code_of = {f["id"]: f["code"] for f in files}
        for document in documents:
            checked += 1
            code = code_of[document["file"]]
            if _document_mismatch(code, document["filename"], document["sha256"]):
                problems.append(f"hồ sơ {code}: tệp {document['filename']}")
        for file in files:
            if _document_mismatch(file["code"], "metadata.json", file["manifest_sha256"]):
                problems.append(f"hồ sơ {file['code']}: tệp metadata.json")
        last = files[-1]["id"]


def bag_problems(code: str, tagmanifest_sha256: str) -> list[str]:
    """What is wrong with one package's bag (empty when it validates)."""
    with storage.package_copy(code) as folder:
        if folder is None:
            return [f"gói {code}: không còn trong kho lưu trữ"]
        try:
            bagit.Bag(str(folder)).validate()
        except bagit.BagValidationError as exc:
            details = [str(d) for d in exc.details] or [str(exc)]
            return [f"gói {code}: {detail}" for detail in details]
        except bagit.BagError as exc:
            return [f"gói {code}: {exc}"]
        if _mismatch(folder / "tagmanifest-sha256.txt", tagmanifest_sha256):
            return [f"gói {code}: tagmanifest-sha256.txt khác bản đã ghi khi lập gói"]
    return []


async def verify_packages() -> tuple[int, list[str]]:
    packages = await ArchivePackage.select(
        ArchivePackage.code, ArchivePackage.tagmanifest_sha256).where(
        ArchivePackage.status.is_in([PackageStatus.BUILT.value, PackageStatus.CONFIRMED.value]))
    problems = []
    for package in packages:
        problems += bag_problems(package["code"], package["tagmanifest_sha256"])
    return len(packages), problems


async def verify_all() -> tuple[int, list[str]]:
    """(documents and packages checked, every problem found)."""
    documents, file_problems = await verify_files()
    packages, package_problems = await verify_packages()
    return documents + packages, file_problems + package_problems


class ArchiveCorrupted(Exception):
    """Archived documents or packages that no longer match their checksums."""

    def __init__(self, checked: int, problems: list[str]):
        shown = "; ".join(problems[:20]) + (" …" if len(problems) > 20 else "")
        super().__init__(f"{len(problems)} lỗi toàn vẹn trong kho lưu trữ ({checked} mục đã "
                         f"kiểm tra): {shown}. Hãy khôi phục các tệp này từ bản sao lưu "
                         "hoặc lập lại gói.")
        self.problems = problems
