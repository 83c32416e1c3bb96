"""The archive's stores, run against both: the local folder and an S3 bucket on a real moto
server on loopback. A folder is published whole or not at all: a failure half-way through
writing a new version leaves the previous one complete and readable, and what it left is
cleared by the next write; removal hides the folder at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.archive.stores import BucketArchive, LocalArchive
from app.files.backends import FileMissing
from tests.test_file_backends import new_bucket, s3_endpoint  # noqa: F401  (fixture)

pytestmark = pytest.mark.engine

BAG = {"bagit.txt": b"BagIt-Version: 0.97\n", "data/001-don.pdf": b"%PDF-1.4 don\n",
       "data/muc-luc-ho-so.pdf": b"%PDF-1.4 muc luc\n"}


@pytest.fixture(params=["local", "s3"])
def archive(request, tmp_path: Path):
    if request.param == "local":
        return LocalArchive(tmp_path / "archive")
    endpoint = request.getfixturevalue("s3_endpoint")
    return BucketArchive(f"s3://{new_bucket(endpoint)}/tinh/files-archive", endpoint)


def publish(archive, code: str, contents: dict[str, bytes]) -> None:
    with archive.staging("packages", code) as staging:
        for name, data in contents.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)


def read_all(archive, code: str) -> dict[str, bytes]:
    result = {}
    for name in archive.names("packages", code):
        with archive.open("packages", code, name) as source:
            result[name] = source.read()
    return result


def test_a_folder_is_published_whole_and_read_back(archive):
    assert archive.names("packages", "G-1") == [] and archive.codes("packages") == []
    publish(archive, "G-1", BAG)
    assert read_all(archive, "G-1") == BAG
    assert archive.codes("packages") == ["G-1"]
    with archive.readable("packages", "G-1") as folder:
        assert (folder / "data" / "001-don.pdf").read_bytes() == BAG["data/001-don.pdf"]
    with pytest.raises(FileMissing), archive.open("packages", "G-1", "data/khong-co.pdf"):
        pass
    assert "G-1" in archive.where("packages", "G-1")


def test_a_write_that_fails_half_way_leaves_the_previous_version_whole(archive, monkeypatch):
    publish(archive, "G-1", BAG)
    newer = {**BAG, "data/001-don.pdf": b"%PDF-1.4 ban moi\n", "data/002-them.pdf": b"x"}
    if isinstance(archive, BucketArchive):
        real_put, calls = archive.s3.client.put_object, []

        def failing_put(**kwargs):  # the store goes away after the second object
            calls.append(kwargs["Key"])
            if len(calls) > 2:
                raise OSError("mất kết nối")
            return real_put(**kwargs)

        monkeypatch.setattr(archive.s3.client, "put_object", failing_put)
        with pytest.raises(OSError):
            publish(archive, "G-1", newer)
        monkeypatch.undo()
        listed = archive.s3.client.list_objects_v2(Bucket=archive.s3.bucket)["Contents"]
        assert len(listed) == len(BAG) + 1 + 2  # the old version, its pointer, 2 stray
    else:
        with pytest.raises(RuntimeError), archive.staging("packages", "G-1") as staging:
            (staging / "bagit.txt").write_bytes(b"half")
            raise RuntimeError("the build failed")
    assert read_all(archive, "G-1") == BAG  # readers never saw the new version begin
    publish(archive, "G-1", newer)
    assert read_all(archive, "G-1") == newer
    if isinstance(archive, BucketArchive):  # the stray objects and the old version are gone
        listed = archive.s3.client.list_objects_v2(Bucket=archive.s3.bucket)["Contents"]
        assert len(listed) == len(newer) + 1
    else:
        assert [p.name for p in archive.root.joinpath("packages").iterdir()] == ["G-1"]


def test_removing_hides_the_folder_at_once(archive):
    publish(archive, "G-1", BAG)
    publish(archive, "G-2", {"bagit.txt": b"BagIt-Version: 0.97\n"})
    assert archive.remove("packages", "G-1") is True
    assert archive.names("packages", "G-1") == [] and archive.codes("packages") == ["G-2"]
    with archive.readable("packages", "G-1") as folder:
        assert folder is None
    assert archive.remove("packages", "G-1") is False
    assert read_all(archive, "G-2") == {"bagit.txt": b"BagIt-Version: 0.97\n"}


@pytest.mark.parametrize(("files_url", "archive_url", "expected"), [
    ("", "", ""),
    ("s3://tinh/files", "", "s3://tinh/files-archive"),
    ("s3://tinh/files/", "", "s3://tinh/files-archive"),
    ("s3://tinh/files", "s3://luu-tru/kho", "s3://luu-tru/kho"),
    ("", "s3://luu-tru/kho", "s3://luu-tru/kho"),
])
def test_the_archive_follows_the_files_into_their_bucket_unless_told(
        monkeypatch, files_url, archive_url, expected):
    from app.archive import storage
    from app.settings import get_settings

    monkeypatch.setenv("MOTCUA_FILES_URL", files_url)
    monkeypatch.setenv("MOTCUA_ARCHIVE_URL", archive_url)
    get_settings.cache_clear()
    try:
        assert storage.archive_url() == expected
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_an_archive_url_that_is_not_a_bucket_is_refused(monkeypatch, tmp_path):
    from app.archive import storage

    with pytest.raises(ValueError, match="MOTCUA_ARCHIVE_URL"):
        storage._store_for("/srv/luu-tru", tmp_path, "")
