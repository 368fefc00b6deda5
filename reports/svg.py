"""Inline SVG charts for the HTML report, drawn server-side: the retirement timeline and the trend
chart here, the plan's order diagram in svg_flow.py (bar charts are HTML, reports/bars.py).

Every element is built by `el`, which escapes attribute values and text: labels carry tenant text
(subscription names) and must never reach the document as markup. Charts scale to their container
(`viewBox`, width 100%) and take their fonts from the report stylesheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from markupsafe import Markup, escape

#: Approximate advance of one character at the chart font size (12px system sans-serif).
CHAR_WIDTH = 6.2
AXIS = "#8A93A3"
GRID = "#E3E7EE"
INK = "#1D2433"
MUTED = "#5B6475"


def el(tag: str, attrs: Mapping[str, object] | None = None, *children: str | Markup) -> Markup:
    """One element: attribute values and plain-text children escaped, Markup children kept."""
    parts = [f"<{tag}"]
    for name, value in (attrs or {}).items():
        if value is None:
            continue
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        parts.append(f' {name}="{escape(text)}"')
    if not children:
        return Markup("".join(parts) + "/>")
    body = "".join(str(escape(c)) for c in children)
    return Markup("".join(parts) + ">" + body + f"</{tag}>")


def fit(text: str, width: float, char_width: float = CHAR_WIDTH) -> str:
    """Shorten text to about `width` pixels with an ellipsis."""
    limit = max(int(width / char_width), 4)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: Advance widths of a sans-serif face (Arial/Liberation metrics, per 1000 em) by character class.
_ADVANCE = (
    ("ijl'|", 222),
    ("ftI !.,:;/·[]", 278),
    ('r-()"', 333),
    ("ckszvxyJ", 500),
    ("m", 833),
    ("wC", 722),
    ("MW@%", 900),
    ("ABDEGHKNOPQRSUVXYZ&", 700),
    ("FLT", 611),
)
_ADVANCE_OF = {c: w for chars, w in _ADVANCE for c in chars}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in pixels of text at `size` px (a little generous, so fitted text never overflows)."""
    units = sum(_ADVANCE_OF.get(c, 556) for c in text)
    return units * size / 1000 * (1.12 if bold else 1.06)


def fit_width(text: str, width: float, size: float, bold: bool = False) -> str:
    """Shorten text with an ellipsis until its estimated width is at most `width` pixels."""
    if text_width(text, size, bold) <= width:
        return text
    cut = len(text)
    while cut > 1 and text_width(text[:cut].rstrip() + "…", size, bold) > width:
        cut -= 1
    return text[:cut].rstrip() + "…"


def _svg(width: float, height: float, label: str, *children: Markup, stretch: bool = False) -> Markup:
    """The chart root: drawn at its natural size, shrunk to fit narrower containers; a `stretch`
    chart (shapes only, no text) fills the container's width instead."""
    return el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width:.0f} {height:.0f}",
            "width": "100%" if stretch else f"{width:.0f}",
            "height": f"{height:.0f}",
            "role": "img",
            "aria-label": label,
            "class": "chart stretch" if stretch else "chart",
            "preserveAspectRatio": "none" if stretch else "xMinYMin meet",
        },
        el("title", None, label),
        *children,
    )


