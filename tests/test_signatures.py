"""Digital signatures of results through the workflow, on a real database: the server signs
the approved draft ("Ký số") and two outside validators accept the file; a file signed
elsewhere is accepted only when it validates; every refusal is a Vietnamese sentence and
changes nothing (dossier row, events, audit, signatures, result)."""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import io
import logging
import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader, PdfWriter

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit.tables import AuditEntry
from app.catalog.tables import ProcedureComponent, ProcedureStep
from app.counter.service import Reception, receive
from app.dossiers.logic import Channel
from app.dossiers.tables import Dossier, DossierEvent, DossierResult
from app.files import store
from app.signatures import pades
from app.signatures.certificates import trust_roots
from app.signatures.logic import local_stamp_time
from app.signatures.tables import DocumentSignature
from app.warehouse.tables import WarehouseDocument
from app.workflow import Action, TransitionError
from app.workflow.service import perform
from tests import factories
from tests.signing_world import (  # noqa: F401  (fixture)
    draft_pdf,
    other_ca,
    sign_and_issue,
    signing,
)

pytestmark = pytest.mark.anyio


async def staff(role: Role, agency_id: int, username: str, full_name: str):
    user = await accounts.create_user(username=username, password="abc12345",
                                      full_name=full_name, role=role, agency_ids=[agency_id])
    return await accounts.load_session(await accounts.start_session(user, "127.0.0.1", "t"))


@pytest.fixture
async def office(signing):  # noqa: F811
    agency = await factories.agency("Sở Tư pháp tỉnh Quảng Ngãi", code="000.00.17.H55")
    procedure = await factories.procedure(agency)
    await ProcedureComponent(procedure=procedure.id, position=1, name="Tờ khai",
                             kind="original", quantity=1).save()
    for position, role in enumerate(["handler", "leader"], start=1):
        await ProcedureStep(procedure=procedure.id, position=position, name=f"Bước {position}",
                            role=role, allotted_hours=Decimal(8)).save()
    people = {
        "counter": await staff(Role.COUNTER_OFFICER, agency.id, "motcua", "Lê Thị Hồng"),
        "handler": await staff(Role.HANDLER, agency.id, "thuly", "Võ Thị Mai"),
        "leader": await staff(Role.LEADER, agency.id, "lanhdao", "Đinh Văn Tâm"),
        "deputy": await staff(Role.LEADER, agency.id, "phophong", "Hà Thị Phó"),
    }
    component = (await ProcedureComponent.select(ProcedureComponent.id).first())["id"]
    dossier_id = await receive(people["counter"], procedure.id, Reception(
        applicant_name="Y Blông", applicant_id_number="062190001234",
        applicant_phone="0905123456", applicant_address="Kon Tum",
        channel=Channel.IN_PERSON, component_ids=[component]))
    await perform(dossier_id, people["leader"], Action.FORWARD,
                  assignee_id=people["handler"].id)
    return {"signing": signing, "dossier_id": dossier_id, "agency": agency, **people}


async def draft_approved(office) -> bytes:
    """The handler's draft, forwarded to the leader's step and approved; its bytes."""
    dossier_id, leader = office["dossier_id"], office["leader"]
    draft = await store.store(draft_pdf(), "application/pdf")
    await perform(dossier_id, office["handler"], Action.ATTACH_DRAFT, sha256=draft.sha256)
    await perform(dossier_id, office["handler"], Action.FORWARD, assignee_id=leader.id)
    await perform(dossier_id, leader, Action.APPROVE)
    return draft_pdf()


async def state_of(dossier_id: int) -> tuple:
    row = await Dossier.select().where(Dossier.id == dossier_id).first()
    return (row, await DossierEvent.count(), await AuditEntry.count(),
            await DocumentSignature.count(), await DossierResult.select())


async def refused(office, action: Action, message: str, **params) -> None:
    before = await state_of(office["dossier_id"])
    async with store.atomic():  # as the web route: a refused action keeps no file either
        with pytest.raises(TransitionError) as caught:
            await perform(office["dossier_id"], office["leader"], action, **params)
    assert message in str(caught.value)
    assert await state_of(office["dossier_id"]) == before


