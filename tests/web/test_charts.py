"""The SVG chart builders: valid SVG, scales, empty data, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup

from deskpilot.web.console.charts import Point, bar_chart, line_chart, stacked_bar

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: Markup) -> ET.Element:
    root = ET.fromstring(str(markup))  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def test_bars_scale_to_the_largest_value_and_write_the_values() -> None:
    root = parse(
        bar_chart(
            [Point("Web", 10), Point("Email", 5), Point("Zero", 0)],
            chart_id="c1",
            title="Volume",
            desc="Messages",
        )
    )
    widths = [float(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > 0
    assert widths[1] == widths[0] / 2
    assert widths[2] == 0
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Web", "10", "Email", "5", "Zero", "0"]


def test_a_line_breaks_where_a_value_is_missing_and_stays_in_its_range() -> None:
    points = [Point("a", 1.0), Point("b", -1.0), Point("c", None), Point("d", 0.0), Point("e", 5)]
    root = parse(line_chart(points, chart_id="c2", title="Mood", desc="Daily", height=220))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2  # a-b, then d-e
    ys = [float(c.get("cy", "0")) for c in root.iter(f"{SVG}circle")]
    assert len(ys) == 4
    assert ys[0] < ys[2] < ys[1]  # 1 on top, 0 in the middle, -1 at the bottom
    assert ys[3] == ys[0]  # 5 is clamped to the top
    tips = [t.text for c in root.iter(f"{SVG}circle") for t in c.iter(f"{SVG}title")]
    assert tips[0] == "a: 1"


def test_a_stacked_bar_splits_in_proportion_with_a_text_legend() -> None:
    root = parse(
        stacked_bar(
            [Point("New", 3), Point("Open", 1), Point("On hold", 0)],
            chart_id="c3",
            title="Tickets",
            desc="By status",
            width=400,
        )
    )
    segments = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [float(r.get("width", "0")) for r in segments] == [300, 100]
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert legend == ["New: 3", "Open: 1", "On hold: 0"]


def test_empty_data_says_so() -> None:
    for chart in (
        bar_chart([], chart_id="e1", title="T", desc="D", empty="Nothing yet"),
        line_chart([Point("a", None)], chart_id="e2", title="T", desc="D", empty="Nothing yet"),
        stacked_bar([Point("a", 0)], chart_id="e3", title="T", desc="D", empty="Nothing yet"),
    ):
        root = parse(chart)
        assert [t.text for t in root.iter(f"{SVG}text")] == ["Nothing yet"]


def test_every_text_is_escaped() -> None:
    evil = '<script>alert("x")</script>'
    charts = [
        bar_chart([Point(evil, 1)], chart_id='x" onload="', title=evil, desc=evil),
        line_chart([Point(evil, 0.5), Point(evil, 0.1)], chart_id="x", title=evil, desc=evil),
        stacked_bar([Point(evil, 2)], chart_id="x", title=evil, desc=evil),
        bar_chart([], chart_id="x", title=evil, desc=evil, empty=evil),
    ]
    for chart in charts:
        assert "<script>" not in str(chart)
        assert 'onload="' not in str(chart)
        root = parse(chart)
        assert root.find(f"{SVG}title") is not None
        assert root.findtext(f"{SVG}title") == evil
