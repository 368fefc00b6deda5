"""The data report.html carries for its script: findings, resources and rules as compact tables,
each block gzip-compressed and base64-encoded, written in slices.

Three blocks: `scan-data` (everything the findings table and the resource view need), `evidence-data`
(each finding's evidence, read when a finding is first opened) and `plan-data` (the migration
plan's unit cards, drawn once the first findings page is on screen, their details, drawn when a unit
is opened or the page printed, and the runbooks printed once per kind of unit; reports/plan_view.py).
Each is a `<script type="application/octet-stream">` holding base64 of gzip of JSON; the page script
decodes it with the browser's DecompressionStream. Base64 has no `<`, `>` or `&`, so no tenant text
can close the element, and the page's CSP does not change (nothing is evaluated).

What keeps the data small (see bench/RESULTS.md, "report.html size"): the findings are stored by
column, each column one JSON array, so equal neighbours compress well; resources, rules,
remediations, reference lists, waivers and times are tables referenced by index; a message is a text
per rule with the resource's name and id left out, filled in by the page; the portal link of
a resource is its id after a prefix the page adds; and a finding's id, when it is the SHA-256 of its
rule and resource id (as the engine derives it), is computed by the page when the finding is opened.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from reports import history_view
from reports import html_tables as tables
from reports.common import portal_url, tenant_of
from scanner.model import READINESS_STATES as STATES
from scanner.model import SEVERITIES, STATUSES, ScanResult, first_rows, python_value, resource_keys

#: Readiness states of classic resources, as coded in the embedded data (0: not classic).
READINESS: tuple[str, ...] = ("", *STATES)
#: Rows per page in the findings table and resources list.
PAGE_SIZE = 100
#: Findings per slice of the streamed data blocks.
CHUNK_ROWS = 20000
#: gzip level of the blocks: 6 is zlib's default, within a few per cent of 9 on this data at a
#: fraction of its time.
LEVEL = 6
#: The findings columns of the scan-data block, in the order report.js rebuilds its rows from them.
COLUMNS: tuple[str, ...] = ("rule", "st", "sev", "res", "msg", "ev", "rem", "ref", "id", "w", "first", "last")

#: Where a rule's failures come in the findings table's default order (report.js `priority`).
RANK_BLOCKING, RANK_OTHER, RANK_RETIREMENT = 0, 1, 2

_BLOCK = re.compile(
    r'<script type="application/octet-stream" id="(?P<id>[a-z-]+)">(?P<data>[A-Za-z0-9+/=]*)</script>'
)
_SPACE = re.compile(r"\s")


def rule_rank(migration: str, category: str) -> int:
    """RANK_BLOCKING for a rule whose failure blocks migration (its `migration: blocking`, the one
    definition of blocked, scanner/readiness.py), RANK_RETIREMENT for a retirement rule (its rows are
    grouped per service), else RANK_OTHER."""
    if migration == "blocking":
        return RANK_BLOCKING
    return RANK_RETIREMENT if category == "retirement" else RANK_OTHER


def https(url: object) -> str | None:
    """The URL when it is https, else None: the report links nowhere else."""
    text = str(url or "")
    return text if text.startswith("https://") and not _SPACE.search(text) else None


def masked(result: ScanResult) -> bool:
    """True for a --mask report: its resource ids are pseudonyms, so portal links would lead nowhere."""
    return bool(result.meta.scope.get("masked"))


# --- encoding ----------------------------------------------------------------------------------------


def packed(parts: Iterable[str]) -> Iterator[str]:
    """The text of `parts` gzip-compressed and base64-encoded, in pieces (nothing whole in memory)."""
    gzip = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)  # wbits 31: a gzip member, mtime 0
    pending = b""
    for part in parts:
        pending += gzip.compress(part.encode("utf-8"))
        cut = len(pending) - len(pending) % 3  # base64 in whole groups of three bytes
        if cut:
            yield base64.b64encode(pending[:cut]).decode("ascii")
            pending = pending[cut:]
    yield base64.b64encode(pending + gzip.flush()).decode("ascii")


def unpacked(block: str) -> Any:
    """A block's JSON value, decoded (what the page script does)."""
    return json.loads(zlib.decompress(base64.b64decode(block), 31).decode("utf-8"))


