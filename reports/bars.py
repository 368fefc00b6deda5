"""Bar charts for the HTML report as HTML and CSS: the browser lays out their text (labels, notes,
values, tick labels), so nothing needs measuring here; each bar itself is a shapes-only SVG that
stretches to its track (the page's CSP allows no inline style, so widths cannot be CSS).

Text goes through `svg.el`, which escapes it: labels carry tenant text (subscription names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from reports.svg import GRID, el, ticks

#: Width of a bar's drawing; the SVG stretches it to the track the page gives it.
TRACK = 1000


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


def _track(parts: Sequence[tuple[float, float, str, str]], height: int, *, rounded: bool = False) -> Markup:
    """A stretched SVG with one rect per (x, width, colour, tooltip), on a scale of TRACK."""
    rects = [
        el(
            "rect",
            {"x": x, "y": 0, "width": w, "height": height, "fill": f"#{color}"},
            el("title", None, tip),
        )
        for x, w, color, tip in parts
    ]
    if rounded:
        clip = el("clipPath", {"id": "pbar"}, el("rect", {"width": TRACK, "height": height, "rx": 4}))
        body: list[Markup] = [el("defs", None, clip), el("g", {"clip-path": "url(#pbar)"}, *rects)]
    else:
        body = rects
    return el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {TRACK} {height}",
            "width": "100%",
            "height": height,
            "preserveAspectRatio": "none",
            "aria-hidden": "true",
            "class": "track",
        },
        *body,
    )


def hbar_chart(bars: Sequence[Bar], title: str) -> Markup:
    """Horizontal (stacked) bars: label (and note) on the left, the bar on a shared scale, its total
    on the right, the scale's ticks underneath. A table, so screen readers read it as one."""
    if not bars:
        return el("p", {"class": "empty"}, "Nothing to chart.")
    scale = ticks(max(b.total for b in bars))
    top = scale[-1]
    rows: list[Markup] = []
    for bar in bars:
        parts: list[tuple[float, float, str, str]] = []
        x = 0.0
        for seg in bar.segments:
            if seg.value <= 0:
                continue
            w = max(seg.value * TRACK / top, 2.0)
            parts.append((x, w, seg.color, f"{bar.label}: {seg.value:,} {seg.name}"))
            x += w
        label: list[Markup | str] = [el("span", {"class": "hbar-name", "title": bar.label}, bar.label)]
        if bar.note:
            label.append(el("span", {"class": "hbar-note"}, bar.note))
        rows.append(
            el(
                "tr",
                None,
                el("th", {"scope": "row", "class": "hbar-label"}, *label),
                el("td", {"class": "hbar-plot"}, _track(parts, 16)),
                el("td", {"class": "hbar-value num"}, f"{bar.total:,}"),
            )
        )
    axis = el(
        "tr",
        {"class": "hbar-axis", "aria-hidden": "true"},
        el("td", None, ""),
        el("td", None, el("div", {"class": "hbar-ticks"}, *(el("span", None, f"{t:,}") for t in scale))),
        el("td", None, ""),
    )
    return el(
        "table",
        {"class": "hbars"},
        el("caption", {"class": "sr"}, title),
        el(
            "colgroup",
            None,
            *(el("col", {"class": f"hbar-{c}"}) for c in ("label-col", "plot-col", "value-col")),
        ),
        el("tbody", None, *rows, axis),
    )


def proportion_bar(parts: Sequence[Segment], title: str, *, height: int = 22) -> Markup:
    """One 100% bar split into parts (e.g. blocked / needs preparation / ready)."""
    total = sum(p.value for p in parts)
    shapes: list[tuple[float, float, str, str]] = []
    x = 0.0
    for part in parts:
        if total <= 0 or part.value <= 0:
            continue
        w = TRACK * part.value / total
        shapes.append((x, w, part.color, f"{part.name}: {part.value:,} of {total:,}"))
        x += w
    if not shapes:
        shapes = [(0, TRACK, GRID.lstrip("#"), "nothing to show")]
    return el(
        "div", {"class": "pbar", "role": "img", "aria-label": title}, _track(shapes, height, rounded=True)
    )


def meter(value: int, maximum: int, color: str, *, height: int = 10) -> Markup:
    """A small inline bar: value relative to maximum, on a light track."""
    w = TRACK * value / maximum if maximum > 0 else 0.0
    track = (0.0, float(TRACK), GRID.lstrip("#"), f"{value:,} of {maximum:,}")
    return el(
        "div",
        {"class": "meter"},
        _track([track, (0.0, max(w, 12.0), color, f"{value:,}")], height, rounded=False),
    )
