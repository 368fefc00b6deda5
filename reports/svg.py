"""Inline SVG charts for the HTML report, drawn server-side.

Every element is built by `el`, which escapes attribute values and text: labels carry tenant text
(subscription names) and must never reach the document as markup. Charts scale to their container
(`viewBox`, width 100%) and take their fonts from the report stylesheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

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


def _ticks(maximum: int, count: int = 4) -> list[int]:
    """Round tick values from 0 to at least `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    top = -(-maximum // step) * step
    return list(range(0, top + 1, step))


@dataclass(frozen=True)
class Segment:
    """One coloured part of a bar."""

    value: int
    color: str
    name: str


@dataclass(frozen=True)
class Bar:
    """One labelled, possibly stacked, bar."""

    label: str
    segments: tuple[Segment, ...]
    note: str = ""
    """Optional second line under the label (e.g. a subscription id)."""

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


def hbar_chart(bars: Sequence[Bar], title: str, *, width: int = 640, label_width: int = 200) -> Markup:
    """Horizontal (stacked) bars with labels on the left, totals on the right and a value grid."""
    if not bars:
        return el("p", {"class": "empty"}, "Nothing to chart.")
    two_lines = any(b.note for b in bars)
    row_h = 34 if two_lines else 26
    bar_h = 16
    top, bottom = 8, 24
    plot_x = label_width + 8
    plot_w = width - plot_x - 48
    height = top + row_h * len(bars) + bottom
    ticks = _ticks(max(b.total for b in bars))
    scale = plot_w / ticks[-1]
    grid: list[Markup] = []
    for t in ticks:
        x = plot_x + t * scale
        grid.append(el("line", {"x1": x, "x2": x, "y1": top - 4, "y2": height - bottom, "stroke": GRID}))
        grid.append(
            el(
                "text",
                {"x": x, "y": height - 8, "text-anchor": "middle", "class": "tick", "fill": MUTED},
                f"{t:,}",
            )
        )
    rows: list[Markup] = []
    for i, bar in enumerate(bars):
        y = top + i * row_h + (row_h - bar_h) / 2
        label_y = y + bar_h / 2 + (0 if bar.note else 4)
        rows.append(
            el(
                "text",
                {"x": label_width, "y": label_y - (3 if bar.note else 0), "text-anchor": "end", "fill": INK},
                el("title", None, bar.label),
                fit(bar.label, label_width),
            )
        )
        if bar.note:
            rows.append(
                el(
                    "text",
                    {
                        "x": label_width,
                        "y": label_y + 11,
                        "text-anchor": "end",
                        "class": "note",
                        "fill": MUTED,
                    },
                    fit(bar.note, label_width, 5.9),
                )
            )
        x = float(plot_x)
        for seg in bar.segments:
            if seg.value <= 0:
                continue
            w = max(seg.value * scale, 1.5)
            rows.append(
                el(
                    "rect",
                    {"x": x, "y": y, "width": w, "height": bar_h, "fill": f"#{seg.color}", "rx": 2},
                    el("title", None, f"{bar.label}: {seg.value:,} {seg.name}"),
                )
            )
            x += w
        rows.append(
            el("text", {"x": x + 6, "y": y + bar_h / 2 + 4, "class": "value", "fill": INK}, f"{bar.total:,}")
        )
    return _svg(width, height, title, *grid, *rows)


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


def proportion_bar(parts: Sequence[Segment], title: str, *, width: int = 640, height: int = 22) -> Markup:
    """One 100% bar split into parts (e.g. blocked / needs review / ready)."""
    total = sum(p.value for p in parts)
    if total <= 0:
        empty = el("rect", {"width": width, "height": height, "rx": 4, "fill": GRID})
        return _svg(width, height, title, empty, stretch=True)
    shapes: list[Markup] = []
    x = 0.0
    for part in parts:
        if part.value <= 0:
            continue
        w = width * part.value / total
        shapes.append(
            el(
                "rect",
                {"x": x, "y": 0, "width": w, "height": height, "fill": f"#{part.color}"},
                el("title", None, f"{part.name}: {part.value:,} of {total:,}"),
            )
        )
        x += w
    clip = el("clipPath", {"id": "pbar"}, el("rect", {"width": width, "height": height, "rx": 4}))
    return _svg(
        width,
        height,
        title,
        el("defs", None, clip),
        el("g", {"clip-path": "url(#pbar)"}, *shapes),
        stretch=True,
    )


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


def meter(value: int, maximum: int, color: str, *, width: int = 160, height: int = 10) -> Markup:
    """A small inline bar: value relative to maximum, on a light track."""
    w = width * value / maximum if maximum > 0 else 0.0
    return el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": width,
            "height": height,
            "class": "meter",
            "aria-hidden": "true",
        },
        el("rect", {"width": width, "height": height, "rx": height / 2, "fill": GRID}),
        el("rect", {"width": max(w, 2.0), "height": height, "rx": height / 2, "fill": f"#{color}"}),
    )
