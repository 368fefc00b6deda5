"""Waivers: accepted exceptions, with justification and expiry (`--waivers FILE`).

The file is YAML with a top-level `waivers:` list (`waivers: []` means no waivers). A file without
that key (an empty file, a bare list of entries, another top-level key) is refused: a file that
says nothing is more likely a mistake than a decision to waive nothing::

    waivers:
      - rule: "VM-00*"                 # rule id or glob (* ? [..]), case-insensitive
        resource: /subscriptions/.../virtualMachines/legacy-ftp   # resource id, case-insensitive
        justification: Vendor appliance, replaced in Q1 (CHG-1234)
        owner: ops@example.com
        expires: 2027-03-31            # YYYY-MM-DD; the waiver applies up to and including this day
        ticket: CHG-1234               # optional
        approved_by: CISO              # optional

Each entry is validated by a pydantic model (`WaiverFileEntry`, as rules are by theirs); any problem is
one line naming the file, the entry and the key. Each entry has exactly one target:
- `resource`: a resource id, compared case-insensitively;
- `resource_regex`: a regular expression searched in the resource id (case-insensitive;
  anchor it with ^...$ to match whole ids);
- `tags`: a mapping; every tag must be on the resource (key case-insensitive, value exact).

Applying waivers (as of the scan's --as-of date), only non-pass findings (fail, unknown, manual)
are affected. An unexpired waiver (expires >= as_of) turns the verdict into `waived` and records the
waiver on the finding; an expired one keeps the verdict and records the waiver with state
"expired". When several waivers match a finding, the first active one in file order wins, else
the first expired one. Every waiver is reported in exactly one list: `expired` (expires < as_of,
whether it matched or not), `active` (unexpired, matched at least one non-pass finding) or
`unused` (unexpired, matched none). Given the loaded rule ids, each listed waiver also says whether
its rule (or glob) names no rule at all (`no_such_rule`): a typo such as `VM-01`, or a rule from a
pack that was not loaded.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from scanner.errors import InputError
from scanner.inventory import Inventory
from scanner.limits import BoundedYamlLoader, load_yaml
from scanner.model import resource_keys
from scanner.model.history import WaiverEntry
from scanner.patterns import PatternError, compile_pattern

REQUIRED_KEYS = ("rule", "justification", "owner", "expires")
TARGET_KEYS = ("resource", "resource_regex", "tags")
OPTIONAL_KEYS = ("ticket", "approved_by")
ALLOWED_KEYS = (*REQUIRED_KEYS, *TARGET_KEYS, *OPTIONAL_KEYS)
NON_PASS = ("fail", "unknown", "manual")


@dataclass(frozen=True)
class Waiver:
    """One validated waiver entry."""

    entry: int
    """1-based position of the entry in the file (for messages and reports)."""
    rule: str
    """Rule id or glob, as written."""
    justification: str
    """Why the exception is accepted."""
    owner: str
    """Who owns the exception."""
    expires: date
    """Last day the waiver applies."""
    resource: str | None = None
    """Target: a resource id (compared case-insensitively)."""
    resource_regex: str | None = None
    """Target: a regular expression searched in resource ids (case-insensitive)."""
    tags: Mapping[str, str] | None = None
    """Target: tags (lower-cased keys -> exact values) that must all be on the resource."""
    ticket: str | None = None
    """Change or risk ticket, if given."""
    approved_by: str | None = None
    """Approver, if given."""

    @property
    def target(self) -> str:
        """The target as text: 'resource ID', 'resource matching REGEX' or 'tags k=v, ...'."""
        if self.resource is not None:
            return f"resource {self.resource}"
        if self.resource_regex is not None:
            return f"resource matching {self.resource_regex}"
        return "tags " + ", ".join(f"{k}={v}" for k, v in sorted((self.tags or {}).items()))

    def describe(self, state: str) -> dict[str, Any]:
        """The dict recorded on a finding's `waiver` field (state 'active' or 'expired')."""
        return {
            "rule": self.rule,
            "target": self.target,
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "ticket": self.ticket,
            "approved_by": self.approved_by,
            "state": state,
            "entry": self.entry,
        }


