"""The file store's contract, run against both backends: the local folder and an S3 bucket
on a real moto server started on loopback. Then the store itself on S3: rollback, the
orphan sweep's age rule, the temporary local copy, and an unreachable store."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from app.dossiers.tables import DossierComponent, StoredFile
from app.files import store
from app.files.backends import FileMissing, LocalFolder, S3Store, StorageUnavailable
from app.settings import get_settings
from tests import pdfs
from tests.scratch_servers import S3_CREDENTIALS, start_s3
from tests.test_web_submission import citizen, post, start  # noqa: F401 (fixture)

pytestmark = pytest.mark.engine

PDF = b"%PDF-1.4\n% giay to dinh kem\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on loopback, started as the PostgreSQL run starts its own."""
    saved = {k: os.environ.get(k) for k in S3_CREDENTIALS}
    os.environ.update(S3_CREDENTIALS)
    server = start_s3()
    yield server.url
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def new_bucket(endpoint: str) -> str:
    name = f"motcua-{uuid4().hex[:12]}"
    S3Store(f"s3://{name}", endpoint).client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path: Path):
    if request.param == "local":
        return LocalFolder(tmp_path / "files")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Store(f"s3://{new_bucket(endpoint)}/tinh/files", endpoint)


def test_put_get_exists_and_a_second_put_is_a_no_op(backend):
    assert not backend.exists(DIGEST)
    assert backend.put(DIGEST, PDF) is True
    assert backend.exists(DIGEST) and backend.get(DIGEST) == PDF
    assert backend.put(DIGEST, PDF) is False
    assert [name for name, _ in backend.names_with_age()] == [DIGEST]


def test_missing_files_and_deletes(backend):
    with pytest.raises(FileMissing):
        backend.get(DIGEST)
    backend.delete(DIGEST)  # deleting what is not there is not an error
    backend.put(DIGEST, PDF)
    backend.delete(DIGEST)
    assert not backend.exists(DIGEST) and list(backend.names_with_age()) == []


def test_keys_carry_their_age_and_a_second_put_refreshes_it(backend):
    backend.put(DIGEST, PDF)
    [(_, first)] = backend.names_with_age()
    assert abs(datetime.now(UTC) - first) < timedelta(minutes=1)
    time.sleep(1.1)  # S3 times have one-second resolution
    backend.put(DIGEST, PDF)
    [(_, second)] = backend.names_with_age()
    assert second > first


def test_a_local_copy_has_the_bytes(backend):
    backend.put(DIGEST, PDF)
    with backend.local_copy(DIGEST) as path:
        assert path.read_bytes() == PDF
    if isinstance(backend, S3Store):
        assert not path.exists()  # the temporary copy is gone
    with pytest.raises(FileMissing), backend.local_copy("0" * 64):
        pass


def test_layout_is_the_same_sharded_names_in_both(backend):
    backend.put(DIGEST, PDF)
    if isinstance(backend, LocalFolder):
        assert (backend.root / DIGEST[:2] / DIGEST[2:4] / DIGEST).read_bytes() == PDF
    else:
        listed = backend.client.list_objects_v2(Bucket=backend.bucket)["Contents"]
        expected = f"tinh/files/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}"
        assert [item["Key"] for item in listed] == [expected]


def test_an_unreachable_store_is_a_clear_error():
    unreachable = S3Store("s3://khong-co/tep", "http://127.0.0.1:9")
    with pytest.raises(StorageUnavailable, match="Không kết nối được kho tệp S3"):
        unreachable.put(DIGEST, PDF)
    with pytest.raises(StorageUnavailable):
        list(unreachable.names_with_age())


@pytest.fixture
def s3_files(db, s3_endpoint, monkeypatch):
    """The app's store on a bucket of its own (settings from the environment, as deployed)."""
    bucket = new_bucket(s3_endpoint)
    monkeypatch.setenv("MOTCUA_FILES_URL", f"s3://{bucket}/files")
    monkeypatch.setenv("MOTCUA_S3_ENDPOINT", s3_endpoint)
    get_settings.cache_clear()
    yield store.backend()
    get_settings.cache_clear()


@pytest.mark.anyio
async def test_the_store_on_s3_keeps_committed_files_and_drops_rolled_back_ones(s3_files):
    assert isinstance(s3_files, S3Store)
    kept = await store.store(PDF, "application/pdf")
    with pytest.raises(RuntimeError):
        async with store.atomic():
            await store.store(b"%PDF-1.4 bi huy", "application/pdf")
            raise RuntimeError("từ chối")
    assert [name for name, _ in s3_files.names_with_age()] == [kept.sha256]
    assert store.read(kept.sha256) == PDF and store.verify(kept.sha256)
    assert not store.files_on_disk()  # nothing went to the local folder or its replica
    with store.local_copy(kept.sha256) as path:
        assert path.read_bytes() == PDF


