"""report.html: one self-contained, offline report for people (cover, summary, changes since the previous
scan and trend (with --history), retirements, migration plan, findings, resources, manual checks,
waivers (with --waivers), appendices).

The page needs nothing but itself: CSS, JavaScript and SVG charts are inline, there are no web
fonts and no requests. A Content-Security-Policy allows only the page's own style and script
(by SHA-256) and data: images. Findings are embedded once as JSON in a non-executed script block
(with `<`, `>` and `&` escaped, so tenant text can never close it); the script renders only the
current page of rows, with textContent. Their evidence is a JSON block of its own after the page
script, parsed when a finding's details are first opened. The migration plan's units are summary
cards; what each holds in detail (resources, findings, downtime, runbook) is one more JSON block,
drawn by the script when a unit is opened or the page is printed. Everything else is rendered by
Jinja2 with autoescaping. A masked report (--mask) has no Azure portal links: its resource ids are
pseudonyms.

The page is written as a stream: the template is rendered around placeholders, and the findings
and evidence JSON are written in their place slice by slice, so the whole document never exists
as one string.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from reports import history_view, plan_view, svg
from reports.common import SEVERITY_COLORS, STATUS_COLORS, portal_url, tenant_of
from scanner.model import READINESS_STATES as STATES
from scanner.model import SEVERITIES, STATUSES, ScanResult, python_value
from scanner.model import state_counts as readiness_counts

#: Readiness states of classic resources, as coded in the embedded data (0: not classic).
READINESS: tuple[str, ...] = ("", *STATES)
READINESS_LABELS = plan_view.STATE_LABELS
READINESS_COLORS = {s: plan_view.STATE_COLORS[s][0] for s in STATES}
#: Rows per page in the findings table and resources list.
PAGE_SIZE = 100
#: The print version carries a static table of non-pass findings up to this many rows.
PRINT_LIMIT = 2000
#: Subscriptions drawn individually in the by-subscription chart (the rest are summed).
CHART_SUBSCRIPTIONS = 12
TOP_BLOCKERS = 10

_LOGO = re.compile(r"^data:image/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/]+=*$")
_INPUT = re.compile(r"^(?P<path>.*) sha256:(?P<sha>[0-9a-f]{64})$")


def write(result: ScanResult, path: Path) -> None:
    """Write report.html as a stream (see `stream`)."""
    with path.open("w", encoding="utf-8") as out:
        for part in stream(result):
            out.write(part)


def render(result: ScanResult) -> str:
    """The complete report.html document as one string (what `write` writes)."""
    return "".join(stream(result))


def stream(result: ScanResult) -> Iterator[str]:
    """report.html in parts: the page up to the findings data, the data slice by slice, the page
    script, the evidence slice by slice, the rest.

    The template is rendered with random placeholders where the data goes; the two blocks are
    `page_data(result)` as `script_json`, byte for byte, written CHUNK_ROWS findings at a time."""
    css = stylesheet()
    script = _asset("report.js")
    head, rows = _data_parts(result)
    token = secrets.token_hex(16)
    markers = (f"<!--scan-data-{token}-->", f"<!--evidence-data-{token}-->")
    ctx = context(result)
    plan = ctx["plan"]
    plan_json = Markup(script_json(plan["data"])) if plan.get("present") and not plan.get("empty") else ""
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            csp=content_security_policy(css, script),
            css=Markup(css),
            script=Markup(script),
            data=Markup(markers[0]),
            evidence=Markup(markers[1]),
            plan_json=plan_json,
            **ctx,
        )
    )
    del ctx, plan, plan_json
    parts = page.split(markers[0])
    parts[1:] = parts[1].split(markers[1]) if len(parts) == 2 else parts[1:]
    if len(parts) != 3 or any(m in part for m in markers for part in parts):
        raise RuntimeError("report.html.j2 must place the scan data and the evidence once each")
    del page
    yield parts[0]
    yield from _data_json(head, rows)
    yield parts[1]
    yield from _evidence_json(rows)
    yield parts[2]


# --- assets, CSP and the embedded JSON ---------------------------------------------------------------


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


def script_json(value: Any) -> str:
    """JSON safe inside <script type="application/json">: `<`, `>`, `&` (and U+2028/9) as \\u escapes."""
    return _escape(_dumps(value))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)


#: What must not appear as itself in a script element: `</script`, `<!--` and `-->` need `<` or `>`;
#: `&` for good measure; U+2028/9 end lines in older JavaScript parsers.
_UNSAFE = ("<", ">", "&", "\u2028", "\u2029")


def _escape(text: str) -> str:
    for char in _UNSAFE:
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _clean(value: Any) -> Any:
    """JSON-ready: NA and NaN to None, numpy scalars to Python, recursively."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    value = python_value(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_SPACE = re.compile(r"\s")


