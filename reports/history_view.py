"""Waivers (ScanResult.waivers) and history (ScanResult.history) as the reports show them.

Labels, the delta headline, the rows of the HTML sections and of the workbook's Waivers and
Changes sheets. Everything here reads only those two (and the findings, for resource names);
values stay plain (tenant text included) and each renderer escapes them its own way.

`result.waivers` is a WaiverReport (no file and no entries without --waivers); `result.history` a
HistoryReport (None without --history): scope_key, previous_scan_id, delta (None for the first
scan of a scope) and trend (one point per scan).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from markupsafe import Markup

from reports import svg
from reports.common import STATUS_COLORS
from scanner.model import CHANGE_CATEGORIES as CATEGORIES
from scanner.model import (
    STATUSES,
    WAIVER_STATES,
    Delta,
    DeltaItem,
    HistoryReport,
    TrendPoint,
    WaiverEntry,
    WaiverReport,
)

#: Delta categories in the order the reports show them, persisting (a count only) last.
DELTA_KEYS: tuple[str, ...] = (*CATEGORIES, "persisting")
DELTA_LABELS: dict[str, str] = {
    "new": "New",
    "regressed": "Regressed",
    "waiver_expired": "Waiver expired",
    "resolved": "Resolved",
    "waived": "Newly waived",
    "unverified": "Unverified",
    "persisting": "Persisting",
}
DELTA_NOTES: dict[str, str] = {
    "new": "failing now; absent, unknown or manual before",
    "regressed": "failing now; passed before",
    "waiver_expired": "failing now; waived before (the waiver expired or was removed)",
    "resolved": "failed or waived before; passing or no longer reported now",
    "waived": "failed before; waived now (accepted, not fixed)",
    "unverified": "failed or waived before; unknown or manual now (not counted as resolved)",
    "persisting": "failing in both scans",
}
#: How a category reads: worse (bad), better (good), accepted, unclear or unchanged.
DELTA_TONES: dict[str, str] = {
    "new": "bad",
    "regressed": "bad",
    "waiver_expired": "bad",
    "resolved": "good",
    "waived": "accepted",
    "unverified": "unclear",
    "persisting": "same",
}
#: The text fields of a waiver, in the order the reports show them.
WAIVER_FIELDS = ("rule", "target", "justification", "owner", "expires", "ticket", "approved_by")
WAIVER_STATE_LABELS = {"active": "Active", "expired": "Expired", "unused": "Unused"}
#: An active waiver this close to its expiry (days, from the as-of date) is flagged.
EXPIRING_SOON_DAYS = 30
#: Statuses drawn in the trend charts (passed checks outnumber the rest and would flatten them).
TREND_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s != "pass")
TREND_COLORS: dict[str, str] = {s: STATUS_COLORS[s][0] for s in STATUSES}
ABSENT = "absent"


# --- waivers --------------------------------------------------------------------------------------------


def waivers_used(waivers: WaiverReport) -> bool:
    """True when the scan ran with a waivers file (even one that matched nothing)."""
    return bool(waivers.file or any(waivers.entries(s) for s in WAIVER_STATES))


def waiver_list(waivers: WaiverReport, state: str) -> list[WaiverEntry]:
    """The waivers of one state ('active', 'expired', 'unused'), in file order."""
    return sorted(waivers.entries(state), key=lambda w: w.entry)


def waiver_rows(waivers: WaiverReport) -> list[WaiverEntry]:
    """Every waiver: active, then expired, then unused, each in file order."""
    return [w for state in WAIVER_STATES for w in waiver_list(waivers, state)]


def waiver_counts(waivers: WaiverReport) -> dict[str, dict[str, int]]:
    """Per state: number of waivers and findings they matched."""
    out = {}
    for state in WAIVER_STATES:
        items = waivers.entries(state)
        out[state] = {"waivers": len(items), "matched": sum(w.matched for w in items)}
    return out


def waiver_text(waiver: Any) -> str:
    """A finding's waiver in one line, e.g. 'active · dba@x.example · expires 2027-01-31'."""
    if not isinstance(waiver, Mapping):
        return ""
    parts = [str(waiver.get("state") or ""), _text(waiver.get("owner"))]
    if waiver.get("expires"):
        verb = "expired" if waiver.get("state") == "expired" else "expires"
        parts.append(f"{verb} {waiver['expires']}")
    if waiver.get("ticket"):
        parts.append(_text(waiver["ticket"]))
    return " · ".join(p for p in parts if p)


