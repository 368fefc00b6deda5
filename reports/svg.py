"""Inline SVG charts for the HTML report, drawn server-side.

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


@dataclass(frozen=True)
class Node:
    """A box of a flow diagram (e.g. a migration unit)."""

    key: str
    label: str
    detail: str
    state: str
    """Legend name of its colour; folded boxes count their nodes by it."""
    color: str
    tint: str
    href: str = ""
    """Same-document link (e.g. "#unit-3"), or ''."""
    tooltip: str = ""


@dataclass(frozen=True)
class Lane:
    """A column of a flow diagram (e.g. a wave), its nodes top to bottom."""

    title: str
    subtitle: str
    note: str
    nodes: tuple[Node, ...]
    tooltip: str = ""


FLOW_HEAD = 66
FLOW_LANE_MIN = 184
FLOW_LANE_MAX = 280
FLOW_NODE = 46
FLOW_GAP = 8
FLOW_INSET = 8
FLOW_LANE_FILL = "#F2F4F8"
FLOW_EDGE = "#6B7A90"


def _fold(lane: Lane, max_nodes: int) -> tuple[list[Node], list[Node]]:
    """The nodes drawn one by one, and those summed up in one box (when there are more than max_nodes)."""
    if len(lane.nodes) <= max_nodes:
        return list(lane.nodes), []
    keep = max(max_nodes - 1, 1)
    return list(lane.nodes[:keep]), list(lane.nodes[keep:])


def _box(x: float, y: float, w: float, node: Node, fill: str, stroke: str) -> list[Markup]:
    h, r, bar = FLOW_NODE, 5, 6
    bar_path = (
        f"M{x + bar:.1f},{y:.1f} H{x + r:.1f} A{r},{r} 0 0 0 {x:.1f},{y + r:.1f} V{y + h - r:.1f} "
        f"A{r},{r} 0 0 0 {x + r:.1f},{y + h:.1f} H{x + bar:.1f} Z"
    )
    return [
        el(
            "rect",
            {
                "x": x,
                "y": y,
                "width": w,
                "height": h,
                "rx": r,
                "fill": fill,
                "stroke": stroke,
                "class": "box",
            },
        ),
        el("path", {"d": bar_path, "fill": stroke}),
        el(
            "text",
            {"x": x + 14, "y": y + 19, "class": "node-label", "fill": INK},
            fit_width(node.label, w - 20, 12.5, bold=True),
        ),
        el(
            "text",
            {"x": x + 14, "y": y + 36, "class": "note", "fill": MUTED},
            fit_width(node.detail, w - 20, 11),
        ),
    ]


def flow_diagram(
    lanes: Sequence[Lane],
    edges: Sequence[tuple[str, str]],
    title: str,
    *,
    width: int = 1120,
    gap: int = 28,
    max_nodes: int = 12,
) -> Markup:
    """Lanes as columns left to right, nodes as boxes (tinted by state, with a coloured bar), arrows
    from one node to another (source before target). A lane with more than `max_nodes` nodes draws
    the first ones and sums up the rest in one box with a bar of their states; arrows to or from
    those go to that box. Boxes with an href link to it; every label has its full text as a tooltip.
    Lanes share `width` (each between FLOW_LANE_MIN and FLOW_LANE_MAX wide): many lanes make the
    diagram wider than `width`, and the page lets it scroll."""
    if not lanes:
        return el("p", {"class": "empty"}, "Nothing to draw.")
    folded = [_fold(lane, max_nodes) for lane in lanes]
    rows = max(len(shown) + (1 if rest else 0) for shown, rest in folded)
    height = FLOW_HEAD + max(rows, 1) * (FLOW_NODE + FLOW_GAP) + FLOW_INSET
    lanes_gap = (len(lanes) - 1) * gap
    lane_width = min(max((width - lanes_gap) / len(lanes), FLOW_LANE_MIN), FLOW_LANE_MAX)
    width = round(len(lanes) * lane_width + lanes_gap)
    box_w = lane_width - 2 * FLOW_INSET
    where: dict[str, tuple[int, float, float]] = {}  # node key -> lane, box x, box middle y
    background: list[Markup] = []
    boxes: list[Markup] = []
    for i, (lane, (shown, rest)) in enumerate(zip(lanes, folded, strict=True)):
        x = i * (lane_width + gap)
        background.append(
            el(
                "rect",
                {"x": x, "y": 0, "width": lane_width, "height": height, "rx": 8, "fill": FLOW_LANE_FILL},
                el("title", None, lane.tooltip or lane.title),
            )
        )
        background.append(el("text", {"x": x + 12, "y": 21, "class": "lane-title", "fill": INK}, lane.title))
        background.append(
            el(
                "text",
                {"x": x + 12, "y": 38, "class": "note", "fill": INK},
                fit_width(lane.subtitle, lane_width - 20, 11),
            )
        )
        background.append(
            el(
                "text",
                {"x": x + 12, "y": 54, "class": "note", "fill": MUTED},
                fit_width(lane.note, lane_width - 20, 11),
            )
        )
        bx = x + FLOW_INSET
        for j, node in enumerate(shown):
            y = FLOW_HEAD + j * (FLOW_NODE + FLOW_GAP)
            where[node.key] = (i, bx, y + FLOW_NODE / 2)
            parts = [
                el("title", None, node.tooltip or node.label),
                *_box(bx, y, box_w, node, f"#{node.tint}", f"#{node.color}"),
            ]
            boxes.append(
                el("a", {"href": node.href, "class": "node"}, *parts)
                if node.href
                else el("g", {"class": "node"}, *parts)
            )
        if rest:
            y = FLOW_HEAD + len(shown) * (FLOW_NODE + FLOW_GAP)
            key = f"more:{i}"
            counts: dict[str, tuple[int, str]] = {}
            for node in rest:
                n, _ = counts.get(node.state, (0, node.color))
                counts[node.state] = (n + 1, node.color)
            summary = Node(
                key=key,
                label=f"+ {len(rest):,} more",
                detail=" · ".join(f"{n:,} {s.lower()}" for s, (n, _) in counts.items()),
                state="",
                color=MUTED[1:],
                tint="FFFFFF",
            )
            names = ", ".join(n.label for n in rest[:30]) + (", …" if len(rest) > 30 else "")
            parts = [
                el("title", None, f"{len(rest):,} more: {names}"),
                *_box(bx, y, box_w, summary, "#FFFFFF", MUTED),
            ]
            # a thin bar of their states along the bottom of the box
            sx, total = bx + 14, len(rest)
            for state, (n, color) in counts.items():
                w = (box_w - 22) * n / total
                parts.append(
                    el(
                        "rect",
                        {"x": sx, "y": y + FLOW_NODE - 7, "width": w, "height": 3, "fill": f"#{color}"},
                        el("title", None, f"{n:,} {state.lower()}"),
                    )
                )
                sx += w
            boxes.append(
                el("a", {"href": rest[0].href, "class": "node"}, *parts)
                if rest[0].href
                else el("g", {"class": "node"}, *parts)
            )
            where[key] = (i, bx, y + FLOW_NODE / 2)
            for node in rest:
                where[node.key] = where[key]
    arrows: list[Markup] = []
    seen: set[tuple[int, float, int, float]] = set()
    for source, target in edges:
        if source not in where or target not in where:
            continue
        (si, sx0, sy), (ti, tx0, ty) = where[source], where[target]
        if si >= ti or (si, sy, ti, ty) in seen:
            continue
        seen.add((si, sy, ti, ty))
        x1, x2 = sx0 + box_w, tx0 - 1
        bend = max((x2 - x1) / 2, 12)
        arrows.append(
            el(
                "path",
                {
                    "d": f"M{x1:.1f},{sy:.1f} C{x1 + bend:.1f},{sy:.1f} "
                    f"{x2 - bend:.1f},{ty:.1f} {x2:.1f},{ty:.1f}",
                    "fill": "none",
                    "stroke": FLOW_EDGE,
                    "stroke-width": 1.3,
                    "stroke-opacity": 0.7,
                    "marker-end": "url(#flow-arrow)",
                    "class": "edge",
                },
            )
        )
    marker = el(
        "marker",
        {
            "id": "flow-arrow",
            "viewBox": "0 0 8 8",
            "refX": 7.5,
            "refY": 4,
            "markerWidth": 7,
            "markerHeight": 7,
            "orient": "auto",
            "markerUnits": "userSpaceOnUse",
        },
        el("path", {"d": "M0,0 L8,4 L0,8 Z", "fill": FLOW_EDGE}),
    )
    return el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width:.0f} {height:.0f}",
            "width": f"{width:.0f}",
            "height": f"{height:.0f}",
            "role": "group",
            "aria-label": title,
            "class": "chart flow",
            "preserveAspectRatio": "xMinYMin meet",
        },
        el("title", None, title),
        el("defs", None, marker),
        *background,
        *arrows,
        *boxes,
    )


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
    ticks = _ticks(max(totals))
    scale = plot_h / ticks[-1]

    def y(v: float) -> float:
        return top + plot_h - v * scale

    parts: list[Markup] = []
    for t in ticks:
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