def https(url: object) -> str | None:
    """The URL when it is https, else None: the report links nowhere else."""
    text = str(url or "")
    return text if text.startswith("https://") and not _SPACE.search(text) else None


# --- data preparation --------------------------------------------------------------------------------


#: Where a rule's failures come in the findings table's default order (report.js `priority`).
RANK_BLOCKING, RANK_OTHER, RANK_RETIREMENT = 0, 1, 2


def rule_rank(migration: str, category: str) -> int:
    """RANK_BLOCKING for a rule whose failure blocks migration (its `migration: blocking`, the one
    definition of blocked, scanner/readiness.py), RANK_RETIREMENT for a retirement rule (its rows are
    grouped per service), else RANK_OTHER."""
    if migration == "blocking":
        return RANK_BLOCKING
    return RANK_RETIREMENT if category == "retirement" else RANK_OTHER


def subscription_names(result: ScanResult) -> dict[str, str]:
    """Subscription id -> display name (when the data has one)."""
    table = result.inventory.table("subscription")
    return {
        str(s).lower(): str(n)
        for s, n in zip(table["subscription_id"], table["display_name"], strict=True)
        if python_value(n)
    }


def _subscriptions(result: ScanResult) -> list[tuple[str, str]]:
    """(id, display name or '') for every subscription in scope or in the findings, by name then id."""
    names = subscription_names(result)
    ids = {str(s).lower() for s in result.meta.scope.get("subscriptions") or []}
    ids |= {str(s).lower() for s in result.findings["subscription_id"].dropna().unique()}
    ids.discard("")
    return sorted(((s, names.get(s, "")) for s in ids), key=lambda p: (p[1] == "", p[1].lower(), p[0]))


def scan_data(result: ScanResult) -> dict[str, Any]:
    """The findings as compact tables for the page script (rules, resources, texts referenced by index),
    each finding's evidence in its row.

    report.html carries this split in two blocks (see `page_data`) and writes them without building
    them whole (see `stream`)."""
    head, rows = _data_parts(result)
    return {**head, "f": rows.slice(0, len(rows), clean=True)}


def page_data(result: ScanResult) -> tuple[dict[str, Any], list[Any]]:
    """The two JSON blocks of report.html: `scan_data` with, in place of each finding's evidence, 1
    when it has any (0 when not), parsed when the page opens; and the evidence of every finding, in
    the same order, parsed only when a finding's details are first opened."""
    head, rows = _data_parts(result)
    return (
        {**head, "f": rows.slice(0, len(rows), clean=True, evidence=False)},
        rows.evidence(0, len(rows), clean=True),
    )


#: Findings per slice of the streamed data blocks.
CHUNK_ROWS = 5000
#: Position of the evidence in a finding row (report.js R_EV).
EVIDENCE = 5


def _has_evidence(value: Any) -> int:
    return 1 if isinstance(value, dict | list | tuple) and len(value) else 0


