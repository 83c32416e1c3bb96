"""Fixity: one byte changed in an archived document, or in a package, is found by the next
run of the weekly check (which fails loudly on the jobs page, naming the file) and by
BagIt validation; a package refuses to copy a document that changed since it was built."""

from __future__ import annotations

import bagit
import pytest

from app.archive import fixity, package, service, storage
from app.archive.tables import ArchivalDocument, ArchivalFile, ArchivePackage
from app.formatting import to_local
from app.jobs.tables import JobRun
from app.settings import get_settings
from tests.archive_copies import damage_document, flip_one_byte, package_folder
from tests.archive_world import make_world, refused_at_counter, stopped

pytestmark = pytest.mark.anyio


async def _packaged(world) -> tuple[list[dict], dict]:
    for dossier_id in (await refused_at_counter(world, world.procedures[0]),
                       await stopped(world, world.procedures[1])):
        await service.build_file(dossier_id)
    files = await ArchivalFile.select().order_by(ArchivalFile.id)
    days = [to_local(f["end_at"]).date() for f in files]
    package_id = await package.request_package(world.agency_admin, world.agency.id,
                                               min(days), max(days))
    await package.build_package(package_id)
    return files, await ArchivePackage.select().first()


async def test_a_changed_byte_in_a_document_fails_the_weekly_run_naming_it(db, immediate_huey):
    from app.tasks.housekeeping import verify_archive

    world = await make_world()
    files, built = await _packaged(world)
    # With the files in a bucket (the PostgreSQL run) the archive is there too, not on disk.
    assert get_settings().archive_dir.exists() == (not get_settings().files_url)
    assert await fixity.verify_all() == (
        await ArchivalDocument.count() + 1, [])  # every document, and the one package
    document = await ArchivalDocument.select().where(
        ArchivalDocument.file == files[1]["id"]).first()
    damage_document(files[1]["code"], document["filename"])
    checked, problems = await fixity.verify_all()
    assert problems == [f"hồ sơ {files[1]['code']}: tệp {document['filename']}"]
    verify_archive()  # the housekeeping task, as the schedule runs it
    job = await JobRun.select().where(JobRun.task.like("%verify_archive")).first()
    assert job["status"] == "failed" and document["filename"] in job["last_error"]
    assert job["attempts"] == 1  # re-hashing the same bytes gives the same answer
    # A package built now refuses the changed document instead of sealing it in a bag.
    await ArchivalFile.update({ArchivalFile.package: None}).where(ArchivalFile.id > 0)
    days = [to_local(f["end_at"]).date() for f in files]
    again = await package.request_package(world.agency_admin, world.agency.id,
                                          min(days), max(days))
    with pytest.raises(package.FixityError, match=document["filename"]):
        await package.build_package(again)


async def test_a_changed_byte_in_a_package_is_found_by_bagit_and_the_weekly_run(db):
    world = await make_world()
    files, built = await _packaged(world)
    with storage.rewriting_package(built["code"]) as working:
        target = sorted((working / "data" / files[0]["code"]).glob("*.pdf"))[0]
        flip_one_byte(target)
    folder = package_folder(built["code"])
    with pytest.raises(bagit.BagValidationError) as caught:
        bagit.Bag(str(folder)).validate()
    assert any(target.name in str(detail) for detail in caught.value.details)
    _, problems = await fixity.verify_all()
    assert len(problems) == 1 and built["code"] in problems[0] and target.name in problems[0]


async def test_manifests_rewritten_to_match_a_change_are_still_caught(db):
    world = await make_world()
    files, built = await _packaged(world)
    with storage.rewriting_package(built["code"]) as folder:
        flip_one_byte(folder / "data" / "muc-luc-ho-so.pdf")
        bag = bagit.Bag(str(folder))
        bag.save(manifests=True)  # whoever changed it also fixed the bag's own checksums
        bag.validate()
    _, problems = await fixity.verify_all()
    assert problems == [f"gói {built['code']}: tagmanifest-sha256.txt khác bản đã ghi khi "
                        "lập gói"]


def test_the_verify_command_exits_non_zero_and_names_the_file(db):
    from tests.cli_helpers import app_cli
    from tests.conftest import run

    async def make():
        world = await make_world()
        files, _ = await _packaged(world)
        return files

    files = run(make())
    clean = app_cli("archive", "verify", var_dir=db.parent)
    assert clean.returncode == 0 and "0 lỗi" in clean.stdout
    damage_document(files[0]["code"], "metadata.json")
    broken = app_cli("archive", "verify", var_dir=db.parent)
    assert broken.returncode == 1
    assert f"hồ sơ {files[0]['code']}: tệp metadata.json" in broken.stderr
