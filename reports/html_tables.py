"""The compact forms report.html's scan-data block stores its larger tables in, and their decoders.

What costs the page time at 100k resources is the size of the decoded data (gunzip runs at about
170 MB/s in Chromium, JSON.parse at about 300 MB/s), so each form here takes out what the page can
put back cheaply (bench/RESULTS.md, "report.html size"):

- **Resources by column.** A resource id of the usual form
  `/subscriptions/<subscription>/resourceGroups/<group>/providers/<path>/<name>` is stored as the index
  of its `<path>` (e.g. `Microsoft.ClassicCompute/virtualMachines`), the rest coming from the
  resource's own subscription, group and name; any other id is stored as it is. Types and locations
  are indexes into tables of their distinct values.
- **Messages by rule.** The texts of one rule share a beginning and an end ("Classic VM \u0001 in
  cloud service " … " has no data disk."); each rule keeps them once and a template keeps what differs.
- **Runs.** A findings column whose values come in long runs (rule, severity, waiver, times: the
  findings are ordered by rule) is stored as value, count, value, count…

Every decoder here does what report.js does with the same data; tests compare both to the scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

#: Resource layout of the rows the page rebuilds: [id, name, type, subscription, group, location, readiness].
RESOURCE_FIELDS = ("id", "name", "type", "sub", "rg", "loc", "rd")

_SUBSCRIPTIONS, _GROUPS, _PROVIDERS = "/subscriptions/", "/resourceGroups/", "/providers/"


def composed_id(subscription: str, group: str, path: str, name: str) -> str:
    """A resource id from its parts (report.js `resourceId`)."""
    return f"{_SUBSCRIPTIONS}{subscription}{_GROUPS}{group}{_PROVIDERS}{path}/{name}"


def resource_columns(rows: Sequence[Sequence[Any]], subscription_ids: Sequence[str]) -> dict[str, Any]:
    """`rows` ([id, name, type, subscription index, group, location, readiness], each a str but the
    subscription index and readiness) as columns: "id" holds the index of the id's provider path in
    "paths" when the id is `composed_id` of the row's own parts, else the id; "type" and "loc" are
    indexes into "types" and "locs"."""
    paths: dict[str, int] = {}
    types: dict[str, int] = {}
    locations: dict[str, int] = {}
    ids: list[int | str] = []
    for rid, name, _, sub, group, _, _ in rows:
        ids.append(_id_code(rid, name, subscription_ids[sub] if sub >= 0 else None, group, paths))
    return {
        "id": ids,
        "name": [r[1] for r in rows],
        "type": [types.setdefault(r[2], len(types)) for r in rows],
        "sub": [r[3] for r in rows],
        "rg": [r[4] for r in rows],
        "loc": [locations.setdefault(r[5], len(locations)) for r in rows],
        "rd": [r[6] for r in rows],
        "paths": list(paths),
        "types": list(types),
        "locs": list(locations),
    }


def _id_code(rid: str, name: str, subscription: str | None, group: str, paths: dict[str, int]) -> int | str:
    if subscription is None or not name or not group or not rid.endswith("/" + name):
        return rid
    head = f"{_SUBSCRIPTIONS}{subscription}{_GROUPS}{group}{_PROVIDERS}"
    if not rid.startswith(head):
        return rid
    path = rid[len(head) : len(rid) - len(name) - 1]
    if not path or composed_id(subscription, group, path, name) != rid:
        return rid
    code = paths.get(path)
    if code is None:
        code = paths[path] = len(paths)
    return code


def resource_rows(columns: dict[str, Any], subscription_ids: Sequence[str]) -> list[list[Any]]:
    """The resources as rows again, each id in full (report.js `resources`)."""
    paths, types, locations = columns["paths"], columns["types"], columns["locs"]
    rows = []
    for rid, name, rtype, sub, group, loc, rd in zip(*(columns[f] for f in RESOURCE_FIELDS), strict=True):
        if isinstance(rid, int):
            rid = composed_id(subscription_ids[sub], group, paths[rid], name)
        rows.append([rid, name, types[rtype], sub, group, locations[loc], rd])
    return rows


# --- messages ------------------------------------------------------------------------------------------


def rule_affixes(templates: Iterable[str]) -> tuple[str, str]:
    """The beginning and the end every one of a rule's templates has, not overlapping in the
    shortest."""
    texts = list(templates)
    if not texts:
        return "", ""
    prefix = _common_start(texts)
    suffix = _common_start([t[::-1] for t in texts])[::-1]
    room = min(len(t) for t in texts) - len(prefix)
    return prefix, suffix[len(suffix) - room :] if len(suffix) > room else suffix


def _common_start(texts: list[str]) -> str:
    """The longest text every one of `texts` begins with (the lowest and the highest decide it)."""
    low, high = min(texts), max(texts)
    n = 0
    while n < len(low) and low[n] == high[n]:
        n += 1
    return low[:n]


def template_text(prefix: str, middle: str, suffix: str) -> str:
    """A message template from its rule's affixes and its own middle (report.js `message`)."""
    return prefix + middle + suffix


# --- runs ----------------------------------------------------------------------------------------------


def column_runs(values: npt.NDArray[np.int64]) -> dict[str, list[int]] | None:
    """A findings column of integers as {"runs": [value, count, …]} when that is under a quarter of
    the values, else None (the column is stored as its values)."""
    n = len(values)
    starts = np.flatnonzero(np.diff(values)) + 1
    if not n or (len(starts) + 1) * 2 > n // 4:
        return None
    bounds = np.concatenate(([0], starts, [n]))
    runs = np.empty(2 * (len(bounds) - 1), dtype=np.int64)
    runs[0::2] = values[bounds[:-1]]
    runs[1::2] = np.diff(bounds)
    return {"runs": runs.tolist()}


def column_value(values: npt.NDArray[np.int64]) -> list[int] | dict[str, list[int]]:
    """A findings column of integers as the page stores it: its runs, or its values."""
    runs = column_runs(values)
    if runs is not None:
        return runs
    out: list[int] = values.tolist()
    return out


def column_values(stored: list[int] | dict[str, list[int]] | None) -> list[int] | None:
    """A stored column's values, one per finding (report.js `column`)."""
    if stored is None or isinstance(stored, list):
        return stored
    runs = stored["runs"]
    out: list[int] = []
    for k in range(0, len(runs), 2):
        out.extend([runs[k]] * runs[k + 1])
    return out