class _Rows:
    """The findings rows of the data block, built a slice at a time.

    Row layout (report.js): [rule, status, severity, resource, message, evidence, remediation,
    references, finding id, waiver, first seen, last seen], the table columns as indexes; in the
    page the evidence is 1 or 0 (whether the evidence block has any for the finding)."""

    def __init__(self, f: pd.DataFrame, codes: dict[str, Any]) -> None:
        self.f = f
        self.codes = codes

    def __len__(self) -> int:
        return len(self.f)

    def evidence(self, start: int, stop: int, *, clean: bool) -> list[Any]:
        """The evidence of findings start..stop; `clean` passes each through `_clean` (NA and NaN to
        None, numpy scalars to Python), which the evidence built by the engine does not need."""
        values = self.f["evidence"].iloc[start:stop].tolist()
        return [_clean(v) for v in values] if clean else values

    def slice(self, start: int, stop: int, *, clean: bool, evidence: bool = True) -> list[list[Any]]:
        """Rows start..stop, with their evidence (see `evidence`) or, without, 1 when there is any."""
        f, c = self.f.iloc[start:stop], self.codes
        fifth = (
            self.evidence(start, stop, clean=clean)
            if evidence
            else [_has_evidence(v) for v in f["evidence"].tolist()]
        )
        return [
            [*values[:4], values[4] if type(values[4]) is str else _text(values[4]), *values[5:]]
            for values in zip(
                c["rule"][start:stop].tolist(),
                c["status"][start:stop],
                c["severity"][start:stop],
                c["res"][start:stop].tolist(),
                f["message"].tolist(),
                fifth,
                c["rem"][start:stop].tolist(),
                c["ref"][start:stop].tolist(),
                f["finding_id"].tolist(),
                c["waiver"][start:stop],
                c["first"][start:stop],
                c["last"][start:stop],
                strict=True,
            )
        ]


