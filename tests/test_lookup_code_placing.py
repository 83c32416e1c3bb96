"""The lookup's code placing with its agencies' codes prepared once (issue #21) answers as
the straightforward loop below, written as `canonical_code` first was, for codes typed
every way and agency lists made to collide (codes that compact alike, one the prefix of
another, a longer code with a shorter compact form); and the cache keys of
`database_key` stay apart per database and per value without hashing on every call."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from app import settings as app_settings
from app.dossiers.logic import canonical_code, parse_dossier_code
from app.dossiers.lookup_limit import code_key
from app.settings import get_settings
from app.web import short_cache


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def loop_canonical_code(typed: str, agency_codes: list[str]) -> str | None:
    """Every agency's code compacted on every call, longest code first."""
    compact = _compact(typed)
    for agency in sorted(agency_codes, key=len, reverse=True):
        prefix = _compact(agency)
        rest = compact[len(prefix):]
        if prefix and compact.startswith(prefix) and rest.isascii() and rest.isdigit() \
                and len(rest) >= 10:
            code = f"{agency}-{rest[:6]}-{rest[6:]}"
            return code if parse_dossier_code(code) is not None else None
    return typed.strip().upper() if parse_dossier_code(typed) is not None else None


AGENCY = st.text(alphabet="0123456789.HhX -", min_size=0, max_size=14)
AGENCIES = st.lists(st.sampled_from(["000.00.17.H55", "000.00.17.H552", "0000017H552",
                                     "000.00.17H55", "17.H55", "...", "000.00.01.H55"])
                    | AGENCY, max_size=8)
TYPED = st.builds(lambda agency, sep, day, seq, noise: f"{agency}{sep}{day}{sep}{seq}{noise}",
                  st.sampled_from(["000.00.17.H55", "0000017h55", "000.00.17.H552", "17H55",
                                   "", "x"]) | AGENCY,
                  st.sampled_from(["-", " ", "", ".", "--"]),
                  st.sampled_from(["260213", "261332", "2602", "000000"]),
                  st.sampled_from(["0007", "00071", "1", "2602130007"]),
                  st.sampled_from(["", " ", "a", "7"]))


@given(TYPED | st.text(max_size=40), AGENCIES)
def test_codes_are_placed_as_the_straightforward_loop_places_them(typed, agencies):
    assert canonical_code(typed, agencies) == loop_canonical_code(typed, agencies)
    assert canonical_code(typed, tuple(agencies)) == loop_canonical_code(typed, agencies)


def test_a_longer_agency_code_wins_even_when_it_compacts_shorter():
    agencies = ["0000017H552", "000.00.17.H55"]  # 11 and 13 characters; 11 and 10 compact
    typed = "0000017H55 26021300071"
    assert canonical_code(typed, agencies) == "000.00.17.H55-260213-00071" \
        == loop_canonical_code(typed, agencies)
    assert canonical_code("000.00.17.H55-260213-0007", []) == "000.00.17.H55-260213-0007"


def test_database_keys_differ_per_database_and_value_and_hold_no_password(monkeypatch):
    settings = get_settings()
    first = short_cache.database_key("agency_codes")
    assert first == short_cache.database_key("agency_codes")
    assert first != short_cache.database_key("agency_codes", None)
    assert first != short_cache.database_key("procedure_count")
    elsewhere = replace(settings, database_url="postgresql://motcua:s3cret@db/motcua")
    monkeypatch.setattr(app_settings, "get_settings", lambda: elsewhere)
    other = short_cache.database_key("agency_codes")
    assert other != first and "s3cret" not in other and "motcua@" not in other


@given(st.text(max_size=60))
def test_code_keys_keep_exactly_the_letters_and_digits(typed):
    """The limiter's key per code, by one substitution: what isalnum() keeps, any script."""
    assert code_key(typed) == "".join(ch for ch in typed.upper() if ch.isalnum())
    assert code_key("000.00.17.h55 - 260213_0007 Đ") == "0000017H552602130007Đ"
