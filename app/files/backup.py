"""Backup, restore and verification of the file store.

Litestream copies the database; the files need their own copy. Content addressing makes
that simple and safe: a backup copies only names the replica does not have yet (a file
never changes under its name), and every copy is checked against its name, so a corrupted
source is reported instead of spread, and a restore proves each file is the one the
database refers to.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.dossiers.tables import StoredFile
from app.files.backends import Backend, FileMissing, LocalFolder
from app.files.store import files_on_disk, path_for


@dataclass
class Report:
    copied: int = 0
    present: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def digest_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _copy_checked(source: Path, target: Path, sha256: str) -> None:
    """Copy to a temporary name, fsync, check the hash, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if digest_of(Path(tmp)) != sha256:
            raise OSError(f"{sha256}: bản sao không khớp mã băm")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def backup(source_root: Path, replica_root: Path) -> Report:
    """Copy files the replica lacks; a source file whose bytes no longer match its name is
    reported, not copied."""
    report = Report()
    for path in files_on_disk(source_root):
        target = path_for(path.name, replica_root)
        if target.exists():
            report.present += 1
            continue
        if digest_of(path) != path.name:
            report.problems.append(f"{path.name}: tệp gốc đã bị thay đổi, không sao lưu")
            continue
        _copy_checked(path, target, path.name)
        report.copied += 1
    return report


async def known_digests() -> list[str]:
    return [row["sha256"] for row in await StoredFile.select(StoredFile.sha256)]


def restore(digests: list[str], replica_root: Path, files_root: Path) -> Report:
    """Bring back every file the database names; each copy is checked against its name."""
    report = Report()
    for sha256 in digests:
        target = path_for(sha256, files_root)
        if target.exists() and digest_of(target) == sha256:
            report.present += 1
            continue
        source = path_for(sha256, replica_root)
        if not source.exists():
            report.problems.append(f"{sha256}: không có trong bản sao lưu")
            continue
        try:
            _copy_checked(source, target, sha256)
        except OSError:
            report.problems.append(f"{sha256}: bản sao lưu bị hỏng (mã băm không khớp)")
            continue
        report.copied += 1
    return report


def verify(digests: list[str], files_root: Path) -> Report:
    """Every file the database names is present with the right bytes; no file is unnamed."""
    return verify_store(digests, LocalFolder(files_root))


def verify_store(digests: list[str], files: Backend) -> Report:
    """`verify` on any backend: the local folder or an S3 bucket."""
    report = Report()
    named = set(digests)
    for sha256 in digests:
        try:
            data = files.get(sha256)
        except FileMissing:
            report.problems.append(f"{sha256}: thiếu tệp")
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            report.problems.append(f"{sha256}: nội dung không khớp mã băm")
        else:
            report.present += 1
    for name, _ in files.names_with_age():
        if name not in named:
            report.problems.append(f"{name}: tệp không có bản ghi (mồ côi)")
    return report
