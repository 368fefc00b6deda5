"""What report.html shows, computed for its template: summary figures, charts, retirements, the plan's
cards, the manual checklist, the rule catalogue, coverage and the static print tables.

Everything here is rendered by Jinja2 with autoescaping (reports/templates/report.html.j2); the data
the page script draws from is in reports/html_data.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
from markupsafe import Markup

from reports import bars, history_view, plan_view, svg
from reports.common import SEVERITY_COLORS
from reports.html_data import PAGE_SIZE, as_text, https, masked, subscription_names, subscriptions
from scanner.model import READINESS_STATES as STATES
from scanner.model import SEVERITIES, STATUSES, ScanResult, first_rows, resource_keys
from scanner.model import state_counts as readiness_counts

READINESS_LABELS = plan_view.STATE_LABELS
READINESS_COLORS = {s: plan_view.STATE_COLORS[s][0] for s in STATES}
#: The print version carries a static table of non-pass findings up to this many rows.
PRINT_LIMIT = 2000
#: Subscriptions drawn individually in the by-subscription chart (the rest are summed).
CHART_SUBSCRIPTIONS = 12
TOP_BLOCKERS = 10

_LOGO = re.compile(r"^data:image/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/]+=*$")
_INPUT = re.compile(r"^(?P<path>.*) sha256:(?P<sha>[0-9a-f]{64})$")


def long_date(value: str | date) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def timestamp(value: str) -> str:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def _counts(series: pd.Series[Any], order: Iterable[str]) -> dict[str, int]:
    counts = series.value_counts()
    return {k: int(counts.get(k, 0)) for k in order}


def retirements(result: ScanResult) -> list[dict[str, Any]]:
    """One row per retirement with resources in the scan: date, days overdue or remaining, counts."""
    as_of = date.fromisoformat(result.meta.as_of)
    f = result.findings
    rows = []
    for rule in result.pack.rules:
        key = rule.spec.retirement
        if not key or key not in result.pack.calendar.entries:
            continue
        mine = f.loc[f["rule_id"] == rule.id, "status"]
        fails = int((mine == "fail").sum())
        unknown = int((mine == "unknown").sum())
        if not fails and not unknown:
            continue
        entry = result.pack.calendar.entries[key]
        day = entry.date_for(result.meta.cloud)
        delta = (as_of - day).days
        rows.append(
            {
                "rule_id": rule.id,
                "key": key,
                "service": entry.service,
                "date": day,
                "overdue": delta >= 0,
                "days": abs(delta),
                "severity": result.pack.calendar.severity(day, as_of),
                "fails": fails,
                "unknown": unknown,
                "source": https(entry.source),
            }
        )
    return sorted(rows, key=lambda r: (r["date"], r["service"]))


def top_blockers(result: ScanResult, limit: int = TOP_BLOCKERS) -> list[dict[str, Any]]:
    """Blocking rules (migration: blocking) with the most `fail` findings."""
    f = result.findings
    blocking = [rule_id for rule_id, role in result.pack.migration_roles.items() if role == "blocking"]
    mask = (f["status"] == "fail") & f["rule_id"].isin(blocking)
    hits = f.loc[mask]
    if hits.empty:
        return []
    grouped = hits.groupby("rule_id", sort=False).agg(
        fails=("finding_id", "size"), title=("title", "first"), severity=("severity", "first")
    )
    grouped = grouped.reset_index().sort_values(["fails", "rule_id"], ascending=[False, True]).head(limit)
    rows = list(
        zip(
            grouped["rule_id"].astype(str).tolist(),
            grouped["title"].astype(str).tolist(),
            grouped["severity"].astype(str).tolist(),
            [int(n) for n in grouped["fails"].tolist()],
            strict=True,
        )
    )
    top = max(n for *_, n in rows)
    return [
        {
            "rule_id": rule_id,
            "title": title,
            "severity": severity,
            "fails": fails,
            "meter": bars.meter(fails, top, SEVERITY_COLORS[severity][0]),
        }
        for rule_id, title, severity, fails in rows
    ]


def _charts(
    result: ScanResult, retire: list[dict[str, Any]], subs: list[tuple[str, str]]
) -> dict[str, Markup]:
    f = result.findings
    fails = f.loc[f["status"] == "fail"]
    by_sev = _counts(fails["severity"], SEVERITIES)
    severity_chart = bars.hbar_chart(
        [
            bars.Bar(s.capitalize(), (bars.Segment(by_sev[s], SEVERITY_COLORS[s][0], "failed findings"),))
            for s in SEVERITIES
        ],
        "Failed findings by severity",
    )
    names = dict(subs)
    per_sub: dict[str, dict[str, int]] = {}
    for sub, sev in zip(fails["subscription_id"].tolist(), fails["severity"].tolist(), strict=True):
        per_sub.setdefault(as_text(sub).lower(), dict.fromkeys(SEVERITIES, 0))[str(sev)] += 1
    order = sorted(per_sub, key=lambda k: (-sum(per_sub[k].values()), names.get(k) or k))

    def segments(counts: Mapping[str, int]) -> tuple[bars.Segment, ...]:
        return tuple(
            bars.Segment(counts[s], SEVERITY_COLORS[s][0], f"{s} failed findings") for s in SEVERITIES
        )

    by_sub = [
        bars.Bar(
            names.get(sub) or sub or "(no subscription)",
            segments(per_sub[sub]),
            sub if names.get(sub) else "",
        )
        for sub in order[:CHART_SUBSCRIPTIONS]
    ]
    rest = order[CHART_SUBSCRIPTIONS:]
    if rest:
        total = {s: sum(per_sub[k][s] for k in rest) for s in SEVERITIES}
        by_sub.append(bars.Bar(f"{len(rest)} other subscriptions", segments(total)))
    title = "Failed findings by subscription and severity"
    as_of = date.fromisoformat(result.meta.as_of)
    milestones = [
        svg.Milestone(r["date"], r["service"], SEVERITY_COLORS[r["severity"]][0], r["fails"])
        for r in retire
        if r["fails"]
    ]
    when = "Retirement dates of the services in this scan, with the as-of date"
    return {
        "severity": severity_chart,
        "subscription": bars.hbar_chart(by_sub, title),
        # The timeline is SVG: on screen it fills a desktop card; in print an A4 column, so its text
        # stays readable.
        "timeline": svg.timeline(milestones, as_of, when, width=1080, label_width=470),
        "timeline_print": svg.timeline(milestones, as_of, when, width=720, label_width=360),
        "severity_legend": svg.legend([(s.capitalize(), SEVERITY_COLORS[s][0]) for s in SEVERITIES]),
    }


#: Checklist rows drawn per rule; the rest of a large estate's manual findings are counted under the
#: table and listed in report.xlsx (Manual checks) and by the findings view's Manual filter.
CHECKLIST_ROWS = 50


def _manual(result: ScanResult) -> list[dict[str, Any]]:
    """Manual findings grouped by rule, with the rule's verification steps."""
    f = result.findings
    manual = f.loc[f["status"] == "manual"]
    groups = []
    for rule_id, rows in manual.groupby("rule_id", sort=True):
        rule = result.pack.get(str(rule_id))
        items = [
            {
                "name": as_text(r.resource_name),
                "resource_id": str(r.resource_id),
                "message": as_text(r.message),
                "subscription": as_text(r.subscription_id),
            }
            for r in rows.head(CHECKLIST_ROWS).itertuples(index=False)
        ]
        groups.append(
            {
                "rule_id": str(rule_id),
                "title": str(rows["title"].iloc[0]),
                "severity": str(rows["severity"].iloc[0]),
                "verification": list(rule.spec.verification) if rule else [],
                "remediation": rule.spec.remediation.strip()
                if rule
                else as_text(rows["remediation"].iloc[0]),
                "items": items,
                "more": max(0, len(rows) - CHECKLIST_ROWS),
            }
        )
    return groups


