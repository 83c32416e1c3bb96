"""Vietnamese text helpers: folding for diacritic-insensitive search, identity numbers."""

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ASCII form used for search: "Giấy phép Đất" -> "giay phep dat".

    "đ" is not a combining mark in Unicode, so it is mapped explicitly.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.lower()).strip()


# ASCII digits only and the whole string (\Z): in Python `\d` also matches other scripts'
# digits (١٢٣, full-width ９) and `$` accepts a trailing newline.
CCCD_RE = re.compile(r"\A\d{12}\Z", re.ASCII)
TAX_CODE_RE = re.compile(r"\A\d{10}(-\d{3})?\Z", re.ASCII)
PHONE_RE = re.compile(r"\A0\d{9}\Z", re.ASCII)


def is_cccd(value: str) -> bool:
    """A citizen identity card number (căn cước công dân): exactly 12 digits."""
    return bool(CCCD_RE.match(value))


# Weights of the first nine digits in the tax code's check digit (Thông tư 105/2020/TT-BTC:
# N1..N9 identify the taxpayer, N10 checks them).
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit a tax code starting with these nine digits must have; None when no
    tenth digit can make them valid (no such code is issued)."""
    check = 10 - sum(int(d) * w for d, w in zip(first_nine, TAX_CODE_WEIGHTS, strict=True)) % 11
    return None if check == 10 else check


def is_tax_code(value: str) -> bool:
    """An enterprise tax code: 10 digits, or 10 digits, a dash and a 3-digit branch; the
    10th digit must be the check digit of the first nine (a mistyped digit is caught)."""
    if not TAX_CODE_RE.match(value):
        return False
    return tax_code_check_digit(value[:9]) == int(value[9])


def normalise_phone(value: str) -> str:
    """Strip spaces and dots; turn +84 / 84 into a leading 0."""
    digits = re.sub(r"[\s.\-]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def is_phone(value: str) -> bool:
    return bool(PHONE_RE.match(normalise_phone(value)))


_D_KEEP_CASE = str.maketrans({"đ": "d", "Đ": "D"})


def strip_diacritics(text: str) -> str:
    """Vietnamese without diacritics, case kept: "Hồ sơ Đất" -> "Ho so Dat" (SMS text)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_KEEP_CASE))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


# Bidirectional controls reorder what is displayed without changing what is stored: a
# right-to-left override makes "gpj.exe" look like "exe.jpg". Nobody types them on purpose.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = dict.fromkeys(
    [ord(ch) for ch in _BIDI_CONTROLS]
    + [c for c in range(0x20) if chr(c) not in "\t\n"] + list(range(0x7F, 0xA0)))


def clean_text(value: str) -> str:
    """Typed text as we keep it: NFC (one code point per Vietnamese letter, whatever the
    keyboard sent), line breaks as \\n, without bidi or other control characters."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).translate(_INVISIBLE)
