"""What an indicator's source returns: the ids behind numerator and denominator
(`Evidence`), so every number drills down to its dossiers, procedures or feedback, or
`Unavailable` with the reason shown on the page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from app.service_index.logic import Measure

if TYPE_CHECKING:
    from app.service_index.gather import Facts


@dataclass(frozen=True)
class Unavailable:
    reason: str


@dataclass(frozen=True)
class Evidence:
    """Ids behind a rate. A subtraction formula (5.3, 5.4) lists what it deducts: its
    numerator is the denominator less each deducted set, an item deducted twice counting
    twice as the formula says. `notes` are per-item figures for the drill-down (2.2's
    average time); `companion` a second rate shown beside (4.5's share of dossiers)."""

    unit: str
    numerator: frozenset[int]
    denominator: frozenset[int]
    deducted: tuple[frozenset[int], ...] = ()
    notes: dict[int, str] = field(default_factory=dict)
    companion: Evidence | None = None

    def measure(self) -> Measure:
        den = len(self.denominator)
        if self.deducted:
            lost = sum(len(d & self.denominator) for d in self.deducted)
            return Measure(max(0, den - lost), den)
        return Measure(len(self.numerator & self.denominator), den)

    def counted(self) -> frozenset[int]:
        """The items that count: the numerator, or what no deduction touched."""
        if self.deducted:
            return self.denominator.difference(*self.deducted)
        return self.numerator & self.denominator

    def kept(self, own: dict[str, frozenset[int]]) -> Evidence:
        """The same evidence kept to one agency's items (`own`: unit → its ids)."""
        keep = own.get(self.unit, frozenset())
        return replace(self, numerator=self.numerator & keep,
                       denominator=self.denominator & keep,
                       deducted=tuple(d & keep for d in self.deducted),
                       companion=None if self.companion is None else self.companion.kept(own))


Result = Evidence | Unavailable
Source = Callable[["Facts"], Awaitable[Result]]


def evidence(unit: str, numerator, denominator, **kwargs) -> Evidence:
    return Evidence(unit, frozenset(numerator), frozenset(denominator), **kwargs)