@dataclass(frozen=True)
class WaiverResult:
    """Findings with waivers applied, and what each waiver did."""

    findings: pd.DataFrame
    """A new DataFrame, same columns, order and index as the input; `status` and `waiver` updated."""
    active: tuple[WaiverEntry, ...]
    """Unexpired waivers that matched non-pass findings."""
    expired: tuple[WaiverEntry, ...]
    """Expired waivers (matched or not); `matched`: findings left open."""
    unused: tuple[WaiverEntry, ...]
    """Unexpired waivers that matched no non-pass finding (`matched` 0)."""


class _UniqueKeyLoader(BoundedYamlLoader):
    """BoundedYamlLoader (no aliases, bounded depth) that also rejects duplicate keys in a mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return dict(loader.construct_mapping(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_waivers(path: Path | str) -> tuple[Waiver, ...]:
    """Read and strictly validate a waivers file; any problem is an InputError naming file and entry."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read waivers file: {exc}") from None
    try:
        doc = load_yaml(text, _UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(doc, dict) or "waivers" not in doc:
        found = (
            "an empty file"
            if doc is None
            else f"keys {sorted(str(k) for k in doc)}"
            if isinstance(doc, dict)
            else "a list"
            if isinstance(doc, list)
            else f"the value {str(doc)[:40]!r}"
        )
        raise InputError(
            f"{name}: no top-level 'waivers:' key (found {found}); "
            "put the entries under 'waivers:', or write 'waivers: []' for none"
        )
    extra = sorted(str(k) for k in doc if k != "waivers")
    if extra:
        raise InputError(f"{name}: unknown top-level key(s) {extra}; only 'waivers:' is allowed")
    doc = doc["waivers"] if doc["waivers"] is not None else []
    if not isinstance(doc, list):
        raise InputError(f"{name}: expected a list of waivers under 'waivers:'")
    return tuple(_entry(name, i, raw) for i, raw in enumerate(doc, start=1))


def _entry(name: str, index: int, raw: Any) -> Waiver:
    label = f"{name}: entry {index}"
    if not isinstance(raw, dict):
        raise InputError(f"{label}: must be a mapping of keys (rule, resource, justification, ...)")
    if isinstance(raw.get("rule"), str) and raw["rule"].strip():
        label += f" (rule {raw['rule'].strip()})"
    try:
        entry = WaiverFileEntry.model_validate(raw)
    except ValidationError as exc:
        raise InputError(f"{label}: {_first_problem(exc)}") from None
    return Waiver(entry=index, **entry.model_dump())


def _text(key: str, required: bool = False, allow_int: bool = False) -> BeforeValidator:
    """Validator of a text key: stripped, not empty; a YAML null counts as absent."""

    def check(value: Any) -> str | None:
        if value is None:
            if required:
                raise PydanticCustomError("waiver_required", f"'{key}' is required")
            return None
        if allow_int and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # a ticket number written without quotes
        if not isinstance(value, str):
            raise PydanticCustomError("waiver_value", f"'{key}' must be text, got {type(value).__name__}")
        if not value.strip():
            raise PydanticCustomError("waiver_value", f"'{key}' must not be empty")
        return value.strip()

    return BeforeValidator(check)


def _regex(value: str | None) -> str | None:
    if value is not None:
        try:
            compile_pattern(value)
        except PatternError as exc:
            raise PydanticCustomError(
                "waiver_value", f"'resource_regex' is not a valid regular expression: {exc}"
            ) from None
    return value


def _expires(value: Any) -> date:
    if value is None:
        raise PydanticCustomError("waiver_required", "'expires' is required")
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("waiver_value", f"'expires' must be a date YYYY-MM-DD, got {value!r}")


def _tags(value: Any) -> dict[str, str] | None:
    def fail(message: str) -> PydanticCustomError:
        return PydanticCustomError("waiver_value", message)

    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise fail("'tags' must be a non-empty mapping of tag name to value")
    tags: dict[str, str] = {}
    for key, tag_value in value.items():
        if not isinstance(key, str) or not key.strip():
            raise fail(f"tag name {key!r} must be non-empty text")
        if not isinstance(tag_value, str):
            raise fail(f"tag {key!r}: value must be text (quote it), got {tag_value!r}")
        if key.lower() in tags:
            raise fail(f"tag {key!r} is given twice (tag names are case-insensitive)")
        tags[key.lower()] = tag_value
    return tags


class WaiverFileEntry(BaseModel):
    """The schema of one entry of a waivers file (module doc); `Waiver` adds its position."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: Annotated[str, _text("rule", required=True)]
    justification: Annotated[str, _text("justification", required=True)]
    owner: Annotated[str, _text("owner", required=True)]
    expires: Annotated[date, BeforeValidator(_expires)]
    resource: Annotated[str | None, _text("resource")] = None
    resource_regex: Annotated[str | None, _text("resource_regex"), AfterValidator(_regex)] = None
    tags: Annotated[dict[str, str] | None, BeforeValidator(_tags)] = None
    ticket: Annotated[str | None, _text("ticket", allow_int=True)] = None
    approved_by: Annotated[str | None, _text("approved_by")] = None

    @model_validator(mode="after")
    def _one_target(self) -> WaiverFileEntry:
        targets = [k for k in TARGET_KEYS if getattr(self, k) is not None]
        if not targets:
            raise PydanticCustomError(
                "waiver_target", "a target is required: one of 'resource', 'resource_regex' or 'tags'"
            )
        if len(targets) > 1:
            raise PydanticCustomError(
                "waiver_target", f"only one target is allowed, got {' and '.join(repr(k) for k in targets)}"
            )
        return self


def _first_problem(exc: ValidationError) -> str:
    """One line for an entry: its unknown keys, else its first missing key, else its first bad value."""
    errors = exc.errors()
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        return f"unknown key(s) {names}; allowed: {', '.join(ALLOWED_KEYS)}"
    missing = [e for e in errors if e["type"] in ("missing", "waiver_required")]
    error = (missing or errors)[0]
    if error["type"] == "missing":
        return f"'{error['loc'][0]}' is required"
    if error["type"].startswith("waiver_"):
        return str(error["msg"])
    where = ".".join(str(part) for part in error["loc"])
    return f"'{where}': {error['msg']}"


def resource_tags(inventory: Inventory) -> dict[str, Mapping[str, str]]:
    """Lower-cased resource id -> tags, from every inventory table that has `id` and `tags`."""
    out: dict[str, Mapping[str, str]] = {}
    for table in inventory.tables.values():
        if "id" not in table.columns or "tags" not in table.columns:
            continue
        for rid, tags in zip(table["id"].tolist(), table["tags"].tolist(), strict=True):
            if isinstance(rid, str) and isinstance(tags, dict) and tags and not out.get(rid.lower()):
                out[rid.lower()] = {str(k): str(v) for k, v in tags.items()}
    return out


def apply_waivers(
    findings: pd.DataFrame,
    waivers: Sequence[Waiver],
    as_of: date,
    tags: Mapping[str, Mapping[str, str]],
    pack_rule_ids: Collection[str] | None = None,
) -> WaiverResult:
    """Apply waivers to findings (see the module docstring); matching is vectorized per waiver.
    `pack_rule_ids`: every rule of the loaded pack, to tell a waiver for no such rule from an unused one."""
    n = len(findings)
    eligible = findings["status"].isin(NON_PASS).to_numpy(dtype=bool)
    # Rule and resource tests run once per distinct rule / resource id, then spread to findings by code.
    rule_codes, rule_ids = pd.factorize(findings["rule_id"].astype(str), sort=False)
    codes, uniques = resource_keys(findings["resource_id"])
    unique_ids = pd.Series(uniques, dtype=object)
    tag_columns: dict[str, pd.Series[Any]] = {}
    lowered: list[dict[str, str]] = []

    def resources_matching(w: Waiver, candidates: np.ndarray[Any, np.dtype[np.intp]]) -> pd.Series[bool]:
        ids = unique_ids.iloc[candidates]
        if w.resource is not None:
            return ids == w.resource.lower()
        if w.resource_regex is not None:
            pattern = compile_pattern(w.resource_regex)  # RE2: linear time on hostile names
            return pd.Series(
                [pattern.search(i) is not None for i in ids.tolist()], index=ids.index, dtype=bool
            )
        if not lowered:
            lowered.extend(_lower_keys(tags.get(rid)) for rid in unique_ids)
        ok = pd.Series(True, index=ids.index)
        for name, value in (w.tags or {}).items():
            key = name.lower()
            if key not in tag_columns:
                tag_columns[key] = pd.Series([t.get(key) for t in lowered], dtype=object)
            ok &= tag_columns[key].iloc[candidates] == value
        return ok

    expired = [w.expires < as_of for w in waivers]
    hits: list[np.ndarray[Any, np.dtype[np.intp]]] = []  # per waiver: positions of matched findings
    for w in waivers:
        rx = re.compile(fnmatch.translate(w.rule), re.IGNORECASE)
        rule_ok = np.fromiter((bool(rx.match(r)) for r in rule_ids), dtype=bool, count=len(rule_ids))
        mask = eligible & rule_ok[rule_codes] if n else np.zeros(0, dtype=bool)
        candidates = np.unique(codes[mask])
        per_resource = np.zeros(len(unique_ids), dtype=bool)
        per_resource[candidates] = resources_matching(w, candidates).to_numpy(dtype=bool)
        hits.append(np.flatnonzero(mask & per_resource[codes]))
    matched = [len(h) for h in hits]
    chosen = np.full(n, -1, dtype=np.int64)
    for want_expired in (False, True):  # active waivers first, then expired ones on what is left
        for i, rows in enumerate(hits):
            if expired[i] == want_expired:
                free = rows[chosen[rows] == -1]
                chosen[free] = i

    described = [w.describe("expired" if expired[i] else "active") for i, w in enumerate(waivers)]
    status = findings["status"].to_numpy(dtype=object).copy()
    is_active = np.array([not e for e in expired] + [False], dtype=bool)  # index -1: no waiver
    status[is_active[chosen]] = "waived"
    old_waiver = findings["waiver"].tolist()
    waiver_col = [
        dict(described[c]) if c >= 0 else old for c, old in zip(chosen.tolist(), old_waiver, strict=True)
    ]
    # pandas copies on write: the two columns below are new, the others are shared with `findings`
    # (a deep copy was the scan's peak memory at 100k resources).
    out = findings.copy(deep=False)
    out["status"] = pd.Series(status, index=findings.index, dtype=findings["status"].dtype)
    out["waiver"] = pd.Series(waiver_col, index=findings.index, dtype=object)

    def listed(state: str, keep: list[int]) -> tuple[WaiverEntry, ...]:
        return tuple(
            WaiverEntry(
                **waivers[i].describe(state),
                matched=int(matched[i]),
                no_such_rule=_names_no_rule(waivers[i], pack_rule_ids),
            )
            for i in keep
        )

    idx = range(len(waivers))
    return WaiverResult(
        findings=out,
        active=listed("active", [i for i in idx if not expired[i] and matched[i]]),
        expired=listed("expired", [i for i in idx if expired[i]]),
        unused=listed("unused", [i for i in idx if not expired[i] and not matched[i]]),
    )


def _names_no_rule(waiver: Waiver, rule_ids: Collection[str] | None) -> bool:
    if rule_ids is None:
        return False
    rx = re.compile(fnmatch.translate(waiver.rule), re.IGNORECASE)
    return not any(rx.match(r) for r in rule_ids)


def _lower_keys(tags: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k).lower(): v for k, v in tags.items()} if tags else {}
