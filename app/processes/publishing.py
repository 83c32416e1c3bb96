"""What a process version must satisfy to be published. Pure: no I/O.

The shape: reception first and return last (the counter's), work steps between them that
the counter does not do, exactly one signature step (the result issued is the signed file),
approvals before it and the result's issue after it. The hours: the steps'
office hours add up to the procedure's legal time limit converted to office hours
(`legal_office_hours`); a refusal names the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from math import floor

from app.catalog.logic import TimeUnit
from app.formatting import format_number
from app.processes.logic import (
    COUNTER_KINDS,
    DECISION_KINDS,
    LEADER_PERFORMERS,
    Performer,
    ProcessStep,
    StepKind,
)

HOURS_PER_WORKING_DAY = 8  # DOMAIN.md: a working day is 8 hours of office time
# A limit in calendar days (or months) is converted to the office hours it is sure to hold:
# the whole working weeks' days in it (5 of every 7), 8 hours each; a month counts as 30
# days. (verify) The province may prefer another reading; this one never lets the steps'
# own deadlines run past the legal one outside holidays.
WORKING_DAYS_PER_WEEK = 5
DAYS_PER_MONTH = 30


def legal_office_hours(amount: Decimal | int | float, unit: TimeUnit | str) -> Decimal:
    """The procedure's time limit in office hours, which the steps' hours must add up to."""
    amount = Fraction(Decimal(str(amount)))
    unit = TimeUnit(unit)
    if unit == TimeUnit.HOURS:
        hours = amount
    elif unit == TimeUnit.WORKING_DAYS:
        hours = amount * HOURS_PER_WORKING_DAY
    else:
        days = amount * (DAYS_PER_MONTH if unit == TimeUnit.MONTHS else 1)
        hours = Fraction(floor(days * WORKING_DAYS_PER_WEEK / 7)) * HOURS_PER_WORKING_DAY
    return Decimal(hours.numerator) / Decimal(hours.denominator)


def _hours(value: Decimal) -> str:
    return f"{format_number(value.normalize())} giờ"


def hours_problem(steps: Sequence[ProcessStep], legal_hours: Decimal, limit_text: str
                  ) -> str | None:
    total = sum((s.hours for s in steps), Decimal(0))
    if total == legal_hours:
        return None
    gap = abs(legal_hours - total)
    side = "thiếu" if total < legal_hours else "thừa"
    return (f"Tổng thời gian các bước là {_hours(total)} làm việc, trong khi thời hạn giải "
            f"quyết {limit_text} tương đương {_hours(legal_hours)} làm việc: "
            f"{side} {_hours(gap)}.")


def shape_problems(steps: Sequence[ProcessStep]) -> list[str]:
    """What makes these steps unfit to be an approved process (Vietnamese, one per line)."""
    problems = []
    if not steps:
        return ["Quy trình cần có ít nhất một bước."]
    for step in steps:
        where = f"Bước {step.position}"
        if not step.name.strip():
            problems.append(f"{where}: cần nhập tên bước.")
        if not step.performers:
            problems.append(f"{where}: cần chọn người được thực hiện.")
        if step.hours <= 0:
            problems.append(f"{where}: thời gian thực hiện phải lớn hơn 0 giờ.")
        counter_only = step.performers <= {Performer.COUNTER_OFFICER}
        if step.kind in COUNTER_KINDS and not counter_only:
            problems.append(f"{where}: bước {step.kind.label.lower()} do công chức Bộ phận "
                            "Một cửa thực hiện.")
        if step.kind not in COUNTER_KINDS and Performer.COUNTER_OFFICER in step.performers:
            problems.append(f"{where}: công chức Bộ phận Một cửa chỉ tiếp nhận và trả kết "
                            "quả, không thực hiện bước xử lý.")
        if step.kind in DECISION_KINDS and not step.performers <= LEADER_PERFORMERS:
            problems.append(f"{where}: bước {step.kind.label.lower()} chỉ do lãnh đạo "
                            "thực hiện.")
    kinds = [s.kind for s in steps]
    if kinds[0] != StepKind.RECEPTION or kinds.count(StepKind.RECEPTION) != 1:
        problems.append("Bước đầu tiên (và chỉ bước đó) là bước tiếp nhận hồ sơ.")
    if kinds[-1] != StepKind.RETURN or kinds.count(StepKind.RETURN) != 1:
        problems.append("Bước cuối cùng (và chỉ bước đó) là bước trả kết quả.")
    if len(steps) < 3:
        problems.append("Giữa tiếp nhận và trả kết quả cần ít nhất một bước xử lý.")
    if kinds.count(StepKind.SIGNATURE) != 1:
        # The result issued is the signed file (app.signatures): no signature, no result.
        problems.append("Quy trình cần đúng một bước ký số kết quả của lãnh đạo.")
    else:
        signed_at = kinds.index(StepKind.SIGNATURE)
        if StepKind.APPROVAL in kinds[signed_at:]:
            problems.append("Bước phê duyệt phải đứng trước bước ký số.")
        if StepKind.RESULT_ISSUE in kinds[:signed_at]:
            problems.append("Bước ban hành kết quả phải đứng sau bước ký số.")
    if kinds.count(StepKind.RESULT_ISSUE) > 1:
        problems.append("Quy trình chỉ có một bước ban hành kết quả.")
    return problems


def publish_problems(steps: Sequence[ProcessStep], legal_hours: Decimal, limit_text: str
                     ) -> list[str]:
    """Everything that stops a draft from being published; empty when it may be."""
    problems = shape_problems(steps)
    if steps:
        hours = hours_problem(steps, legal_hours, limit_text)
        if hours:
            problems.append(hours)
    return problems