def _items_json(build: Callable[..., list[Any]]) -> str:
    """`build(clean=False)` as JSON array items (no brackets), escaped like `script_json`.

    The values go to json.dumps as the engine built them; only when that fails (a NaN, a numpy
    value) are they built again through `_clean`, which is what `scan_data` always does."""
    try:
        text = json.dumps(build(clean=False), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        text = _dumps(build(clean=True))
    return _escape(text[1:-1])


def _slices(total: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, CHUNK_ROWS):
        yield start, min(start + CHUNK_ROWS, total)


def _data_json(head: dict[str, Any], rows: _Rows) -> Iterator[str]:
    """`script_json(page_data(result)[0])`, in parts."""
    text = script_json(head)
    yield text[:-1] + ("," if head else "") + '"f":['
    for start, stop in _slices(len(rows)):
        yield ("," if start else "") + _items_json(functools.partial(rows.slice, start, stop, evidence=False))
    yield "]}"


def _evidence_json(rows: _Rows) -> Iterator[str]:
    """`script_json(page_data(result)[1])`, in parts."""
    yield "["
    for start, stop in _slices(len(rows)):
        yield ("," if start else "") + _items_json(functools.partial(rows.evidence, start, stop))
    yield "]"


def _data_parts(result: ScanResult) -> tuple[dict[str, Any], _Rows]:
    """Everything of the data block but the findings rows, and the rows."""
    f = result.findings
    subs = _subscriptions(result)
    sub_index = {s: i for i, (s, _) in enumerate(subs)}
    states = result.resource_readiness()
    tenant = tenant_of(result)
    hidden_links = masked(result)
    ref_titles = {ref.url: ref.title for rule in result.pack.rules for ref in rule.spec.references}

    rule_codes, rule_ids = pd.factorize(f["rule_id"], sort=False)
    first_of_rule = f.drop_duplicates("rule_id").set_index("rule_id")
    roles = result.pack.migration_roles
    rules = [
        [
            rid,
            str(first_of_rule.at[rid, "title"]),
            str(first_of_rule.at[rid, "category"]),
            rule_rank(roles.get(rid, "none"), str(first_of_rule.at[rid, "category"])),
        ]
        for rid in rule_ids
    ]

    key = f["resource_id"].astype(str).str.lower()
    res_codes, _ = pd.factorize(key, sort=False)
    first_of_res = f.assign(_key=key).drop_duplicates("_key")
    resources_ = [
        [
            rid,
            _text(name),
            _text(rtype),
            sub_index.get(str(sub).lower(), -1) if python_value(sub) else -1,
            _text(rg),
            _text(loc),
            "" if hidden_links else https(portal_url(rid, result.meta.cloud, tenant)) or "",
            READINESS.index(states.get(k, "")),
        ]
        for rid, name, rtype, sub, rg, loc, k in zip(
            first_of_res["resource_id"].astype(str).tolist(),
            first_of_res["resource_name"].tolist(),
            first_of_res["resource_type"].tolist(),
            first_of_res["subscription_id"].tolist(),
            first_of_res["resource_group"].tolist(),
            first_of_res["location"].tolist(),
            first_of_res["_key"].tolist(),
            strict=True,
        )
    ]
    del key, first_of_res

    rem_codes, rem_texts = pd.factorize(f["remediation"].fillna("").astype(str), sort=False)
    ref_keys = f["references"].map(lambda refs: tuple(refs) if isinstance(refs, list | tuple) else ())
    ref_codes, ref_sets = pd.factorize(ref_keys, sort=False)
    del ref_keys
    references = [[[ref_titles.get(u, u), u] for u in refs if https(u)] for refs in ref_sets]

    status_code = {s: i for i, s in enumerate(STATUSES)}
    sev_code = {s: i for i, s in enumerate(SEVERITIES)}
    waiver_codes, waivers = _waiver_table(f["waiver"].tolist(), result.meta.as_of)
    first_codes, last_codes, times = _time_table(f)
    codes = {
        "rule": rule_codes,
        "status": f["status"].map(status_code).tolist(),
        "severity": f["severity"].map(sev_code).tolist(),
        "res": res_codes,
        "rem": rem_codes,
        "ref": ref_codes,
        "waiver": waiver_codes,
        "first": first_codes,
        "last": last_codes,
    }
    head = {
        "statuses": list(STATUSES),
        "severities": list(SEVERITIES),
        "readiness": list(READINESS),
        "categories": sorted(set(f["category"].dropna().astype(str))),
        "pageSize": PAGE_SIZE,
        "subs": [[s, n] for s, n in subs],
        "rules": rules,
        "res": resources_,
        "rem": [str(t) for t in rem_texts],
        "refs": references,
        "w": waivers,
        "t": times,
        "hist": history_view.history_used(result.history),
    }
    return head, _Rows(f, codes)


def masked(result: ScanResult) -> bool:
    """True for a --mask report: its resource ids are pseudonyms, so portal links would lead nowhere."""
    return bool(result.meta.scope.get("masked"))


def _waiver_table(values: list[Any], as_of: str) -> tuple[list[int], list[list[Any]]]:
    """Per finding the index of its waiver (-1: none) and the distinct waivers, each as
    [state, rule, target, justification, owner, expires, ticket, approved by, entry, days to expiry]."""
    index: dict[str, int] = {}
    table: list[list[Any]] = []
    codes = []
    for value in values:
        waiver = _clean(value)
        if not isinstance(waiver, dict):
            codes.append(-1)
            continue
        key = json.dumps(waiver, sort_keys=True, default=str)
        if key not in index:
            index[key] = len(table)
            table.append(
                [
                    *(_text(waiver.get(k)) for k in ("state", "rule", "target", "justification", "owner")),
                    *(_text(waiver.get(k)) for k in ("expires", "ticket", "approved_by")),
                    waiver.get("entry"),
                    history_view.days_until(waiver.get("expires"), as_of),
                ]
            )
        codes.append(index[key])
    return codes, table


def _time_table(f: pd.DataFrame) -> tuple[list[int], list[int], list[str]]:
    """Per finding the index of its first and last seen time (-1: none) and the distinct times,
    sorted, so that comparing indexes compares times."""
    firsts = _texts(f["first_seen"].tolist()) if "first_seen" in f else [""] * len(f)
    lasts = _texts(f["last_seen"].tolist()) if "last_seen" in f else [""] * len(f)
    times = sorted({t for t in (*firsts, *lasts) if t})
    index = {t: i for i, t in enumerate(times)}
    return [index.get(t, -1) for t in firsts], [index.get(t, -1) for t in lasts], times


def _text(value: Any) -> str:
    value = python_value(value)
    return "" if value is None else str(value)


def _texts(values: list[Any]) -> list[str]:
    """[_text(v) for v in values], without the call for values that are str already."""
    return [v if type(v) is str else _text(v) for v in values]


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
            "meter": svg.meter(fails, top, SEVERITY_COLORS[severity][0]),
        }
        for rule_id, title, severity, fails in rows
    ]