def read_blocks(page: str) -> dict[str, Any]:
    """Block id -> its decoded value, for every data block of a report.html."""
    return {m["id"]: unpacked(m["data"]) for m in _BLOCK.finditer(page)}


def readable(page: str) -> str:
    """The page with each data block's JSON in place of its encoding: what a reader (or a test looking
    for a string that must not be there) needs to see all the page carries. The scan-data block is
    followed by what the page builds from it: its resources and findings as rows, ids and messages in
    full (they are stored in parts, html_tables)."""

    def block(m: re.Match[str]) -> str:
        value = unpacked(m["data"])
        text = f'<script type="application/json" id="{m["id"]}">' + dumps(value) + "</script>"
        if m["id"] == "scan-data":
            built = {"resources": resources(value), "findings": finding_rows(value)}
            text += '<script type="application/json" id="scan-data-built">' + dumps(built) + "</script>"
        return text

    return _BLOCK.sub(block, page)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)


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


def _items(values: list[Any]) -> str:
    """`values` as JSON array items (no brackets). The values go to json.dumps as built; only when
    that fails (a NaN, a numpy value) are they passed through `_clean` first."""
    try:
        text = json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        text = dumps(_clean(values))
    return text[1:-1]


def _array(values: list[Any]) -> Iterator[str]:
    """A JSON array in slices of CHUNK_ROWS items."""
    yield "["
    for start in range(0, len(values), CHUNK_ROWS):
        yield ("," if start else "") + _items(values[start : start + CHUNK_ROWS])
    yield "]"


# --- the blocks --------------------------------------------------------------------------------------


def scan_block(result: ScanResult) -> Iterator[str]:
    """The scan-data block's JSON in parts: `scan_data(result)`, written table by table and column by
    column (nothing of it whole in memory)."""
    head, columns = _data_parts(result)
    yield "{"
    for k, (name, value) in enumerate(head.items()):
        yield ("," if k else "") + json.dumps(name) + ":"
        yield from _parts(value)
    yield ',"f":{'
    for k, (name, values) in enumerate(columns.items()):
        yield ("," if k else "") + json.dumps(name) + ":"
        yield from _column_parts(values)
    yield "}}"


def _parts(value: Any) -> Iterator[str]:
    """A head value's JSON in parts: long lists slice by slice, dicts key by key."""
    if isinstance(value, dict):
        yield "{"
        for k, (name, item) in enumerate(value.items()):
            yield ("," if k else "") + json.dumps(name) + ":"
            yield from _parts(item)
        yield "}"
    elif isinstance(value, list) and len(value) > CHUNK_ROWS:
        yield from _array(value)
    else:
        yield dumps(value)


def _column_parts(values: Any) -> Iterator[str]:
    """A findings column's JSON in parts (html_tables.column_value for integer columns)."""
    if values is None:
        yield "null"
    elif isinstance(values, np.ndarray):
        runs = tables.column_runs(values)
        if runs is not None:
            yield dumps(runs)
            return
        yield "["
        for start in range(0, len(values), CHUNK_ROWS):
            yield ("," if start else "") + ",".join(map(str, values[start : start + CHUNK_ROWS].tolist()))
        yield "]"
    else:
        yield from _array(values)


def evidence_block(result: ScanResult) -> Iterator[str]:
    """The evidence-data block's JSON in parts: each finding's evidence, in the findings' order."""
    return _array(result.findings["evidence"].tolist())


def scan_data(result: ScanResult) -> dict[str, Any]:
    """The scan-data block as a value: the tables (resources by column, html_tables), and the findings
    as columns (`COLUMNS`, integer columns as html_tables.column_value stores them); in the "ev"
    column 1 when the finding has evidence (in evidence-data), else 0; the "id" column None when every
    finding id is the one the page derives."""
    head, columns = _data_parts(result)
    return {
        **_clean(head),
        "f": {
            k: None if v is None else tables.column_value(v) if isinstance(v, np.ndarray) else _clean(v)
            for k, v in columns.items()
        },
    }


