"""The official letterhead of a document, per Nghị định 30/2020/NĐ-CP (Appendix I). Pure.

Left column: the parent agency (regular, upper case), the issuing agency under it (bold,
upper case), a short rule, then "Số: <number>/<symbol>". Right column: the national title
("Quốc hiệu") and the motto ("Tiêu ngữ") each on one line, the rule under the motto, then
"<place>, ngày … tháng … năm …". The place is the administrative unit of the issuer's seat
(a province's departments write the province, a commune its own name).

Names come from the directory: "Sở Tư pháp tỉnh Quảng Ngãi" under "Ủy ban nhân dân tỉnh
Quảng Ngãi" prints as "SỞ TƯ PHÁP" under "UBND TỈNH QUẢNG NGÃI"; an agency without a
parent, such as a commune's people's committee, prints its own name on two lines
("ỦY BAN NHÂN DÂN" / "XÃ ĐĂK TÔ"), as the decree's samples do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from app.formatting import to_local
from app.text import fold

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PEOPLES_COMMITTEE = "Ủy ban nhân dân"
# Greedy head: the last locality in the name ("… và Xã hội tỉnh Quảng Ngãi" ends in the
# province, not in "Xã hội").
_LOCALITY = re.compile(r"^(.+)\s+((?:tỉnh|thành phố|xã|phường|đặc khu|thị trấn|huyện|quận)"
                       r"\s+\S.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Letterhead:
    parent_line: str  # "" when the issuer has no parent to name
    agency_lines: tuple[str, ...]
    place: str
    symbol: str  # the issuer's initials for document symbols: "STP", "UBND"


def _abbreviate_committee(name: str) -> str:
    """Parent lines use the usual short form: "UBND TỈNH QUẢNG NGÃI"."""
    return re.sub(PEOPLES_COMMITTEE, "UBND", name, flags=re.IGNORECASE)


def header_name(name: str, parent_name: str | None) -> str:
    """The issuer's name as printed under its parent: the locality the parent line already
    names is dropped ("Sở Tư pháp tỉnh Quảng Ngãi" → "Sở Tư pháp"); so is the parent's own
    name at the end ("Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi" → "Văn phòng")."""
    if not parent_name:
        return name
    if fold(name).endswith(" " + fold(parent_name)):
        return name[: len(name) - len(parent_name)].strip()
    parts = _LOCALITY.match(name)
    if parts and fold(parent_name).endswith(fold(parts.group(2))):
        return parts.group(1).strip()
    return name


def agency_lines(name: str, parent_name: str | None) -> tuple[str, ...]:
    shown = header_name(name, parent_name)
    if not parent_name and fold(shown).startswith(fold(PEOPLES_COMMITTEE) + " "):
        rest = shown[len(PEOPLES_COMMITTEE):].strip()
        return PEOPLES_COMMITTEE.upper(), rest.upper()
    return (shown.upper(),)


def place_name(unit_name: str | None, level_name: str | None, fallback: str) -> str:
    """"Tỉnh Quảng Ngãi" → "Quảng Ngãi", "Xã Đăk Tô" → "Đăk Tô"; no unit → `fallback`."""
    if not unit_name:
        return fallback
    if level_name and unit_name.lower().startswith(level_name.lower() + " "):
        return unit_name[len(level_name):].strip()
    return unit_name


def initials(line: str) -> str:
    """"SỞ TƯ PHÁP" → "STP"; "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" → "TTPVHCC"."""
    return "".join(word[0] for word in fold(line).split() if word[0].isalnum()).upper()


def letterhead(name: str, parent_name: str | None, unit_name: str | None,
               level_name: str | None, province: str) -> Letterhead:
    lines = agency_lines(name, parent_name)
    return Letterhead(
        parent_line=_abbreviate_committee(parent_name).upper() if parent_name else "",
        agency_lines=lines, place=place_name(unit_name, level_name, province),
        symbol=initials(lines[0]))


def dateline(place: str, moment: datetime) -> str:
    """"Quảng Ngãi, ngày 05 tháng 3 năm 2026": days below 10 and the months January and
    February take a leading zero (Nghị định 30/2020, Appendix I, II.5)."""
    local = to_local(moment)
    month = f"{local.month:02d}" if local.month <= 2 else str(local.month)
    return f"{place}, ngày {local.day:02d} tháng {month} năm {local.year}"
