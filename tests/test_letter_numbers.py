"""Letters (forms 01–05) get their register numbers when they are issued, in the issuing
action's transaction; printing reads the number and writes nothing (issue #16 follow-up:
numbers used to be taken on the first GET of a print page)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from piccolo.query.functions.aggregate import Count

from app.audit.tables import AuditEntry
from app.counter.service import Outcome, Reception, receive
from app.dossiers.logic import Channel
from app.dossiers.tables import Dossier
from app.legal_forms.issuing import letters_issued
from app.legal_forms.sets import FormKind
from app.legal_forms.tables import IssuedForm
from app.piccolo_app import TABLES
from app.workflow import Action, Effect, TransitionError
from app.workflow.service import perform
from tests.conftest import run
from tests.legal_forms_world import as_, world  # noqa: F401  (fixture)


def test_which_effects_issue_numbered_letters():
    assert letters_issued([Effect.ISSUE_FORM_01, Effect.RECORD_TRACKING_BOOK,
                           Effect.NOTIFY_APPLICANT, Effect.ISSUE_FORM_06]) == [FormKind.RECEIPT]
    assert letters_issued([Effect.ISSUE_REFUSAL_LETTER]) == [FormKind.REFUSAL]
    assert letters_issued([Effect.ISSUE_FORM_04, Effect.EXPLAIN_LATE_TO_HEAD]) == [
        FormKind.APOLOGY]
    assert letters_issued([Effect.ISSUE_FORM_02, Effect.ISSUE_FORM_05]) == [
        FormKind.SUPPLEMENT, FormKind.STOP_NOTICE]
    assert letters_issued([Effect.NOTIFY_AGENCY, Effect.RECORD_HANDOVER]) == []


async def numbers_of(dossier_id: int) -> dict[str, int]:
    rows = await IssuedForm.select(IssuedForm.kind, IssuedForm.number).where(
        IssuedForm.dossier == dossier_id)
    return {row["kind"]: row["number"] for row in rows}


def row_counts() -> dict[str, int]:
    # Through Count(): a table with a column named "count" hides Table.count.
    return {table._meta.tablename: table.select(Count(alias="n")).first().run_sync()["n"]
            for table in set(TABLES)}


def test_numbers_exist_right_after_the_actions(client, world):  # noqa: F811
    """The world's dossier was accepted at the counter, forwarded and stopped: the receipt
    and the stop notice are numbered, each with its audit entry by the one who acted."""
    assert run(numbers_of(world["dossier_id"])) == {"receipt": 1, "stop_notice": 1}
    audit = AuditEntry.select(AuditEntry.actor_id).where(
        AuditEntry.action == "legal_form.numbered").order_by(AuditEntry.id).run_sync()
    assert [a["actor_id"] for a in audit] == [world["counter_user"].id, world["leader_user"].id]

    async def more():
        counter, leader = world["counter_user"], world["leader_user"]

        def reception(name):
            return Reception(applicant_name=name, applicant_id_number="062190001234",
                             applicant_phone="0905123456", applicant_address="Xã Đăk Hà",
                             channel=Channel.IN_PERSON,
                             component_ids=[world["component_id"]])

        second = await receive(counter, world["procedure_id"], reception("Hồ Thị Ngọc Ánh"))
        supplement = await receive(counter, world["procedure_id"], reception("Đinh Văn Tú"),
                                   Outcome.SUPPLEMENT, {"reason": "Thiếu tờ khai"})
        refused = await receive(counter, world["procedure_id"], reception("A Thuận"),
                                Outcome.REFUSE, {"reason": "Không thuộc thẩm quyền"})
        await perform(second, counter, Action.FORWARD, assignee_id=world["handler_user"].id)
        await Dossier.update({Dossier.due_at: Dossier.received_at}).where(Dossier.id == second)
        due = (await Dossier.select(Dossier.due_at).where(Dossier.id == second).first())["due_at"]
        await perform(second, leader, Action.RECORD_APOLOGY, reason="Chờ xác minh",
                      new_due_at=due + timedelta(days=7))
        return second, supplement, refused

    second, supplement, refused = run(more())
    # Numbers run per issuing agency, form and year.
    assert run(numbers_of(second)) == {"receipt": 2, "apology": 1}
    assert run(numbers_of(supplement)) == {"supplement": 1}
    assert run(numbers_of(refused)) == {"refusal": 1}

    # A refused action numbers nothing.
    before = IssuedForm.count().run_sync()
    with pytest.raises(TransitionError):
        run(perform(world["dossier_id"], world["leader_user"], Action.STOP, reason="Lần hai"))
    assert IssuedForm.count().run_sync() == before

    # Printing shows the numbers given and writes nothing at all.
    as_(client, world["counter"])
    counts = row_counts()
    pages = {f"/can-bo/ho-so/{d}/bieu-mau/{form}": number for d, form, number in [
        (world["dossier_id"], "receipt", "01/GTN-"), (second, "receipt", "02/GTN-"),
        (second, "apology", "01/PXL-"), (supplement, "supplement", "01/PBS-"),
        (refused, "refusal", "01/PTC-"), (world["dossier_id"], "stop_notice", "01/TB-")]}
    for page, number in pages.items():
        for url in (page, page + "/pdf", page):
            response = client.get(url)
            assert response.status_code == 200, url
            if not url.endswith("/pdf"):
                assert re.search(rf"Số: {number}\w+", response.text), url
    for page in (f"/can-bo/ho-so/{second}", f"/can-bo/ho-so/{second}/bieu-mau",
                 f"/can-bo/ho-so/{second}/phieu-hen",
                 f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/control_sheet"):
        assert client.get(page).status_code == 200, page
    assert row_counts() == counts


def test_a_letter_issued_before_numbering_prints_dots_and_stays_unnumbered(client, world):  # noqa: F811
    IssuedForm.delete(force=True).run_sync()
    as_(client, world["counter"])
    page = client.get(f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/receipt")
    assert page.status_code == 200 and "Số: ……/GTN-" in page.text
    assert client.get(f"/can-bo/ho-so/{world['dossier_id']}/bieu-mau/receipt/pdf"
                      ).status_code == 200
    assert IssuedForm.count().run_sync() == 0