def ticks(maximum: int, count: int = 4) -> list[int]:
    """Round tick values from 0 to at least `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    top = -(-maximum // step) * step
    return list(range(0, top + 1, step))


def legend(items: Sequence[tuple[str, str]]) -> Markup:
    """A row of colour keys (HTML, so it wraps), each (name, hex colour without #)."""
    keys = [
        el(
            "span",
            {"class": "key"},
            el(
                "svg",
                {"width": 10, "height": 10, "viewBox": "0 0 10 10", "aria-hidden": "true"},
                el("rect", {"width": 10, "height": 10, "rx": 2, "fill": f"#{color}"}),
            ),
            name,
        )
        for name, color in items
    ]
    return el("div", {"class": "legend"}, *keys)


@dataclass(frozen=True)
class Milestone:
    """A retirement date on the timeline."""

    day: date
    label: str
    color: str
    count: int
    """Resources in the scan affected (shown next to the label)."""


def timeline(
    milestones: Sequence[Milestone], as_of: date, title: str, *, width: int = 1080, label_width: int = 420
) -> Markup:
    """One row per milestone: service, resources and date on the left, a dot at the date on a shared
    year axis on the right, the time before --as-of shaded and a dashed as-of line across all rows."""
    if not milestones:
        return el("p", {"class": "empty"}, "No retirement in this scan.")
    rows = sorted(milestones, key=lambda m: (m.day, m.label))
    days = [m.day for m in rows] + [as_of]
    first = date(min(days).year, 1, 1)
    last = date(max(days).year + 1, 1, 1)
    top, row_h, bottom = 44, 26, 8
    date_x = label_width - 70
    count_x = date_x - 14
    plot_x = label_width + 20
    plot_w = width - plot_x - 8
    height = top + row_h * len(rows) + bottom
    span = (last - first).days

    def xpos(d: date) -> float:
        return plot_x + plot_w * (d - first).days / span

    ax = xpos(as_of)
    header_y = top - 16
    parts: list[Markup] = [
        el(
            "rect",
            {
                "x": plot_x,
                "y": top - 6,
                "width": ax - plot_x,
                "height": height - top - bottom + 12,
                "fill": "#FBECEA",
            },
        ),
        el("text", {"x": 0, "y": header_y, "class": "tick", "fill": MUTED}, "Service"),
        el(
            "text",
            {"x": count_x, "y": header_y, "class": "tick", "fill": MUTED, "text-anchor": "end"},
            "Resources",
        ),
        el("text", {"x": date_x, "y": header_y, "class": "tick", "fill": MUTED}, "Retires"),
    ]
    for year in range(first.year, last.year + 1):
        x = xpos(date(year, 1, 1))
        parts.append(
            el("line", {"x1": x, "x2": x, "y1": top - 12, "y2": height - bottom + 6, "stroke": GRID})
        )
        if year < last.year:
            parts.append(
                el(
                    "text",
                    {
                        "x": xpos(date(year, 7, 2)),
                        "y": header_y,
                        "text-anchor": "middle",
                        "class": "tick",
                        "fill": MUTED,
                    },
                    str(year),
                )
            )
    for i, m in enumerate(rows):
        cy = top + i * row_h + row_h / 2
        parts.append(
            el(
                "line",
                {
                    "x1": 0,
                    "x2": width,
                    "y1": cy + row_h / 2,
                    "y2": cy + row_h / 2,
                    "stroke": GRID,
                    "stroke-width": 0.6,
                },
            )
        )
        parts.append(
            el(
                "text",
                {"x": 0, "y": cy + 4, "fill": INK},
                el("title", None, m.label),
                fit(m.label, count_x - 70),
            )
        )
        parts.append(
            el(
                "text",
                {"x": count_x, "y": cy + 4, "fill": INK, "text-anchor": "end", "class": "value"},
                f"{m.count:,}",
            )
        )
        parts.append(el("text", {"x": date_x, "y": cy + 4, "fill": INK, "class": "date"}, m.day.isoformat()))
        parts.append(
            el(
                "circle",
                {
                    "cx": xpos(m.day),
                    "cy": cy,
                    "r": 6,
                    "fill": f"#{m.color}",
                    "stroke": "#FFFFFF",
                    "stroke-width": 1.5,
                },
                el("title", None, f"{m.label}: {m.day.isoformat()}"),
            )
        )
    parts.append(
        el(
            "line",
            {
                "x1": ax,
                "x2": ax,
                "y1": top - 12,
                "y2": height - bottom + 6,
                "stroke": INK,
                "stroke-width": 1.5,
                "stroke-dasharray": "4 3",
            },
        )
    )
    label = f"as of {as_of.isoformat()}"
    fits_right = ax + 6 + len(label) * CHAR_WIDTH < width
    parts.append(
        el(
            "text",
            {
                "x": ax + 6 if fits_right else ax - 6,
                "y": 12,
                "class": "asof",
                "fill": INK,
                "text-anchor": "start" if fits_right else "end",
            },
            label,
        )
    )
    return _svg(width, height, title, *parts)


@dataclass(frozen=True)
class Series:
    """One status (or other quantity) of a trend chart: a value per point."""

    name: str
    color: str
    """Hex colour without #."""
    values: tuple[int, ...]


@dataclass(frozen=True)
class Moment:
    """One point in time of a trend chart (e.g. a scan)."""

    when: datetime
    label: str
    """Short x-axis label (e.g. a date)."""
    tooltip: str
    """What the point is (e.g. scan id, time and counts)."""
    hollow: bool = False
    """Drawn as an open circle (e.g. an incomplete scan)."""


def _x_positions(moments: Sequence[Moment], left: float, width: float) -> list[float]:
    """x of each moment: proportional to time, or evenly spaced when they share one instant."""
    if len(moments) == 1:
        return [left + width / 2]
    start, end = moments[0].when, moments[-1].when
    span = (end - start).total_seconds()
    if span <= 0:
        return [left + width * i / (len(moments) - 1) for i in range(len(moments))]
    return [left + width * (m.when - start).total_seconds() / span for m in moments]


def _spaced_labels(xs: Sequence[float], labels: Sequence[str], size: float, gap: float = 14) -> list[int]:
    """Indexes of the labels to draw so that none overlaps the next (the last one always drawn)."""
    widths = [text_width(t, size) for t in labels]
    chosen: list[int] = []
    for i, x in enumerate(xs):
        if not chosen or x - widths[i] / 2 >= xs[chosen[-1]] + widths[chosen[-1]] / 2 + gap:
            chosen.append(i)
    last = len(xs) - 1
    if chosen and chosen[-1] != last:
        while chosen and xs[last] - widths[last] / 2 < xs[chosen[-1]] + widths[chosen[-1]] / 2 + gap:
            chosen.pop()
        chosen.append(last)
    return chosen


def trend_chart(
    moments: Sequence[Moment],
    series: Sequence[Series],
    title: str,
    *,
    width: int = 1080,
    height: int = 260,
    empty: str = "Nothing to chart yet.",
) -> Markup:
    """Stacked areas of the series over time (first series at the bottom), a dot per moment on the
    total (open when `hollow`), y grid with values, x labels (thinned so they never overlap) and a
    tooltip per moment. Needs at least two moments."""
    if len(moments) < 2 or not series:
        return el("p", {"class": "empty"}, empty)
    left, right, top, bottom = 52, 44, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    inset = 10
    xs = _x_positions(moments, left + inset, plot_w - 2 * inset)
    totals = [sum(s.values[i] for s in series) for i in range(len(moments))]
    steps = ticks(max(totals))
    scale = plot_h / steps[-1]

    def y(v: float) -> float:
        return top + plot_h - v * scale

    parts: list[Markup] = []
    for t in steps:
        parts.append(el("line", {"x1": left, "x2": left + plot_w, "y1": y(t), "y2": y(t), "stroke": GRID}))
        parts.append(
            el(
                "text",
                {"x": left - 8, "y": y(t) + 4, "text-anchor": "end", "class": "tick", "fill": MUTED},
                f"{t:,}",
            )
        )
    below = [0] * len(moments)
    areas: list[Markup] = []
    for s in series:
        above = [b + v for b, v in zip(below, s.values, strict=True)]
        upper = " L".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, above, strict=True))
        lower = " L".join(f"{x:.1f},{y(v):.1f}" for x, v in reversed(list(zip(xs, below, strict=True))))
        areas.append(
            el(
                "path",
                {"d": f"M{upper} L{lower} Z", "fill": f"#{s.color}", "fill-opacity": 0.62, "class": "area"},
                el("title", None, s.name),
            )
        )
        areas.append(
            el("path", {"d": f"M{upper}", "fill": "none", "stroke": f"#{s.color}", "stroke-width": 1.6})
        )
        below = above
    parts += areas
    parts.append(el("line", {"x1": left, "x2": left + plot_w, "y1": y(0), "y2": y(0), "stroke": AXIS}))
    label_size = 11
    for i in _spaced_labels(xs, [m.label for m in moments], label_size):
        parts.append(
            el(
                "text",
                {"x": xs[i], "y": height - 10, "text-anchor": "middle", "class": "tick", "fill": MUTED},
                moments[i].label,
            )
        )
    dots = len(moments) <= 60
    edges = [left] + [(a + b) / 2 for a, b in pairwise(xs)] + [left + plot_w]
    for i, m in enumerate(moments):
        marks: list[Markup] = [el("title", None, m.tooltip)]
        marks.append(
            el(
                "rect",
                {
                    "x": edges[i],
                    "y": top,
                    "width": max(edges[i + 1] - edges[i], 1.0),
                    "height": plot_h,
                    "fill": "#FFFFFF",
                    "fill-opacity": 0,
                    "class": "hit",
                },
            )
        )
        if dots or i == len(moments) - 1:
            marks.append(
                el(
                    "circle",
                    {
                        "cx": xs[i],
                        "cy": y(totals[i]),
                        "r": 4,
                        "fill": "#FFFFFF" if m.hollow else INK,
                        "stroke": INK,
                        "stroke-width": 1.5,
                    },
                )
            )
        parts.append(el("g", {"class": "moment"}, *marks))
    parts.append(
        el(
            "text",
            {"x": xs[-1] + 8, "y": y(totals[-1]) + 4, "class": "value", "fill": INK},
            f"{totals[-1]:,}",
        )
    )
    return _svg(width, height, title, *parts)
