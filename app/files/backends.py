"""Where the content-addressed bytes live: a local folder (one VM, the default) or an
S3-compatible bucket (several machines, MOTCUA_FILES_URL=s3://bucket/prefix).

Both keep the same layout, `<prefix>/ab/cd/abcd…` by SHA-256, and the same contract: `put`
is durable before it returns and atomic (a reader sees all the bytes or no object), a put
of a name already there is a no-op apart from refreshing its age (same name = same bytes;
the fresher age keeps the orphan sweep from removing bytes a transaction is about to name
again), and `names_with_age()` gives each name with its last-modified time for that sweep.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class StorageUnavailable(RuntimeError):
    """The store could not be reached or refused the operation; nothing was half-written."""


class FileMissing(FileNotFoundError):
    pass


class Backend(Protocol):
    def put(self, sha256: str, data: bytes) -> bool: ...  # True when newly written
    def get(self, sha256: str) -> bytes: ...
    def exists(self, sha256: str) -> bool: ...
    def delete(self, sha256: str) -> None: ...
    def names_with_age(self) -> Iterator[tuple[str, datetime]]: ...
    def local_copy(self, sha256: str): ...  # context manager yielding a readable Path
    def drop_incomplete(self, before: datetime) -> None: ...


def is_bucket(url: str, setting: str) -> bool:
    """True for `s3://bucket/prefix`, False for "" (a local folder); anything else is
    refused with the setting's name."""
    if url and not url.startswith("s3://"):
        raise ValueError(f"{setting}: chỉ nhận s3://bucket/prefix, không nhận {url!r}")
    return bool(url)


def relative_name(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class LocalFolder:
    """Today's store: `root/ab/cd/<sha256>`, written to a temporary name, fsynced, renamed."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / relative_name(sha256)

    def put(self, sha256: str, data: bytes) -> bool:
        target = self.path(sha256)
        if target.exists():
            os.utime(target)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise FileMissing(sha256) from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def files(self) -> list[Path]:
        if not self.root.exists():
            return []
        return [p for p in self.root.glob("??/??/*")
                if p.is_file() and not p.name.startswith(".")]

    def names_with_age(self) -> Iterator[tuple[str, datetime]]:
        for path in self.files():
            yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        # Already local and immutable under its name: no copy needed.
        if not self.exists(sha256):
            raise FileMissing(sha256)
        yield self.path(sha256)

    def drop_incomplete(self, before: datetime) -> None:
        """Temporary names of writes killed before their rename."""
        for tmp in self.root.glob("??/??/.incoming-*"):
            if datetime.fromtimestamp(tmp.stat().st_mtime, UTC) < before:
                tmp.unlink(missing_ok=True)


class S3Store:
    """An S3-compatible bucket (MinIO, Ceph, a cloud's object store), via boto3. Credentials
    come from the standard AWS variables; the endpoint from MOTCUA_S3_ENDPOINT."""

    def __init__(self, url: str, endpoint: str = ""):
        import boto3  # loaded only when a deployment uses S3
        from botocore.config import Config

        parts = urlsplit(url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self.client = boto3.client(
            "s3", endpoint_url=endpoint or None,
            config=Config(connect_timeout=5, read_timeout=30,
                          retries={"max_attempts": 3, "mode": "standard"}))

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}/{relative_name(sha256)}" if self.prefix else relative_name(sha256)

    @contextmanager
    def calls(self, what: str) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileMissing(what) from None
            raise StorageUnavailable(f"Kho tệp S3 từ chối thao tác ({what}): {exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"Không kết nối được kho tệp S3 ({what}): {exc}") from exc

    def exists(self, sha256: str) -> bool:
        try:
            with self.calls(sha256):
                self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except FileMissing:
            return False
        return True

    def put(self, sha256: str, data: bytes) -> bool:
        key = self._key(sha256)
        with self.calls(sha256):
            if self.exists(sha256):
                # Server-side copy onto itself: refreshes LastModified, moves no bytes.
                self.client.copy_object(
                    Bucket=self.bucket, Key=key, CopySource={"Bucket": self.bucket, "Key": key},
                    MetadataDirective="REPLACE")
                return False
            self.put_checked(key, data)
        return True

    def put_checked(self, key: str, data: bytes) -> bytes:
        """Write `data` under `key`; returns its SHA-256. The store checks the SHA-256 before
        it keeps the object: a torn upload is refused whole, never stored under the name."""
        digest = hashlib.sha256(data).digest()
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data,
                               ChecksumAlgorithm="SHA256",
                               ChecksumSHA256=base64.b64encode(digest).decode())
        return digest

    def objects_under(self, prefix: str) -> Iterator[dict]:
        """Every object listed under `prefix` (S3's listing entries: Key, LastModified…)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix)
        with self.calls(prefix or "list"):
            for page in pages:
                yield from page.get("Contents", [])

    def get(self, sha256: str) -> bytes:
        with self.calls(sha256):
            return self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"].read()

    def delete(self, sha256: str) -> None:
        with self.calls(sha256):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))

    def names_with_age(self) -> Iterator[tuple[str, datetime]]:
        for item in self.objects_under(f"{self.prefix}/" if self.prefix else ""):
            name = item["Key"].rsplit("/", 1)[-1]
            if _DIGEST.match(name):
                yield name, item["LastModified"].astimezone(UTC)

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        """A temporary file with the bytes, for tools that need a path (OCR); removed after."""
        with tempfile.TemporaryDirectory(prefix="motcua-file-") as folder:
            path = Path(folder) / sha256
            path.write_bytes(self.get(sha256))
            yield path

    def drop_incomplete(self, before: datetime) -> None:
        """Nothing to do: an object appears whole or not at all."""
