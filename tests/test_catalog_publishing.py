"""Publishing procedures: drafts, decisions, versions in force on their day (the clock is
injected), dossiers keeping the version they were received under, history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.audit.tables import AuditEntry
from app.catalog import publishing, reading
from app.catalog.content import Component, LegalBasis, ProcedureContent
from app.catalog.in_force import bring_into_force
from app.catalog.publishing import CatalogError, DecisionInput
from app.catalog.tables import (
    Field,
    FormTemplate,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
)
from app.catalog.versions import Decision
from app.dossiers.tables import DossierComponent
from tests import factories

pytestmark = pytest.mark.anyio

# 10:00 in Vietnam on Monday 2 March 2026; the tests never read the real clock.
MARCH_2 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
MARCH_20 = datetime(2026, 3, 20, 3, 0, tzinfo=UTC)


async def admin(agencies=(), role=Role.PROVINCIAL_ADMIN) -> CurrentUser:
    return await factories.staff(role, agencies)


def decision(number="101/QĐ-UBND", signed=date(2026, 2, 25), effective=date(2026, 3, 1)):
    return DecisionInput(Decision(number, signed, effective))


async def complete_content(agency_id: int, code="1.000001", name="Đăng ký khai sinh"):
    field = await Field.objects().get_or_create(Field.code == "HT", {Field.name: "Hộ tịch"})
    return ProcedureContent(
        code=code, name=name, field_id=field.id, agency_id=agency_id, level="xa",
        subjects="Công dân Việt Nam", steps_text="Bước 1: Nộp hồ sơ. Bước 2: Nhận kết quả.",
        methods=("in_person", "online"), components=(
            Component("Tờ khai đăng ký khai sinh", form_name="Mẫu TK-KS"),
            Component("Giấy chứng sinh", kind="copy")),
        time_limit_amount=Decimal(1), time_limit_unit="working_days",
        result_text="Giấy khai sinh", online_level="full",
        legal_bases=(LegalBasis("Luật Hộ tịch 2014", date(2016, 1, 1)),))


async def publish_new(user, content, given=None, now=MARCH_2):
    draft = await publishing.start_draft(user)
    await publishing.save_draft(user, draft, content)
    return await publishing.publish_draft(user, draft, given or decision(), now=now)


async def test_a_new_procedure_is_public_from_its_decision_day(db):
    agency = await factories.agency("UBND xã A")
    procedure_id, number = await publish_new(await admin(), await complete_content(agency.id))
    row = await Procedure.select().where(Procedure.id == procedure_id).first()
    assert number == 1 and row["active"] and row["name"] == "Đăng ký khai sinh"
    assert row["subjects"] == "Công dân Việt Nam" and row["methods"] == "in_person,online"
    components = await ProcedureComponent.select().where(
        ProcedureComponent.procedure == procedure_id).order_by(ProcedureComponent.position)
    assert [c["name"] for c in components] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    [version] = await reading.history(procedure_id)
    assert version["decision_number"] == "101/QĐ-UBND" and version["status"] == "in_force"
    assert version["newest_basis_from"] == date(2016, 1, 1)
    assert row["current_version"] == version["id"]


async def test_an_amendment_waits_for_its_day_and_old_dossiers_keep_theirs(db):
    agency = await factories.agency("UBND xã A")
    user = await admin()
    procedure_id, _ = await publish_new(user, await complete_content(agency.id))
    old_component = (await ProcedureComponent.select().where(
        ProcedureComponent.procedure == procedure_id).order_by(
        ProcedureComponent.position))[1]
    procedure = await Procedure.objects().where(Procedure.id == procedure_id).first()
    dossier = await factories.dossier(procedure)
    await DossierComponent(dossier=dossier.id, procedure_component=old_component["id"],
                           name=old_component["name"]).save()
    # Version 2: five working days, the birth certificate dropped, from 15/03/2026.
    draft = await publishing.start_draft(user, procedure_id)
    base = (await publishing.draft_for(user, draft))["content"]
    await publishing.save_draft(user, draft, replace(
        base, time_limit_amount=Decimal(5), components=base.components[:1]))
    await publishing.publish_draft(
        user, draft, decision("202/QĐ-UBND", date(2026, 3, 5), date(2026, 3, 15)), now=MARCH_2)
    row = await Procedure.select().where(Procedure.id == procedure_id).first()
    assert row["time_limit_amount"] == Decimal(1)  # still version 1 until 15/03
    assert [v["status"] for v in await reading.history(procedure_id)] == [
        "scheduled", "in_force"]
    assert await bring_into_force(MARCH_2) == 0
    assert await bring_into_force(MARCH_20) == 1
    row = await Procedure.select().where(Procedure.id == procedure_id).first()
    assert row["time_limit_amount"] == Decimal(5)
    # The dropped component is retired, not deleted: the old dossier still names it.
    kept = await ProcedureComponent.select().where(
        ProcedureComponent.id == old_component["id"]).first()
    assert kept is not None and kept["active"] is False
    assert [v["status"] for v in await reading.history(procedure_id)] == [
        "in_force", "superseded"]
    assert await bring_into_force(MARCH_20) == 0  # idempotent


async def test_publishing_refuses_incomplete_content_and_writes_nothing(db):
    agency = await factories.agency("UBND xã A")
    user = await admin()
    draft = await publishing.start_draft(user)
    incomplete = replace(await complete_content(agency.id), subjects="", legal_bases=())
    await publishing.save_draft(user, draft, incomplete)
    audit_before = await AuditEntry.count()
    with pytest.raises(CatalogError) as refused:
        await publishing.publish_draft(user, draft, decision(), now=MARCH_2)
    assert "Đối tượng thực hiện" in str(refused.value)
    assert "Căn cứ pháp lý" in str(refused.value)
    assert await Procedure.count() == 0 and await AuditEntry.count() == audit_before
    assert (await ProcedureVersion.select().first())["status"] == "draft"


async def test_a_decision_number_cannot_change_its_dates(db):
    agency = await factories.agency("UBND xã A")
    user = await admin()
    await publish_new(user, await complete_content(agency.id))
    with pytest.raises(CatalogError, match="đã được ghi nhận"):
        await publish_new(user, await complete_content(agency.id, code="1.000002"),
                          decision(signed=date(2026, 2, 26)))
    assert await Procedure.count() == 1


async def test_agency_admin_drafts_only_for_its_agency_and_cannot_publish(db):
    own, other = await factories.agency("Sở A"), await factories.agency("Sở B")
    agency_admin = await admin([own.id], Role.AGENCY_ADMIN)
    draft = await publishing.start_draft(agency_admin)
    with pytest.raises(CatalogError, match="cơ quan mình"):
        await publishing.save_draft(agency_admin, draft, await complete_content(other.id))
    await publishing.save_draft(agency_admin, draft, await complete_content(own.id))
    with pytest.raises(CatalogError, match="Chỉ quản trị cấp tỉnh"):
        await publishing.publish_draft(agency_admin, draft, decision(), now=MARCH_2)
    handler = await admin([own.id], Role.HANDLER)
    with pytest.raises(CatalogError, match="không có quyền"):
        await publishing.start_draft(handler)


async def test_abolished_procedures_leave_the_catalogue_with_their_history(db):
    agency = await factories.agency("UBND xã A")
    user = await admin()
    procedure_id, _ = await publish_new(user, await complete_content(agency.id))
    with pytest.raises(CatalogError, match="lý do"):
        await publishing.abolish(user, procedure_id, decision("303/QĐ-UBND"), " ", MARCH_2)
    await publishing.abolish(user, procedure_id, decision("303/QĐ-UBND"), "Hợp nhất",
                             MARCH_2)
    row = await Procedure.select().where(Procedure.id == procedure_id).first()
    assert row["active"] is False
    assert [v["change"] for v in await reading.history(procedure_id)] == ["abolish", "add"]
    with pytest.raises(CatalogError, match="đã bị bãi bỏ"):
        await publishing.abolish(user, procedure_id, decision("303/QĐ-UBND"), "Lại", MARCH_2)


async def test_form_files_follow_the_component_into_force(db):
    from app.files import store

    agency = await factories.agency("UBND xã A")
    content = await complete_content(agency.id)
    stored = await store.store(b"%PDF-1.4 official form", "application/pdf")
    first = replace(content.components[0], form_sha256=stored.sha256,
                    form_filename="to-khai.pdf")
    procedure_id, _ = await publish_new(
        await admin(), replace(content, components=(first, content.components[1])))
    template = await FormTemplate.select().first()
    assert template["filename"] == "to-khai.pdf" and template["generated"] is False
    component = await ProcedureComponent.select().where(
        ProcedureComponent.id == template["component"]).first()
    assert component["procedure"] == procedure_id


async def test_publication_facts_give_indicators_1_1_to_1_3_their_dates(db):
    agency = await factories.agency("UBND xã A")
    user = await admin()
    procedure_id, _ = await publish_new(user, await complete_content(agency.id),
                                        decision("101/QĐ-UBND", date(2026, 2, 25)))
    [fact] = await reading.publication_facts(date(2026, 2, 1), date(2026, 2, 28))
    assert fact["code"] == "1.000001" and fact["change"] == "add"
    assert fact["decision_signed_on"] == date(2026, 2, 25)
    assert fact["newest_basis_from"] == date(2016, 1, 1)
    assert fact["published_at"] == MARCH_2
    assert await reading.publication_facts(date(2026, 3, 1), date(2026, 3, 31)) == []
    [page] = await reading.completeness()
    assert page["id"] == procedure_id and page["missing"] == []


async def test_a_counter_dossier_keeps_the_version_it_was_received_under(db):
    from app.counter.service import Reception, receive
    from app.dossiers.logic import Channel
    from app.dossiers.tables import Dossier

    agency = await factories.agency("UBND xã A")
    user = await admin()
    procedure_id, _ = await publish_new(user, await complete_content(agency.id))
    first = (await Procedure.select().where(Procedure.id == procedure_id).first()
             )["current_version"]
    officer = await factories.staff(Role.COUNTER_OFFICER, [agency.id])
    components = [c["id"] for c in await ProcedureComponent.select(ProcedureComponent.id)]
    dossier_id = await receive(officer, procedure_id, Reception(
        "Y Điệp", "064190002001", "", "", Channel.IN_PERSON, components))
    draft = await publishing.start_draft(user, procedure_id)
    base = (await publishing.draft_for(user, draft))["content"]
    await publishing.save_draft(user, draft, replace(base, fee_amount=5000))
    await publishing.publish_draft(user, draft, decision("9/QĐ-UBND"), now=MARCH_2)
    row = await Dossier.select(Dossier.procedure_version).where(Dossier.id == dossier_id).first()
    assert row["procedure_version"] == first
    assert (await Procedure.select().where(Procedure.id == procedure_id).first()
            )["current_version"] != first


def test_the_worker_task_brings_versions_into_force(db, immediate_huey):
    """Published in 1999 for 01/01/2000: whatever today is, the task finds its day come."""
    from tests.conftest import run

    async def publish() -> int:
        agency = await factories.agency("UBND xã A")
        procedure_id, _ = await publish_new(
            await admin(), await complete_content(agency.id),
            decision("1/QĐ-UBND", date(1999, 12, 1), date(2000, 1, 1)),
            now=datetime(1999, 12, 2, tzinfo=UTC))
        return procedure_id

    procedure_id = run(publish())
    assert Procedure.select(Procedure.active).where(Procedure.id == procedure_id).first(
    ).run_sync() == {"active": False}
    from app.tasks.catalog import versions_into_force

    versions_into_force()  # through Huey (immediate): a periodic task keeps no result
    assert Procedure.select(Procedure.active).where(Procedure.id == procedure_id).first(
    ).run_sync() == {"active": True}