def days_until(day: Any, as_of: str) -> int | None:
    """Days from the as-of date to `day` (negative when past), or None when it is not a date."""
    try:
        return (date.fromisoformat(str(day)[:10]) - date.fromisoformat(as_of[:10])).days
    except ValueError:
        return None


# --- history --------------------------------------------------------------------------------------------


def history_used(history: HistoryReport | None) -> bool:
    """True when the scan was recorded in a history database."""
    return history is not None


def delta(history: HistoryReport | None) -> Delta | None:
    """The delta against the previous scan of the scope, or None (no history, or the first scan)."""
    return history.delta if history is not None else None


def delta_counts(history: HistoryReport | None) -> dict[str, int] | None:
    """Findings per delta category (persisting included), or None without a delta."""
    d = delta(history)
    return d.counts() if d is not None else None


def headline(history: HistoryReport | None) -> str | None:
    """'3 new, 1 regressed, 0 waiver expired, 2 resolved, 0 newly waived, 0 unverified; 544 persisting'."""
    counts = delta_counts(history)
    if counts is None:
        return None
    changed = ", ".join(f"{counts[k]:,} {DELTA_LABELS[k].lower()}" for k in CATEGORIES)
    return f"{changed}; {counts['persisting']:,} persisting"


def delta_items(history: HistoryReport | None) -> Iterator[tuple[str, DeltaItem]]:
    """(category, item) for every changed finding, category by category."""
    d = delta(history)
    if d is None:
        return
    for key in CATEGORIES:
        for item in d.items(key):
            yield key, item


def trend(history: HistoryReport | None) -> list[TrendPoint]:
    """The trend points (one per scan of the scope), oldest first."""
    points = list(history.trend) if history is not None else []
    return sorted(points, key=lambda p: p.started_at)


def point_counts(point: TrendPoint) -> dict[str, int]:
    return {s: int(point.counts.get(s, 0)) for s in STATUSES}


def previous_point(history: HistoryReport | None) -> TrendPoint | None:
    """The trend point of the previous scan, when the trend has it."""
    previous = history.previous_scan_id if history is not None else None
    return next((p for p in trend(history) if p.scan_id == previous), None) if previous else None


def parse_time(value: Any) -> datetime | None:
    """An ISO timestamp as an aware UTC datetime, or None."""
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def resource_name(resource_id: str) -> str:
    """The last segment of a resource id (its name), or the id."""
    tail = resource_id.rstrip("/").rsplit("/", 1)[-1]
    return tail or resource_id


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def status_label(status: str) -> str:
    return "Not reported" if status == ABSENT else status.capitalize()


def short_id(scan_id: Any) -> str:
    text = _text(scan_id)
    return text[:8] if len(text) > 12 else text


def series(points: Sequence[TrendPoint], status: str) -> list[int]:
    return [point_counts(p)[status] for p in points]


# --- report.html ----------------------------------------------------------------------------------------

#: Changed findings listed per category in report.html (the rest are counted, and all are in the workbook).
HTML_ITEMS = 100
#: Scans listed in the trend table of report.html (newest first; the chart draws all of them).
HTML_TREND_ROWS = 12


