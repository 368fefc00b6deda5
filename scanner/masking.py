"""`--mask`: stable pseudonyms for subscription ids, tenant ids and resource names in every output.

For reports that leave the customer. `mask_result(result, key)` returns a new ScanResult in which
every subscription id, tenant id, management group, resource name, resource group, principal id and
e-mail address is replaced by a pseudonym, consistently across the findings, the inventory, the
plan and the scan metadata, so every renderer (JSON, CSV, HTML, Excel) writes the masked values.

How: the verdicts are those of the real inventory (waivers, history and every rule that reads a
name or a tag see the real values). The inventory is masked cell by cell, each row keeping its
position; the findings' messages, evidence and resource columns are then rendered again by the
engine from the masked inventory (scanner.engine.evaluate.findings), so a message keeps its rule's
wording and carries only masked values. `finding_id` and the report order still come from the real
resource ids; status, waiver and first/last seen come from the real findings. The plan's
environments and order follow real tags and names, so it is built on the real inventory and its
values are masked afterwards.

Pseudonyms are `<kind>-<hex>`: `sub-3f9a1c2e4b` (subscription), `tenant-…`, `mg-…`, `vm-…`,
`cs-…` (cloud service), `st-…` (storage account), `vnet-…`, `snet-…`, `rg-…`, `principal-…`,
`user-…@masked.invalid` (e-mail) and so on. The hex is the HMAC-SHA256 of the lower-cased value
under `key`: the same key gives the same pseudonym in every run, so masked reports of successive
scans can be compared. One value has one pseudonym everywhere; when it names resources of several
kinds (a cloud service and its resource group often share a name) the prefix is that of the first
kind in KIND_PRIORITY (scanner.masking_names).

What is replaced:
- values known to be identifiers (names, resource groups, subscription and tenant ids, principal
  ids, the segments of every resource id, names listed in relation columns such as `vm_names`),
  collected from the inventory, the plan, the waivers, the history and the scan scope and coverage;
- every occurrence of those values inside other text (labels, host names, descriptions, coverage
  issues), case-insensitively and only as whole tokens: a name `web` replaces `web` in
  `web.cloudapp.net` but never touches `webapp` or `web-01`; longer values win (`fab-web-01`
  before `fab-web`);
- text the tenant wrote, each value whole (`text-…`): cloud-service labels, role-assignment
  descriptions, tag values, and tag names other than generic ones (`tagkey-…`; GENERIC_TAG_KEYS);
- e-mail addresses anywhere, in every form (guest `…#EXT#@…` names, `user@host`, `%40`, non-ASCII);
- waivers: targets through the same pseudonyms (opaque when the scan did not see the resource, and
  for regexes), justification, owner, ticket and approver opaque; the file as `waivers.yaml`;
- the history's delta: resource ids segment by segment (opaque for resources this scan lacks);
- input files under neutral names (`input-1.json`; a snapshot's own file names stay) with their
  SHA-256, in the coverage and wherever the coverage mentions them; scope fields other than ids and
  the scope kind are opaque (scanner.masking_meta).

Rule texts (title, remediation, references, the rule catalogue) and the branding are never changed.
A ScanResult field this module does not know is refused (ScanError), never written unmasked.

What is kept:
- `finding_id`: the hash of the rule id and the ORIGINAL resource id, so history and `diff` line up
  across masked and unmasked runs. It is not reversible, but it is an unkeyed hash: someone who can
  guess a full resource id can confirm the guess.
- platform values: ARG types, locations, SKUs, sizes, states, extension names, role definition ids,
  the slot names `Production`/`Staging`, and generic names in STOP_NAMES.
- IP addresses and prefixes, numbers, and free text that reaches the result from elsewhere than the
  tenant's fields (an error message in the coverage): only the identifiers inside it are replaced.

The key: `mask_key(env, scope)` takes CLASSIC_SCAN_MASK_KEY (hex, or text) when set; otherwise it
derives the key from the scan's tenant id(s) with a fixed label, so pseudonyms are stable per tenant
without any setup. Someone who knows the tenant id and guesses a name can then confirm it; set
CLASSIC_SCAN_MASK_KEY (for example `openssl rand -hex 32`) and keep it secret for stronger masking.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from scanner.engine.evaluate import findings as render_findings
from scanner.engine.evaluate import judge
from scanner.engine.fields import field_values, tag_key
from scanner.engine.rules import RulePack, template_fields
from scanner.errors import InputError, ScanError
from scanner.inventory import Inventory
from scanner.inventory.columns import TABLES
from scanner.masking_meta import mask_history, mask_meta, mask_waiver, mask_waivers
from scanner.masking_names import (
    FREE_TEXT_COLUMNS,
    KEEP_COLUMNS,
    NAME_COLUMNS,
    TABLE_KINDS,
    Identifiers,
    Pseudonyms,
    strings,
    walk_strings,
)
from scanner.masking_text import Masker
from scanner.model import Plan, ScanResult
from scanner.readiness import resource_states

KEY_ENV = "CLASSIC_SCAN_MASK_KEY"
"""Environment variable holding the masking key (hex or text, at least 16 bytes)."""
MIN_KEY_BYTES = 16
"""Shortest key accepted from CLASSIC_SCAN_MASK_KEY."""
DERIVED_KEY_LABEL = b"classic-scan mask key v1"
"""Label of the key derived from the tenant id(s) when CLASSIC_SCAN_MASK_KEY is not set."""
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")

#: ScanResult fields mask_result replaces with masked copies.
MASKED_FIELDS = frozenset({"meta", "findings", "inventory", "plan", "waivers", "history", "readiness"})
#: ScanResult fields that hold nothing of the tenant's (rule texts, the report's own branding).
KEPT_FIELDS = frozenset({"pack", "branding"})
#: Findings columns taken from the real findings: the verdict after waivers, the history's dates.
_REAL_COLUMNS = ("status", "first_seen", "last_seen")


# --- the key -------------------------------------------------------------------------------------------


def mask_key(env: Mapping[str, str], scope: Mapping[str, Any]) -> bytes:
    """The masking key: CLASSIC_SCAN_MASK_KEY (hex of at least 16 bytes, else its UTF-8 text) when set,
    else derived from the scan's tenant id(s) (or, without any, its subscription ids) and a fixed label.

    InputError when the variable is set but empty or shorter than 16 bytes.
    """
    if KEY_ENV in env:
        text = env[KEY_ENV].strip()
        if not text:
            raise InputError(f"{KEY_ENV} is set but empty; unset it or set a secret (openssl rand -hex 32)")
        key = bytes.fromhex(text) if _HEX.match(text) and len(text) >= 2 * MIN_KEY_BYTES else text.encode()
        if len(key) < MIN_KEY_BYTES:
            raise InputError(
                f"{KEY_ENV} is too short: use at least {MIN_KEY_BYTES} bytes (openssl rand -hex 32)"
            )
        return key
    tenants = sorted(set(strings(scope.get("tenant_ids"))) | set(strings(scope.get("tenant_id"))))
    material = tenants or sorted(set(strings(scope.get("subscriptions"))))
    return hashlib.sha256(DERIVED_KEY_LABEL + b"\0" + "\n".join(material).lower().encode()).digest()


def key_source(env: Mapping[str, str]) -> str:
    """Where mask_key takes the key from, for a log line."""
    return KEY_ENV if KEY_ENV in env else "the tenant id (set CLASSIC_SCAN_MASK_KEY for stronger masking)"


# --- the result ------------------------------------------------------------------------------------------


def pseudonyms_for(result: ScanResult, key: bytes) -> Pseudonyms:
    """The replacement map `mask_result` uses for this scan and key."""
    return collect_identifiers(result).pseudonyms(key)


def mask_result(result: ScanResult, key: bytes) -> ScanResult:
    """A copy of `result` with identifiers replaced by stable pseudonyms (see the module doc)."""
    unknown = sorted({f.name for f in dataclasses.fields(result)} - MASKED_FIELDS - KEPT_FIELDS)
    if unknown:
        raise ScanError(f"--mask does not know the result field(s) {', '.join(unknown)}; nothing was written")
    column_names = frozenset(c.name for t in TABLES.values() for c in t.all_columns)
    masker = Masker(pseudonyms_for(result, key), key, keep_keys=column_names)
    pack, real = _engine_inputs(result)
    inventory = mask_inventory(real, masker)
    findings, readiness = _render_findings(result, pack, real, inventory, masker)
    return dataclasses.replace(
        result,
        meta=mask_meta(result.meta, masker),
        findings=findings,
        inventory=inventory,
        plan=_mask_plan(result.plan, masker),
        waivers=mask_waivers(result.waivers, masker),
        history=mask_history(result.history, masker),
        readiness=readiness,
    )


def _engine_inputs(result: ScanResult) -> tuple[RulePack, Inventory]:
    """The rule pack and inventory the scan judged: masking judges again, so it needs the engine's own
    types, not the read-only views the reports see."""
    if not isinstance(result.pack, RulePack) or not isinstance(result.inventory, Inventory):
        raise ScanError("--mask needs the scan's own rule pack and inventory; nothing was written")
    return result.pack, result.inventory


def mask_inventory(inventory: Inventory, masker: Masker) -> Inventory:
    """The inventory with every text cell masked; rows keep their positions, platform columns stay."""
    tables: dict[str, pd.DataFrame] = {}
    for name, frame in inventory.tables.items():
        kinds = {c.name: c.kind for c in TABLES[name].all_columns} if name in TABLES else {}
        masked = frame.copy()
        for column in masked.columns:
            if column in KEEP_COLUMNS or kinds.get(column) in ("bool", "int"):
                continue
            if not _textual(masked[column]):
                continue
            masked[column] = _map(masked[column], masker.value)
        tables[name] = masked
    return inventory.with_tables(tables)


def _render_findings(
    result: ScanResult, pack: RulePack, real: Inventory, masked: Inventory, masker: Masker
) -> tuple[pd.DataFrame, Mapping[str, str]]:
    """The findings rendered from the masked inventory, with the real verdicts and finding ids; and the
    readiness keyed by the masked resource ids."""
    as_of = date.fromisoformat(result.meta.as_of)
    verdicts = judge(pack, real, as_of, result.meta.cloud)
    rendering = _with_tag_fields(masked, pack, real, masker)
    shown, _ = render_findings(verdicts, rendering, identities=real)
    # The plan and readiness read verdicts before waivers (scanner.scan), as rendered here.
    readiness = resource_states(shown, pack.migration_roles)
    return _overlay(shown, result.findings, masker), readiness


def _with_tag_fields(
    masked: Inventory, pack: RulePack, real_inventory: Inventory, masker: Masker
) -> Inventory:
    """The masked inventory plus, per table, a `tags.<key>` column for each tag field a rule shows: a
    tag name other than a generic one is masked in the `tags` column, so the engine would no longer
    find it there; the column holds the real tag's masked value."""
    tables = dict(masked.tables)
    for rule in pack.rules:
        spec = rule.spec
        shown = [*rule.fields, *spec.evidence]
        for template in (spec.message, spec.pass_message, spec.manual_message):
            shown += template_fields(template or "")
        target = spec.target
        for name in shown:
            real = real_inventory.tables.get(target)
            if real is None or tag_key(name) is None or name in real.columns or name in tables[target]:
                continue
            tables[target] = tables[target].assign(**{name: _map(field_values(real, name), masker.value)})
    return dataclasses.replace(masked, tables=tables)


