"""The archive folder (`MOTCUA_ARCHIVE_DIR`, default var/archive): the one module that
knows its layout, so no other code builds an archive path.

    files/<file code>/<nnn-name>.pdf, metadata.json, muc-luc-van-ban.pdf
    packages/<package code>/            a BagIt bag (bagit.txt, manifests, data/…),
                                        downloaded as a ZIP made on the fly

Folders are written under a temporary name and renamed into place, so a reader (a
package build, a fixity run) never sees half a file; a crash leaves only `.incoming-*`
folders, which the next write of the same code replaces.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from app.settings import get_settings

_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]*")
CHUNK = 1024 * 1024


class UnsafeName(ValueError):
    pass


def _safe(name: str) -> str:
    if not _NAME.fullmatch(name) or ".." in name:
        raise UnsafeName(name)
    return name


def root() -> Path:
    return get_settings().archive_dir


def file_folder(code: str) -> Path:
    return root() / "files" / _safe(code)


def package_folder(code: str) -> Path:
    return root() / "packages" / _safe(code)


def document_path(code: str, filename: str) -> Path:
    return file_folder(code) / _safe(filename)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _replace_folder(staging: Path, target: Path) -> None:
    """Move a finished staging folder to `target`, replacing an older one."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_file_folder(code: str, documents: Mapping[str, bytes]) -> Path:
    """Write an archival file's folder (name -> bytes) in one move."""
    target = file_folder(code)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".incoming-{code}-", dir=target.parent))
    try:
        for name, data in documents.items():
            _write(staging / _safe(name), data)
        _replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


@contextmanager
def staging_package(code: str) -> Iterator[Path]:
    """A scratch folder for a package being built; moved into place when the block ends
    without error, removed otherwise."""
    target = package_folder(code)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".incoming-{code}-", dir=target.parent))
    try:
        yield staging
        _replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_document(code: str, filename: str) -> bytes:
    return document_path(code, filename).read_bytes()


def remove_file_folder(code: str) -> bool:
    """Destroy an archival file's folder (disposal); whether there was one."""
    folder = file_folder(code)
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True


class _Sink(io.RawIOBase):
    """An unseekable sink: what zipfile writes is collected and handed on in pieces."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def drain(self) -> Iterator[bytes]:
        pieces, self.pieces = self.pieces, []
        yield from pieces


def zip_package(code: str) -> Iterator[bytes]:
    """The package's bag as a ZIP (stored, not compressed: PDFs are compressed already),
    produced piece by piece so a package of gigabytes never sits in memory."""
    folder = package_folder(code)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f"{code}/{path.relative_to(folder).as_posix()}"
            with path.open("rb") as source, archive.open(name, "w", force_zip64=True) as entry:
                while block := source.read(CHUNK):
                    entry.write(block)
                    yield from sink.drain()
            yield from sink.drain()
    yield from sink.drain()  # the central directory


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