def file_name(path: str) -> str:
    """The last component of a local path, POSIX or Windows."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def html_waivers(waivers: WaiverReport, as_of: str, masked: bool = False) -> dict[str, Any]:
    """What the Waivers section of report.html shows (the template escapes every value)."""
    if not waivers_used(waivers):
        return {"present": False}
    file = _text(waivers.file)
    shown = file_name(file) if masked else file
    sha = _text(waivers.sha256)
    groups: dict[str, list[dict[str, Any]]] = {}
    for state in WAIVER_STATES:
        rows = []
        for w in waiver_list(waivers, state):
            days = days_until(w.expires, as_of)
            rows.append(
                {
                    "entry": w.entry,
                    **{k: _text(getattr(w, k)) for k in WAIVER_FIELDS},
                    "days": days,
                    "soon": state == "active" and days is not None and days <= EXPIRING_SOON_DAYS,
                    "matched": w.matched,
                    "no_such_rule": w.no_such_rule,
                }
            )
        groups[state] = rows
    return {
        "present": True,
        "file": f"{shown} sha256:{sha}" if sha else shown,
        "groups": groups,
        "counts": waiver_counts(waivers),
        "labels": WAIVER_STATE_LABELS,
        "soon_days": EXPIRING_SOON_DAYS,
        "total": sum(len(rows) for rows in groups.values()),
    }


def _moment_labels(times: Sequence[datetime]) -> list[str]:
    days = [f"{t.day} {t:%b %Y}" for t in times]
    if len(set(days)) == len(days):
        return days
    return [f"{t.day} {t:%b %H:%M}" for t in times]


def trend_chart(points: Sequence[TrendPoint], current_id: str, *, width: int) -> Markup:
    """The stacked trend of the non-pass statuses over the scans of the scope."""
    usable = [(p, t) for p in points if (t := parse_time(p.started_at)) is not None]
    labels = _moment_labels([t for _, t in usable])
    moments = []
    for (p, t), label in zip(usable, labels, strict=True):
        counts = point_counts(p)
        which = "this scan" if p.scan_id == current_id else f"scan {short_id(p.scan_id)}"
        state = "" if p.complete else " (incomplete)"
        text = ", ".join(f"{counts[s]:,} {s}" for s in STATUSES)
        tooltip = f"{t:%Y-%m-%d %H:%M} UTC · {which}{state}: {text}"
        moments.append(svg.Moment(t, label, tooltip, hollow=not p.complete))
    series = [
        svg.Series(s.capitalize(), TREND_COLORS[s], tuple(point_counts(p)[s] for p, _ in usable))
        for s in TREND_STATUSES
    ]
    return svg.trend_chart(
        moments,
        series,
        "Findings that did not pass, by status, per scan of this scope",
        width=width,
        empty="The trend starts with the second scan of this scope.",
    )


def html_changes(
    history: HistoryReport | None,
    current_id: str,
    complete: bool,
    resources: Mapping[str, tuple[int, str]],
    titles: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """What the Changes section of report.html shows. `resources` maps a lower-cased resource id to
    its index in the embedded resource list and its name (for links to the resource view), `titles`
    a rule id to its title; each category lists at most `limit` findings (default HTML_ITEMS)."""
    if history is None:
        return {"present": False}
    limit = HTML_ITEMS if limit is None else limit
    counts = delta_counts(history)
    points = trend(history)
    previous = previous_point(history)
    lists = []
    if counts is not None:
        grouped: dict[str, list[DeltaItem]] = {k: [] for k in CATEGORIES}
        for key, item in delta_items(history):
            grouped[key].append(item)
        for key in CATEGORIES:
            items = grouped[key]
            if not items:
                continue
            shown = []
            for item in items[:limit]:
                rid = item.resource_id
                index, name = resources.get(rid.lower(), (-1, ""))
                rule_id = item.rule_id
                shown.append(
                    {
                        "rule_id": rule_id,
                        "title": (titles or {}).get(rule_id, ""),
                        "resource_id": rid,
                        "name": name or resource_name(rid),
                        "res": index,
                        "old": item.old_status,
                        "new": item.status,
                        "finding_id": item.finding_id,
                    }
                )
            lists.append(
                {
                    "key": key,
                    "label": DELTA_LABELS[key],
                    "note": DELTA_NOTES[key],
                    "tone": DELTA_TONES[key],
                    "total": len(items),
                    "items": shown,
                    "more": len(items) - len(shown),
                }
            )
    rows = []
    for p in reversed(points[-HTML_TREND_ROWS:]):
        rows.append(
            {
                "started_at": p.started_at,
                "as_of": p.as_of,
                "scan_id": p.scan_id,
                "current": p.scan_id == current_id,
                "previous": previous is not None and p.scan_id == previous.scan_id,
                "complete": p.complete,
                "counts": point_counts(p),
            }
        )
    return {
        "present": True,
        "first": counts is None,
        "headline": headline(history) or "",
        "previous_id": _text(history.previous_scan_id),
        "previous": previous,
        "scope_key": history.scope_key,
        "incomplete": not complete,
        "counts": [
            {
                "key": k,
                "label": DELTA_LABELS[k],
                "n": n,
                "tone": DELTA_TONES[k],
                "note": DELTA_NOTES[k],
            }
            for k, n in (counts or {}).items()
        ],
        "changed": sum(n for k, n in (counts or {}).items() if k != "persisting"),
        "lists": lists,
        "limit": limit,
        "scans": len(points),
        "trend_rows": rows,
        "chart": trend_chart(points, current_id, width=1080),
        "chart_print": trend_chart(points, current_id, width=720),
        "legend": svg.legend([(s.capitalize(), TREND_COLORS[s]) for s in TREND_STATUSES]),
        "statuses": STATUSES,
    }
