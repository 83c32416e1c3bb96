"""Reading and re-showing HTML forms the GOV.UK way: an error summary at the top that
links to each field, the message beside the field, and what the user typed kept.

Every text field goes through `read_form`: NFC, no bidi or control characters, and a
length limit per field name (`FIELD_LIMITS`, the database column's length where there is
one). Templates print the same limit as `maxlength` (`field_limit(name)`), so a browser
never sends more; a longer value from elsewhere is refused (`FieldTooLong`, a 400 whose
form comes back filled in, see app.web.kept_forms), never cut without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from litestar import Request
from litestar.exceptions import ClientException

from app.formatting import format_number
from app.text import clean_text

MAX_FIELD_LENGTH = 2000

# name -> (limit, what the person calls the field). Names mean the same in every form.
FIELD_LIMITS: dict[str, tuple[int, str]] = {
    "full_name": (200, "Họ và tên"),
    "applicant_name": (200, "Họ và tên"),
    "name": (200, "Họ và tên"),
    "username": (120, "Tên đăng nhập"),
    "id_number": (20, "Số CCCD"),
    "applicant_id_number": (20, "Số CCCD hoặc mã số thuế"),
    "cccd": (20, "Số CCCD"),
    "phone": (20, "Số điện thoại"),
    "applicant_phone": (20, "Số điện thoại"),
    "email": (200, "Thư điện tử"),
    "applicant_address": (300, "Địa chỉ"),
    "address": (300, "Địa chỉ"),
    "birth_date": (20, "Ngày sinh"),
    "password": (200, "Mật khẩu"),
    "password_confirm": (200, "Mật khẩu nhập lại"),
    "code": (20, "Mã"),
    "dossier_code": (60, "Mã hồ sơ"),
    "title": (300, "Tiêu đề"),
    "content": (5000, "Nội dung"),
    "comment": (1000, "Góp ý"),
    "text": (5000, "Nội dung"),
    "reason": (2000, "Lý do"),
    "owner_name": (200, "Họ và tên chủ thẻ"),
    "owner_birth_date": (20, "Ngày sinh chủ thẻ"),
    "owner_phone": (20, "Số điện thoại chủ thẻ"),
    "owner_email": (200, "Thư điện tử chủ thẻ"),
}


def field_limit(name: str) -> int:
    """The most characters `name` takes (for `maxlength` and the server-side check)."""
    return FIELD_LIMITS.get(name, (MAX_FIELD_LENGTH, ""))[0]


class FieldTooLong(ClientException):
    """A field longer than its limit: refused with the form's values (cut to the limits)
    so the page it came from can be shown again, filled in."""

    def __init__(self, name: str, length: int, values: dict[str, str]):
        limit, label = FIELD_LIMITS.get(name, (MAX_FIELD_LENGTH, "Một ô"))
        super().__init__(f"{label or 'Một ô'} dài quá giới hạn: tối đa {format_number(limit)} "
                         f"ký tự (đã nhập {format_number(length)}). Phần vượt quá đã bị cắt; "
                         "hãy kiểm tra lại trước khi gửi.")
        self.values = values


@dataclass
class FormErrors:
    messages: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.messages.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.messages)

    @classmethod
    def of(cls, refusal: Exception) -> FormErrors:
        """The messages of a service's refusal (`app.refusals.Refusal`) by form field; a
        refusal naming no field is shown at the top of the form."""
        return cls(dict(getattr(refusal, "fields", None) or {"form": str(refusal)}))


def clean_fields(form) -> tuple[dict[str, str], tuple[str, int] | None]:
    """The text fields of a parsed form as we keep them, cut to their limits, and the first
    field that was too long (name, length) if any. Passwords are only stripped: changing
    their characters would lock out whoever chose one before."""
    values: dict[str, str] = {}
    too_long = None
    for key, value in form.items():
        if not isinstance(value, str) or key == "_csrf_token":
            continue
        text = value.strip() if "password" in key else clean_text(value).strip()
        limit = field_limit(key)
        if len(text) > limit and too_long is None:
            too_long = (key, len(text))
        values[key] = text[:limit]
    return values, too_long


async def read_form(request: Request) -> dict[str, str]:
    """Form fields as clean, stripped strings; raises FieldTooLong (400) for a field over
    its limit."""
    values, too_long = clean_fields(await request.form())
    if too_long:
        raise FieldTooLong(*too_long, values={k: v for k, v in values.items()
                                              if "password" not in k})
    return values


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


DAY_FORMAT_MESSAGE = "Ngày phải theo dạng dd/mm/yyyy, ví dụ 01/03/2026."


def read_day(text: str, errors: FormErrors, name: str, default: date) -> date:
    """A dd/mm/yyyy field: blank gives `default`; a bad value adds the Vietnamese message
    for `name` and gives `default`, so the page can still be drawn."""
    if not text.strip():
        return default
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        errors.add(name, DAY_FORMAT_MESSAGE)
        return default
