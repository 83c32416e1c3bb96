"""Reading and re-showing HTML forms the GOV.UK way: an error summary at the top that
links to each field, the message beside the field, and what the user typed kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from litestar import Request

MAX_FIELD_LENGTH = 2000


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


async def read_form(request: Request) -> dict[str, str]:
    """Form fields as stripped strings, truncated: an over-long field is an error the
    validators report, not a reason to fail."""
    form = await request.form()
    return {
        key: str(value).strip()[:MAX_FIELD_LENGTH]
        for key, value in form.items()
        if isinstance(value, str) and key != "_csrf_token"
    }


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
