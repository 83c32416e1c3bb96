"""The archive as the tests read and damage it, whichever store holds it (the local folder,
or a bucket on the PostgreSQL run): local copies of an archival file's folder or a
package's bag in the test's var folder, and one byte changed in a stored document as disk
rot or a careless hand would, written back through the archive's storage."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from app.archive import storage
from app.settings import get_settings


def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="archived-", dir=get_settings().var_dir))


def file_folder(code: str) -> Path:
    """A local copy of the archival file's folder."""
    target = _scratch()
    storage.copy_file_folder(code, target)
    return target / code


def package_folder(code: str) -> Path:
    """A local copy of the package's bag."""
    target = _scratch()
    with storage.package_copy(code) as folder:
        assert folder is not None, f"no package {code} in the archive"
        shutil.copytree(folder, target, dirs_exist_ok=True)
    return target


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def damage_document(code: str, filename: str) -> None:
    """Change one byte of a stored document (the rest of its folder as it was)."""
    documents = {name: storage.read_document(code, name) for name in storage.file_names(code)}
    changed = bytearray(documents[filename])
    changed[len(changed) // 2] ^= 0x01
    documents[filename] = bytes(changed)
    storage.write_file_folder(code, documents)
