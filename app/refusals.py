"""One kind of refusal for back-office services: a Vietnamese message for the page, and the
form fields at fault so the page can mark each one (`app.web.forms.FormErrors.of`)."""

from __future__ import annotations


class Refusal(ValueError):
    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = fields or {}


def refuse(problems: dict[str, str], error: type[Refusal] = Refusal) -> None:
    """Raise `error` naming every problem, if there is any."""
    if problems:
        raise error(" ".join(dict.fromkeys(problems.values())), problems)
