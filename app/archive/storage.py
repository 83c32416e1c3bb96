"""The archive's storage: the one module that knows where archival files and hand-over
packages live and how they are laid out, so no other code builds an archive path.

    files/<file code>/<nnn-name>.pdf, metadata.json, muc-luc-van-ban.pdf
    packages/<package code>/            a BagIt bag (bagit.txt, manifests, data/…),
                                        downloaded as a ZIP made on the fly

Where (`app.archive.stores`): the folder `MOTCUA_ARCHIVE_DIR` (default var/archive), or an
S3-compatible bucket: `MOTCUA_ARCHIVE_URL=s3://bucket/prefix`, and by default, when the
files are in a bucket (`MOTCUA_FILES_URL=s3://bucket/prefix`), beside them in
`s3://bucket/prefix-archive`, so several machines share one archive without a shared mount.
Every folder is written whole and replaces the previous one at once (a reader never sees
half a file or half a package); work on a bag (building it, taking a disposed file out)
happens in a local staging folder that is published when the work ends without error.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from app.archive.stores import ArchiveStore, BucketArchive, LocalArchive
from app.files.backends import FileMissing, is_bucket
from app.settings import get_settings

_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]*")
CHUNK = 1024 * 1024
FILES, PACKAGES = "files", "packages"


class UnsafeName(ValueError):
    pass


def _safe(name: str) -> str:
    if not _NAME.fullmatch(name) or ".." in name:
        raise UnsafeName(name)
    return name


def archive_url() -> str:
    """The bucket URL of the archive, or "" for the local folder."""
    settings = get_settings()
    if settings.archive_url:
        return settings.archive_url
    if settings.files_url.startswith("s3://"):
        return settings.files_url.rstrip("/") + "-archive"
    return ""


@lru_cache(maxsize=4)
def _store_for(url: str, folder: Path, endpoint: str) -> ArchiveStore:
    if is_bucket(url, "MOTCUA_ARCHIVE_URL"):
        return BucketArchive(url, endpoint)
    return LocalArchive(folder)


def store() -> ArchiveStore:
    settings = get_settings()
    return _store_for(archive_url(), settings.archive_dir, settings.s3_endpoint)


def root() -> Path:
    """The local archive folder (used when no bucket is configured)."""
    return get_settings().archive_dir


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- archival files ----------------------------------------------------------------------

def write_file_folder(code: str, documents: Mapping[str, bytes]) -> None:
    """Write an archival file's folder (name -> bytes) in one move."""
    with store().staging(FILES, _safe(code)) as staging:
        for name, data in documents.items():
            (staging / _safe(name)).write_bytes(data)


def file_names(code: str) -> list[str]:
    return store().names(FILES, _safe(code))


def file_codes() -> list[str]:
    """Every archival file with a folder in the archive."""
    return store().codes(FILES)


def read_document(code: str, filename: str) -> bytes:
    """The document's bytes; FileMissing when it is not there."""
    with store().open(FILES, _safe(code), _safe(filename)) as source:
        return source.read()


def document_sha256(code: str, filename: str) -> str | None:
    """The SHA-256 of the document's bytes as stored now, None when it is missing."""
    digest = hashlib.sha256()
    try:
        with store().open(FILES, _safe(code), _safe(filename)) as source:
            while block := source.read(CHUNK):
                digest.update(block)
    except FileMissing:
        return None
    return digest.hexdigest()


def copy_file_folder(code: str, target: Path) -> None:
    """Copy the archival file's folder to `target/<code>/` (a package being built)."""
    folder = target / _safe(code)
    folder.mkdir(parents=True)
    for name in file_names(code):
        with store().open(FILES, code, name) as source, (folder / name).open("wb") as sink:
            shutil.copyfileobj(source, sink, CHUNK)


def remove_file_folder(code: str) -> bool:
    """Destroy an archival file's folder (disposal); whether there was one."""
    return store().remove(FILES, _safe(code))


# -- hand-over packages ------------------------------------------------------------------

@contextmanager
def staging_package(code: str) -> Iterator[Path]:
    """A scratch folder for a package being built; published when the block ends without
    error, removed otherwise."""
    with store().staging(PACKAGES, _safe(code)) as staging:
        yield staging


@contextmanager
def rewriting_package(code: str) -> Iterator[Path]:
    """A working copy of the package's bag, published in its place when the block ends
    without error (the previous bag stays whole until then)."""
    with store().readable(PACKAGES, _safe(code)) as current:
        if current is None:
            raise FileMissing(f"{PACKAGES}/{code}")
        with store().staging(PACKAGES, code) as staging:
            shutil.copytree(current, staging, dirs_exist_ok=True)
            yield staging


@contextmanager
def package_copy(code: str) -> Iterator[Path | None]:
    """The package's bag as a local folder to read (validate), None when there is none."""
    with store().readable(PACKAGES, _safe(code)) as folder:
        yield folder


def package_exists(code: str) -> bool:
    return bool(store().names(PACKAGES, _safe(code)))


def package_file(code: str, name: str) -> bytes:
    """One file of the bag (`data/…` or a tag file); FileMissing when it is not there."""
    if any(not _NAME.fullmatch(part) for part in name.split("/")) or ".." in name:
        raise UnsafeName(name)
    with store().open(PACKAGES, _safe(code), name) as source:
        return source.read()


def package_where(code: str) -> str:
    """Where the bag is, for the package page (a folder or a bucket URL)."""
    return store().where(PACKAGES, _safe(code))


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
    backend, code = store(), _safe(code)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in backend.names(PACKAGES, code):
            with backend.open(PACKAGES, code, name) as source, \
                    archive.open(f"{code}/{name}", "w", force_zip64=True) as entry:
                while block := source.read(CHUNK):
                    entry.write(block)
                    yield from sink.drain()
            yield from sink.drain()
    yield from sink.drain()  # the central directory