def _overlay(shown: pd.DataFrame, real: pd.DataFrame, masker: Masker) -> pd.DataFrame:
    """`shown` in the order of `real` (by finding id), with the real status, first and last seen, and
    the real waiver masked."""
    real_ids = real["finding_id"].tolist()
    if shown["finding_id"].tolist() != real_ids:
        position = {fid: i for i, fid in enumerate(shown["finding_id"].tolist())}
        missing = [fid for fid in real_ids if fid not in position]
        if missing:
            raise ScanError(
                f"--mask could not render {len(missing)} finding(s) again from the inventory "
                f"(first: {missing[0]}); nothing was written"
            )
        shown = shown.iloc[[position[fid] for fid in real_ids]]
    out = shown.set_axis(real.index)
    # A message is written for its verdict: the verdicts judged again must be the scan's (waived aside).
    changed = (out["status"] != real["status"]) & (real["status"] != "waived")
    if changed.any():
        count = int(changed.sum())
        raise ScanError(
            f"--mask reached another verdict than the scan for {count} finding(s); nothing was written"
        )
    for column in _REAL_COLUMNS:
        out[column] = real[column]
    out["waiver"] = _map(real["waiver"], lambda entry: mask_waiver(entry, masker))
    extra = [c for c in real.columns if c not in out.columns]
    if extra:
        raise ScanError(
            f"--mask does not know the findings column(s) {', '.join(extra)}; nothing was written"
        )
    return out.loc[:, list(real.columns)]


