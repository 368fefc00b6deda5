"""The scan-to-scan delta: one definition, used by the history and by `classic-scan diff`.

Findings are matched by `finding_id` (rule id + lower-cased resource id). A finding missing from a
scan has the status "absent". An open problem is a `fail`; a `waived` finding is a problem that
was accepted. `unknown` and `manual` are neither a problem nor a pass: they are never counted as
new problems nor as resolved ones.

Every finding that fails in the new scan is in exactly one of:
- `new`: absent, unknown or manual in the old scan (a problem the old scan did not report);
- `regressed`: pass in the old scan (it had been checked and was fine);
- `waiver_expired`: waived in the old scan (the waiver expired or was removed);
- `persisting`: fail in both (only counted).

Every finding that was a problem in the old scan (fail or waived) and is not failing now is in
exactly one of:
- `resolved`: pass or absent now (fixed, or the resource or rule is gone). Absent means "not
  reported": if the new scan was incomplete, an absent finding may simply not have been read;
- `waived`: fail before, waived now (accepted, not fixed);
- `unverified`: unknown or manual now (it can no longer be checked; not counted as resolved).

A finding waived in both scans, or in neither a problem nor failing, is not in the delta.
Items are sorted by rule id, then resource id (case-insensitive).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from scanner.errors import InputError
from scanner.model import CHANGE_CATEGORIES as CATEGORIES
from scanner.model import CHANGE_TITLES as _TITLES
from scanner.model import STATUSES
from scanner.model.history import Delta, DeltaItem
from scanner.textfile import is_gzip
from scanner.wording import counted

ABSENT = "absent"
ROW_KEYS = ("finding_id", "rule_id", "resource_id", "status")


@dataclass(frozen=True)
class FindingsFile:
    """The parts of a findings.json that a diff needs."""

    scan: Mapping[str, Any]
    """The document's `scan` object (id, started_at, scope, coverage, ...)."""
    rows: tuple[dict[str, str], ...]
    """One dict per finding with the keys ROW_KEYS."""


Rows = Iterable[Mapping[str, Any]] | pd.DataFrame


def compute_delta(old_rows: Rows, new_rows: Rows) -> Delta:
    """The delta from the old scan's findings to the new scan's (rows with ROW_KEYS, or DataFrames)."""
    old, new = _frame(old_rows), _frame(new_rows)
    both = old.merge(new, on="finding_id", how="outer", suffixes=("_old", "_new"))
    before = both["status_old"].fillna(ABSENT)
    now = both["status_new"].fillna(ABSENT)
    fail_now = now == "fail"
    problem_before = before.isin(("fail", "waived"))
    masks = {
        "new": fail_now & before.isin((ABSENT, "unknown", "manual")),
        "regressed": fail_now & (before == "pass"),
        "waiver_expired": fail_now & (before == "waived"),
        "resolved": problem_before & now.isin(("pass", ABSENT)),
        "waived": (before == "fail") & (now == "waived"),
        "unverified": problem_before & now.isin(("unknown", "manual")),
    }
    items = pd.DataFrame(
        {
            "finding_id": both["finding_id"],
            "rule_id": both["rule_id_new"].fillna(both["rule_id_old"]).astype(str),
            "resource_id": both["resource_id_new"].fillna(both["resource_id_old"]).astype(str),
            "status": now,
            "old_status": before,
        }
    )
    items["_res"] = items["resource_id"].str.lower()
    items = items.sort_values(["rule_id", "_res", "finding_id"], kind="stable")
    return Delta(
        **{name: _items(items.loc[mask.reindex(items.index)]) for name, mask in masks.items()},
        persisting=int((fail_now & (before == "fail")).sum()),
    )


def _frame(rows: Rows) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        frame = rows.loc[:, list(ROW_KEYS)]
    else:
        frame = pd.DataFrame([{k: r.get(k) for k in ROW_KEYS} for r in rows], columns=list(ROW_KEYS))
    frame = frame.astype(object).drop_duplicates("finding_id", keep="last")
    return frame.reset_index(drop=True)


def _items(frame: pd.DataFrame) -> tuple[DeltaItem, ...]:
    return tuple(
        DeltaItem(finding_id=str(f), rule_id=r, resource_id=res, status=s, old_status=o)
        for f, r, res, s, o in zip(
            frame["finding_id"],
            frame["rule_id"],
            frame["resource_id"],
            frame["status"],
            frame["old_status"],
            strict=True,
        )
    )


