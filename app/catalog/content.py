"""A procedure's public content as one value: what a version holds, what the public page
shows, what the import compares. Pure: no I/O.

Nghị định 63/2010 art. 8(2) lists the parts every published procedure has: name, order of
steps, methods, components with their quantity, time limit, subjects, the agency, result,
fees and charges, forms, conditions and legal basis. `missing_parts` says which are empty
(service index 1.3; fees, forms and conditions only "where they exist", so they are not
counted); `publish_problems` refuses to publish a version without them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal

from app.catalog.logic import COMPONENT_KIND_LABELS, LEVEL_LABELS, ONLINE_LEVEL_LABELS, TimeUnit

METHOD_LABELS = {
    "in_person": "Trực tiếp",
    "online": "Trực tuyến",
    "post": "Qua dịch vụ bưu chính công ích",
}
RESULT_KIND_LABELS = {"document": "Văn bản, giấy tờ", "none": "Không phải văn bản"}


@dataclass(frozen=True)
class Component:
    """A component (thành phần hồ sơ). `component_id` is the in-force row it was copied
    from, so a new version keeps that row (and old dossiers' links) when it keeps it."""

    name: str
    kind: str = "original"
    quantity: int = 1
    required: bool = True
    form_name: str = ""
    form_sha256: str = ""  # the official form file uploaded for it, if any
    form_filename: str = ""
    component_id: int | None = None

    def public(self) -> tuple:
        return (self.name, self.kind, self.quantity, self.required, self.form_name,
                self.form_sha256)


@dataclass(frozen=True)
class LegalBasis:
    title: str  # e.g. "Luật Hộ tịch số 60/2014/QH13"
    effective_from: date | None = None


@dataclass(frozen=True)
class ProcedureContent:
    code: str = ""
    name: str = ""
    field_id: int | None = None
    agency_id: int | None = None
    level: str = "tinh"
    subjects: str = ""
    steps_text: str = ""
    methods: tuple[str, ...] = ()
    where_to_submit: str = ""
    components: tuple[Component, ...] = ()
    time_limit_amount: Decimal = Decimal(0)
    time_limit_unit: str = TimeUnit.WORKING_DAYS.value
    fee_amount: int = 0
    fee_text: str = ""
    fee_exemptions: str = ""
    result_kind: str = "document"
    result_text: str = ""
    legal_bases: tuple[LegalBasis, ...] = ()
    conditions: str = ""
    online_level: str = "none"
    online_payment: bool = False
    boundary_free: bool = False

    # -- JSON ------------------------------------------------------------------------

    def to_json(self) -> dict:
        data = asdict(self)
        data["time_limit_amount"] = str(self.time_limit_amount.normalize())
        data["methods"] = list(self.methods)
        data["components"] = [asdict(c) for c in self.components]
        data["legal_bases"] = [
            {"title": b.title,
             "effective_from": b.effective_from.isoformat() if b.effective_from else None}
            for b in self.legal_bases]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ProcedureContent:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["time_limit_amount"] = Decimal(str(data.get("time_limit_amount", 0)))
        values["methods"] = tuple(data.get("methods", ()))
        values["components"] = tuple(Component(**c) for c in data.get("components", ()))
        values["legal_bases"] = tuple(
            LegalBasis(b["title"], date.fromisoformat(b["effective_from"])
                       if b.get("effective_from") else None)
            for b in data.get("legal_bases", ()))
        return cls(**values)

    # -- comparing -------------------------------------------------------------------

    def public_key(self) -> tuple:
        """Everything a reader of the public page sees: two contents with the same key are
        the same publication (an import that brings nothing new changes nothing)."""
        plain = replace(self, components=(), time_limit_amount=Decimal(0))
        return (plain, self.time_limit_amount.normalize(),
                tuple(c.public() for c in self.components))

    @property
    def newest_basis_from(self) -> date | None:
        dates = [b.effective_from for b in self.legal_bases if b.effective_from]
        return max(dates) if dates else None


def missing_parts(content: ProcedureContent) -> list[str]:
    """The parts of Nghị định 63/2010 art. 8(2) this content lacks (Vietnamese names)."""
    checks = [
        ("Tên thủ tục", content.name), ("Trình tự thực hiện", content.steps_text),
        ("Cách thức thực hiện", content.methods),
        ("Thành phần, số lượng hồ sơ", content.components),
        ("Thời hạn giải quyết", content.time_limit_amount > 0),
        ("Đối tượng thực hiện", content.subjects),
        ("Cơ quan thực hiện", content.agency_id), ("Kết quả thực hiện", content.result_text),
        ("Căn cứ pháp lý", content.legal_bases),
    ]
    return [name for name, present in checks if not present]


def publish_problems(content: ProcedureContent, complete: bool = True) -> dict[str, str]:
    """Form field → Vietnamese message for what must be right before publishing. With
    `complete` false (an import from the national database, which publishes what it holds)
    missing parts are not refused; indicator 1.3 counts them."""
    problems: dict[str, str] = {}
    if not content.code.strip():
        problems["code"] = "Nhập mã thủ tục (mã trên Cơ sở dữ liệu quốc gia về TTHC)."
    if not content.name.strip():
        problems["name"] = "Nhập tên thủ tục."
    if content.field_id is None:
        problems["field_id"] = "Chọn lĩnh vực."
    if content.agency_id is None:
        problems["agency_id"] = "Chọn cơ quan thực hiện."
    if content.level not in LEVEL_LABELS:
        problems["level"] = "Chọn cấp thực hiện."
    if content.time_limit_unit not in {unit.value for unit in TimeUnit}:
        problems["time_limit_unit"] = "Chọn đơn vị thời hạn."
    if content.time_limit_amount <= 0:
        problems["time_limit_amount"] = "Thời hạn giải quyết phải lớn hơn 0."
    if content.fee_amount < 0:
        problems["fee_amount"] = "Mức phí, lệ phí không được âm."
    if content.online_level not in ONLINE_LEVEL_LABELS:
        problems["online_level"] = "Chọn mức độ dịch vụ công trực tuyến."
    if content.online_level != "none" and "online" not in content.methods:
        problems["methods"] = "Thủ tục có dịch vụ công trực tuyến phải có cách thức trực tuyến."
    if any(c.kind not in COMPONENT_KIND_LABELS or c.quantity < 1 or not c.name.strip()
           for c in content.components):
        problems["components"] = "Mỗi thành phần hồ sơ cần tên, loại bản và số lượng từ 1."
    missing = missing_parts(content) if complete else []
    if missing:
        problems.setdefault("content", "Chưa đủ nội dung công khai theo Nghị định 63/2010: "
                            + ", ".join(missing) + ".")
    return problems
