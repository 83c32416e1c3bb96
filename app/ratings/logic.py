"""Satisfaction ratings: the questions, what counts as satisfied, the figures. Pure.

Each question is answered on a 1–5 scale; the national scale "hài lòng / không hài lòng"
is derived from it: satisfied when the average is at least SATISFIED_FROM and no answer is
below 2 (one very bad experience is not averaged away). Both are configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("guidance", "Cán bộ hướng dẫn có dễ hiểu, đầy đủ không?"),
    ("attitude", "Thái độ của cán bộ tiếp nhận và giải quyết"),
    ("timeliness", "Hồ sơ được giải quyết đúng hẹn không?"),
)
SCALE = {1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng",
         5: "Rất hài lòng"}
SATISFIED_FROM = Decimal(4)
NO_ANSWER_BELOW = 2
MAX_COMMENT = 1000


class RatingError(ValueError):
    """Bad or repeated rating; the message is Vietnamese."""


def parse_scores(form: dict[str, str]) -> dict[str, int]:
    """Every question answered 1–5, or RatingError naming the first one missing."""
    scores = {}
    for key, text in QUESTIONS:
        value = form.get(key, "")
        if value not in {"1", "2", "3", "4", "5"}:
            raise RatingError(f"Chọn một mức cho câu: “{text}”.")
        scores[key] = int(value)
    return scores


def average(scores: dict[str, int]) -> Decimal:
    return (Decimal(sum(scores.values())) / len(scores)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_satisfied(scores: dict[str, int]) -> bool:
    return average(scores) >= SATISFIED_FROM and min(scores.values()) >= NO_ANSWER_BELOW


@dataclass(frozen=True)
class Figures:
    """Ratings of a scope and period, for the service index (satisfaction group)."""

    invited: int
    rated: int
    satisfied: int
    score_sum: Decimal

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """Satisfied ratings over ratings, in percent; None without ratings."""
        if not self.rated:
            return None
        return (Decimal(self.satisfied) * 100 / self.rated).quantize(Decimal("0.01"))

    @property
    def response_rate(self) -> Decimal | None:
        if not self.invited:
            return None
        return (Decimal(self.rated) * 100 / self.invited).quantize(Decimal("0.01"))

    @property
    def average_score(self) -> Decimal | None:
        if not self.rated:
            return None
        return (self.score_sum / self.rated).quantize(Decimal("0.01"))


def figures(invited: int, ratings: list[tuple[Decimal, bool]]) -> Figures:
    return Figures(invited=invited, rated=len(ratings),
                   satisfied=sum(1 for _, ok in ratings if ok),
                   score_sum=sum((score for score, _ in ratings), Decimal(0)))
