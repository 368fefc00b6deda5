"""report.html: one self-contained, offline report for people (cover, summary, changes since the previous
scan and trend (with --history), retirements, migration plan, findings, resources, manual checks,
waivers (with --waivers), appendices).

The page needs nothing but itself: CSS, JavaScript and SVG charts are inline, there are no web
fonts and no requests. A Content-Security-Policy allows only the page's own style and script
(by SHA-256) and data: images. What the template shows is computed in reports/html_context.py and
rendered by Jinja2 with autoescaping. What the page script draws (the findings table, the resource
view, the plan units' details) is in three data blocks, gzip-compressed and base64-encoded
(reports/html_data.py), decoded by the script with the browser's DecompressionStream and drawn with
textContent. A masked report (--mask) has no Azure portal links: its resource ids are pseudonyms.

This module writes the page as a stream: the template is rendered around placeholders, and each
block is compressed into its place slice by slice, so neither the data nor the document ever exists
as one string.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from reports import html_data, plan_view
from reports.common import SEVERITY_COLORS, STATUS_COLORS
from reports.html_context import (
    PRINT_LIMIT,
    READINESS_COLORS,
    READINESS_LABELS,
    context,
    long_date,
    resource_index,
    retirements,
    section_numbers,
    timestamp,
    top_blockers,
)
from reports.html_data import PAGE_SIZE, RANK_BLOCKING, RANK_OTHER, RANK_RETIREMENT, https, rule_rank
from scanner.model import ScanResult

__all__ = [
    "PAGE_SIZE",
    "PRINT_LIMIT",
    "RANK_BLOCKING",
    "RANK_OTHER",
    "RANK_RETIREMENT",
    "READINESS_LABELS",
    "content_security_policy",
    "context",
    "https",
    "render",
    "resource_index",
    "retirements",
    "rule_rank",
    "section_numbers",
    "stream",
    "stylesheet",
    "top_blockers",
    "write",
]


def write(result: ScanResult, path: Path) -> None:
    """Write report.html as a stream (see `stream`)."""
    with path.open("w", encoding="utf-8") as out:
        for part in stream(result):
            out.write(part)


def render(result: ScanResult) -> str:
    """The complete report.html document as one string (what `write` writes)."""
    return "".join(stream(result))


#: The data blocks in page order: block id -> its placeholder in report.html.j2.
BLOCKS = {"plan-data": "plan_data", "scan-data": "data", "evidence-data": "evidence"}


def stream(result: ScanResult) -> Iterator[str]:
    """report.html in parts: the page around its data blocks, and each block (html_data) in slices.

    The template is rendered with random placeholders where the blocks go, then split there; a
    page without a migration plan has no plan-data block."""
    css = stylesheet()
    script = _asset("report.js")
    token = secrets.token_hex(16)
    ctx = context(result)
    plan = ctx["plan"]
    plan_data = plan["data"] if plan.get("present") and not plan.get("empty") else None
    sources: dict[str, Callable[[], Iterable[str]]] = {
        "scan-data": lambda: html_data.scan_block(result),
        "evidence-data": lambda: html_data.evidence_block(result),
    }
    if plan_data is not None:
        sources["plan-data"] = lambda: [html_data.dumps(plan_data)]
    markers = {block: f"<!--{block}-{token}-->" for block in BLOCKS if block in sources}
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            csp=content_security_policy(css, script),
            css=Markup(css),
            script=Markup(script),
            **{name: Markup(markers[block]) if block in markers else "" for block, name in BLOCKS.items()},
            **ctx,
        )
    )
    del ctx, plan
    rest = page
    del page
    for block, marker in markers.items():
        head, found, rest = rest.partition(marker)
        if not found or marker in rest:
            raise RuntimeError(f"report.html.j2 must place the {block} block once")
        yield head
        yield from html_data.packed(sources[block]())
    yield rest


# --- assets and CSP ----------------------------------------------------------------------------------------


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda n: f"{int(n):,}"
    env.filters["longdate"] = long_date
    env.filters["timestamp"] = timestamp
    return env


@functools.cache
def _asset(name: str) -> str:
    text = (resources.files("reports") / "templates" / name).read_text(encoding="utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():
        raise ValueError(f"{name} must not contain {closing}")
    return text


def stylesheet() -> str:
    """The report CSS, preceded by the colour variables taken from common.SEVERITY_COLORS/STATUS_COLORS."""
    lines = [f"--sev-{s}:#{bg};--sev-{s}-ink:#{fg};" for s, (bg, fg) in SEVERITY_COLORS.items()]
    lines += [f"--st-{s}:#{bg};--st-{s}-ink:#{fg};" for s, (bg, fg) in STATUS_COLORS.items()]
    lines += [f"--rd-{s}:#{c};" for s, c in READINESS_COLORS.items()]
    lines += [f"--ps-{s}:#{bg};--ps-{s}-ink:#{fg};" for s, (bg, fg) in plan_view.STATE_COLORS.items()]
    return ":root{" + "".join(lines) + "}\n" + _asset("report.css")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def content_security_policy(css: str, script: str) -> str:
    """No network at all: only this page's style and script (by hash) and data: images."""
    return (
        "default-src 'none'; "
        "img-src data:; "
        f"style-src '{_sha256(css)}'; "
        f"script-src '{_sha256(script)}'; "
        "base-uri 'none'; form-action 'none'"
    )