def _catalog(result: ScanResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    as_of = date.fromisoformat(result.meta.as_of)
    cloud = result.meta.cloud
    counts = result.findings.groupby(["rule_id", "status"]).size()
    rules = []
    for rule in result.pack.rules:
        spec = rule.spec
        effective: str | None = spec.severity
        if spec.retirement and spec.retirement in result.pack.calendar.entries:
            effective = result.pack.calendar.severity(
                result.pack.calendar.entries[spec.retirement].date_for(cloud), as_of
            )
        rules.append(
            {
                "id": spec.id,
                "title": spec.title,
                "severity": effective or "info",
                "calendar": bool(spec.retirement),
                "category": spec.category,
                "target": spec.target,
                "verdict": spec.verdict,
                "migration": rule.migration,
                "rationale": spec.rationale.strip(),
                "remediation": spec.remediation.strip(),
                "verification": list(spec.verification),
                "retirement": spec.retirement,
                "references": [(r.title, u) for r in spec.references if (u := https(r.url))],
                "counts": {s: int(counts.get((spec.id, s), 0)) for s in STATUSES},
            }
        )
    calendar = []
    for key, entry in sorted(
        result.pack.calendar.entries.items(), key=lambda kv: (kv[1].date_for(cloud), kv[0])
    ):
        day = entry.date_for(cloud)
        calendar.append(
            {
                "key": key,
                "service": entry.service,
                "date": day,
                "days": (as_of - day).days,
                "announcement": entry.announcement.strip(),
                "source": https(entry.source),
                "notes": entry.notes.strip(),
                "alternatives": [
                    {"date": a.date, "source": https(a.source), "note": a.note.strip()}
                    for a in entry.alternative_dates
                ],
                "by_cloud": {c: d for c, d in entry.dates_by_cloud.items()},
            }
        )
    return rules, calendar


def _coverage(result: ScanResult) -> dict[str, Any]:
    cov: Mapping[str, Any] = result.meta.coverage
    inputs = []
    for item in cov.get("inputs") or []:
        match = _INPUT.match(str(item))
        inputs.append(
            # The file's name and digest identify it; the local folder says nothing to the reader (the
            # full path stays in findings.json).
            {"path": history_view.file_name(match["path"]), "sha": match["sha"]}
            if match
            else {"path": history_view.file_name(str(item)), "sha": ""}
        )
    datasets = [
        {"name": str(name), "collected": bool(d.get("collected")), "rows": int(d.get("rows") or 0)}
        for name, d in (cov.get("datasets") or {}).items()
    ]
    return {
        "complete": bool(cov.get("complete", False)),
        "datasets": datasets,
        "inputs": inputs,
        "issues": [str(i) for i in cov.get("issues") or []],
        "unrouted": sorted(((str(t), int(n)) for t, n in (cov.get("unrouted_types") or {}).items())),
        "rule_errors": [str(e) for e in cov.get("rule_errors") or []],
    }


def _retirement_fails(f: pd.DataFrame) -> pd.Series[bool]:
    return (f["status"] == "fail") & (f["category"] == "retirement")


def _print_rows(result: ScanResult, names: Mapping[str, str]) -> list[dict[str, str]] | None:
    """Non-pass findings for the printed table, or None when there are more than PRINT_LIMIT; failing
    retirement findings are printed grouped per service instead (`_print_retirements`)."""
    f = result.findings
    open_ = f.loc[(f["status"] != "pass") & ~_retirement_fails(f)]
    if int((f["status"] != "pass").sum()) > PRINT_LIMIT:
        return None
    return [
        {
            "severity": str(r.severity),
            "status": str(r.status),
            "rule_id": str(r.rule_id),
            "name": as_text(r.resource_name),
            "subscription": names.get(as_text(r.subscription_id).lower()) or as_text(r.subscription_id),
            "message": as_text(r.message),
        }
        for r in open_.itertuples(index=False)
    ]


def _print_retirements(result: ScanResult) -> list[dict[str, Any]]:
    """Failing retirement findings for print, one row per rule (service): the same finding for
    hundreds of resources ("classic VM still exists") is one line with their names."""
    f = result.findings
    fails = f.loc[_retirement_fails(f)]
    rows = []
    for rule_id, group in fails.groupby("rule_id", sort=False):
        rows.append(
            {
                "rule_id": str(rule_id),
                "title": as_text(group["title"].iloc[0]),
                "severity": str(group["severity"].iloc[0]),
                "count": len(group),
                "names": ", ".join(sorted({as_text(n) for n in group["resource_name"]}, key=str.lower)),
            }
        )
    return rows


def context(result: ScanResult) -> dict[str, Any]:
    """Everything the template shows, computed once."""
    meta = result.meta
    f = result.findings
    summary = result.summary()
    subs = subscriptions(result)
    names = dict(subs)
    states = result.resource_readiness()
    state_counts = readiness_counts(states)
    retire = retirements(result)
    overdue = [r for r in retire if r["overdue"] and r["fails"]]
    matrix = {
        sev: {st: int(n) for st, n in _counts(f.loc[f["severity"] == sev, "status"], STATUSES).items()}
        for sev in SEVERITIES
    }
    rules, calendar = _catalog(result)
    logo = result.branding.logo_data_uri
    res_index = resource_index(result)
    changes = history_view.html_changes(
        result.history,
        meta.id,
        result.complete,
        res_index,
        {rule.id: rule.spec.title for rule in result.pack.rules},
    )
    waivers = history_view.html_waivers(result.waivers, meta.as_of, masked(result))
    readiness_parts = [
        bars.Segment(state_counts[s], READINESS_COLORS[s], READINESS_LABELS[s]) for s in READINESS_LABELS
    ]
    return {
        "meta": meta,
        "title": f"Azure classic resources: migration readiness — {result.branding.customer}"
        if result.branding.customer
        else "Azure classic resources: migration readiness",
        "branding": result.branding,
        "logo": logo if _LOGO.match(logo or "") else "",
        "tenants": [str(t) for t in meta.scope.get("tenant_ids") or []],
        "subscriptions": subs,
        "summary": summary,
        "statuses": STATUSES,
        "severities": SEVERITIES,
        "matrix": matrix,
        "readiness": state_counts,
        "readiness_labels": READINESS_LABELS,
        "readiness_bar": bars.proportion_bar(readiness_parts, "Classic resources by migration readiness"),
        "readiness_legend": svg.legend(
            [(f"{READINESS_LABELS[s]} ({state_counts[s]:,})", READINESS_COLORS[s]) for s in READINESS_LABELS]
        ),
        "classic_total": len(states),
        "retirements": retire,
        "overdue": overdue,
        "overdue_resources": sum(r["fails"] for r in overdue),
        "blockers": top_blockers(result),
        "charts": _charts(result, retire, subs),
        "manual": _manual(result),
        "rules": rules,
        "calendar": calendar,
        "coverage": _coverage(result),
        "print_rows": _print_rows(result, names),
        "print_retirements": _print_retirements(result),
        "print_limit": PRINT_LIMIT,
        "open_count": int((f["status"] != "pass").sum()),
        "page_size": PAGE_SIZE,
        "plan": plan_view.html_context(
            result.plan, subscription_names(result), {k: i for k, (i, _) in res_index.items()}
        ),
        "changes": changes,
        "waivers": waivers,
        "cses": plan_view.cses_context(result.plan),
        "n": section_numbers(changes["present"], waivers["present"], bool(_cses_deployments(result))),
        "masked": masked(result),
    }


#: Numbered sections in page order (changes and waivers only when the scan has them).
SECTIONS: tuple[str, ...] = (
    "summary",
    "changes",
    "retirements",
    "plan",
    "cses",
    "findings",
    "resources",
    "manual",
    "waivers",
)


def section_numbers(changes: bool, waivers: bool, cses: bool = False) -> dict[str, str]:
    """Section key -> its number; the Changes, Waivers and Cloud Services (extended support) sections
    only when the scan has them."""
    optional = {"changes": changes, "waivers": waivers, "cses": cses}
    shown = [s for s in SECTIONS if optional.get(s, True)]
    return {s: str(i) for i, s in enumerate(shown, start=1)}


def _cses_deployments(result: ScanResult) -> list[Any]:
    return list(result.plan.cses.deployments) if result.plan is not None else []


def resource_index(result: ScanResult) -> dict[str, tuple[int, str]]:
    """Lower-cased resource id -> (its index in the embedded resource list, its name)."""
    f = result.findings
    codes, keys = resource_keys(f["resource_id"])
    names = f["resource_name"].to_numpy()[first_rows(codes, len(keys))]
    return {str(k): (i, as_text(name)) for i, (k, name) in enumerate(zip(keys, names, strict=True))}