async def upload(data: bytes) -> str:
    return (await store.store(data, "application/pdf")).sha256


def stamp_lines(pdf: bytes) -> list[str]:
    """The text lines of the visible signature stamps on the last page, read from their
    appearance streams (each line is tagged with its Unicode /ActualText)."""
    lines = []
    for annotation in PdfReader(io.BytesIO(pdf)).pages[-1]["/Annots"]:
        stream = annotation.get_object()["/AP"]["/N"].get_object().get_data()
        for raw in re.findall(rb"/ActualText \((.*?)\)\n>>", stream, re.S):
            lines.append(codecs.escape_decode(raw)[0].decode("utf-16"))
    return lines


def pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True,
                          timeout=30).stdout


async def test_server_signature_validates_with_pyhanko_and_pdfsig(office, tmp_path, caplog):
    issued = await office["signing"].give_key("lanhdao", "Đinh Văn Tâm")
    draft = await draft_approved(office)
    caplog.set_level(logging.INFO)  # as the app logs
    await perform(office["dossier_id"], office["leader"], Action.SIGN, signing="server")
    # The font subsetter's chatter (~80 KB a signature) stays out of the log.
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
    await perform(office["dossier_id"], office["leader"], Action.ISSUE_RESULT)

    result = await DossierResult.select().where(
        DossierResult.dossier == office["dossier_id"]).first()
    signed = store.read(result["sha256"])
    assert signed.startswith(draft) and len(signed) > len(draft)  # incremental, draft intact
    assert result["signed_sha256"] == result["sha256"]
    assert result["signed_by"] == office["leader"].id
    assert result["certificate_fingerprint"] == issued.fingerprint
    assert (await Dossier.select(Dossier.signed).first())["signed"] is True

    facts = await asyncio.to_thread(pades.inspect, signed, trust_roots())
    assert (facts.intact, facts.whole_file, facts.trusted) == (True, True, True)
    assert facts.signer_name == "Đinh Văn Tâm"
    report = pdfsig(signed, tmp_path)
    assert "Signature is Valid" in report
    assert "Signer Certificate Common Name: Đinh Văn Tâm" in report
    assert "ETSI.CAdES.detached" in report and "Total document signed" in report
    # The visible stamp names the signer, the agency and the local time of the signature.
    assert stamp_lines(signed) == [
        "Ký bởi: Đinh Văn Tâm", "Cơ quan: Sở Tư pháp tỉnh Quảng Ngãi",
        f"Thời gian ký: {local_stamp_time(facts.signed_at)}"]
    owned = await WarehouseDocument.select().where(
        WarehouseDocument.dossier == office["dossier_id"])
    assert [d["file"] for d in owned] == [result["file"]]  # the citizen gets the signed file


async def test_issuing_without_a_signature_is_refused(office):
    await draft_approved(office)
    await refused(office, Action.ISSUE_RESULT,
                  "Kết quả chưa được ký số hợp lệ nên chưa thể ban hành.")


async def test_ky_so_without_a_server_key_or_a_draft_is_refused(office):
    await refused(office, Action.SIGN, "Hồ sơ cần được phê duyệt trước khi ký.",
                  signing="server")
    await draft_approved(office)
    await refused(office, Action.SIGN, "Máy chủ không giữ khóa ký số", signing="server")


async def test_a_file_signed_elsewhere_by_the_step_holder_is_accepted(office):
    token = await office["signing"].give_token("lanhdao", "Đinh Văn Tâm")
    draft = await draft_approved(office)
    signed = await office["signing"].sign_elsewhere(token, draft)
    await perform(office["dossier_id"], office["leader"], Action.SIGN, signing="upload",
                  sha256=await upload(signed))
    await perform(office["dossier_id"], office["leader"], Action.ISSUE_RESULT)
    result = await DossierResult.select().first()
    assert store.read(result["sha256"]) == signed
    assert result["certificate_fingerprint"] == token.fingerprint
    row = await DocumentSignature.select().first()
    assert (row["method"], row["source_sha256"]) == ("upload", hashlib.sha256(draft).hexdigest())


