"""The staff work queue and search: what the officer typed and chose, as data. Pure.

One search box takes any key an officer has at hand: a dossier code with or without its
dots ("000.00.17.H55-260312-0004", "0000017H552603120004", or just "260312-0004"), an
applicant's name without diacritics, a CCCD, a phone number (with spaces or +84), a tax
code ("0101234567-001"). Keys holding a digit are matched as prefixes of one token each;
words are folded names. A whole code typed with spaces is made canonical first, by the
lookup's `canonical_code` (`search.search_terms`). The filter travels in the URL, so a
search is a link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from app.dossiers.logic import Channel, Status
from app.text import fold, normalise_phone
from app.web.forms import FormErrors, read_day

MAX_TEXT = 100
MAX_TERMS = 8
PAGE_SIZE = 25

# Status choices besides each single status: the open ones (the queue) and everything.
OPEN, ALL = "mo", "tat-ca"
DUE_SOON, OVERDUE = "sap-den-han", "qua-han"
DUE_LABELS = {DUE_SOON: "Sắp đến hạn (còn ≤ 1 ngày làm việc)", OVERDUE: "Đã quá hạn"}
SORT_LABELS = {
    "han": "Hạn trả gần nhất",
    "moi-nhan": "Tiếp nhận mới nhất",
    "cu-nhan": "Tiếp nhận cũ nhất",
    "ma": "Mã hồ sơ",
}
# No sort by name: SQLite compares bytes, which puts "Đặng" after "Trần"; a Vietnamese
# collation needs ICU (or PostgreSQL's), so names are found by search, not sorted.
DEFAULT_SORT = "han"

_NUMBERISH = re.compile(r"[\d\s.\-+()]+")
_KEY_PUNCTUATION = re.compile(r"[.\-+()/]")
_KEY = re.compile(r"[0-9a-z]+", re.ASCII)


@dataclass(frozen=True)
class Terms:
    """Keys (codes and numbers, lower-case, punctuation removed) and folded name words."""

    keys: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    # As typed (keys upper-case): what the portable fallback matches, having no folding.
    typed_keys: tuple[str, ...] = field(default=(), compare=False)
    typed_words: tuple[str, ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.keys or self.words)


def _key(chunk: str) -> str | None:
    """The chunk as a key when it holds a digit and nothing but letters, digits and the
    punctuation codes and numbers are written with."""
    compact = _KEY_PUNCTUATION.sub("", chunk).lower()
    if not _KEY.fullmatch(compact) or not any(c.isdigit() for c in compact):
        return None
    if compact.isdigit() and (chunk.startswith("+84") or (
            compact.startswith("84") and len(compact) == 11)):
        return normalise_phone(chunk.replace("(", "").replace(")", ""))
    return compact


def parse_terms(text: str) -> Terms:
    """"Nguyễn Văn An 0905 123 456" is not one key; "0905 123 456" alone is (a phone typed
    in groups), so digits separated by spaces are joined only when that is all there is."""
    text = text.strip()[:MAX_TEXT]
    if _NUMBERISH.fullmatch(text) and any(c.isdigit() for c in text):
        compact = re.sub(r"\s+", "", text)
        key = _key(compact)
        return Terms(keys=(key,), typed_keys=(compact.upper(),)) if key else Terms()
    keys: list[str] = []
    typed: list[str] = []
    words: list[str] = []
    typed_words: list[str] = []
    for chunk in text.split():
        key = _key(chunk)
        if key is not None:
            keys.append(key)
            typed.append(chunk.upper())
        elif folded := re.findall(r"[a-z0-9]+", fold(chunk)):
            words += folded
            typed_words.append(chunk)
    return Terms(tuple(keys[:MAX_TERMS]), tuple(words[:MAX_TERMS]), tuple(typed[:MAX_TERMS]),
                 tuple(typed_words[:MAX_TERMS]))


@dataclass(frozen=True)
class QuerySyntax:
    """How a full-text engine writes a word, a prefix, "or" and "and"."""

    word: str
    prefix: str
    any_of: str
    all_of: str


FTS5 = QuerySyntax(word='"{}"', prefix='"{}"*', any_of=" OR ", all_of=" AND ")
TSQUERY = QuerySyntax(word="{}", prefix="{}:*", any_of=" | ", all_of=" & ")


def fts_query(terms: Terms, scope_agency_ids: list[int] | None,
              syntax: QuerySyntax = FTS5) -> str:
    """A query over the dossier index (FTS5's by default, PostgreSQL's tsquery with
    TSQUERY): every term must match; keys and the last word as prefixes (results follow
    the typing); the scope as agency tokens, so a capped list of candidates is drawn from
    the officer's own dossiers only. Terms are [a-z0-9]+, so nothing typed is read as
    query syntax."""
    parts = [syntax.prefix.format(key) for key in terms.keys]
    parts += [syntax.word.format(word) for word in terms.words[:-1]]
    if terms.words:
        parts.append(syntax.prefix.format(terms.words[-1]))
    if scope_agency_ids is not None:
        tokens = [syntax.word.format(f"{prefix}{i}") for i in scope_agency_ids
                  for prefix in ("ag", "rc")]
        parts.insert(0, "(" + syntax.any_of.join(tokens or [syntax.word.format("ag0")]) + ")")
    return syntax.all_of.join(parts)


@dataclass(frozen=True)
class QueueFilter:
    """Everything the queue page was asked for; None or "" means any."""

    text: str = ""
    mine: bool = True
    status: str = OPEN  # OPEN, ALL or a status number
    procedure: int | None = None
    field: int | None = None
    step: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    due: str = ""
    channel: int | None = None
    sort: str = DEFAULT_SORT
    page: int = 1

    @property
    def status_value(self) -> Status | None:
        return Status(int(self.status)) if self.status.isdigit() else None

    def query(self, **changes) -> dict[str, str]:
        """The filter as query parameters (links that keep it: pages, sorting)."""
        f = replace(self, **changes)
        params = {
            "q": f.text, "pham_vi": "cua-toi" if f.mine else "don-vi", "trang_thai": f.status,
            "thu_tuc": str(f.procedure or ""), "linh_vuc": str(f.field or ""),
            "buoc": str(f.step or ""), "kenh": str(f.channel or ""), "han": f.due,
            "tu_ngay": f"{f.received_from:%d/%m/%Y}" if f.received_from else "",
            "den_ngay": f"{f.received_to:%d/%m/%Y}" if f.received_to else "",
            "sap_xep": f.sort, "trang": str(f.page),
        }
        return {key: value for key, value in params.items()
                if value and not (key == "trang" and value == "1")}


def _number(params: Mapping[str, str], name: str, allowed=None) -> int | None:
    value = params.get(name, "").strip()
    if not value.isdigit() or len(value) > 9:
        return None
    number = int(value)
    return number if allowed is None or number in allowed else None


def parse_filter(params: Mapping[str, str], errors: FormErrors) -> QueueFilter:
    """The filter from the query string. A choice that is not on offer counts as "any" (a
    hand-edited URL shows results, not an error); a badly typed date is an error shown
    beside its field, with the rest of the filter kept."""
    text = params.get("q", "").strip()[:MAX_TEXT]
    # Searching means finding any dossier in one's scope; the bare queue is one's own work.
    mine = params.get("pham_vi", "" if text else "cua-toi") == "cua-toi"
    status = params.get("trang_thai", "").strip()
    if status not in (OPEN, ALL) and not (status.isdigit() and int(status) in set(Status)
                                          and int(status) != Status.DRAFT):
        status = ALL if text else OPEN
    received_from = read_day(params.get("tu_ngay", ""), errors, "tu_ngay", None)
    received_to = read_day(params.get("den_ngay", ""), errors, "den_ngay", None)
    if received_from and received_to and received_to < received_from:
        errors.add("den_ngay", "“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
    due = params.get("han", "")
    sort = params.get("sap_xep", "")
    page = _number(params, "trang") or 1
    return QueueFilter(
        text=text, mine=mine, status=status, procedure=_number(params, "thu_tuc"),
        field=_number(params, "linh_vuc"), step=_number(params, "buoc"),
        received_from=received_from, received_to=received_to,
        due=due if due in DUE_LABELS else "",
        channel=_number(params, "kenh", {c.value for c in Channel}),
        sort=sort if sort in SORT_LABELS else DEFAULT_SORT, page=max(page, 1))


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))
