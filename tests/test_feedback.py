"""Feedback and petitions: the flow rules, deadlines in working days, redaction for the
public page, the submitter's rating, the overdue list and the figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.feedback import logic
from app.feedback import service as feedback
from app.feedback.logic import FeedbackError, Move, Status
from app.feedback.tables import Feedback, FeedbackEvent
from app.formatting import now_utc, to_local
from app.notifications.tables import OutboxMessage
from tests import factories
from tests.conftest import csrf_from, login, post_form, run


def test_moves_by_status_role_and_scope():
    assert logic.moves_for(Status.RECEIVED, Role.PROVINCIAL_ADMIN, in_scope=False,
                           agreed_to_publish=True) == [Move.ROUTE, Move.REFUSE]
    assert logic.moves_for(Status.ROUTED, Role.LEADER, in_scope=True,
                           agreed_to_publish=False) == [Move.REFUSE, Move.ASK_MORE, Move.ANSWER]
    assert logic.moves_for(Status.ROUTED, Role.LEADER, in_scope=False,
                           agreed_to_publish=False) == []
    assert logic.moves_for(Status.ANSWERED, Role.HANDLER, in_scope=True,
                           agreed_to_publish=False) == []  # not agreed: never published
    with pytest.raises(FeedbackError, match="Không thể"):
        logic.next_status(Status.RECEIVED, Move.ANSWER, Role.LEADER, in_scope=True,
                          agreed_to_publish=True)


def test_redaction_removes_personal_data():
    text = ("Tôi là Nguyễn Văn An, CCCD 051090012345, gọi 0905 123 456 hoặc "
            "an@example.vn; nguyễn văn an chờ đã 20 ngày.")
    cleaned = logic.redact(text, ["Nguyễn Văn An"])
    for secret in ("Nguyễn Văn An", "nguyễn văn an", "051090012345", "0905 123 456",
                   "an@example.vn"):
        assert secret not in cleaned
    assert "20 ngày" in cleaned and cleaned.count(logic.HIDDEN) == 5


def test_figures_count_on_time_overdue_and_satisfaction():
    now = now_utc()
    rows = [
        {"status": "answered", "answered_at": now, "answer_due_at": now, "due_at": None,
         "rating": 1},
        {"status": "published", "answered_at": now, "answer_due_at": now - timedelta(1),
         "due_at": None, "rating": 0},
        {"status": "routed", "answered_at": None, "answer_due_at": now,
         "due_at": now - timedelta(hours=1), "rating": None},
    ]
    figures = logic.figures(rows, now)
    assert (figures.received, figures.answered, figures.answered_on_time,
            figures.overdue_open, figures.rated, figures.satisfied) == (3, 2, 1, 1, 2, 1)
    assert str(figures.on_time_rate) == "50.00" and str(figures.satisfaction_rate) == "50.00"


@pytest.fixture
def people(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp")
        procedure = await factories.procedure(agency)
        made = {}
        for name, role, agencies in (("congdan", Role.CITIZEN, []),
                                     ("tinh", Role.PROVINCIAL_ADMIN, []),
                                     ("lanhdao", Role.LEADER, [agency.id])):
            user = await accounts.create_user(
                username=name, password="Phananh2026x", full_name=f"Nguyễn Văn {name}",
                role=role, agency_ids=agencies, phone="0905123456" if name == "congdan" else "",
                email=f"{name}@example.vn")
            made[name] = await accounts.load_session(
                await accounts.start_session(user, "ip", "t"))
        return agency, procedure, made

    return run(make())


def test_flow_from_submission_to_published_answer_and_rating(client, people):
    agency, procedure, u = people

    async def go():
        fid = await feedback.submit(u["congdan"], {
            "procedure_id": str(procedure.id), "title": "Chờ lâu",
            "content": "Tôi Nguyễn Văn congdan, số 0905123456, chờ quá lâu.",
            "agree_publish": "1"})
        row = await Feedback.select().where(Feedback.id == fid).first()
        assert row["code"].startswith(f"PA-{to_local(now_utc()):%y%m%d}-")
        assert row["refuse_due_at"] < row["answer_due_at"] and row["due_at"] == row[
            "refuse_due_at"]
        with pytest.raises(FeedbackError):
            await feedback.act(fid, u["lanhdao"], "answer", {"text": "x"})  # not routed yet
        await feedback.act(fid, u["tinh"], "route",
                           {"category": "phan_anh", "agency_id": str(agency.id)})
        await feedback.act(fid, u["lanhdao"], "ask_more", {"text": "Mã hồ sơ là gì?"})
        with pytest.raises(FeedbackError, match="người gửi"):
            await feedback.act(fid, u["lanhdao"], "supply", {"text": "x"})
        await feedback.act(fid, u["congdan"], "supply", {"text": "Hồ sơ 123"})
        with pytest.raises(FeedbackError, match="Nhập nội dung"):
            await feedback.act(fid, u["lanhdao"], "answer", {})
        await feedback.act(fid, u["lanhdao"], "answer", {"text": "Đã xử lý, xin lỗi ông."})
        await feedback.act(fid, u["lanhdao"], "publish", {"text": "Đã xử lý, xin lỗi ông."})
        return fid

    fid = run(go())
    sent = OutboxMessage.select(OutboxMessage.channel).where(
        OutboxMessage.event == "feedback_answered").run_sync()
    assert sorted(m["channel"] for m in sent) == ["email", "sms"]
    public = client.get("/phan-anh/cong-khai")
    assert public.status_code == 200 and "Chờ lâu" in public.text
    assert "0905123456" not in public.text and "Nguyễn Văn congdan" not in public.text
    login(client, "congdan", "Phananh2026x")
    mine = client.get("/phan-anh/cua-toi")
    assert "Đã xử lý, xin lỗi ông." in mine.text
    bad = post_form(client, "/phan-anh/cua-toi", "/phan-anh/danh-gia",
                    {"feedback_id": str(fid)})
    assert bad.status_code == 400
    post_form(client, "/phan-anh/cua-toi", "/phan-anh/danh-gia",
              {"feedback_id": str(fid), "satisfied": "1"})
    again = post_form(client, "/phan-anh/cua-toi", "/phan-anh/danh-gia",
                      {"feedback_id": str(fid), "satisfied": "0"})
    assert again.status_code == 400 and "đã đánh giá" in again.text
    figures = run(feedback.satisfaction_figures([agency.id], now_utc() - timedelta(1),
                                                now_utc() + timedelta(1)))
    assert (figures.answered, figures.answered_on_time, figures.satisfied) == (1, 1, 1)


def test_submission_form_errors_and_overdue_list(client, people):
    agency, procedure, u = people
    login(client, "congdan", "Phananh2026x")
    empty = post_form(client, "/phan-anh/gui", "/phan-anh/gui", {"title": "Chờ lâu"})
    assert empty.status_code == 400 and "Nhập tiêu đề và nội dung" in empty.text
    unknown = post_form(client, "/phan-anh/gui", "/phan-anh/gui",
                        {"title": "a", "content": "b", "dossier_code": "KHONG-CO"})
    assert unknown.status_code == 400 and "Không tìm thấy hồ sơ" in unknown.text
    done = post_form(client, "/phan-anh/gui", "/phan-anh/gui",
                     {"title": "a", "content": "b", "agency_id": str(agency.id)})
    assert "Đã gửi phản ánh" in done.text
    Feedback.update({Feedback.due_at: now_utc() - timedelta(hours=1)}).where(
        Feedback.id > 0).run_sync()
    client.post("/dang-xuat", data={"_csrf_token": ""})
    client.cookies.clear()
    login(client, "tinh", "Phananh2026x")
    overdue = client.get("/can-bo/phan-anh?qua_han=1")
    assert overdue.status_code == 200 and "(quá hạn)" in overdue.text
    fid = Feedback.select(Feedback.id).first().run_sync()["id"]
    detail = client.get(f"/can-bo/phan-anh/{fid}")
    assert "Phân loại và chuyển cơ quan xử lý" in detail.text


def test_without_an_account_the_phone_is_verified_and_a_private_link_follows(client, people):
    import re

    agency, procedure, u = people
    form = {"name": "Đinh Thị Hoa", "phone": "0912 345 678", "agency_id": str(agency.id),
            "title": "Thái độ cán bộ", "content": "Cán bộ không hướng dẫn."}
    bad_phone = post_form(client, "/phan-anh/gui", "/phan-anh/gui", {**form, "phone": "12"})
    assert bad_phone.status_code == 400 and "Số điện thoại" in bad_phone.text
    sent = post_form(client, "/phan-anh/gui", "/phan-anh/gui", form, follow_redirects=False)
    verify_path = sent.headers["location"]
    assert verify_path.startswith("/phan-anh/xac-thuc/")
    (sms,) = OutboxMessage.select().where(OutboxMessage.event == "verify_code").run_sync()
    assert sms["recipient"] == "0912345678"
    code = re.search(r"\b(\d{6})\b", sms["body"]).group(1)
    wrong = post_form(client, verify_path, verify_path, {"code": "000000" if code != "000000"
                                                         else "111111"})
    assert wrong.status_code == 400 and "Còn 4 lần thử" in wrong.text
    done = post_form(client, verify_path, verify_path, {"code": code})
    assert done.status_code == 200 and "Đã gửi phản ánh" in done.text
    follow = re.search(r'href="(/phan-anh/theo-doi/[\w-]+)"', done.text).group(1)
    assert client.get(verify_path).status_code == 404  # used up
    fid = Feedback.select(Feedback.id).where(Feedback.submitter.is_null()).first().run_sync()[
        "id"]
    run(feedback.act(fid, u["tinh"], "route", {"category": "phan_anh",
                                               "agency_id": str(agency.id)}))
    run(feedback.act(fid, u["lanhdao"], "answer", {"text": "Đã nhắc nhở cán bộ."}))
    (answered,) = OutboxMessage.select().where(
        OutboxMessage.event == "feedback_answered").run_sync()
    assert "/phan-anh/theo-doi/" in answered["body"]
    page = client.get(follow)
    assert "Đã nhắc nhở cán bộ." in page.text
    post_form(client, follow, follow, {"what": "rate", "satisfied": "0"})
    assert "Bạn đã đánh giá: Không hài lòng." in client.get(follow).text
    assert client.get("/phan-anh/theo-doi/khong-co").status_code == 404


def test_waiting_for_more_information_does_not_count_against_the_answer_deadline(people):
    agency, procedure, u = people

    async def go():
        fid = await feedback.submit(u["congdan"], {
            "procedure_id": str(procedure.id), "title": "Thiếu thông tin",
            "content": "Nội dung chưa rõ."})
        await feedback.act(fid, u["tinh"], "route",
                           {"category": "kien_nghi", "agency_id": str(agency.id)})
        await feedback.act(fid, u["lanhdao"], "ask_more", {"text": "Xin cho biết mã hồ sơ."})
        before = await Feedback.select(Feedback.answer_due_at, Feedback.due_at).where(
            Feedback.id == fid).first()
        assert before["due_at"] is None  # the clock waits for the submitter
        # The question was asked two weeks ago: at least eight working days of waiting.
        await FeedbackEvent.update({FeedbackEvent.at: now_utc() - timedelta(days=14)}).where(
            (FeedbackEvent.feedback == fid) & (FeedbackEvent.move == "ask_more"))
        await feedback.act(fid, u["congdan"], "supply", {"text": "Hồ sơ 000.00.17.H55-261203-0001"})
        after = await Feedback.select(Feedback.answer_due_at, Feedback.due_at).where(
            Feedback.id == fid).first()
        return before, after

    before, after = run(go())
    assert after["answer_due_at"] - before["answer_due_at"] >= timedelta(days=8)
    assert after["due_at"] == after["answer_due_at"]


def test_more_information_can_be_asked_for_only_within_its_deadline(people):
    agency, procedure, u = people

    async def go():
        fid = await feedback.submit(u["congdan"], {
            "procedure_id": str(procedure.id), "title": "Phản ánh cũ", "content": "Nội dung."})
        await feedback.act(fid, u["tinh"], "route",
                           {"category": "phan_anh", "agency_id": str(agency.id)})
        await FeedbackEvent.update({FeedbackEvent.at: now_utc() - timedelta(days=14)}).where(
            (FeedbackEvent.feedback == fid) & (FeedbackEvent.move == "route"))
        with pytest.raises(FeedbackError, match="5 ngày làm việc"):
            await feedback.act(fid, u["lanhdao"], "ask_more", {"text": "Xin thêm thông tin."})
        await feedback.act(fid, u["lanhdao"], "answer", {"text": "Đã trả lời."})
        return (await Feedback.select(Feedback.status).where(Feedback.id == fid).first())

    assert run(go())["status"] == Status.ANSWERED.value


@pytest.mark.parametrize("text, names", [
    ("Tôi đi cùng bà Nguyễn Thị Hoa đến nộp hồ sơ.", ["Nguyễn Thị Hoa"]),
    ("Bà Nguyễn Thị Hoa và anh Tú chờ từ sáng.", ["Nguyễn Thị Hoa", "Tú"]),
    ("Cán bộ Trần Văn Bình nói hẹn lại; Trần Văn Bình không ký phiếu.", ["Trần Văn Bình"]),
    ("Hồ sơ của ông Y Blông Ê Ban nộp tại phường Trần Hưng Đạo.", ["Y Blông Ê Ban"]),
    ("Nhà ở đường Lê Lợi, tổ 3. Phường Trần Hưng Đạo không trả lời.", []),
    ("UBND xã và Sở Tư pháp chưa giải quyết Giấy phép xây dựng.", []),
    ("Chị Mai, chị Lan cùng đi.", ["Mai", "Lan"]),
    ("", []),
])
def test_private_names_are_found_for_the_officer_to_confirm(text, names):
    assert logic.private_names(text) == names


def test_confirmed_names_are_redacted_with_the_honorific_kept():
    text = "Tôi đi cùng bà Nguyễn Thị Hoa, số 0905123456."
    assert logic.redact(text, ["Nguyễn Thị Hoa"]) == "Tôi đi cùng bà [đã ẩn], số [đã ẩn]."


def test_publishing_shows_the_public_text_and_asks_about_names(client, people):
    """Issue #16: published feedback kept a third party's name ("bà Nguyễn Thị Hoa")."""
    agency, procedure, u = people

    async def go():
        fid = await feedback.submit(u["congdan"], {
            "procedure_id": str(procedure.id), "title": "Chờ lâu",
            "content": "Tôi đi cùng bà Nguyễn Thị Hoa, chờ từ 7 giờ ở phường Trần Hưng Đạo.",
            "agree_publish": "1"})
        await feedback.act(fid, u["tinh"], "route",
                           {"category": "phan_anh", "agency_id": str(agency.id)})
        await feedback.act(fid, u["lanhdao"], "answer", {"text": "Xin lỗi ông và bà Hoa."})
        return fid

    fid = run(go())
    login(client, "lanhdao", "Phananh2026x")
    page = f"/can-bo/phan-anh/{fid}"
    action = f"{page}/xu-ly"
    text = "Đã làm việc với cán bộ Lê Văn Tâm; xin lỗi bà Nguyễn Thị Hoa."
    shown = post_form(client, page, action, {"move": "publish", "text": text})
    assert shown.status_code == 200 and "Xem trước bản công khai" in shown.text
    assert 'value="Nguyễn Thị Hoa" checked' in shown.text
    assert 'value="Lê Văn Tâm" checked' in shown.text
    assert "bà [đã ẩn]" in shown.text and "Trần Hưng Đạo" in shown.text
    assert "Chờ lâu" not in client.get("/phan-anh/cong-khai").text  # nothing published yet
    # The officer keeps the official's name public, then publishes.
    token = csrf_from(shown.text)
    again = client.post(action, data={"move": "publish", "text": text, "xem_lai": "1",
                                      "an_ten": ["Nguyễn Thị Hoa"], "_csrf_token": token})
    assert 'value="Lê Văn Tâm">' in again.text and "cán bộ Lê Văn Tâm" in again.text
    done = client.post(action, data={"move": "publish", "text": text, "xac_nhan": "1",
                                     "an_ten": ["Nguyễn Thị Hoa"], "_csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303
    public = client.get("/phan-anh/cong-khai").text
    assert "Chờ lâu" in public and "Nguyễn Thị Hoa" not in public
    assert "Lê Văn Tâm" in public and "Trần Hưng Đạo" in public


def test_staff_feedback_forms_keep_what_was_typed(client, people):
    agency, procedure, u = people
    fid = run(feedback.submit(u["congdan"], {"procedure_id": str(procedure.id),
                                              "title": "Chờ lâu", "content": "Chờ quá lâu.",
                                              "agree_publish": "1"}))
    login(client, "tinh", "Phananh2026x")
    page = f"/can-bo/phan-anh/{fid}"
    bad = post_form(client, page, f"{page}/xu-ly", {"move": "route", "category": "kien_nghi",
                                                     "agency_id": "999999"})
    assert bad.status_code == 400 and "Chọn loại" in bad.text
    assert '<option value="kien_nghi" selected>' in bad.text