def _mask_plan(plan: Plan | None, masker: Masker) -> Plan | None:
    """The plan's values masked. It is built on the real inventory: its environments come from tag
    values and subscription names, and its order from names, which the masked inventory no longer
    carries."""
    return None if plan is None else _mask_model(plan, masker)


def _mask_model(value: Any, masker: Masker) -> Any:
    """A model object of the same type, every value masked as masker.value masks it in a mapping."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _mask_model(getattr(value, f.name), masker) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_mask_model(v, masker) for v in value)
    return masker.value(value)


def _strings_of(part: Any) -> Iterable[str]:
    """Every string of a result part (the typed Plan, WaiverReport and HistoryReport; None when the
    scan has none)."""
    if part is None:
        return ()
    if dataclasses.is_dataclass(part) and not isinstance(part, type):
        return walk_strings(dataclasses.asdict(part))
    return walk_strings(dict(part))


def _textual(series: pd.Series[Any]) -> bool:
    return bool(pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series))


def _map(series: pd.Series[Any], fn: Callable[[Any], Any]) -> pd.Series[Any]:
    return pd.Series([fn(v) for v in series.tolist()], index=series.index, dtype=series.dtype)


# --- the identifiers -------------------------------------------------------------------------------------


def collect_identifiers(result: ScanResult) -> Identifiers:
    """Every identifier of a scan: inventory names, relation columns, resource ids in the inventory,
    the plan, the waivers and the history's delta; the scope and the coverage."""
    found = Identifiers()
    for table_name, frame in result.inventory.tables.items():
        _collect_table(found, table_name, frame)
    for part in (result.plan, result.waivers, result.history):
        for text in _strings_of(part):
            found.add_id(text)
    _collect_scope(found, result.meta.scope)
    _collect_coverage(found, result.meta.coverage)
    return found


