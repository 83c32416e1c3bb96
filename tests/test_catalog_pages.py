"""The procedure page: steps, components with kind and quantity, time limit in words,
fees in money format, where to submit, online level, form templates to download."""

from decimal import Decimal

from app.catalog.forms import download_name
from app.catalog.logic import split_steps
from app.catalog.tables import FormTemplate, Procedure, ProcedureComponent
from tests import factories
from tests.conftest import run


def test_split_steps_reads_the_published_order():
    assert split_steps("Bước 1: Nộp hồ sơ. Bước 2: Nhận kết quả.") == ["Nộp hồ sơ.",
                                                                     "Nhận kết quả."]
    assert split_steps("Nộp hồ sơ\n\nNhận kết quả") == ["Nộp hồ sơ", "Nhận kết quả"]
    assert split_steps("") == []


def test_download_name_is_plain_ascii():
    assert download_name("Mẫu số 03/2013/TT-LLTP") == "mau-so-03-2013-tt-lltp.pdf"
    assert download_name("—") == "mau-don.pdf"


def test_procedure_page_and_form_download(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp", code="000.00.82.H55")
        procedure = await factories.procedure(agency, "Cấp Phiếu lý lịch tư pháp")
        await Procedure.update({
            Procedure.fee_amount: 200_000, Procedure.time_limit_amount: Decimal(5),
            Procedure.steps_text: "Bước 1: Nộp tờ khai. Bước 2: Nhận Phiếu.",
            Procedure.where_to_submit: "Trung tâm Phục vụ hành chính công tỉnh",
        }).where(Procedure.id == procedure.id)
        form = ProcedureComponent(procedure=procedure.id, position=1, name="Tờ khai",
                                  kind="original", quantity=2, form_template="Mẫu số 03")
        await form.save()
        plain = ProcedureComponent(procedure=procedure.id, position=2, name="Bản sao CCCD",
                                   kind="copy", quantity=1)
        await plain.save()
        return procedure.id, form.id, plain.id
    procedure_id, form_id, plain_id = run(make())
    page = client.get(f"/thu-tuc/{procedure_id}").text
    for text in ("5 ngày làm việc", "200.000 đ", "<li>Nộp tờ khai.</li>", "2 bản", "Bản sao",
                 "Trung tâm Phục vụ hành chính công tỉnh", "toàn trình", "Nộp hồ sơ trực tuyến",
                 f"/thu-tuc/{procedure_id}/mau/{form_id}"):
        assert text in page, text
    first = client.get(f"/thu-tuc/{procedure_id}/mau/{form_id}")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert 'filename="mau-so-03.pdf"' in first.headers["content-disposition"]
    # Stored once, then served from the file store.
    assert client.get(f"/thu-tuc/{procedure_id}/mau/{form_id}").content == first.content
    assert FormTemplate.count().run_sync() == 1
    assert client.get(f"/thu-tuc/{procedure_id}/mau/{plain_id}").status_code == 404
    assert client.get(f"/thu-tuc/{procedure_id + 1}/mau/{form_id}").status_code == 404
