"""Server-rendered SVG charts: no JavaScript, a few kilobytes each. Pure: no I/O.

Each chart is an inline <svg role="img"> with a <title> and a <desc> naming what it shows;
the page puts the same numbers in a table beside it for screen readers and for anyone who
prefers numbers. The drawing scales with the page (viewBox, no fixed width), so it fits a
360 px phone. Labels are escaped. Kept under `MAX_BYTES` by construction (few points,
short coordinates); the tests check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

from app.formatting import format_number

MAX_BYTES = 8 * 1024
WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 12, 30
BAR_ROWS = 15  # agencies shown as bars; the table beside lists them all


@dataclass(frozen=True)
class Point:
    label: str  # short: "3/26"
    value: Decimal | None  # None: nothing to count (a gap in the line)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _frame(chart_id: str, title: str, description: str, body: list[str], height: int) -> Markup:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
           f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart" '
           f'font-size="10" font-family="system-ui,sans-serif">'
           f'<title id="{chart_id}-t">{escape(title)}</title>'
           f'<desc id="{chart_id}-d">{escape(description)}</desc>{"".join(body)}</svg>')
    return Markup(svg)


def line_chart(chart_id: str, title: str, points: Sequence[Point], *, top: Decimal = Decimal(100),
               unit: str = "", goal: Decimal | None = None) -> Markup:
    """Values over time from 0 to `top`; a dashed line at `goal` (a threshold)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max(top, *(p.value for p in points if p.value is not None), Decimal(1))
    step = plot_w / max(len(points) - 1, 1)

    def y(value: Decimal) -> float:
        return TOP + plot_h * (1 - float(value) / float(top))

    body = [f'<path d="M{LEFT} {TOP}V{TOP + plot_h}H{WIDTH - RIGHT}" fill="none" '
            f'stroke="#505a5f"/>']
    for tick in (Decimal(0), top / 2, top):
        body.append(f'<text x="{LEFT - 3}" y="{_n(y(tick) + 3)}" text-anchor="end">'
                    f'{format_number(tick.quantize(Decimal(1)))}{escape(unit)}</text>')
    if goal is not None and goal <= top:
        body.append(f'<path d="M{LEFT} {_n(y(goal))}H{WIDTH - RIGHT}" stroke="#00703c" '
                    f'stroke-dasharray="4 3"/>')
    segments, current = [], []
    for index, point in enumerate(points):
        if point.value is None:
            segments.append(current)
            current = []
            continue
        current.append((LEFT + index * step, y(point.value)))
    segments.append(current)
    for segment in segments:
        if len(segment) > 1:
            path = "".join(("M" if i == 0 else "L") + f"{_n(x)} {_n(v)}"
                           for i, (x, v) in enumerate(segment))
            body.append(f'<path d="{path}" fill="none" stroke="#1d4f91" stroke-width="2"/>')
        body += [f'<circle cx="{_n(x)}" cy="{_n(v)}" r="2.5" fill="#1d4f91"/>'
                 for x, v in segment]
    every = max(1, -(-len(points) // 6))  # at most about six labels along the bottom
    for index, point in enumerate(points):
        if index % every == 0 or index == len(points) - 1:
            body.append(f'<text x="{_n(LEFT + index * step)}" y="{HEIGHT - 12}" '
                        f'text-anchor="middle">{escape(point.label)}</text>')
    shown = [p for p in points if p.value is not None]
    description = (f"{len(points)} kỳ, từ {points[0].label} đến {points[-1].label}; "
                   f"cao nhất {format_number(max(p.value for p in shown))}{unit}, thấp nhất "
                   f"{format_number(min(p.value for p in shown))}{unit}." if shown
                   else "Chưa có số liệu.")
    return _frame(chart_id, title, description, body, HEIGHT)


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, largest first, at most `BAR_ROWS` of them (names are long)."""
    rows = sorted(rows, key=lambda r: (-r[1], r[0]))[:BAR_ROWS]
    row_h, label_w = 18, 140
    height = TOP + row_h * max(len(rows), 1) + 8
    largest = max((value for _, value in rows), default=0) or 1
    body = []
    for index, (name, value) in enumerate(rows):
        y = TOP + index * row_h
        width = (WIDTH - label_w - 40) * value / largest
        short = name if len(name) <= 26 else name[:25] + "…"
        body.append(f'<text x="{label_w - 4}" y="{y + 12}" text-anchor="end">'
                    f'{escape(short)}</text><rect x="{label_w}" y="{y + 3}" '
                    f'width="{_n(width)}" height="{row_h - 6}" fill="#a4161a"/>'
                    f'<text x="{_n(label_w + width + 3)}" y="{y + 12}">'
                    f'{format_number(value)}</text>')
    description = (f"{len(rows)} cơ quan có nhiều hồ sơ trễ hạn nhất." if rows
                   else "Không có hồ sơ trễ hạn.")
    return _frame(chart_id, title, description, body, height)