@pytest.mark.anyio
async def test_the_sweep_on_s3_keeps_young_unnamed_files(s3_files):
    kept = await store.store(PDF, "application/pdf")
    in_flight, _ = store.write_ahead(b"%PDF-1.4 dang tai len o may khac")
    assert await store.sweep_orphans() == []  # young: an upload in flight is kept
    assert await store.sweep_orphans(now=datetime.now(UTC) + timedelta(days=2)) == [in_flight]
    assert [name for name, _ in s3_files.names_with_age()] == [kept.sha256]


@pytest.mark.anyio
async def test_an_unreachable_bucket_saves_no_row(db, monkeypatch):
    monkeypatch.setenv("MOTCUA_FILES_URL", "s3://khong-co/files")
    monkeypatch.setenv("MOTCUA_S3_ENDPOINT", "http://127.0.0.1:9")
    get_settings.cache_clear()
    try:
        with pytest.raises(StorageUnavailable):
            await store.store(PDF, "application/pdf")
        assert await StoredFile.count() == 0
    finally:
        get_settings.cache_clear()


def test_an_unknown_files_url_is_refused(monkeypatch):
    monkeypatch.setenv("MOTCUA_FILES_URL", "ftp://may-chu/tep")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="s3://"):
            store.backend()
    finally:
        get_settings.cache_clear()


@pytest.mark.anyio
@pytest.mark.local_files  # the local folder and its replica folder
async def test_a_failed_second_copy_leaves_no_first_copy(db, tmp_path, monkeypatch):
    blocked = tmp_path / "replica-is-a-file"
    blocked.write_bytes(b"")
    monkeypatch.setenv("MOTCUA_FILES_REPLICA_DIR", str(blocked))
    with pytest.raises(OSError):
        await store.store(PDF, "application/pdf")
    assert store.files_on_disk() == [] and await StoredFile.count() == 0


def test_an_upload_while_the_bucket_is_down_is_a_503_in_vietnamese(
        client, citizen, monkeypatch):  # noqa: F811
    base = start(client, citizen)
    monkeypatch.setenv("MOTCUA_FILES_URL", "s3://khong-co/files")
    monkeypatch.setenv("MOTCUA_S3_ENDPOINT", "http://127.0.0.1:9")
    get_settings.cache_clear()
    try:
        response = post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"},
                        files={f"file-{citizen['components'][0]}":
                               ("to-khai.pdf", pdfs.simple(), "application/pdf")})
    finally:
        get_settings.cache_clear()
    assert response.status_code == 503
    assert "Kho lưu trữ tệp tạm thời không truy cập được" in response.text
    assert StoredFile.count().run_sync() == 0 and DossierComponent.count().run_sync() == 0


def test_verify_finds_missing_altered_and_unnamed_files_in_either_store(backend):
    from app.files.backup import verify_store

    good, altered, missing = (hashlib.sha256(b"%PDF-" + bytes([n])).hexdigest()
                              for n in range(3))
    backend.put(good, b"%PDF-\x00")
    backend.put(DIGEST, PDF)  # no row names it
    if isinstance(backend, LocalFolder):
        backend.path(altered).parent.mkdir(parents=True, exist_ok=True)
        backend.path(altered).write_bytes(b"%PDF- sua doi")
    else:
        backend.client.put_object(Bucket=backend.bucket, Key=backend._key(altered),
                                  Body=b"%PDF- sua doi")
    report = verify_store([good, altered, missing], backend)
    assert report.present == 1
    assert sorted(report.problems) == sorted([
        f"{altered}: nội dung không khớp mã băm", f"{missing}: thiếu tệp",
        f"{DIGEST}: tệp không có bản ghi (mồ côi)"])


def test_ocr_reads_a_scan_kept_in_the_bucket(s3_files, immediate_huey):
    from app.digitisation import service as digitisation
    from app.digitisation.tables import Scan
    from app.dossiers import queries
    from app.tasks.digitisation import digitise_component
    from tests.conftest import run
    from tests.digitisation_helpers import counter_world, printed_page

    world = run(counter_world())
    dossier = run(queries.dossier_for_staff(world["dossier_id"], world["officer"]))
    component_id = world["component_ids"][0]
    scan_id = run(digitisation.scan_component(world["officer"], dossier, component_id,
                                              [printed_page()]))
    scan = run(Scan.select().where(Scan.id == scan_id).first().run())
    assert s3_files.exists(scan["sha256"]) and not store.files_on_disk()
    assert digitise_component(component_id)() == "done"
    assert "Nguyễn Thị Hồng Nhung" in run(Scan.select().where(Scan.id == scan_id)
                                          .first().run())["text"]


def test_the_minute_backup_leaves_a_bucket_to_its_own_copies(s3_files):
    from app.tasks.files import files_backup

    # The local folder left from before the move to the bucket is no longer the store.
    store.write_bytes(PDF)
    assert files_backup.call_local() == 0
    assert store.files_on_disk(get_settings().files_replica_dir) == []
