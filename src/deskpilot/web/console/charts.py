"""Charts as inline SVG, drawn on the server: pure functions from figures to markup.

Every chart has a ``<title>`` and a ``<desc>`` (``role="img"``, labelled by both), writes its
values as text next to the marks (never color alone), and takes its colors from the console's
CSS variables through classes (``chart-bar``, ``chart-series-0``...; static/console/
dashboard.css), so both themes apply. Every text is escaped. The page also gives each chart a
table of its data for screen readers and for reading the exact numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

NO_VALUE = "\u2013"  # an en dash: no value
SERIES = 4  # chart-series-0..3 in the CSS; more parts cycle
_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class Point:
    """A bar, a point of a line or a part of a stacked bar. ``None``: no value (a gap)."""

    label: str
    value: float | None
    shown: str | None = None  # the value as written on the chart; default: the number


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _shown(point: Point) -> str:
    if point.shown is not None:
        return point.shown
    return NO_VALUE if point.value is None else _number(point.value)


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, title: str, desc: str, width: float, height: float, kind: str) -> str:
    safe = _ID.sub("-", chart_id)
    return (
        f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{safe}-title {safe}-desc">'
        f'<title id="{safe}-title">{escape(title)}</title>'
        f'<desc id="{safe}-desc">{escape(desc)}</desc>'
    )


def _svg(parts: list[str]) -> Markup:
    # every text in the parts went through escape(); numbers and class names are ours
    return Markup("".join(parts))  # noqa: S704


def _empty(chart_id: str, title: str, desc: str, empty: str, width: float) -> Markup:
    height = 40.0
    return _svg(
        [
            _open(chart_id, title, desc, width, height, "empty"),
            f'<text class="chart-label" x="{_f(width / 2)}" y="24" text-anchor="middle">'
            f"{escape(empty)}</text></svg>",
        ]
    )


def bar_chart(
    bars: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    empty: str = "No data",
    width: float = 480,
    bar_height: float = 22,
    label_width: float = 140,
) -> Markup:
    """Horizontal bars, one per point, scaled to the largest value; the label on the left and
    the value at the end of each bar. Negative values count as zero."""
    if not bars:
        return _empty(chart_id, title, desc, empty, width)
    gap = bar_height / 2
    height = len(bars) * (bar_height + gap) + gap
    top = max(max((b.value or 0.0) for b in bars), 0.0)
    room = width - label_width - 48  # the value's text after the longest bar
    parts = [_open(chart_id, title, desc, width, height, "bars")]
    for i, bar in enumerate(bars):
        y = gap + i * (bar_height + gap)
        length = room * max(bar.value or 0.0, 0.0) / top if top > 0 else 0.0
        middle = y + bar_height / 2
        parts.append(
            f'<text class="chart-label" x="{_f(label_width - 6)}" y="{_f(middle)}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(bar.label)}</text>'
            f'<rect class="chart-bar" x="{_f(label_width)}" y="{_f(y)}" '
            f'width="{_f(length)}" height="{_f(bar_height)}" rx="3"></rect>'
            f'<text class="chart-value" x="{_f(label_width + length + 6)}" y="{_f(middle)}" '
            f'dominant-baseline="middle">{escape(_shown(bar))}</text>'
        )
    parts.append("</svg>")
    return _svg(parts)


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    low: float = -1.0,
    high: float = 1.0,
    empty: str = "No data",
    width: float = 560,
    height: float = 220,
    label_every: int = 1,
) -> Markup:
    """A line over evenly spaced points between ``low`` and ``high`` (values outside are
    clamped); a point without value breaks the line. Grid lines at low, the middle and high;
    each point is a dot with its value as a tooltip title, and x labels every
    ``label_every`` points."""
    if not points or all(p.value is None for p in points) or high <= low:
        return _empty(chart_id, title, desc, empty, width)
    left, right, top, bottom = 44.0, 12.0, 12.0, 30.0
    inner_w, inner_h = width - left - right, height - top - bottom
    step = inner_w / (len(points) - 1) if len(points) > 1 else 0.0

    def x_of(i: int) -> float:
        return left + (i * step if len(points) > 1 else inner_w / 2)

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return top + inner_h * (high - clamped) / (high - low)

    parts = [_open(chart_id, title, desc, width, height, "line")]
    for value in (high, (high + low) / 2, low):
        y = y_of(value)
        parts.append(
            f'<line class="chart-grid" x1="{_f(left)}" x2="{_f(width - right)}" '
            f'y1="{_f(y)}" y2="{_f(y)}"></line>'
            f'<text class="chart-axis" x="{_f(left - 6)}" y="{_f(y)}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_number(value))}</text>'
        )
    runs: list[list[str]] = [[]]
    for i, point in enumerate(points):
        if point.value is None:
            runs.append([])
        else:
            runs[-1].append(f"{_f(x_of(i))},{_f(y_of(point.value))}")
    for run in runs:
        if len(run) > 1:
            parts.append(f'<polyline class="chart-line" points="{" ".join(run)}"></polyline>')
    for i, point in enumerate(points):
        if point.value is not None:
            parts.append(
                f'<circle class="chart-dot" cx="{_f(x_of(i))}" cy="{_f(y_of(point.value))}" '
                f'r="3.5"><title>{escape(point.label)}: {escape(_shown(point))}</title></circle>'
            )
        if i % max(label_every, 1) == 0 or i == len(points) - 1:
            parts.append(
                f'<text class="chart-axis" x="{_f(x_of(i))}" y="{_f(height - 10)}" '
                f'text-anchor="middle">{escape(point.label)}</text>'
            )
    parts.append("</svg>")
    return _svg(parts)


def stacked_bar(
    parts: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    empty: str = "No data",
    width: float = 480,
    bar_height: float = 28,
) -> Markup:
    """One bar split into its parts in proportion (zero parts leave no segment), and a legend
    below with each part's label and value: the legend carries the meaning, the color helps."""
    total = sum(max(p.value or 0.0, 0.0) for p in parts)
    if not parts or total <= 0:
        return _empty(chart_id, title, desc, empty, width)
    legend_line = 22.0
    height = bar_height + 14 + legend_line * len(parts)
    out = [_open(chart_id, title, desc, width, height, "stacked")]
    x = 0.0
    for i, part in enumerate(parts):
        share = max(part.value or 0.0, 0.0) / total
        if share > 0:
            size = width * share
            out.append(
                f'<rect class="chart-series-{i % SERIES}" x="{_f(x)}" y="0" '
                f'width="{_f(size)}" height="{_f(bar_height)}">'
                f"<title>{escape(part.label)}: {escape(_shown(part))}</title></rect>"
            )
            x += size
    for i, part in enumerate(parts):
        y = bar_height + 14 + i * legend_line
        out.append(
            f'<rect class="chart-series-{i % SERIES}" x="0" y="{_f(y)}" width="14" '
            f'height="14" rx="2"></rect>'
            f'<text class="chart-label" x="22" y="{_f(y + 7)}" dominant-baseline="middle">'
            f"{escape(part.label)}: {escape(_shown(part))}</text>"
        )
    out.append("</svg>")
    return _svg(out)
