"""Pure rules of digitisation: scan statuses, CCCD suggestions, search terms, snippets."""

from __future__ import annotations

import re
from enum import StrEnum

from app.text import fold


class ScanStatus(StrEnum):
    QUEUED = "queued"
    READING = "reading"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def finished(self) -> bool:
        return self in (ScanStatus.DONE, ScanStatus.FAILED)


_LABELS = {
    ScanStatus.QUEUED: "Đang chờ nhận dạng chữ",
    ScanStatus.READING: "Đang nhận dạng chữ",
    ScanStatus.DONE: "Đã số hóa, đã nhận dạng chữ",
    ScanStatus.FAILED: "Đã lưu bản quét; nhận dạng chữ không thành công",
}

# A CCCD is 12 digits starting with the 3-digit province code (001–096, so a leading 0).
# OCR sometimes splits the number with a space or a dot; a longer run of digits (an
# account number, say) is not a CCCD.
_CCCD_IN_TEXT = re.compile(r"(?<![\d.])(0(?:[ .]?\d){11})(?![\d]|[ .]\d)")


def find_id_numbers(text: str) -> list[str]:
    """CCCD-like numbers in OCR text, in order of appearance, each once. Suggestions for
    the officer to compare with the dossier, never written into it automatically."""
    found: list[str] = []
    for match in _CCCD_IN_TEXT.finditer(text):
        number = re.sub(r"[ .]", "", match.group(1))
        if number not in found:
            found.append(number)
    return found


def search_terms(query: str, max_terms: int = 6) -> list[str]:
    """The folded words of a staff query, letters and digits only (nothing typed can act
    as a LIKE wildcard or FTS5 syntax). One-letter words are noise in OCR text."""
    words = re.findall(r"[a-z0-9]+", fold(query))
    return [w for w in words if len(w) >= 2][:max_terms]


def snippet(text: str, terms: list[str], radius: int = 10) -> str:
    """A few words of the original text (with its diacritics) around the first match."""
    words = text.split()
    for index, word in enumerate(words):
        folded = fold(word)
        if any(term in folded for term in terms):
            start, end = max(0, index - radius), min(len(words), index + radius + 1)
            prefix = "… " if start else ""
            suffix = " …" if end < len(words) else ""
            return prefix + " ".join(words[start:end]) + suffix
    return " ".join(words[: 2 * radius]) + (" …" if len(words) > 2 * radius else "")


def id_number_verdicts(found: list[str], declared: str) -> list[tuple[str, bool]]:
    """Each suggested number with whether it equals the number written on the dossier."""
    return [(number, number == declared) for number in found]
