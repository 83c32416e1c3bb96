"""Existing dossiers move to the versioned process without losing history: the migration
run on rows as the old code left them (steps one role each, dossiers numbered the old way,
events with their old step numbers)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import ProcedureStep
from app.dossiers.logic import Status
from app.dossiers.queries import dossier_for_staff
from app.dossiers.tables import Dossier, DossierEvent
from app.processes.tables import ProcessStepRow, ProcessVersion
from app.workflow import Action
from app.workflow.service import perform, snapshot
from tests import factories

pytestmark = pytest.mark.anyio

MIGRATION = next(Path(__file__).resolve().parent.parent.glob(
    "migrations/motcua_2026_12_05t20_05_21_*.py"))
OLD_STEPS = (("Tiếp nhận, kiểm tra hồ sơ", "counter_officer"),
             ("Thụ lý hồ sơ", "handler"),
             ("Lãnh đạo phòng xem xét", "leader"),
             ("Chủ tịch UBND ký", "leader"),
             ("Trả kết quả", "counter_officer"))
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def migration():
    spec = importlib.util.spec_from_file_location("process_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def old_dossier(procedure, status: Status, step: int | None, **fields) -> int:
    row = await factories.dossier(procedure, status=status)
    await Dossier.update({Dossier.current_step: step, Dossier.process_version: None,
                          **fields}).where(Dossier.id == row.id)
    await DossierEvent(dossier=row.id, at=T0, action="accepted", from_status=1,
                       to_status=2).save()
    if step is not None:
        await DossierEvent(dossier=row.id, at=T0 + timedelta(hours=1),
                           action="processing_started", from_status=2, to_status=4,
                           step=1).save()
        if step > 1:
            await DossierEvent(dossier=row.id, at=T0 + timedelta(hours=2), action="forwarded",
                               from_status=4, to_status=4, step=step).save()
    return row.id


async def test_version_one_is_made_from_the_old_steps_and_dossiers_are_mapped(db):
    agency = await factories.agency("UBND phường Kon Tum")
    procedure = await factories.procedure(agency, steps=())
    for position, (name, role) in enumerate(OLD_STEPS, start=1):
        await ProcedureStep(procedure=procedure.id, position=position, name=name, role=role,
                            allotted_hours=Decimal(4)).save()
    received = await old_dossier(procedure, Status.RECEIVED, None)
    handling = await old_dossier(procedure, Status.PROCESSING, 1)
    signing = await old_dossier(procedure, Status.PROCESSING, 3)
    too_far = await old_dossier(procedure, Status.PROCESSING, 5)
    waiting = await old_dossier(procedure, Status.SUPPLEMENT_REQUESTED, 2, resume_status=4,
                                resume_step=2)
    finished = await old_dossier(procedure, Status.PROCESSED, 5)
    new = await old_dossier(procedure, Status.NEW, None)

    await migration()._migrate_procedure(procedure.id, T0)

    (version,) = await ProcessVersion.select().where(ProcessVersion.procedure == procedure.id)
    assert (version["number"], version["status"], version["decision_number"]) == (
        1, "published", "")
    assert version["effective_from"] < datetime(2000, 1, 1, tzinfo=UTC)
    assert "chưa ghi số, ngày quyết định" in version["note"]
    steps = await ProcessStepRow.select().where(ProcessStepRow.version == version["id"]
                                                ).order_by(ProcessStepRow.position)
    assert [(s["position"], s["kind"], s["performers"]) for s in steps] == [
        (1, "reception", "counter_officer"), (2, "handling", "handler"),
        (3, "approval", "leader"), (4, "signature", "leader"), (5, "return", "counter_officer")]
    ids = [s["id"] for s in steps]

    rows = {r["id"]: r for r in await Dossier.select()}
    assert {d: (rows[d]["current_step"], rows[d]["process_version"]) for d in (
        received, handling, signing, too_far, waiting, finished)} == {
        received: (1, version["id"]), handling: (2, version["id"]),
        signing: (4, version["id"]), too_far: (4, version["id"]),
        waiting: (3, version["id"]), finished: (5, version["id"])}
    assert rows[waiting]["resume_step"] == 3
    assert (rows[new]["current_step"], rows[new]["process_version"]) == (None, None)

    # History: nothing deleted or renumbered; each event now names its step.
    events = await DossierEvent.select().where(DossierEvent.dossier == handling).order_by(
        DossierEvent.id)
    assert [(e["action"], e["step"], e["process_step"]) for e in events] == [
        ("accepted", None, ids[0]), ("processing_started", 1, ids[1])]
    assert len(await DossierEvent.select().where(DossierEvent.dossier == signing)) == 3

    # The mapped dossiers work under the machine: the handler forwards to the leader.
    handler = await accounts.create_user(username="thuly", password="abc12345",
                                         full_name="Y Nhung", role=Role.HANDLER,
                                         agency_ids=[agency.id])
    session = await accounts.load_session(await accounts.start_session(handler, "ip", "t"))
    assert (await snapshot(handling)).state.step.name == "Thụ lý hồ sơ"
    await perform(handling, session, Action.FORWARD)
    assert (await snapshot(handling)).row["current_step"] == 3
    page = await dossier_for_staff(handling, session)
    assert [(e["label"], e["position"], e["step_name"]) for e in page["events"]][:2] == [
        ("Tiếp nhận", 1, "Tiếp nhận, kiểm tra hồ sơ"), ("Chuyển xử lý", 2, "Thụ lý hồ sơ")]


async def test_a_procedure_without_old_steps_gets_no_version(db):
    agency = await factories.agency()
    procedure = await factories.procedure(agency, steps=())
    dossier = await old_dossier(procedure, Status.RECEIVED, None)
    module = migration()
    rows = await module._query("SELECT DISTINCT procedure FROM procedure_step")
    assert rows == []
    assert await ProcessVersion.count() == 0
    # Nothing to enforce: the staff are told, rather than a guessed process applied.
    state = (await snapshot(dossier)).state
    assert state.process.count == 0


def test_legacy_kinds_follow_roles_and_names():
    kinds = migration().legacy_kinds([
        {"role": "counter_officer", "name": "Tiếp nhận"}, {"role": "handler", "name": "Thụ lý"},
        {"role": "leader", "name": "Ký duyệt"}, {"role": "leader", "name": "Ký Phiếu"},
        {"role": "leader", "name": "Trưởng Công an xã duyệt"},
        {"role": "counter_officer", "name": "Trả kết quả"}])
    assert [k for k, _ in kinds] == ["reception", "handling", "approval", "signature",
                                     "approval", "return"]
    # No step says "ký": the last leader's decision is the signature the result needs.
    assert migration().legacy_kinds([{"role": "leader", "name": "Phòng xem xét"},
                                     {"role": "leader", "name": "Trưởng Công an duyệt"}]) == [
        ("approval", "leader"), ("signature", "leader")]
