"""What the national portal reads about a dossier, built from plain facts. Pure.

Field names are the portal's own (see /work/shared/reference/766-index.md, last section);
times are local (Asia/Ho_Chi_Minh) as `yyyyMMddHHmmss`, the portal's format. `judge`
decides what an answer to a push means: delivered only when it acknowledges exactly the
dossier and version sent — a late answer to an earlier request (answers can come out of
order) is not an acknowledgement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.formatting import to_local
from app.integrations.logic import Result, delivered, permanent, temporary

UNITS = {"hours": "Giờ", "working_days": "Ngày làm việc", "calendar_days": "Ngày",
         "days": "Ngày", "months": "Tháng"}
PAID_ON_PORTAL, PAID_BY_PROVINCE = 1, 2


def portal_time(moment: datetime | None) -> str | None:
    return None if moment is None else to_local(moment).strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True)
class Component:
    name: str
    digitised: bool
    reused: bool
    has_file: bool


@dataclass(frozen=True)
class DossierFacts:
    code: str
    agency_id: int
    procedure_code: str
    agency_code: str  # the agency's code on the portal (falls back to ours)
    channel: int
    status: int
    applicant_name: str
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    time_limit_amount: str
    time_limit_unit: str
    fees_due: int
    paid_online: int  # 0, PAID_ON_PORTAL or PAID_BY_PROVINCE
    vneid_account: bool
    result_code: str  # the result's document number (or its SHA-256 prefix); "" if none
    result_url: str
    portal_id: str = ""  # the portal's own id for dossiers filed there
    components: tuple[Component, ...] = field(default_factory=tuple)


def build(facts: DossierFacts, source_code: str) -> dict:
    """The payload of one version (the version number is added by the outbox)."""
    documents = [{"TenTaiLieu": c.name, "DuocSoHoa": int(c.digitised),
                  "DuocLayTuKhoDMQG": int(c.reused), "CoTepTin": int(c.has_file)}
                 for c in facts.components]
    payload = {
        "MaHoSo": facts.code, "MaTTHC": facts.procedure_code, "MaCoQuan": facts.agency_code,
        "KenhThucHien": facts.channel, "TrangThaiHoSo": facts.status,
        "ChuHoSo": facts.applicant_name,
        "NgayNopHoSo": portal_time(facts.submitted_at),
        "NgayTiepNhan": portal_time(facts.received_at),
        "NgayHenTra": portal_time(facts.due_at),
        "NgayKetThucXuLy": portal_time(facts.finished_at),
        "NgayTraKetQua": portal_time(facts.returned_at),
        "ThoiGianGiaiQuyet": facts.time_limit_amount,
        "DonViTinh": UNITS.get(facts.time_limit_unit, facts.time_limit_unit),
        "DuocThanhToanTrucTuyen": facts.paid_online,
        "DanhSachPhiLePhi": ([{"TenPhiLePhi": "Phí, lệ phí", "Gia": facts.fees_due}]
                             if facts.fees_due else []),
        "TaiLieuNop": documents,
        "HoSoCoThanhPhanSoHoa": int(any(c.digitised for c in facts.components)),
        "MaKetQua": facts.result_code or None,
        "DuongDanTepTinKetQua": facts.result_url or None,
        "TaiKhoanDuocXacThucVoiVNeID": int(facts.vneid_account),
        "MaCSDL": source_code,
    }
    if facts.portal_id:
        payload["MaHoSoDVCQG"] = facts.portal_id
    return payload


REQUIRED = {"MaHoSo": "mã hồ sơ", "MaTTHC": "mã thủ tục", "MaCoQuan": "mã cơ quan"}


def problems(payload: dict) -> list[str]:
    """What the portal would refuse, found before calling it (Vietnamese)."""
    found = [f"Thiếu {label}." for key, label in REQUIRED.items() if not payload.get(key)]
    if payload.get("KenhThucHien") not in (1, 2, 3):
        found.append("Kênh thực hiện phải là 1, 2 hoặc 3.")
    if not 1 <= int(payload.get("TrangThaiHoSo") or 0) <= 10:
        found.append("Trạng thái hồ sơ phải từ 1 đến 10.")
    return found


def judge(payload: dict, version: int, status: int, answer, key: str = "MaHoSo") -> Result:
    """The meaning of the portal's answer to pushing (`payload`, `version`); `key` names
    the identifying field (MaHoSo for dossiers, MaPAKN for feedback)."""
    text = str(answer)[:1000] if answer is not None else ""
    if status == 200 and isinstance(answer, dict):
        if answer.get(key) == payload.get(key) and answer.get("PhienBan") == version:
            return delivered(text)
        return temporary("Cổng DVCQG trả lời không khớp với yêu cầu vừa gửi (trả lời muộn "
                         "của yêu cầu trước); sẽ gửi lại.", text)
    if status in (409, 425, 429) or status >= 500:
        return temporary(f"Cổng DVCQG tạm thời không nhận (mã {status}).", text)
    if status in (401, 403):
        return temporary(f"Cổng DVCQG từ chối xác thực (mã {status}): kiểm tra khóa ký.",
                         text)
    message = answer.get("ThongBao", "") if isinstance(answer, dict) else ""
    return permanent(f"Cổng DVCQG không nhận hồ sơ (mã {status}). {message}".strip(), text)