def read_findings_file(path: Path | str) -> FindingsFile:
    """Read a findings.json (schema_version "1"); an unreadable or malformed file is an InputError."""
    name = str(path)
    try:
        with _open_findings(Path(path)) as fh:
            doc = json.load(fh)
    except (gzip.BadGzipFile, EOFError, zlib.error):  # before OSError: BadGzipFile is one
        raise InputError(f"{name}: gzip file that cannot be decompressed (damaged or truncated)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{name}: cannot read findings.json: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise InputError(f"{name}: not a classic-scan findings.json (no 'findings' list)")
    if str(doc.get("schema_version")) != "1":
        raise InputError(f"{name}: unsupported schema_version {doc.get('schema_version')!r} (expected '1')")
    rows = []
    for i, finding in enumerate(doc["findings"], start=1):
        if not isinstance(finding, dict) or not all(isinstance(finding.get(k), str) for k in ROW_KEYS):
            raise InputError(f"{name}: finding {i} lacks one of {', '.join(ROW_KEYS)}")
        if finding["status"] not in STATUSES:
            raise InputError(f"{name}: finding {i} has an unknown status {finding['status']!r}")
        rows.append({k: finding[k] for k in ROW_KEYS})
    scan = doc.get("scan")
    return FindingsFile(scan=scan if isinstance(scan, dict) else {}, rows=tuple(rows))


def _open_findings(path: Path) -> TextIO:
    """findings.json or findings.json.gz (`scan --compress`), told apart by gzip's magic bytes."""
    if is_gzip(path):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def load_findings_json(path: Path | str) -> tuple[dict[str, str], ...]:
    """The findings of a findings.json as rows with ROW_KEYS."""
    return read_findings_file(path).rows


def render_text(delta: Delta, limit: int | None = None) -> str:
    """Human-readable delta: a count line, then each non-empty category (at most `limit` items each)."""
    counts = delta.counts()
    lines = [
        f"{counts['new']} new, {counts['regressed']} regressed, {counts['waiver_expired']} waiver expired, "
        f"{counts['resolved']} resolved, {counts['waived']} newly waived, "
        f"{counts['unverified']} unverified; {counts['persisting']} persisting"
    ]
    for name in CATEGORIES:
        items: tuple[DeltaItem, ...] = getattr(delta, name)
        if not items:
            continue
        lines += ["", f"{_TITLES[name]} ({len(items)}):"]
        shown = items if limit is None else items[:limit]
        for item in shown:
            lines.append(f"  {item.rule_id:<9} {item.old_status:>7} -> {item.status:<7} {item.resource_id}")
        if len(shown) < len(items):
            lines.append(f"  ... and {len(items) - len(shown)} more")
    return "\n".join(lines) + "\n"


def diff_command(old: Path | str, new: Path | str, as_json: bool = False) -> str:
    """Output of `classic-scan diff OLD NEW [--json]`: the delta, with warnings about the comparison."""
    return diff_outcome(old, new, as_json)[0]


#: `diff --fail-on` values -> the categories that make the exit code 3.
FAIL_ON: dict[str, tuple[str, ...]] = {
    "new": ("new",),
    "regressed": ("regressed",),
    "any": ("new", "regressed", "waiver_expired"),
}
EXIT_CHANGES = 3


def diff_outcome(
    old: Path | str, new: Path | str, as_json: bool = False, fail_on: str | None = None
) -> tuple[str, int]:
    """`classic-scan diff` output and exit code: 3 when `fail_on` (see FAIL_ON) has findings, else 0."""
    before, after = read_findings_file(old), read_findings_file(new)
    delta = compute_delta(before.rows, after.rows)
    warnings = []
    if scope_parts(_scope(before.scan)) != scope_parts(_scope(after.scan)):
        warnings.append("the two scans cover different scopes (tenants or subscriptions)")
    coverage = after.scan.get("coverage")
    if isinstance(coverage, dict) and coverage.get("complete") is False:
        warnings.append("the new scan is incomplete: 'resolved' findings may only not have been read")
    hits = sum(len(getattr(delta, c)) for c in FAIL_ON[fail_on]) if fail_on else 0
    code = EXIT_CHANGES if hits else 0
    if as_json:
        doc = {"old_scan": _scan_ref(before.scan), "new_scan": _scan_ref(after.scan), "warnings": warnings}
        return json.dumps({**doc, **_delta_json(delta)}, indent=1) + "\n", code
    head = [
        f"old: {_describe(before.scan, old)}",
        f"new: {_describe(after.scan, new)}",
        *[f"warning: {w}" for w in warnings],
        "",
    ]
    tail = f"\n--fail-on {fail_on}: {counted(hits, 'finding')} failing that did not before: exit {code}\n"
    return "\n".join(head) + render_text(delta) + (tail if hits else ""), code


def scope_parts(scope: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A scan scope as (tenant ids, subscription ids), lower-cased and sorted: equal for two scans of
    the same tenant and subscriptions, whatever their input (live, snapshot, export)."""
    tenants = {str(t).lower() for t in scope.get("tenant_ids") or []}
    if scope.get("tenant_id"):
        tenants.add(str(scope["tenant_id"]).lower())
    subscriptions = {str(s).lower() for s in scope.get("subscriptions") or []}
    return tuple(sorted(tenants)), tuple(sorted(subscriptions))


def _scope(scan: Mapping[str, Any]) -> Mapping[str, Any]:
    scope = scan.get("scope")
    return scope if isinstance(scope, dict) else {}


def _scan_ref(scan: Mapping[str, Any]) -> dict[str, Any]:
    return {k: scan.get(k) for k in ("id", "started_at", "as_of", "source")}


def _describe(scan: Mapping[str, Any], path: Path | str) -> str:
    when = f"started {scan.get('started_at', '?')}, as of {scan.get('as_of', '?')}"
    return f"{path} (scan {scan.get('id', '?')}, {when})"


def _delta_json(delta: Delta) -> dict[str, Any]:
    """`diff --json`'s delta: counts, then the items of each category (the same shape as findings.json's
    `history.delta`, which reports/json_report.py writes; scanner modules do not import reports)."""
    return {
        "counts": delta.counts(),
        **{c: [asdict(item) for item in delta.items(c)] for c in CATEGORIES},
        "persisting": delta.persisting,
    }