def resources(data: dict[str, Any]) -> list[list[Any]]:
    """The scan-data resources as rows ([id, name, type, subscription, group, location, readiness]),
    each id in full, as report.js rebuilds them."""
    return tables.resource_rows(data["res"], [s for s, _ in data["subs"]])


def finding_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The scan-data findings as rows (report.js's layout: the COLUMNS in order, per finding), each
    message in full."""
    columns = {c: tables.column_values(v) for c, v in data["f"].items()}
    total = len(columns["rule"] or [])
    ids = columns["id"] if columns["id"] is not None else [None] * total
    rows = [list(row) for row in zip(*(ids if c == "id" else columns[c] for c in COLUMNS), strict=True)]
    res = resources(data)
    for row in rows:
        row[4] = message_text(data, row[4], res[row[3]], row[0])
    return rows


def derived_id(rule_id: str, resource_id: str) -> str:
    """A finding id as the engine derives it (scanner.engine.evaluate.finding_id) and the page
    recomputes it: when the two ever differ, `_data_parts` embeds the ids instead."""
    return hashlib.sha256(f"{rule_id}|{resource_id.lower()}".encode()).hexdigest()[:32]


def _has_evidence(value: Any) -> int:
    return 1 if isinstance(value, dict | list | tuple) and len(value) else 0


def subscription_names(result: ScanResult) -> dict[str, str]:
    """Subscription id -> display name (when the data has one)."""
    table = result.inventory.table("subscription")
    return {
        str(s).lower(): str(n)
        for s, n in zip(table["subscription_id"], table["display_name"], strict=True)
        if python_value(n)
    }


def subscriptions(result: ScanResult) -> list[tuple[str, str]]:
    """(id, display name or '') for every subscription in scope or in the findings, by name then id."""
    names = subscription_names(result)
    ids = {str(s).lower() for s in result.meta.scope.get("subscriptions") or []}
    ids |= {str(s).lower() for s in result.findings["subscription_id"].dropna().unique()}
    ids.discard("")
    return sorted(((s, names.get(s, "")) for s in ids), key=lambda p: (p[1] == "", p[1].lower(), p[0]))


def _data_parts(result: ScanResult) -> tuple[dict[str, Any], dict[str, Any]]:
    """Everything of the scan-data block but the findings, and the findings' columns (integer columns
    as numpy arrays, "id" a list of texts or None). Built from the findings frame by codes and
    indexes, so that nothing as long as the findings but those columns is held (the report.html
    stage must not raise the run's peak memory)."""
    f = result.findings
    subs = subscriptions(result)
    sub_ids = [s for s, _ in subs]
    sub_index = {s: i for i, s in enumerate(sub_ids)}
    states = result.resource_readiness()
    ref_titles = {ref.url: ref.title for rule in result.pack.rules for ref in rule.spec.references}

    rule_codes, rule_ids = pd.factorize(f["rule_id"], sort=False)
    rule_list = [str(r) for r in rule_ids]
    first = first_rows(rule_codes, len(rule_list))
    titles, categories = f["title"].to_numpy()[first], f["category"].to_numpy()[first]
    roles = result.pack.migration_roles

    res_codes, keys = resource_keys(f["resource_id"])
    first = first_rows(res_codes, len(keys))
    resources_ = [
        [
            rid,
            as_text(name),
            as_text(rtype),
            sub_index.get(str(sub).lower(), -1) if python_value(sub) else -1,
            as_text(rg),
            as_text(loc),
            READINESS.index(states.get(k, "")),
        ]
        for rid, name, rtype, sub, rg, loc, k in zip(
            f["resource_id"].astype(str).to_numpy()[first].tolist(),
            f["resource_name"].to_numpy()[first].tolist(),
            f["resource_type"].to_numpy()[first].tolist(),
            f["subscription_id"].to_numpy()[first].tolist(),
            f["resource_group"].to_numpy()[first].tolist(),
            f["location"].to_numpy()[first].tolist(),
            keys.tolist(),
            strict=True,
        )
    ]
    del first, keys

    rem_codes, rem_texts = pd.factorize(f["remediation"].fillna("").astype(str), sort=False)
    ref_codes, ref_sets = _reference_codes(f["references"].tolist())
    references = [[[ref_titles.get(u, u), u] for u in refs if https(u)] for refs in ref_sets]

    waiver_codes, waivers = _waiver_table(f["waiver"].tolist(), result.meta.as_of)
    first_codes, last_codes, times = _time_table(f)
    msg_codes, templates, literals = _message_tables(
        _texts(f["message"].tolist()), rule_codes, res_codes, resources_
    )
    affixes = [tables.rule_affixes(texts) for texts in templates]
    middles = [
        [t[len(pre) : len(t) - len(suf)] for t in texts]
        for texts, (pre, suf) in zip(templates, affixes, strict=True)
    ]
    offsets = np.cumsum([0, *(len(m) for m in middles)])[:-1]
    msg_codes = np.where(msg_codes >= 0, msg_codes + offsets[rule_codes], msg_codes)
    ids = _texts(f["finding_id"].tolist())
    res_list = [r[0] for r in resources_]
    derivable = all(
        fid == derived_id(rule_list[r], res_list[x])
        for fid, r, x in zip(ids, rule_codes.tolist(), res_codes.tolist(), strict=True)
    )
    del res_list
    rules = [
        [
            rid,
            str(title),
            str(category),
            rule_rank(roles.get(rid, "none"), str(category)),
            *affix,
        ]
        for rid, title, category, affix in zip(rule_list, titles, categories, affixes, strict=True)
    ]
    # The portal link of a resource is this prefix and its id, percent-encoded as portal_url does
    # (report.js `portalUrl`); none in a masked report, whose ids are pseudonyms.
    portal = "" if masked(result) else https(portal_url("", result.meta.cloud, tenant_of(result))) or ""
    status_code = {s: i for i, s in enumerate(STATUSES)}
    sev_code = {s: i for i, s in enumerate(SEVERITIES)}
    head = {
        "statuses": list(STATUSES),
        "severities": list(SEVERITIES),
        "readiness": list(READINESS),
        "categories": sorted(set(f["category"].dropna().astype(str))),
        "pageSize": PAGE_SIZE,
        "n": len(f),
        "portal": portal,
        "subs": [[s, n] for s, n in subs],
        "rules": rules,
        "res": tables.resource_columns(resources_, sub_ids),
        "msgs": [m for texts in middles for m in texts],
        "lit": literals,
        "rem": [str(t) for t in rem_texts],
        "refs": references,
        "w": waivers,
        "t": times,
        "hist": history_view.history_used(result.history),
    }
    columns: dict[str, Any] = {
        "rule": rule_codes,
        "st": _codes(f["status"], status_code),
        "sev": _codes(f["severity"], sev_code),
        "res": res_codes,
        "msg": msg_codes,
        "ev": np.fromiter((_has_evidence(v) for v in f["evidence"].tolist()), dtype=np.int64, count=len(f)),
        "rem": rem_codes,
        "ref": ref_codes,
        "id": None if derivable else ids,
        "w": waiver_codes,
        "first": first_codes,
        "last": last_codes,
    }
    return head, columns


def _codes(values: pd.Series, code: dict[str, int]) -> npt.NDArray[np.int64]:
    """Each value's code in `code` (-1 for a value outside it)."""
    return np.asarray(values.map(code).fillna(-1), dtype=np.int64)


def _reference_codes(values: list[Any]) -> tuple[npt.NDArray[np.int64], list[tuple[str, ...]]]:
    """Per finding the index of its reference list among the distinct lists, and those lists."""
    index: dict[tuple[str, ...], int] = {}
    codes = np.empty(len(values), dtype=np.int64)
    for i, refs in enumerate(values):
        key = tuple(refs) if isinstance(refs, list | tuple) else ()
        code = index.get(key)
        if code is None:
            code = index[key] = len(index)
        codes[i] = code
    return codes, list(index)


#: In a message template, where the finding's resource name and resource id go (report.js `message`).
NAME, ID = "\u0001", "\u0002"


def _message_tables(
    messages: list[str], rule_codes: Any, res_codes: Any, resources: list[list[Any]]
) -> tuple[npt.NDArray[np.int64], list[list[str]], list[str]]:
    """Per finding a message code, each rule's distinct templates and the literal messages.

    Most messages differ only by the resource they name ("Classic VM web-01 has ..."): with its name
    and id replaced by NAME and ID they are a few texts per rule. Code i >= 0 is template i of the
    finding's rule; code -1 - j is literal j, for a message (or a resource) that holds NAME or ID
    itself."""
    index: list[dict[str, int]] = [{} for _ in range(int(rule_codes.max()) + 1 if len(rule_codes) else 0)]
    templates: list[list[str]] = [[] for _ in index]
    literals: list[str] = []
    codes = np.empty(len(messages), dtype=np.int64)
    for i, (message, r, x) in enumerate(zip(messages, rule_codes.tolist(), res_codes.tolist(), strict=True)):
        rid, name = resources[x][0], resources[x][1]
        if NAME in message or ID in message or NAME in rid or ID in rid or NAME in name or ID in name:
            codes[i] = -1 - len(literals)
            literals.append(message)
            continue
        template = message.replace(rid, ID) if rid else message
        template = template.replace(name, NAME) if name else template
        code = index[r].get(template)
        if code is None:
            code = index[r][template] = len(templates[r])
            templates[r].append(template)
        codes[i] = code
    return codes, templates, literals


def message_text(data: dict[str, Any], code: int, resource: list[Any], rule: int) -> str:
    """A finding's message from the scan-data block (report.js `message`): a literal, or its rule's
    beginning, its template and its rule's end with the resource's name and id in place."""
    if code < 0:
        return str(data["lit"][-1 - code])
    first, last = data["rules"][rule][4:6]
    text = tables.template_text(first, data["msgs"][code], last)
    return text.replace(NAME, resource[1]).replace(ID, resource[0])


def _waiver_table(values: list[Any], as_of: str) -> tuple[npt.NDArray[np.int64], list[list[Any]]]:
    """Per finding the index of its waiver (-1: none) and the distinct waivers, each as
    [state, rule, target, justification, owner, expires, ticket, approved by, entry, days to expiry]."""
    index: dict[str, int] = {}
    table: list[list[Any]] = []
    codes = np.full(len(values), -1, dtype=np.int64)
    for i, value in enumerate(values):
        if value is None:
            continue
        waiver = _clean(value)
        if not isinstance(waiver, dict):
            continue
        key = json.dumps(waiver, sort_keys=True, default=str)
        if key not in index:
            index[key] = len(table)
            table.append(
                [
                    *(as_text(waiver.get(k)) for k in ("state", "rule", "target", "justification", "owner")),
                    *(as_text(waiver.get(k)) for k in ("expires", "ticket", "approved_by")),
                    waiver.get("entry"),
                    history_view.days_until(waiver.get("expires"), as_of),
                ]
            )
        codes[i] = index[key]
    return codes, table


def _time_table(f: pd.DataFrame) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
    """Per finding the index of its first and last seen time (-1: none) and the distinct times,
    sorted, so that comparing indexes compares times."""
    empty = np.full(len(f), -1, dtype=np.int64)
    seen = {c: _texts(f[c].tolist()) for c in ("first_seen", "last_seen") if c in f}
    times = sorted({t for texts in seen.values() for t in texts if t})
    index = {t: i for i, t in enumerate(times)}
    first, last = (
        np.fromiter((index.get(t, -1) for t in seen[c]), dtype=np.int64, count=len(f)) if c in seen else empty
        for c in ("first_seen", "last_seen")
    )
    return first, last, times


def as_text(value: Any) -> str:
    value = python_value(value)
    return "" if value is None else str(value)


def _texts(values: list[Any]) -> list[str]:
    """[as_text(v) for v in values], without the call for values that are str already."""
    return [v if type(v) is str else as_text(v) for v in values]
