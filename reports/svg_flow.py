"""The migration plan's order diagram as inline SVG: a lane per wave, a box per unit (a link to its
card), arrows for storage dependencies; crowded lanes fold their tail into one box.

Drawn with `svg.el`, which escapes every attribute value and text (unit names are tenant text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from reports.svg import INK, MUTED, el, fit_width


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
