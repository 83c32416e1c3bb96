"""The SVG charts (pure): accessible, escaped, gaps for N/A, and within 8 KB however many
agencies or months they are given."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from app.service_index.charts import MAX_BYTES, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_a_line_chart_is_an_image_with_its_title_and_description():
    points = [Point(f"{m}/26", Decimal(v) if v is not None else None)
              for m, v in zip(range(1, 7), (40, 55.5, None, 70, 82, 91), strict=True)]
    svg = parse(line_chart("diem", "Điểm bộ chỉ số toàn tỉnh", points, goal=Decimal(90)))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "diem-t diem-d"
    assert svg.find(f"{SVG}title").text == "Điểm bộ chỉ số toàn tỉnh"
    assert "cao nhất 91, thấp nhất 40" in svg.find(f"{SVG}desc").text
    # The N/A month breaks the line in two; each month with a value has its dot.
    lines = [p for p in svg.iter(f"{SVG}path") if p.get("stroke") == "#1d4f91"]
    assert len(lines) == 2 and len(list(svg.iter(f"{SVG}circle"))) == 5
    assert "<script" not in str(line_chart("x", "t", points))


def test_names_are_escaped_and_long_ones_shortened():
    svg = str(bar_chart("tre", "Trễ hạn", [("<b>Sở & Ban</b>", 3),
                                           ("Ủy ban nhân dân xã Đăk Rơ Wa, thành phố", 9)]))
    assert "<b>" not in svg and "&lt;b&gt;Sở &amp; Ban&lt;/b&gt;" in svg
    assert "Ủy ban nhân dân xã Đăk Rơ…" in svg
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert texts.index("9") < texts.index("3")  # largest first


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=120), st.integers(0, 10**6)),
                max_size=200),
       st.lists(st.one_of(st.none(), st.decimals(0, 100, places=2)), min_size=1, max_size=36))
def test_every_chart_stays_under_8_kb(rows, values):
    assert len(str(bar_chart("b", "Trễ hạn theo cơ quan", rows)).encode()) <= MAX_BYTES
    points = [Point(f"{n % 12 + 1}/{n // 12 + 24}", v) for n, v in enumerate(values)]
    chart = line_chart("l", "Tỷ lệ đúng hạn", points, unit="%")
    assert len(str(chart).encode()) <= MAX_BYTES
    parse(chart)  # well-formed