async def test_signed_by_the_wrong_person_is_refused(office):
    await office["signing"].give_token("lanhdao", "Đinh Văn Tâm")
    deputy = await office["signing"].give_token("phophong", "Hà Thị Phó")
    draft = await draft_approved(office)
    await refused(office, Action.SIGN,
                  "Tệp chưa được ký số hợp lệ: không phải chữ ký của người ký bước này",
                  signing="upload",
                  sha256=await upload(await office["signing"].sign_elsewhere(deputy, draft)))


async def test_signed_with_an_untrusted_certificate_is_refused(office):
    stranger = await office["signing"].give_token("lanhdao", "Đinh Văn Tâm", ca=other_ca())
    draft = await draft_approved(office)
    signed = await office["signing"].sign_elsewhere(stranger, draft, ca=other_ca())
    await refused(office, Action.SIGN, "Tệp chưa được ký số hợp lệ: chứng thư số không do "
                  "tổ chức tin cậy cấp.", signing="upload", sha256=await upload(signed))


async def test_one_byte_changed_after_signing_is_refused(office):
    token = await office["signing"].give_token("lanhdao", "Đinh Văn Tâm")
    draft = await draft_approved(office)
    signed = bytearray(await office["signing"].sign_elsewhere(token, draft))
    signed[len(draft) // 2] ^= 0x01  # inside the signed bytes
    await refused(office, Action.SIGN, "Tệp chưa được ký số hợp lệ: tệp bị sửa sau khi ký",
                  signing="upload", sha256=await upload(bytes(signed)))


async def test_an_incremental_update_after_signing_is_refused(office):
    token = await office["signing"].give_token("lanhdao", "Đinh Văn Tâm")
    draft = await draft_approved(office)
    signed = await office["signing"].sign_elsewhere(token, draft)
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_blank_page(595, 842)  # a page slipped in after the signature
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(signed)
    await refused(office, Action.SIGN, "tệp bị sửa sau khi ký (có nội dung được thêm vào",
                  signing="upload", sha256=await upload(out.getvalue()))


async def test_unsigned_pdf_and_a_pdf_of_another_text_are_refused(office):
    token = await office["signing"].give_token("lanhdao", "Đinh Văn Tâm")
    await draft_approved(office)
    await refused(office, Action.SIGN, "Tệp chưa được ký số hợp lệ: tệp chưa ký",
                  signing="upload", sha256=await upload(draft_pdf(2)))
    other_text = await office["signing"].sign_elsewhere(token, draft_pdf(2))
    await refused(office, Action.SIGN, "không phải dự thảo kết quả đã trình duyệt",
                  signing="upload", sha256=await upload(other_text))


async def test_signed_before_the_dossier_reached_the_step_is_refused(office):
    token = await office["signing"].give_token("lanhdao", "Đinh Văn Tâm")
    draft = await draft_approved(office)
    entered = (await DossierEvent.select(DossierEvent.at).order_by(
        DossierEvent.id, ascending=False).first())["at"]
    early = await office["signing"].sign_elsewhere(token, draft, entered - timedelta(hours=2))
    await refused(office, Action.SIGN, "ký trước khi hồ sơ đến bước ký", signing="upload",
                  sha256=await upload(early))


async def test_a_returned_step_voids_the_signature_until_signed_again(office):
    await office["signing"].give_key("lanhdao", "Đinh Văn Tâm")
    await draft_approved(office)
    await perform(office["dossier_id"], office["leader"], Action.SIGN, signing="server")
    await refused(office, Action.ATTACH_DRAFT, "Kết quả đã được ký", sha256=await upload(
        draft_pdf(2)))
    await perform(office["dossier_id"], office["leader"], Action.RETURN_STEP,
                  reason="Sửa căn cứ pháp lý", assignee_id=office["handler"].id)
    await refused(office, Action.ISSUE_RESULT, "chưa được ký số hợp lệ")
    await sign_and_issue(office["dossier_id"], office["handler"], office["leader"],
                         draft_pdf(2))
    result = await DossierResult.select().first()
    assert PdfReader(io.BytesIO(store.read(result["sha256"]))).get_num_pages() == 2
