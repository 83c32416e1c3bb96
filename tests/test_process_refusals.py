"""The issue's findings, from outside, as refusals: each is a clear Vietnamese message, a
4xx, and leaves the dossier row, its events and the audit chain exactly as they were.

- a handler at the approval or signature step, or forwarding the dossier to himself past
  a step he may not do; a unit leader at the Chairman's signature;
- issuing the result without the signature;
- a stale page (another officer moved the dossier meanwhile);
- the counter's reception form sent twice (Back and resubmit): one dossier.
"""

from __future__ import annotations

import re

from app.dossiers.logic import Status
from app.dossiers.tables import Dossier
from app.workflow import Action
from app.workflow.service import perform
from tests.conftest import form_fields, run
from tests.process_world import (
    act,
    as_,
    attach_draft,
    commune,  # noqa: F401  (fixture)
    page_of,
    receive_at_counter,
    state_of,
)
from tests.signing_world import signing  # noqa: F401  (fixture)


def message(response) -> str:
    found = re.search(r'<div class="error-summary" role="alert"><h2>[^<]*</h2><p>([^<]*)</p>',
                      response.text)
    return found.group(1) if found else ""


def refused(client, dossier_id, action, status=400, **kwargs) -> str:
    """The action is refused with nothing changed; its message."""
    before = state_of(dossier_id)
    response = act(client, dossier_id, action, **kwargs)
    assert response.status_code == status, (response.status_code, message(response))
    assert state_of(dossier_id) == before
    return message(response)


def at_approval(client, commune) -> int:  # noqa: F811
    dossier_id = receive_at_counter(client, commune)
    assert act(client, dossier_id, "forward").status_code == 303  # to the handlers' pool
    as_(client, commune, "thuly")
    assert attach_draft(client, dossier_id).status_code == 303
    assert act(client, dossier_id, "forward").status_code == 303  # to the unit leader
    return dossier_id


def test_a_handler_cannot_act_at_the_approval_or_signature_step(client, commune):  # noqa: F811
    dossier_id = at_approval(client, commune)
    as_(client, commune, "thuly")
    assert "Phê duyệt" not in re.findall(r"<h3>([^<]*)</h3>", page_of(client, dossier_id))
    assert refused(client, dossier_id, "approve") == (
        "Vai trò “Chuyên viên thụ lý” không được thực hiện “Phê duyệt”.")
    assert refused(client, dossier_id, "forward") == (
        "Bước 3/5 “Trưởng phòng xem xét, trình ký” do Lãnh đạo phòng, đơn vị thực hiện: bạn "
        "không được “Chuyển bước tiếp theo” ở bước này.")

    as_(client, commune, "truongphong")
    assert act(client, dossier_id, "approve").status_code == 303
    assert act(client, dossier_id, "forward").status_code == 303  # to the Chairman's pool
    as_(client, commune, "thuly")  # neither the handler nor the unit leader signs
    assert refused(client, dossier_id, "sign", signing="server") == (
        "Vai trò “Chuyên viên thụ lý” không được thực hiện “Ký số kết quả”.")
    as_(client, commune, "truongphong")
    assert refused(client, dossier_id, "sign", signing="server") == (
        "Bước 4/5 “Chủ tịch UBND phường ký” do Chủ tịch, Phó Chủ tịch UBND thực hiện: bạn "
        "không được “Ký số kết quả” ở bước này.")


def test_a_handler_cannot_take_the_next_step_himself(client, commune):  # noqa: F811
    dossier_id = receive_at_counter(client, commune)
    act(client, dossier_id, "forward")
    as_(client, commune, "thuly")
    me = str(commune.users["thuly"].id)
    # Not even by forging the select: the server knows who may hold step 3.
    assert refused(client, dossier_id, "forward", assignee_id=me) == (
        "Không thể tự nhận bước 3/5 “Trưởng phòng xem xét, trình ký”: bước này do Lãnh đạo "
        "phòng, đơn vị thực hiện.")
    other = str(commune.users["thuly2"].id)
    assert refused(client, dossier_id, "forward", assignee_id=other) == (
        "Cán bộ thuly2 không được thực hiện bước 3/5 “Trưởng phòng xem xét, trình ký”.")
    page = page_of(client, dossier_id)
    offered = re.search(r'<select id="assignee-forward".*?</select>', page, re.S).group(0)
    assert "Cán bộ truongphong" in offered and "Cán bộ thuly2" not in offered


def test_the_result_cannot_be_issued_before_it_is_signed(client, commune):  # noqa: F811
    dossier_id = at_approval(client, commune)
    as_(client, commune, "truongphong")
    assert refused(client, dossier_id, "issue_result") == (
        "Kết quả chỉ được ban hành ở bước 4/5 “Chủ tịch UBND phường ký”.")
    act(client, dossier_id, "approve")
    act(client, dossier_id, "forward")
    as_(client, commune, "chutich")
    assert refused(client, dossier_id, "issue_result") == (
        "Kết quả chưa được ký số hợp lệ nên chưa thể ban hành.")
    assert refused(client, dossier_id, "forward") == (
        "Kết quả cần được ký số ở bước 4/5 “Chủ tịch UBND phường ký” trước khi chuyển bước.")
    # Signed, then issued, then finished: the counter returns it.
    assert act(client, dossier_id, "sign", signing="server").status_code == 303
    assert act(client, dossier_id, "issue_result").status_code == 303
    assert act(client, dossier_id, "forward").status_code == 303
    row = Dossier.select().where(Dossier.id == dossier_id).first().run_sync()
    assert (row["status"], row["current_step"], row["approved"], row["signed"]) == (
        Status.PROCESSED, 5, True, True)


