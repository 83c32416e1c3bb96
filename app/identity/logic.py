"""Pure rules of the identity check against the population database.

A registrant's name and date of birth are compared with the record the population
database holds for the CCCD number. Names are compared WITH their diacritics ("Nguyễn" is
not "Nguyen": they are different names), but not with how the text was typed: Unicode
composed or decomposed forms, upper or lower case, spaces, and where the tone mark sits
in "oa, oe, uy" (the old and the new spelling — "Hoà"/"Hòa", "Thuý"/"Thúy" — are both
printed on identity cards, so a citizen cannot know which one the record uses).
Dates must be equal. Also here: reading the date of birth typed as dd/mm/yyyy, how often
a check may be tried, and the Vietnamese explanation of each outcome.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Outcome(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_FOUND = "not_found"
    # Not an answer of the registry: it could not be asked (timeout, 5xx, not configured).
    # Kept with the answers so the history of checks explains the account's state.
    UNAVAILABLE = "unavailable"

    @property
    def answered(self) -> bool:
        return self is not Outcome.UNAVAILABLE


@dataclass(frozen=True)
class Verification:
    """The registry's answer. `mismatched` names the fields that differ (for staff and the
    audit log only: telling the registrant which one was wrong would help someone guess
    another person's date of birth)."""

    outcome: Outcome
    mismatched: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonRecord:
    """What the population database holds about one CCCD number (the part we compare)."""

    id_number: str
    full_name: str
    birth_date: date


# Combining tone marks (huyền, sắc, ngã, hỏi, nặng). The others — circumflex U+0302,
# breve U+0306, horn U+031B — change the vowel itself and are kept.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _syllable_key(word: str) -> tuple[str, str]:
    """A syllable without its tone mark, and the tone mark: two spellings of one syllable
    that differ only in where the tone sits give the same key."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(sorted(c for c in decomposed if c in TONE_MARKS))
    letters = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return letters, tones


def name_key(name: str) -> tuple[tuple[str, str], ...]:
    """The comparison form of a full name: NFC, case-folded, words split on any spacing,
    each word as (letters with vowel marks, tone mark)."""
    words = unicodedata.normalize("NFC", name).casefold().split()
    return tuple(_syllable_key(word) for word in words)


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def compare(record: PersonRecord | None, full_name: str, birth_date: date) -> Verification:
    """What the registry says to (id number, name, date of birth) given its record."""
    if record is None:
        return Verification(Outcome.NOT_FOUND)
    mismatched = tuple(field for field, equal in (
        ("full_name", same_name(record.full_name, full_name)),
        ("birth_date", record.birth_date == birth_date)) if not equal)
    return Verification(Outcome.MISMATCH if mismatched else Outcome.MATCH, mismatched)


# -- date of birth as typed -----------------------------------------------------------------

_DAY_RE = re.compile(r"\A(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\Z", re.ASCII)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def parse_birth_date(text: str, today: date) -> tuple[date | None, str]:
    """(date, "") or (None, the Vietnamese message). dd/mm/yyyy; 5/9/1990 and 05.09.1990
    are read too, since that is how people write dates here."""
    text = text.strip()
    if not text:
        return None, "Nhập ngày sinh."
    match = _DAY_RE.match(text)
    if not match:
        return None, "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990."
    day, month, year = (int(part) for part in match.groups())
    try:
        born = date(year, month, day)
    except ValueError:
        return None, "Ngày sinh không có thật, kiểm tra lại ngày và tháng."
    if born > today:
        return None, "Ngày sinh không thể sau ngày hôm nay."
    if born < EARLIEST_BIRTH_DATE:
        return None, "Năm sinh phải từ 1900 trở đi."
    return born, ""


def claim_problems(full_name: str, birth_text: str, today: date) -> tuple[date | None, dict]:
    """The date of birth read from the form, and a Vietnamese message per field at fault
    (the registration form and the later check ask for the same two things)."""
    problems = {}
    if not full_name:
        problems["full_name"] = "Nhập họ và tên."
    elif len(full_name) > 200:
        problems["full_name"] = "Họ và tên không được dài quá 200 ký tự."
    born, problem = parse_birth_date(birth_text, today)
    if born is None:
        problems["birth_date"] = problem
    return born, problems


# -- how often a check may be tried ---------------------------------------------------------

# Answered checks (match, mismatch, not found) per account per day: a few honest typing
# mistakes pass; walking through the days of a year to find another person's birthday
# does not. Tries that found the registry down count only against the short window, which
# keeps a citizen from hammering it during an outage.
ANSWERED_PER_DAY = 5
ANSWERED_WINDOW = timedelta(days=1)
TRIES_PER_WINDOW = 3
TRY_WINDOW = timedelta(minutes=10)


def seconds_until_allowed(checks: list[tuple[datetime, Outcome]], now: datetime) -> int:
    """0 when a new check may run now, else how many seconds to wait. `checks` are this
    account's earlier checks as (when, outcome), in any order."""
    waits = [0.0]
    answered = sorted(at for at, outcome in checks
                      if outcome.answered and at > now - ANSWERED_WINDOW)
    if len(answered) >= ANSWERED_PER_DAY:
        waits.append((answered[-ANSWERED_PER_DAY] + ANSWERED_WINDOW - now).total_seconds())
    recent = sorted(at for at, _ in checks if at > now - TRY_WINDOW)
    if len(recent) >= TRIES_PER_WINDOW:
        waits.append((recent[-TRIES_PER_WINDOW] + TRY_WINDOW - now).total_seconds())
    wait = max(waits)
    return 0 if wait <= 0 else int(wait) + (0 if wait == int(wait) else 1)


# -- what the citizen is told ---------------------------------------------------------------

EXPLANATIONS = {
    Outcome.MATCH: "Thông tin của bạn đã được xác thực với Cơ sở dữ liệu quốc gia về dân cư.",
    Outcome.MISMATCH: (
        "Họ tên hoặc ngày sinh bạn nhập không khớp với thông tin của số CCCD này trong Cơ sở "
        "dữ liệu quốc gia về dân cư. Kiểm tra lại đúng như trên thẻ căn cước (cả dấu) rồi "
        "xác thực lại."),
    Outcome.NOT_FOUND: (
        "Cơ sở dữ liệu quốc gia về dân cư không có số CCCD này. Kiểm tra lại số trên thẻ; "
        "nếu số đúng, hãy mang thẻ căn cước đến Bộ phận Một cửa để được hỗ trợ."),
    Outcome.UNAVAILABLE: (
        "Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư để xác thực. Tài khoản vẫn dùng "
        "được; hãy bấm “Xác thực thông tin công dân” để thử lại sau ít phút."),
}
