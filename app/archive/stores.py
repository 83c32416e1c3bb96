"""Where archival files and hand-over packages live: a local (or mounted) folder, or an
S3-compatible bucket. Each *folder* (an archival file, a package's bag) is written whole
and replaces its previous version at once, so a reader never sees half of one.

- `LocalArchive` (the default, `MOTCUA_ARCHIVE_DIR`): `<area>/<code>/…`, staged under a
  temporary name beside it and renamed into place (today's layout, byte for byte).
- `BucketArchive` (`MOTCUA_ARCHIVE_URL=s3://bucket/prefix`, or beside the files' bucket):
  the objects of each version go under `<prefix>/<area>/<code>/<version>/…`, then one
  pointer object `<prefix>/<area>/<code>/current.json` (its version, every name with its
  size and SHA-256) is written last: a PUT replaces an object whole, so the pointer names a
  complete version or the previous one. Readers go through the pointer only; a version no
  pointer names (a crash before the pointer was written, a replaced version) is invisible
  and deleted by the next write of that code. Removing deletes the pointer first.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from app.files.backends import FileMissing, S3Store

POINTER = "current.json"


def names_in(folder: Path) -> list[str]:
    """Every file under `folder` as a relative POSIX path, sorted."""
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


class ArchiveStore(Protocol):
    def staging(self, area: str, code: str): ...  # cm: a local folder, published on success
    def names(self, area: str, code: str) -> list[str]: ...  # [] when there is no folder
    def open(self, area: str, code: str, name: str): ...  # cm: a binary reader; FileMissing
    def readable(self, area: str, code: str): ...  # cm: a local folder to read, or None
    def remove(self, area: str, code: str) -> bool: ...
    def codes(self, area: str) -> list[str]: ...  # every code with a published folder
    def where(self, area: str, code: str) -> str: ...


class LocalArchive:
    def __init__(self, root: Path):
        self.root = root

    def folder(self, area: str, code: str) -> Path:
        return self.root / area / code

    @contextmanager
    def staging(self, area: str, code: str) -> Iterator[Path]:
        target = self.folder(area, code)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".incoming-{code}-", dir=target.parent))
        try:
            yield staging
            for path in staging.rglob("*"):
                if path.is_file():
                    with path.open("rb+") as f:
                        os.fsync(f.fileno())
            self._replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    @staticmethod
    def _replace(staging: Path, target: Path) -> None:
        old = None
        if target.exists():
            old = target.with_name(f".old-{target.name}-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def names(self, area: str, code: str) -> list[str]:
        return names_in(self.folder(area, code))

    @contextmanager
    def open(self, area: str, code: str, name: str) -> Iterator[BinaryIO]:
        try:
            source = (self.folder(area, code) / name).open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise FileMissing(f"{area}/{code}/{name}") from None
        with source:
            yield source

    @contextmanager
    def readable(self, area: str, code: str) -> Iterator[Path | None]:
        folder = self.folder(area, code)
        yield folder if folder.is_dir() else None

    def remove(self, area: str, code: str) -> bool:
        folder = self.folder(area, code)
        if not folder.exists():
            return False
        shutil.rmtree(folder)
        return True

    def codes(self, area: str) -> list[str]:
        folder = self.root / area
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir()
                      if p.is_dir() and not p.name.startswith("."))

    def where(self, area: str, code: str) -> str:
        return str(self.folder(area, code))


class BucketArchive:
    def __init__(self, url: str, endpoint: str = ""):
        self.s3 = S3Store(url, endpoint)

    def _key(self, area: str, code: str, name: str = "") -> str:
        return "/".join(part for part in (self.s3.prefix, area, code, name) if part)

    def _pointer(self, area: str, code: str) -> dict | None:
        try:
            with self.s3.calls(f"{area}/{code}"):
                body = self.s3.client.get_object(
                    Bucket=self.s3.bucket, Key=self._key(area, code, POINTER))["Body"].read()
        except FileMissing:
            return None
        return json.loads(body)

    @contextmanager
    def staging(self, area: str, code: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix=f"motcua-archive-{code}-") as folder:
            staging = Path(folder)
            yield staging
            self._publish(area, code, staging)

    def _publish(self, area: str, code: str, staging: Path) -> None:
        version = uuid.uuid4().hex
        entries = {}
        with self.s3.calls(f"{area}/{code}"):
            for name in names_in(staging):
                data = (staging / name).read_bytes()
                digest = self.s3.put_checked(self._key(area, code, f"{version}/{name}"), data)
                entries[name] = {"size": len(data), "sha256": digest.hex()}
            self.s3.client.put_object(
                Bucket=self.s3.bucket, Key=self._key(area, code, POINTER),
                Body=json.dumps({"version": version, "names": entries}).encode())
        self._drop_versions(area, code, keep=version)

    def _drop_versions(self, area: str, code: str, keep: str | None) -> None:
        """Delete every object of the code's folder but the pointer and version `keep`."""
        base = self._key(area, code) + "/"
        stale = [{"Key": item["Key"]} for item in self.s3.objects_under(base)
                 if item["Key"] != base + POINTER
                 and (keep is None or not item["Key"].startswith(f"{base}{keep}/"))]
        with self.s3.calls(f"{area}/{code}"):
            for start in range(0, len(stale), 1000):  # S3 deletes at most 1,000 a call
                self.s3.client.delete_objects(Bucket=self.s3.bucket, Delete={
                    "Objects": stale[start:start + 1000], "Quiet": True})

    def names(self, area: str, code: str) -> list[str]:
        pointer = self._pointer(area, code)
        return sorted(pointer["names"]) if pointer else []

    @contextmanager
    def open(self, area: str, code: str, name: str) -> Iterator[BinaryIO]:
        pointer = self._pointer(area, code)
        if pointer is None or name not in pointer["names"]:
            raise FileMissing(f"{area}/{code}/{name}")
        with self.s3.calls(f"{area}/{code}/{name}"):
            body = self.s3.client.get_object(
                Bucket=self.s3.bucket,
                Key=self._key(area, code, f"{pointer['version']}/{name}"))["Body"]
        try:
            yield body
        finally:
            body.close()

    @contextmanager
    def readable(self, area: str, code: str) -> Iterator[Path | None]:
        names = self.names(area, code)
        if not names:
            yield None
            return
        with tempfile.TemporaryDirectory(prefix=f"motcua-archive-{code}-") as folder:
            for name in names:
                target = Path(folder) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with self.open(area, code, name) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
            yield Path(folder)

    def remove(self, area: str, code: str) -> bool:
        if self._pointer(area, code) is None:
            return False
        with self.s3.calls(f"{area}/{code}"):
            self.s3.client.delete_object(Bucket=self.s3.bucket,
                                         Key=self._key(area, code, POINTER))
        self._drop_versions(area, code, keep=None)
        return True

    def codes(self, area: str) -> list[str]:
        base = self._key(area, "") + "/"
        found = []
        for item in self.s3.objects_under(base):
            code, _, rest = item["Key"][len(base):].partition("/")
            if rest == POINTER:
                found.append(code)
        return sorted(found)

    def where(self, area: str, code: str) -> str:
        return f"s3://{self.s3.bucket}/{self._key(area, code)}"