def _charts(
    result: ScanResult, retire: list[dict[str, Any]], subs: list[tuple[str, str]]
) -> dict[str, Markup]:
    f = result.findings
    fails = f.loc[f["status"] == "fail"]
    by_sev = _counts(fails["severity"], SEVERITIES)
    severity_chart = svg.hbar_chart(
        [
            svg.Bar(s.capitalize(), (svg.Segment(by_sev[s], SEVERITY_COLORS[s][0], "failed findings"),))
            for s in SEVERITIES
        ],
        "Failed findings by severity",
        width=520,
        label_width=80,
    )
    names = dict(subs)
    per_sub: dict[str, dict[str, int]] = {}
    for sub, sev in zip(fails["subscription_id"].tolist(), fails["severity"].tolist(), strict=True):
        per_sub.setdefault(_text(sub).lower(), dict.fromkeys(SEVERITIES, 0))[str(sev)] += 1
    order = sorted(per_sub, key=lambda k: (-sum(per_sub[k].values()), names.get(k) or k))

    def segments(counts: Mapping[str, int]) -> tuple[svg.Segment, ...]:
        return tuple(
            svg.Segment(counts[s], SEVERITY_COLORS[s][0], f"{s} failed findings") for s in SEVERITIES
        )

    bars = [
        svg.Bar(
            names.get(sub) or sub or "(no subscription)",
            segments(per_sub[sub]),
            sub if names.get(sub) else "",
        )
        for sub in order[:CHART_SUBSCRIPTIONS]
    ]
    rest = order[CHART_SUBSCRIPTIONS:]
    if rest:
        total = {s: sum(per_sub[k][s] for k in rest) for s in SEVERITIES}
        bars.append(svg.Bar(f"{len(rest)} other subscriptions", segments(total)))
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
        # Screen charts fill a desktop card; print ones an A4 column, so their text stays readable.
        "subscription": svg.hbar_chart(bars, title, width=1080, label_width=300),
        "subscription_print": svg.hbar_chart(bars, title, width=720, label_width=240),
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
                "name": _text(r.resource_name),
                "resource_id": str(r.resource_id),
                "message": _text(r.message),
                "subscription": _text(r.subscription_id),
            }
            for r in rows.head(CHECKLIST_ROWS).itertuples(index=False)
        ]
        groups.append(
            {
                "rule_id": str(rule_id),
                "title": str(rows["title"].iloc[0]),
                "severity": str(rows["severity"].iloc[0]),
                "verification": list(rule.spec.verification) if rule else [],
                "remediation": rule.spec.remediation.strip() if rule else _text(rows["remediation"].iloc[0]),
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
            "name": _text(r.resource_name),
            "subscription": names.get(_text(r.subscription_id).lower()) or _text(r.subscription_id),
            "message": _text(r.message),
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
                "title": _text(group["title"].iloc[0]),
                "severity": str(group["severity"].iloc[0]),
                "count": len(group),
                "names": ", ".join(sorted({_text(n) for n in group["resource_name"]}, key=str.lower)),
            }
        )
    return rows


def context(result: ScanResult) -> dict[str, Any]:
    """Everything the template shows, computed once."""
    meta = result.meta
    f = result.findings
    summary = result.summary()
    subs = _subscriptions(result)
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
        svg.Segment(state_counts[s], READINESS_COLORS[s], READINESS_LABELS[s]) for s in READINESS_LABELS
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
        "readiness_bar": svg.proportion_bar(
            readiness_parts, "Classic resources by migration readiness", width=1080
        ),
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
    key = f["resource_id"].astype(str).str.lower()
    first = f.assign(_key=key).drop_duplicates("_key")
    return {
        k: (i, _text(name))
        for i, (k, name) in enumerate(zip(first["_key"], first["resource_name"], strict=True))
    }
