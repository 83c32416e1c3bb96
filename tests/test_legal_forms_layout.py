"""Printed forms as official documents (Nghị định 30/2020 layout), read back from the PDF.

Issue #16: form 01's signature block fell alone onto page 2 with two components; the
national title and the agency name wrapped; the line above the agency was only
"QUẢNG NGÃI"; "Quyển số" was a date; form 03 said "tiếp nhận hồ sơ của" while refusing; a
refused dossier still linked to form 01 with blank dates.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import ProcedureComponent, ProcedureStep
from app.counter.logic import Outcome
from app.counter.service import Reception, receive
from app.directory.tables import Agency
from app.dossiers.logic import Channel
from app.dossiers.tables import Dossier
from app.workflow import Action
from app.workflow.service import perform
from tests import factories
from tests.conftest import run
from tests.legal_forms_world import as_
from tests.pdf_layout import find_phrase, on_one_line, page_count, pages_of_words

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LONG_REASON = ("Bản sao giấy khai sinh chưa được chứng thực; tờ khai ghi sai ngày cấp căn cước "
               "và thiếu chữ ký của người yêu cầu cấp phiếu. ") * 14


@pytest.fixture
def forms_world(client):
    async def make():
        province = Agency(code="000.00.00.H55", name="Ủy ban nhân dân tỉnh Quảng Ngãi",
                          short_name="UBND tỉnh")
        await province.save()
        agency = await factories.agency("Sở Tư pháp tỉnh Quảng Ngãi", code="000.00.17.H55")
        await Agency.update({Agency.parent: province.id}).where(Agency.id == agency.id)
        procedure = await factories.procedure(agency)
        components = []
        for position in range(1, 11):
            row = ProcedureComponent(
                procedure=procedure.id, position=position, kind="certified_copy", quantity=1,
                name=f"Giấy tờ số {position}: bản sao có chứng thực giấy tờ chứng minh nhân thân "
                     f"và nơi cư trú của người yêu cầu cấp phiếu")
            await row.save()
            components.append(row.id)
        await ProcedureStep(procedure=procedure.id, position=1, name="Thẩm định",
                            role="handler", allotted_hours=8).save()
        users = {}
        for role, name in ((Role.COUNTER_OFFICER, "motcua"), (Role.LEADER, "lanhdao")):
            user = await accounts.create_user(username=name, password="abc12345",
                                              full_name=f"Nguyễn Thị {name.title()}", role=role,
                                              agency_ids=[agency.id])
            token = await accounts.start_session(user, "127.0.0.1", "t")
            users[name] = (await accounts.load_session(token), accounts.cookie_value(token))
        counter = users["motcua"][0]

        def reception(name):
            return Reception(applicant_name=name, applicant_id_number="062190001234",
                             applicant_phone="0905123456",
                             applicant_address="Tổ 3, phường Trần Hưng Đạo",
                             channel=Channel.IN_PERSON, component_ids=components)

        accepted = await receive(counter, procedure.id, reception("Y Blông Ê Ban"))
        leader = users["lanhdao"][0]
        await perform(accepted, leader, Action.FORWARD, assignee_id=leader.id)
        await Dossier.update({Dossier.due_at: Dossier.received_at}).where(Dossier.id == accepted)
        moved = (await Dossier.select(Dossier.due_at).where(Dossier.id == accepted).first())
        await perform(accepted, leader, Action.RECORD_APOLOGY, reason="Chờ xác minh",
                      new_due_at=moved["due_at"] + timedelta(days=7))
        supplement = await receive(counter, procedure.id, reception("Hồ Thị Ngọc Ánh"),
                                   Outcome.SUPPLEMENT, {"reason": LONG_REASON})
        refused = await receive(counter, procedure.id, reception("Đinh Văn Tú"),
                                Outcome.REFUSE, {"reason": "Không thuộc đối tượng được cấp"})
        return {"accepted": accepted, "supplement": supplement, "refused": refused,
                "cookie": users["motcua"][1]}

    return run(make())


def pdf(client, dossier_id: int, form: str) -> bytes:
    response = client.get(f"/can-bo/ho-so/{dossier_id}/bieu-mau/{form}/pdf")
    assert response.status_code == 200, (form, response.status_code)
    if os.environ.get("KEEP_TEST_PDFS"):  # to look at them: pdftoppm -png …
        Path(os.environ["KEEP_TEST_PDFS"], f"{form}-{dossier_id}.pdf").write_bytes(
            response.content)
    return response.content


FORMS = [("accepted", "receipt"), ("accepted", "apology"), ("accepted", "control_sheet"),
         ("supplement", "supplement"), ("refused", "refusal")]


def test_official_header_on_every_form(client, forms_world):
    as_(client, forms_world["cookie"])
    for which, form in FORMS:
        first = pages_of_words(pdf(client, forms_world[which], form))[0]
        for phrase in (NATIONAL_TITLE, MOTTO):
            words = find_phrase(first, phrase)
            assert words and on_one_line(words), (form, phrase)
        parent, issuer = find_phrase(first, "UBND TỈNH QUẢNG NGÃI"), find_phrase(
            first, "SỞ TƯ PHÁP")
        assert parent and issuer and on_one_line(parent) and on_one_line(issuer), form
        assert parent[0].y0 < issuer[0].y0, form  # the parent agency above the issuer
        # Two columns: the agency on the left, the national title on the right, level.
        title = find_phrase(first, NATIONAL_TITLE)
        assert issuer[-1].x1 < title[0].x0 and abs(parent[0].y0 - title[0].y0) < 2, form
        assert find_phrase(first, "Quảng Ngãi, ngày"), form
        if form != "control_sheet":  # letters carry a register number; the sheet does not
            assert find_phrase(first, "Số:"), form


def test_form_01_with_ten_components_is_one_page_with_its_signatures(client, forms_world):
    as_(client, forms_world["cookie"])
    content = pdf(client, forms_world["accepted"], "receipt")
    assert page_count(content) == 1
    words = pages_of_words(content)[0]
    assert find_phrase(words, "Giấy tờ số 10:")
    assert find_phrase(words, "NGƯỜI TIẾP NHẬN HỒ SƠ") and find_phrase(words, "Nguyễn Thị Motcua")


def test_book_number_is_a_volume_not_a_date(client, forms_world):
    as_(client, forms_world["cookie"])
    text = " ".join(w.text for w in pages_of_words(pdf(client, forms_world["accepted"],
                                                       "receipt"))[0])
    volume = text.split("Quyển số:")[1].split(",")[0].strip()
    assert "/" not in volume or volume.count("/") == 1  # "01/2026", never "03/12/2026"
    assert volume.split("/")[0].isdigit() and len(volume.split("/")[0]) <= 3


def test_a_long_form_never_leaves_its_signature_alone(client, forms_world):
    as_(client, forms_world["cookie"])
    pages = pages_of_words(pdf(client, forms_world["supplement"], "supplement"))
    assert len(pages) >= 2  # the long reason makes it two pages
    signed = [page for page in pages if find_phrase(page, "NGƯỜI HƯỚNG DẪN")]
    assert len(signed) == 1
    # The closing paragraph travels with the signatures.
    assert find_phrase(signed[0], "để được hướng dẫn.")


def test_refusal_wording_and_no_receipt_for_a_refused_dossier(client, forms_world):
    as_(client, forms_world["cookie"])
    text = " ".join(w.text for w in pages_of_words(pdf(client, forms_world["refused"],
                                                       "refusal"))[0])
    assert "tiếp nhận hồ sơ của" not in text
    assert "từ chối tiếp nhận" in text and "Đinh Văn Tú" in text
    refused = forms_world["refused"]
    assert client.get(f"/can-bo/ho-so/{refused}/bieu-mau/receipt/pdf").status_code == 404
    assert "Giấy tiếp nhận" not in client.get(f"/can-bo/ho-so/{refused}/bieu-mau").text
    detail = client.get(f"/can-bo/ho-so/{refused}")
    assert "/phieu-hen" not in detail.text
    assert client.get(f"/can-bo/ho-so/{refused}/phieu-hen").status_code == 404