def test_a_stale_page_is_refused_and_says_who_moved_the_dossier(client, commune):  # noqa: F811
    dossier_id = at_approval(client, commune)
    as_(client, commune, "truongphong")
    old_page = page_of(client, dossier_id)  # the leader's page, open in a tab
    assert act(client, dossier_id, "approve").status_code == 303
    assert act(client, dossier_id, "forward").status_code == 303  # from a fresh page
    before = state_of(dossier_id)
    response = act(client, dossier_id, "return_step", page=old_page, reason="Xem lại")
    assert response.status_code == 409
    assert re.fullmatch(r"Hồ sơ vừa được Cán bộ truongphong cập nhật lúc \d\d:\d\d "
                        r"\d\d/\d\d/\d{4} \(trình ký\); vui lòng tải lại trang\.",
                        message(response)), message(response)
    assert state_of(dossier_id) == before


def typed_apology(response) -> tuple[str, str]:
    form = re.search(r'<form[^>]*id="action-record_apology".*?</form>', response.text, re.S)
    assert form, "the apology form is shown again"
    date = re.search(r'name="new_due_at" value="([^"]*)"', form.group(0)).group(1)
    reason = re.search(r'name="reason"[^>]*>([^<]*)</textarea>', form.group(0)).group(1)
    return date, reason


def test_a_refused_form_comes_back_with_what_was_typed(client, commune):  # noqa: F811
    dossier_id = receive_at_counter(client, commune)
    act(client, dossier_id, "forward")
    as_(client, commune, "thuly")
    old_page = page_of(client, dossier_id)
    before = state_of(dossier_id)
    # Issue #16: a wrong apology date cleared the date and the reason.
    wrong = act(client, dossier_id, "record_apology", new_due_at="31/02/2026 10:00",
                reason="Chờ kết quả xác minh của Công an")
    assert wrong.status_code == 400 and "dd/mm/yyyy hh:mm" in message(wrong)
    assert typed_apology(wrong) == ("31/02/2026 10:00", "Chờ kết quả xác minh của Công an")
    assert state_of(dossier_id) == before
    # A stale page: the leader assigned the step meanwhile (in their own browser). The
    # apology from the page opened before is refused, and the typing kept.
    run(perform(dossier_id, commune.users["truongphong"], Action.ASSIGN,
                assignee_id=commune.users["thuly"].id))
    stale = act(client, dossier_id, "record_apology", page=old_page,
                new_due_at="30/12/2026 10:00", reason="Chờ xác minh")
    assert stale.status_code == 409 and "Cán bộ truongphong" in message(stale)
    assert "(phân công xử lý)" in message(stale)
    assert typed_apology(stale) == ("30/12/2026 10:00", "Chờ xác minh")


def test_a_form_without_the_version_is_refused(client, commune):  # noqa: F811
    dossier_id = receive_at_counter(client, commune)
    before = state_of(dossier_id)
    fields = {k: v for k, v in form_fields(page_of(client, dossier_id)).items()
              if k != "version"}
    response = client.post(f"/can-bo/ho-so/{dossier_id}/thao-tac",
                           data={**fields, "action": "forward"}, follow_redirects=False)
    assert response.status_code == 400 and "tải lại trang" in message(response)
    assert state_of(dossier_id) == before


def test_the_same_counter_form_sent_twice_makes_one_dossier(client, commune):  # noqa: F811
    as_(client, commune, "motcua")
    url = f"/mot-cua/tiep-nhan/{commune.procedure_id}"
    form = client.get(url).text
    data = {**form_fields(form), "applicant_name": "Y Blông",
            "applicant_id_number": "062190001234", "channel": "1",
            "components": str(commune.component_id)}
    first = client.post(url, data=data, follow_redirects=False)
    assert first.status_code == 303
    (dossier,) = Dossier.select(Dossier.id, Dossier.code).run_sync()
    before = state_of(dossier["id"])
    again = client.post(url, data=data, follow_redirects=False)  # Back, then submit again
    assert again.status_code == 303
    assert again.headers["location"] == f"/can-bo/ho-so/{dossier['id']}?da_gui_truoc=1"
    shown = client.get(again.headers["location"]).text
    assert f"đã tạo hồ sơ {dossier['code']}; hệ thống không tạo hồ sơ thứ hai" in shown
    assert Dossier.count().run_sync() == 1 and state_of(dossier["id"]) == before
    # A fresh form is a new reception.
    fresh = {**data, **form_fields(client.get(url).text)}
    assert client.post(url, data=fresh, follow_redirects=False).status_code == 303
    assert Dossier.count().run_sync() == 2


def test_a_counter_form_without_its_token_is_refused(client, commune):  # noqa: F811
    as_(client, commune, "motcua")
    url = f"/mot-cua/tiep-nhan/{commune.procedure_id}"
    data = {**form_fields(client.get(url).text), "applicant_name": "Y Blông",
            "applicant_id_number": "062190001234", "channel": "1",
            "components": str(commune.component_id)}
    for token in ("", "short", "x" * 65):
        response = client.post(url, data={**data, "reception_token": token})
        assert response.status_code == 400 and "Biểu mẫu tiếp nhận này đã cũ" in response.text
        assert 'value="Y Blông"' in response.text  # what was typed comes back
    assert Dossier.count().run_sync() == 0