def _collect_table(found: Identifiers, table_name: str, frame: pd.DataFrame) -> None:
    table_kind = TABLE_KINDS.get(table_name, "res")
    columns = TABLES[table_name].all_columns if table_name in TABLES else ()
    kinds = {c.name: c.kind for c in columns}
    for column in frame.columns:
        if column in KEEP_COLUMNS or kinds.get(column) in ("bool", "int"):
            continue
        values = frame[column].tolist()
        if column == "name":
            if table_kind is not None:
                for value in values:
                    if isinstance(value, str) and ";" in value:
                        found.add_compound(value)
                    else:
                        found.add(value, table_kind)
        elif column in ("disk_blob_names", "unmanaged_disks"):
            for value in values:
                found.add_disk(value)
        elif column in FREE_TEXT_COLUMNS or column == "tags":
            for value in values:
                found.add_text(value)
        elif column in NAME_COLUMNS:
            for value in values:
                found.add_all(value, NAME_COLUMNS[column])
        for value in values:
            for text in walk_strings(value):
                found.add_id(text)


def _collect_scope(found: Identifiers, scope: Mapping[str, Any]) -> None:
    for name, value in scope.items():
        key = name.lower()
        if "tenant" in key:
            found.add_all(value, "tenant")
        elif "subscription" in key:
            found.add_all(value, "sub")
        elif "management_group" in key or "managementgroup" in key:
            found.add_all(value, "mg")


def _collect_coverage(found: Identifiers, value: Any) -> None:
    if isinstance(value, Mapping):
        for name, item in value.items():
            if name == "subscriptions" and isinstance(item, Mapping):
                for sub, detail in item.items():
                    found.add(sub, "sub")
                    if isinstance(detail, Mapping):
                        found.add(detail.get("name"), "subname")
            elif name == "subscriptions":
                found.add_all(item, "sub")
            elif name in ("management_groups", "tenant_ids", "tenant_id"):
                found.add_all(item, "mg" if name == "management_groups" else "tenant")
            else:
                _collect_coverage(found, item)
    elif isinstance(value, list):
        for item in value:
            _collect_coverage(found, item)
    elif isinstance(value, str):
        found.add_id(value)
