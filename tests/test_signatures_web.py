"""Signing through the dossier page as plain HTML forms: the handler's draft, the leader's
"Ký số" button or upload, the files behind the links, and refusals that answer 400 with the
Vietnamese reason and change nothing. No form asks for a SHA-256 any more."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import ProcedureStep
from app.dossiers.tables import Dossier, DossierEvent, DossierResult
from tests import factories
from tests.conftest import csrf_from, run
from tests.signing_world import draft_pdf, signing  # noqa: F401  (fixture)


@pytest.fixture
def desk(client, signing):  # noqa: F811
    async def make():
        agency = await factories.agency("Sở Tư pháp tỉnh Quảng Ngãi", code="000.00.17.H55")
        procedure = await factories.procedure(agency)
        await ProcedureStep(procedure=procedure.id, position=1, name="Thẩm định, ký",
                            role="leader", allotted_hours=Decimal(16)).save()
        cookies, ids = {}, {}
        for username, role in (("thuly", Role.HANDLER), ("lanhdao", Role.LEADER),
                               ("khac", Role.LEADER)):
            home = agency if username != "khac" else await factories.agency("Sở Xây dựng")
            user = await accounts.create_user(username=username, password="abc12345",
                                              full_name=f"Cán bộ {username}", role=role,
                                              agency_ids=[home.id])
            ids[username] = user.id
            cookies[username] = accounts.cookie_value(
                await accounts.start_session(user, "127.0.0.1", "t"))
        dossier = await factories.dossier(procedure)
        await Dossier.update({Dossier.assignee: ids["thuly"]}).where(Dossier.id == dossier.id)
        await signing.give_key("lanhdao", "Cán bộ lanhdao")
        return dossier.id, cookies

    dossier_id, cookies = run(make())
    return {"dossier_id": dossier_id, "cookies": cookies, "url": f"/can-bo/ho-so/{dossier_id}"}


def as_(client, desk, username):
    client.cookies.clear()
    client.cookies.set("motcua_session", desk["cookies"][username])


def act(client, desk, action, files=None, **fields):
    page = client.get(desk["url"])
    return client.post(f"{desk['url']}/thao-tac", files=files, follow_redirects=False,
                       data={"_csrf_token": csrf_from(page.text), "action": action, **fields})


def unchanged(desk) -> tuple:
    return (Dossier.select().where(Dossier.id == desk["dossier_id"]).first().run_sync(),
            DossierEvent.count().run_sync(), DossierResult.count().run_sync())


def test_draft_approve_ky_so_issue_through_the_page(client, desk):
    as_(client, desk, "thuly")
    page = client.get(desk["url"]).text
    assert "Trình dự thảo kết quả" in page and 'name="sha256"' not in page
    assert "SHA-256" not in page
    not_pdf = act(client, desk, "attach_draft", files={"file": ("a.pdf", b"GIF89a", "image/gif")})
    assert not_pdf.status_code == 400 and "Dự thảo kết quả phải là tệp PDF." in not_pdf.text
    drafted = act(client, desk, "attach_draft",
                  files={"file": ("du-thao.pdf", draft_pdf(), "application/pdf")})
    assert drafted.status_code == 303
    draft = client.get(f"{desk['url']}/ket-qua/du-thao")
    assert draft.status_code == 200 and draft.content == draft_pdf()

    as_(client, desk, "lanhdao")
    assert act(client, desk, "approve").status_code == 303
    page = client.get(desk["url"]).text
    assert re.search(r'name="signing" value="server">.*?<button type="submit">Ký số</button>',
                     page, re.S)
    assert "Tệp PDF đã ký số (ký ở nơi khác)" in page and "SHA-256" not in page
    assert act(client, desk, "sign", signing="server").status_code == 303
    page = client.get(desk["url"]).text
    assert "Ban hành tệp đã ký số của Cán bộ lanhdao" in page
    assert act(client, desk, "issue_result").status_code == 303
    signed = client.get(f"{desk['url']}/ket-qua/ky-so")
    assert signed.status_code == 200 and signed.content.startswith(draft_pdf())
    issued = DossierResult.select().first().run_sync()
    assert issued["signed_by"] is not None and issued["certificate_fingerprint"]

    as_(client, desk, "khac")  # another agency's leader: the files are not theirs to see
    assert client.get(f"{desk['url']}/ket-qua/ky-so").status_code == 404


def test_uploads_that_are_not_valid_signatures_answer_400_and_change_nothing(client, desk):
    as_(client, desk, "thuly")
    act(client, desk, "attach_draft", files={"file": ("d.pdf", draft_pdf(), "application/pdf")})
    as_(client, desk, "lanhdao")
    act(client, desk, "approve")
    before = unchanged(desk)
    for content, reason in (
        (b"\x89PNG\r\n\x1a\n not a pdf", "Tệp chưa được ký số hợp lệ: tệp không phải PDF"),
        (draft_pdf(), "Tệp chưa được ký số hợp lệ: tệp chưa ký"),
    ):
        answer = act(client, desk, "sign", signing="upload",
                     files={"file": ("da-ky.pdf", content, "application/pdf")})
        assert answer.status_code == 400 and reason in answer.text
        assert unchanged(desk) == before
    empty = act(client, desk, "sign", signing="upload")
    assert empty.status_code == 400 and "Chưa chọn tệp hoặc tệp rỗng." in empty.text
    premature = act(client, desk, "issue_result")
    assert premature.status_code == 400
    assert "Kết quả chưa được ký số hợp lệ nên chưa thể ban hành." in premature.text
    assert unchanged(desk) == before
