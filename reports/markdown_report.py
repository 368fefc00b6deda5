"""summary.md: the scan in a page of GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY`, pipeline
summaries and pull-request comments.

Counts, migration readiness, the rules that block migration most, the retirements, the waivers and
what changed since the previous scan (with --history). Lists are capped (GitHub keeps 1 MiB of a
step summary); findings.json has everything. Every value from the tenant is escaped: GitHub renders
inline HTML and Markdown in a summary, and a resource name must stay text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reports import history_view, html
from scanner.model import CHANGE_TITLES as _TITLES
from scanner.model import SEVERITIES, STATUSES, HistoryReport, ScanResult, WaiverReport

#: Items listed per change category.
CHANGES_LISTED = 10
#: Markdown syntax that can act inside a line (a table cell never starts one).
_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def md(value: Any) -> str:
    """Tenant text as Markdown text: one line, HTML and Markdown syntax escaped, and no @mention
    (GitHub would notify whoever a resource name happens to name)."""
    text = _SPECIAL.sub(r"\\\1", " ".join(str(value if value is not None else "").split()))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], right: int = 0) -> list[str]:
    """A Markdown table; the last `right` columns are right-aligned (numbers). Cells are escaped."""
    align = ["---"] * (len(header) - right) + ["---:"] * right
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return lines


def render(result: ScanResult) -> str:
    summary = result.summary()
    meta = result.meta
    subscriptions = len(meta.scope.get("subscriptions") or [])
    lines = [
        "# Azure classic resources: scan summary",
        "",
        f"As of **{md(meta.as_of)}** · source {md(meta.source)} · cloud {md(meta.cloud)} · "
        f"{subscriptions} subscription{'s' if subscriptions != 1 else ''} · "
        f"{summary['resources']:,} resources · {summary['rules']} rules · scan {md(meta.id)}",
        "",
    ]
    if not result.complete:
        lines += [
            "> [!WARNING]",
            "> **The scan is incomplete**: what was not read is not in these counts.",
            ">",
        ]
        lines += [f"> - {md(issue)}" for issue in list(meta.coverage.get("issues") or [])[:CHANGES_LISTED]]
        lines.append("")
    lines += _verdicts(summary)
    lines += _readiness(result)
    lines += _blockers(result)
    lines += _retirements(result)
    lines += _waivers(result.waivers)
    lines += _changes(result.history)
    lines += ["", "_Written by classic-scan; findings.json and findings.csv hold every finding._", ""]
    return "\n".join(lines)


def write(result: ScanResult, path: Path) -> None:
    path.write_text(render(result), encoding="utf-8")


def _verdicts(summary: Mapping[str, Any]) -> list[str]:
    by_status, fails = summary["by_status"], summary["fail_by_severity"]
    return [
        "## Verdicts",
        "",
        *table([s for s in STATUSES], [[f"{by_status.get(s, 0):,}" for s in STATUSES]], right=len(STATUSES)),
        "",
        "Failed findings by severity:",
        "",
        *table(list(SEVERITIES), [[f"{fails.get(s, 0):,}" for s in SEVERITIES]], right=len(SEVERITIES)),
        "",
    ]


def _readiness(result: ScanResult) -> list[str]:
    states = result.resource_readiness()
    if not states:
        return []
    counts = {s: sum(1 for v in states.values() if v == s) for s in html.READINESS_LABELS}
    rows = [[html.READINESS_LABELS[s], f"{n:,}"] for s, n in counts.items()]
    return ["## Migration readiness of classic resources", "", *table(["State", "Resources"], rows, 1), ""]


def _blockers(result: ScanResult) -> list[str]:
    top = html.top_blockers(result)
    if not top:
        return ["## Blockers", "", "No blocking rule fails.", ""]
    rows = [[b["rule_id"], b["title"], b["severity"], f"{b['fails']:,}"] for b in top]
    return [
        "## Blockers",
        "",
        "Blocking rules (migration: blocking) with the most failures:",
        "",
        *table(["Rule", "Title", "Severity", "Failing"], rows, 1),
        "",
    ]


def _retirements(result: ScanResult) -> list[str]:
    rows = []
    for r in html.retirements(result):
        when = f"{r['days']:,} days {'ago' if r['overdue'] else 'left'}"
        rows.append([r["service"], r["date"].isoformat(), when, f"{r['fails']:,}", f"{r['unknown']:,}"])
    if not rows:
        return []
    header = ["Service", "Retirement", "When", "Failing", "Unknown"]
    return ["## Retirements", "", *table(header, rows, 2), ""]


def _waivers(waivers: WaiverReport) -> list[str]:
    if not history_view.waivers_used(waivers):
        return []
    counts = history_view.waiver_counts(waivers)
    no_rule = sum(1 for w in history_view.waiver_rows(waivers) if w.no_such_rule)
    rows = [
        ["Active", f"{counts['active']['waivers']:,}", f"{counts['active']['matched']:,} waived"],
        ["Expired", f"{counts['expired']['waivers']:,}", f"{counts['expired']['matched']:,} open again"],
        ["Unused", f"{counts['unused']['waivers']:,}", f"{no_rule:,} name no loaded rule"],
    ]
    return ["## Waivers", "", *table(["State", "Waivers", "Findings"], rows), ""]


def _changes(history: HistoryReport | None) -> list[str]:
    delta = history_view.delta(history)
    if delta is None:
        return []
    counts = delta.counts()
    names = [*_TITLES, "persisting"]
    lines = [
        "## Changes since the previous scan",
        "",
        *table(
            [_TITLES.get(n, "Persisting") for n in names],
            [[f"{counts.get(n, 0):,}" for n in names]],
            len(names),
        ),
        "",
    ]
    for name in ("new", "regressed", "waiver_expired"):
        items = delta.items(name)
        if not items:
            continue
        rows = [[i.rule_id, i.old_status, i.resource_id] for i in items[:CHANGES_LISTED]]
        lines += [f"### {_TITLES[name]}", "", *table(["Rule", "Before", "Resource"], rows), ""]
        if len(items) > CHANGES_LISTED:
            lines += [f"… and {len(items) - CHANGES_LISTED:,} more (see findings.json).", ""]
    return lines
