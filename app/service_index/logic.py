"""The real-time service index (Bộ chỉ số phục vụ người dân, doanh nghiệp, QĐ 766/QĐ-TTg):
configuration and scoring. Pure: no I/O.

The indicators and groups are data (`app.service_index.indicators`); points, thresholds,
grading bands and two rules of ours are `IndexConfig`, whose defaults follow
766-index.md and which a JSON file may override (`parse_config`, errors in Vietnamese).
Group points are the decision's and cannot be changed; points move only within a group.

Scoring (766-index.md): a rate R (percent) against a threshold T scores the full points
if R ≥ T, else points × R / T, cut (never rounded up) to 0,01. The total is out of 100 and
graded on that: Xuất sắc ≥ 90, Tốt 80–< 90, Khá 70–< 80, Trung bình 50–< 70 (these
three verify), Yếu < 50. An indicator the system cannot compute yet scores 0 and says why;
one with nothing to count in the period (denominator 0) shows "N/A" and scores 0 too unless
the configuration says otherwise (`empty_scores_full`, verify). A second figure, labelled,
gives the score out of the points of the indicators that were measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from app.service_index.config import (  # noqa: F401  (re-exported: config and scoring together)
    Band,
    ConfigError,
    IndexConfig,
    parse_config,
    validate,
)
from app.service_index.indicators import GROUPS, Indicator

CENT = Decimal("0.01")


# -- measuring and scoring --------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """A rate as its counts, so each number can drill down to what stands behind it.
    `factor` weights the rate (3.3 is weighted by the sync rate of 1.4)."""

    numerator: int
    denominator: int
    factor: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        if self.numerator < 0 or self.denominator < 0 or self.numerator > self.denominator:
            raise ValueError("0 ≤ numerator ≤ denominator")
        if not 0 <= self.factor <= 1:
            raise ValueError("0 ≤ factor ≤ 1")

    @property
    def exact_rate(self) -> Fraction | None:
        if not self.denominator:
            return None
        return Fraction(self.numerator * 100, self.denominator) * self.factor

    @property
    def rate(self) -> Decimal | None:
        """Percent, two decimals; None when there is nothing to count ("N/A")."""
        exact = self.exact_rate
        return None if exact is None else _round(exact)


def _round(value: Fraction, rounding: str = ROUND_HALF_UP) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        CENT, rounding=rounding)


def score(points: Decimal, threshold: Decimal, measure: Measure) -> Decimal:
    """Full points at R ≥ T, else R/T of them (exact, then cut to 0.01: rounding half up
    would show full points for a rate a hair below the threshold, e.g. 203/303 against 67 %)."""
    rate = measure.exact_rate
    if rate is None:
        raise ValueError("no rate without a denominator")
    t = Fraction(threshold)
    if rate >= t:
        return points
    return _round(Fraction(points) * rate / t, ROUND_DOWN)


SCORED = "scored"
EMPTY = "empty"  # nothing to count in the period: N/A
UNAVAILABLE = "unavailable"  # the system has no data for it yet


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    measure: Measure | None
    status: str  # SCORED | EMPTY | UNAVAILABLE
    score: Decimal
    reason: str = ""  # why UNAVAILABLE

    @property
    def measured(self) -> Decimal:
        """Points this indicator puts in the "measured" figure."""
        return self.indicator.points if self.status == SCORED else Decimal(0)


@dataclass(frozen=True)
class GroupScore:
    key: str
    name: str
    indicators: tuple[IndicatorScore, ...]

    @property
    def points(self) -> Decimal:
        return sum((s.indicator.points for s in self.indicators), Decimal(0))

    @property
    def measured(self) -> Decimal:
        return sum((s.measured for s in self.indicators), Decimal(0))

    @property
    def score(self) -> Decimal:
        return sum((s.score for s in self.indicators), Decimal(0))


@dataclass(frozen=True)
class IndexScore:
    groups: tuple[GroupScore, ...]
    bands: tuple[Band, ...]

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def measured(self) -> Decimal:
        return sum((g.measured for g in self.groups), Decimal(0))

    @property
    def score(self) -> Decimal:
        return sum((g.score for g in self.groups), Decimal(0))

    @property
    def band(self) -> Band:
        """Graded on the total out of 100, never on the points that could be measured."""
        return grade(self.score, self.bands)

    @property
    def of_measured(self) -> Decimal | None:
        """The score scaled to 100 over the measured indicators only (shown as such)."""
        if not self.measured:
            return None
        measured_score = sum((s.score for g in self.groups for s in g.indicators
                              if s.status == SCORED), Decimal(0))
        return _round(Fraction(measured_score) * 100 / Fraction(self.measured), ROUND_DOWN)

    def indicator(self, key: str) -> IndicatorScore | None:
        return next((s for g in self.groups for s in g.indicators
                     if s.indicator.key == key), None)


def grade(total: Decimal, bands: tuple[Band, ...]) -> Band:
    return next(b for b in bands if total >= b.minimum)


def evaluate(config: IndexConfig, measures: dict[str, Measure],
             reasons: dict[str, str] | None = None) -> IndexScore:
    """Score every indicator of `config`; one absent from `measures` is unavailable (with
    its reason from `reasons`) and scores 0."""
    reasons = reasons or {}
    groups = []
    for key, name, _ in GROUPS:
        scores = []
        for ind in (i for i in config.indicators if i.group == key):
            measure = measures.get(ind.key)
            if measure is None:
                scores.append(IndicatorScore(ind, None, UNAVAILABLE, Decimal(0),
                                             reasons.get(ind.key, "")))
            elif measure.denominator == 0:
                empty = ind.points if config.empty_scores_full else Decimal(0)
                scores.append(IndicatorScore(ind, measure, EMPTY, empty))
            else:
                scores.append(IndicatorScore(ind, measure, SCORED,
                                             score(ind.points, ind.threshold, measure)))
        groups.append(GroupScore(key, name, tuple(scores)))
    return IndexScore(tuple(groups), config.bands)
