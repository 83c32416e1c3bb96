"""The compliance cost model (Thông tư 02/2017/TT-VPCP method, to verify). Pure: no I/O.

Cost of one step = hours spent × income per hour + service costs + fees + other costs.
Cost of the procedure per year = Σ steps × times per year × number of subjects.
A simplification plan is judged by the cost before and after it: savings and percentage.
All money is in whole đồng; hours may be fractional (half an hour is common), so the
arithmetic uses Decimal and rounds only the final figures, half up, as a spreadsheet would.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


class ComplianceInputError(ValueError):
    """Bad input; `str(error)` is a Vietnamese sentence fit to show the user."""


def _dong(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Step:
    """One thing the subject does to comply (prepare the request, send it, collect...)."""

    name: str
    hours: Decimal = Decimal(0)
    service_cost: int = 0  # paid to third parties: post, copies, notarisation
    fee: int = 0  # fees and charges to the state
    other_cost: int = 0  # travel, accommodation

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", Decimal(str(self.hours)))
        if self.hours < 0 or min(self.service_cost, self.fee, self.other_cost) < 0:
            raise ComplianceInputError(f"Bước “{self.name}”: số giờ và chi phí không được âm.")

    def cost(self, income_per_hour: int) -> Decimal:
        return (self.hours * income_per_hour + self.service_cost + self.fee
                + self.other_cost)


@dataclass(frozen=True)
class CostModel:
    """One procedure as performed under one set of rules (before or after a plan)."""

    steps: tuple[Step, ...]
    income_per_hour: int
    times_per_year: Decimal
    subjects: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "times_per_year", Decimal(str(self.times_per_year)))
        if not self.steps:
            raise ComplianceInputError("Cần ít nhất một bước thực hiện.")
        if self.income_per_hour < 0 or self.times_per_year < 0 or self.subjects < 0:
            raise ComplianceInputError(
                "Thu nhập, số lần thực hiện và số đối tượng không được âm.")

    @property
    def hours_per_time(self) -> Decimal:
        return sum((s.hours for s in self.steps), Decimal(0))

    @property
    def cost_per_time(self) -> int:
        return _dong(sum((s.cost(self.income_per_hour) for s in self.steps), Decimal(0)))

    @property
    def cost_per_year(self) -> int:
        per_time = sum((s.cost(self.income_per_hour) for s in self.steps), Decimal(0))
        return _dong(per_time * self.times_per_year * self.subjects)


@dataclass(frozen=True)
class PlanResult:
    before: int
    after: int

    @property
    def savings(self) -> int:
        return self.before - self.after

    @property
    def percent(self) -> Decimal:
        """Cost cut as a percentage, two decimals; 0 when there was nothing to cut."""
        if self.before == 0:
            return Decimal(0)
        return (Decimal(self.savings) * 100 / self.before).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)


def compare(before: CostModel, after: CostModel) -> PlanResult:
    return PlanResult(before=before.cost_per_year, after=after.cost_per_year)


def income_per_hour(monthly_income: int, working_days: int = 22, hours_per_day: int = 8) -> int:
    """Monthly income spread over the working hours of a month, in whole đồng."""
    if working_days <= 0 or hours_per_day <= 0:
        raise ComplianceInputError("Số ngày và số giờ làm việc phải lớn hơn 0.")
    return _dong(Decimal(monthly_income) / (working_days * hours_per_day))


def average_hours(durations_hours: list[float]) -> Decimal | None:
    """Average time actually spent, from the system's own dossiers (None without data)."""
    if not durations_hours:
        return None
    return (Decimal(str(sum(durations_hours))) / len(durations_hours)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
