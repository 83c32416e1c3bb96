"""app.portal.lookup_view's kept pieces: escaped texts kept for plain strings only and
within a bound, a page's moments written once. (The pages it draws are compared byte for
byte with the reference templates in tests/test_lookup_page_bytes.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup

from app.formatting import format_datetime
from app.portal import lookup_view


def test_a_markup_is_never_taken_for_the_text_it_equals():
    # Either kept first: a Markup equals (and hashes as) its source text.
    assert lookup_view.kept_escape("<b>") == "&lt;b&gt;"
    assert lookup_view.kept_escape(Markup("<b>")) == "<b>"
    assert lookup_view.kept_escape(Markup("<i>")) == "<i>"
    assert lookup_view.kept_escape("<i>") == "&lt;i&gt;"


def test_kept_texts_stay_within_their_bound_and_stay_right():
    for i in range(lookup_view.MAX_KEPT + 50):
        assert lookup_view.kept_escape(f"<{i}> & \"{i}\"") == f"&lt;{i}&gt; &amp; &#34;{i}&#34;"
    assert len(lookup_view._escaped) <= lookup_view.MAX_KEPT
    assert lookup_view.kept_escape(None) == "None"  # as Jinja writes a missing value


def test_a_moment_is_written_once_per_page():
    moment = datetime(2026, 2, 16, 17, 0, tzinfo=UTC)  # local midnight: 24:00 the day before
    texts = {}
    assert lookup_view.written(moment, texts) == format_datetime(moment) == "24:00 16/02/2026"
    texts[moment] = "kept"
    assert lookup_view.written(moment, texts) == "kept"
