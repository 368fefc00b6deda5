"""The HTML/CSS bar charts: text is HTML (escaped, laid out by the browser), bars are shapes-only SVG."""

from __future__ import annotations

import re

from reports import bars

HOSTILE = "</td><script>alert(1)</script>"


def test_hbar_chart_is_a_table_with_a_row_per_bar_and_escaped_text():
    chart = str(
        bars.hbar_chart(
            [
                bars.Bar(
                    HOSTILE, (bars.Segment(3, "C0392B", "high"), bars.Segment(1, "A84300", "medium")), "sub-1"
                ),
                bars.Bar("Other", (bars.Segment(12, "C0392B", "high"),)),
            ],
            "Failed <findings>",
        )
    )
    assert chart.startswith('<table class="hbars">')
    assert "<script>" not in chart and "&lt;/td&gt;&lt;script&gt;" in chart
    assert '<caption class="sr">Failed &lt;findings&gt;</caption>' in chart
    assert chart.count('<th scope="row" class="hbar-label">') == 2
    assert '<span class="hbar-note">sub-1</span>' in chart
    assert '<td class="hbar-value num">4</td>' in chart and '<td class="hbar-value num">12</td>' in chart
    # the scale runs to a round 15 (ticks 0, 5, 10, 15); 12 of 15 is 800 of the track's 1000
    assert re.findall(r'<div class="hbar-ticks">(.*?)</div>', chart) == [
        "<span>0</span><span>5</span><span>10</span><span>15</span>"
    ]
    assert '<rect x="0.0" y="0" width="800.0" height="16" fill="#C0392B">' in chart
    assert '<rect x="200.0" y="0" width="66.7" height="16" fill="#A84300">' in chart  # stacked
    # no text in the SVG (the browser lays out the HTML), no inline style (the CSP allows none)
    for svg in re.findall(r"<svg.*?</svg>", chart):
        assert "<text" not in svg
    assert "style=" not in chart


def test_empty_charts_say_so():
    assert str(bars.hbar_chart([], "t")) == '<p class="empty">Nothing to chart.</p>'
    empty = str(bars.proportion_bar([bars.Segment(0, "C0392B", "blocked")], "Readiness"))
    assert 'role="img" aria-label="Readiness"' in empty and 'width="1000" height="22" fill="#E3E7EE"' in empty


def test_proportion_bar_and_meter_are_shapes_on_a_stretched_track():
    bar = str(bars.proportion_bar([bars.Segment(1, "AA0000", "a"), bars.Segment(3, "00AA00", "b")], "Split"))
    assert '<rect x="0.0" y="0" width="250.0" height="22" fill="#AA0000"><title>a: 1 of 4</title>' in bar
    assert '<rect x="250.0" y="0" width="750.0" height="22" fill="#00AA00"><title>b: 3 of 4</title>' in bar
    assert 'preserveAspectRatio="none"' in bar and 'width="100%"' in bar
    meter = str(bars.meter(1, 4, "C0392B"))
    assert 'width="250.0" height="10" fill="#C0392B"' in meter
