"""`--mask`: stable pseudonyms for subscription ids, tenant ids and resource names in every output.

For reports that leave the customer. `mask_result(result, key)` returns a new ScanResult in which
every subscription id, tenant id, management group, resource name, resource group, principal id and
e-mail address is replaced by a pseudonym, consistently across the findings, the inventory, the
plan and the scan metadata, so every renderer (JSON, CSV, HTML, Excel) writes the masked values.

Pseudonyms are `<kind>-<hex>`: `sub-3f9a1c2e4b` (subscription), `tenant-…`, `mg-…`, `vm-…`,
`cs-…` (cloud service), `st-…` (storage account), `vnet-…`, `snet-…`, `rg-…`, `principal-…`,
`user-…@masked.invalid` (e-mail) and so on. The hex is the HMAC-SHA256 of the lower-cased value
under `key`: the same key gives the same pseudonym in every run, so masked reports of successive
scans can be compared. One value has one pseudonym everywhere; when it names resources of several
kinds (a cloud service and its resource group often share a name) the prefix is that of the first
kind in KIND_PRIORITY.

What is replaced:
- values known to be identifiers (names, resource groups, subscription and tenant ids, principal
  ids, the segments of every resource id, names listed in relation columns such as `vm_names`),
  collected from the inventory, the findings, the plan and the scan scope and coverage;
- every occurrence of those values inside other text (messages, evidence, labels, host names,
  descriptions, coverage issues), case-insensitively and only as whole tokens: a name `web`
  replaces `web` in `web.cloudapp.net` but never touches `webapp` or `web-01`; longer values win
  (`fab-web-01` before `fab-web`);
- text the tenant wrote, each value whole (`text-…`): cloud-service labels, role-assignment
  descriptions, tag values, and tag names other than generic ones (`tagkey-…`; GENERIC_TAG_KEYS);
- e-mail addresses anywhere, in every form (guest `…#EXT#@…` names, `user@host`, `%40`, non-ASCII);
- waivers: targets through the same pseudonyms (opaque when the scan did not see the resource, and
  for regexes), justification, owner, ticket and approver opaque; the file as `waivers.yaml`;
- input files under neutral names (`input-1.json`; a snapshot's own file names stay) with their
  SHA-256, in the coverage and wherever the coverage mentions them; scope fields other than ids and
  the scope kind are opaque.

Finding messages are masked field by field: the literal text of the rule's message template stays
as the rule wrote it and only the values filled into it are masked. Rule texts (title, remediation,
references, the rule catalogue) and the branding are never changed.

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
import hmac
import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from scanner.errors import InputError
from scanner.inventory.columns import TABLES
from scanner.model import InventoryView, ScanMeta, ScanResult, WaiverEntry, WaiverReport
from scanner.snapshot import DATASETS, MANIFEST

KEY_ENV = "CLASSIC_SCAN_MASK_KEY"
"""Environment variable holding the masking key (hex or text, at least 16 bytes)."""
MIN_KEY_BYTES = 16
"""Shortest key accepted from CLASSIC_SCAN_MASK_KEY."""
DERIVED_KEY_LABEL = b"classic-scan mask key v1"
"""Label of the key derived from the tenant id(s) when CLASSIC_SCAN_MASK_KEY is not set."""
HASH_CHARS = 10
"""Hex characters of a pseudonym (40 bits; a collision within one scan gets the full 16)."""
EMAIL_DOMAIN = "masked.invalid"
"""Domain of masked e-mail addresses (.invalid is reserved: never a real address)."""

#: Characters that continue a name: a match must not be preceded or followed by one of them.
NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_-")

#: Suffixes the platform appends to a name (`<name>-Migrated` resource groups): the stem is masked and
#: the suffix kept, so `fab-crm-Migrated` becomes `cs-…-Migrated` and stays recognisable as residue.
PLATFORM_SUFFIXES: tuple[str, ...] = ("-migrated",)

#: Generic or platform-given names that identify nobody and would mangle ordinary words.
STOP_NAMES = frozenset(
    {
        "default",
        "production",
        "staging",
        "azure",
        "gatewaysubnet",
        "azurefirewallsubnet",
        "azurefirewallmanagementsubnet",
        "azurebastionsubnet",
        "routeserversubnet",
        "none",
        "n/a",
        "true",
        "false",
        "null",
    }
)

#: Pseudonym prefix per inventory table (its `name` column). Derived `region` rows are not names.
TABLE_KINDS: dict[str, str | None] = {
    "classic_vm": "vm",
    "cloud_service": "cs",
    "classic_storage": "st",
    "classic_vnet": "vnet",
    "reserved_ip": "rip",
    "classic_nsg": "nsg",
    "er_circuit": "erc",
    "er_connection": "conn",
    "backup_item": "bkp",
    "role_assignment": "ra",
    "classic_admin": "admin",
    "arm_vm": "vm",
    "public_ip": "pip",
    "load_balancer": "lb",
    "cloud_service_es": "cses",
    "alert_rule": "alert",
    "autoscale_setting": "autoscale",
    "resource_group": "rg",
    "key_vault": "kv",
    "arm_storage": "st",
    "arm_vnet": "vnet",
    "app_service_env": "ase",
    "hdinsight": "hdi",
    "apim": "apim",
    "subscription": "subname",
    "region": None,
}

#: Inventory columns (any table) whose values are names of a known kind.
NAME_COLUMNS: dict[str, str] = {
    "subscription_id": "sub",
    "circuit_subscription_id": "sub",
    "resource_group": "rg",
    "cloud_service_name": "cs",
    "availability_set": "avset",
    "availability_sets": "avset",
    "vnet_name": "vnet",
    "subnet_names": "snet",
    "boot_diagnostics_account": "st",
    "disk_accounts": "st",
    "disk_accounts_missing": "st",
    "disk_blob_names": "disk",
    "unmanaged_disks": "disk",
    "vm_names": "vm",
    "disk_vm_names": "vm",
    "unsized_vms": "vm",
    "deallocated_ip_conflicts": "vm",
    "friendly_name": "vm",
    "authorizations_in_use": "auth",
    "display_name": "subname",
    "principal_id": "principal",
    "created_by": "principal",
}

#: Columns never masked (platform values).
KEEP_COLUMNS = frozenset({"type", "location"})

#: Pseudonym prefix per resource type segment of a resource id (lower-cased).
ID_TYPE_KINDS: dict[str, str] = {
    "virtualmachines": "vm",
    "domainnames": "cs",
    "roles": "role",
    "roleinstances": "vm",
    "storageaccounts": "st",
    "virtualnetworks": "vnet",
    "subnets": "snet",
    "reservedips": "rip",
    "networksecuritygroups": "nsg",
    "expressroutecircuits": "erc",
    "authorizations": "auth",
    "connections": "conn",
    "loadbalancers": "lb",
    "publicipaddresses": "pip",
    "networkinterfaces": "nic",
    "virtualnetworkpeerings": "peer",
    "cloudservices": "cses",
    "alertrules": "alert",
    "autoscalesettings": "autoscale",
    "hostingenvironments": "ase",
    "roleassignments": "ra",
    "classicadministrators": "admin",
    "managementgroups": "mg",
    "disks": "disk",
    "availabilitysets": "avset",
}
#: Namespace-specific prefixes for type segments several providers use.
ID_NAMESPACE_KINDS: dict[tuple[str, str], str] = {
    ("microsoft.keyvault", "vaults"): "kv",
    ("microsoft.recoveryservices", "vaults"): "rsv",
    ("microsoft.hdinsight", "clusters"): "hdi",
    ("microsoft.apimanagement", "service"): "apim",
}
#: Type segments whose names are given by the platform, not the customer.
ID_PLATFORM_TYPES = frozenset(
    {"locations", "slots", "backupfabrics", "roledefinitions", "providers", "skus", "operations"}
)
#: Backup container and item names: `VM;iaasvmcontainer[v2];<cloud service or group>;<vm>`.
ID_COMPOUND_TYPES = frozenset({"protectioncontainers", "protecteditems"})

#: When a value names several kinds, the first kind here gives its prefix (others in name order).
KIND_PRIORITY: tuple[str, ...] = (
    "sub",
    "tenant",
    "mg",
    "principal",
    "vm",
    "cs",
    "role",
    "st",
    "vnet",
    "snet",
    "nsg",
    "rip",
    "erc",
    "auth",
    "conn",
    "lb",
    "pip",
    "nic",
    "peer",
    "kv",
    "rsv",
    "bkp",
    "ase",
    "hdi",
    "apim",
    "cses",
    "alert",
    "autoscale",
    "avset",
    "disk",
    "admin",
    "ra",
    "subname",
    "rg",
    "res",
    "tagkey",
    "text",
)

#: Inventory columns whose values the tenant writes as free text: each whole value is pseudonymised
#: (`text-…`) wherever it appears; their words could name the customer, a project or a person.
FREE_TEXT_COLUMNS = frozenset({"label", "description"})
#: Tag names that are generic (they say what a tag is, not whose): kept; any other tag name is masked.
GENERIC_TAG_KEYS = frozenset(
    {
        "env",
        "environment",
        "owner",
        "costcenter",
        "cost-center",
        "cost_center",
        "application",
        "app",
        "project",
        "department",
        "team",
        "tier",
        "role",
        "stage",
        "criticality",
        "businessunit",
        "createdby",
        "created-by",
        "managedby",
        "service",
        "workload",
        "version",
        "backup",
        "patchgroup",
        "purpose",
    }
)

#: An e-mail address in any form seen in tenant data: guest UPNs (`name_domain#EXT#@tenant…`), hosts
#: without a dot, URL-encoded `%40`, non-ASCII local parts. Broad on purpose: masking too much is safe.
_EMAIL = re.compile(
    r"""[^\s@<>()\[\]{},;:"'`/\\|=&?!*]+(?:@|%40)[^\s@<>()\[\]{},;:"'`/\\|=&?!*%]+""", re.IGNORECASE
)
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")
_DISK_SUFFIX = re.compile(r"\.vhdx?$", re.IGNORECASE)

#: The message the engine writes for `unknown` verdicts (engine/evaluate.py `_unknown_message`).
UNKNOWN_TEMPLATE = "Cannot be evaluated for {name}: the data does not carry {missing}."
#: The message of a pass verdict when the rule has no pass_message.
DEFAULT_PASS_TEMPLATE = "Checked; not affected: {title}"

Template = tuple[re.Pattern[str], tuple[bool, ...]]


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
    tenants = sorted(set(_strings(scope.get("tenant_ids"))) | set(_strings(scope.get("tenant_id"))))
    material = tenants or sorted(set(_strings(scope.get("subscriptions"))))
    return hashlib.sha256(DERIVED_KEY_LABEL + b"\0" + "\n".join(material).lower().encode()).digest()


def key_source(env: Mapping[str, str]) -> str:
    """Where mask_key takes the key from, for a log line."""
    return KEY_ENV if KEY_ENV in env else "the tenant id (set CLASSIC_SCAN_MASK_KEY for stronger masking)"


# --- pseudonyms ------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case without changing the length (so positions in the folded text match the original)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _first_token(folded: str) -> str:
    for i, ch in enumerate(folded):
        if ch not in NAME_CHARS:
            return folded[:i]
    return folded


@dataclass(frozen=True)
class Pseudonyms:
    """The replacement map of one masked scan."""

    mapping: Mapping[str, str]
    """Folded (lower-cased) original value -> pseudonym."""
    max_length: int
    """Length of the longest original value (bounds the token search)."""
    first_tokens: frozenset[str]
    """The leading run of name characters of every original value (a fast pre-filter)."""

    def get(self, value: str) -> str | None:
        return self.mapping.get(_fold(value))


class Identifiers:
    """Gathers the identifiers of a scan, each with the kinds it names; `pseudonyms(key)` maps them."""

    def __init__(self) -> None:
        self.kinds: dict[str, set[str]] = {}

    def add(self, value: Any, kind: str) -> None:
        if not isinstance(value, str):
            return
        value = value.strip()
        folded = _fold(value)
        for suffix in PLATFORM_SUFFIXES:
            if folded.endswith(suffix) and len(folded) > len(suffix):
                value, folded = value[: -len(suffix)], folded[: -len(suffix)]
        if len(value) < 2 or folded.isdigit() or folded in STOP_NAMES or "@" in value:
            return
        self.kinds.setdefault(folded, set()).add(kind)

    def add_text(self, value: Any) -> None:
        """A string the tenant wrote (label, description, tag value): pseudonymised whole, even with an
        @ or spaces in it; nested dicts and lists (tags) value by value, their keys as tag names."""
        if isinstance(value, str):
            text = value.strip()
            folded = _fold(text)
            if len(text) >= 2 and not folded.isdigit() and folded not in STOP_NAMES:
                self.kinds.setdefault(folded, set()).add("text")
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and key.strip().lower() not in GENERIC_TAG_KEYS:
                    folded_key = _fold(key.strip())
                    if len(folded_key) >= 2 and folded_key not in STOP_NAMES:
                        self.kinds.setdefault(folded_key, set()).add("tagkey")
                self.add_text(item)
        elif isinstance(value, list | tuple):
            for item in value:
                self.add_text(item)

    def add_all(self, values: Any, kind: str) -> None:
        for value in _strings(values):
            self.add(value, kind)

    def add_disk(self, value: Any) -> None:
        for part in _strings(value):
            for segment in part.split("/"):
                self.add(_DISK_SUFFIX.sub("", segment), "disk")

    def add_id(self, value: Any) -> None:
        """Subscription, resource group and the customer-given names in a resource id."""
        if not isinstance(value, str) or not value.lower().startswith(("/subscriptions/", "/providers/")):
            return
        parts = [p for p in value.strip().split("/") if p]
        i, namespace = 0, ""
        while i + 1 < len(parts):
            segment = parts[i].lower()
            if segment == "subscriptions":
                self.add(parts[i + 1], "sub")
                i += 2
            elif segment == "resourcegroups":
                self.add(parts[i + 1], "rg")
                i += 2
            elif segment == "providers":
                namespace = parts[i + 1].lower()
                i += 2
            else:
                self._add_typed(namespace, segment, parts[i + 1])
                i += 2

    def _add_typed(self, namespace: str, type_segment: str, name: str) -> None:
        if type_segment in ID_PLATFORM_TYPES:
            return
        if type_segment in ID_COMPOUND_TYPES or ";" in name:
            self.add_compound(name)
            return
        kind = ID_NAMESPACE_KINDS.get((namespace, type_segment)) or ID_TYPE_KINDS.get(type_segment, "res")
        self.add(name, kind)

    def add_compound(self, name: str) -> None:
        """A backup container or item name `VM;iaasvmcontainer[v2];<cloud service or group>;<vm>`."""
        pieces = name.split(";")
        if len(pieces) >= 3:
            classic = pieces[1].lower() == "iaasvmcontainer"
            self.add(pieces[-2], "cs" if classic else "rg")
            self.add(pieces[-1], "vm")

    def pseudonyms(self, key: bytes) -> Pseudonyms:
        mapping: dict[str, str] = {}
        taken: set[str] = set()
        for folded in sorted(self.kinds):
            kind = min(self.kinds[folded], key=_kind_rank)
            digest = hmac.new(key, folded.encode(), hashlib.sha256).hexdigest()
            pseudonym = _format(kind, digest[:HASH_CHARS])
            if pseudonym in taken:  # 40-bit collision within one scan: astronomically rare
                pseudonym = _format(kind, digest[:16])
            taken.add(pseudonym)
            mapping[folded] = pseudonym
        return Pseudonyms(
            mapping=mapping,
            max_length=max((len(k) for k in mapping), default=0),
            first_tokens=frozenset(_first_token(k) for k in mapping),
        )


def _kind_rank(kind: str) -> tuple[int, str]:
    return (KIND_PRIORITY.index(kind) if kind in KIND_PRIORITY else len(KIND_PRIORITY), kind)


def _format(kind: str, digest: str) -> str:
    return f"{kind}-{digest}"


def _strings(values: Any) -> list[str]:
    if isinstance(values, str):
        return [values]
    if isinstance(values, list | tuple | set | frozenset):
        return [v for v in values if isinstance(v, str)]
    return []


def _walk_strings(value: Any) -> Iterable[str]:
    """Every string in a nested value (dict keys and values, list items)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str):
                yield k
            yield from _walk_strings(v)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk_strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk_strings(getattr(value, f.name))


def collect_identifiers(result: ScanResult) -> Identifiers:
    """Every identifier of a scan: inventory names, relation columns, resource ids, scope, coverage."""
    found = Identifiers()
    for table_name, frame in result.inventory.tables.items():
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
                for text in _walk_strings(value):
                    found.add_id(text)
    findings = result.findings
    for column in ("resource_id", "resource_name", "subscription_id", "resource_group"):
        if column in findings.columns:
            for value in findings[column].tolist():
                if column == "resource_id":
                    found.add_id(value)
                elif column == "subscription_id":
                    found.add(value, "sub")
                elif column == "resource_group":
                    found.add(value, "rg")
    for column in ("evidence", "waiver"):
        if column in findings.columns:
            for value in findings[column].tolist():
                for text in _walk_strings(value):
                    found.add_id(text)
    for text in _walk_strings(result.plan):
        found.add_id(text)
    for value in _other_values(result):
        items = (
            [v for c in value.columns for v in value[c].tolist()]
            if isinstance(value, pd.DataFrame)
            else [value]
        )
        for text in (t for item in items for t in _walk_strings(item)):
            found.add_id(text)
    _collect_scope(found, result.meta.scope)
    _collect_coverage(found, result.meta.coverage)
    return found


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


# --- replacement -----------------------------------------------------------------------------------------


class Masker:
    """Replaces identifiers in values and text with their pseudonyms (memoised per string)."""

    def __init__(self, pseudonyms: Pseudonyms, key: bytes, keep_keys: frozenset[str] = frozenset()) -> None:
        self.pseudonyms = pseudonyms
        self.key = key
        self.keep_keys = keep_keys
        self._memo: dict[str, str] = {}

    def text(self, value: str) -> str:
        """A whole value: its pseudonym when it is an identifier, else its text with identifiers replaced."""
        done = self._memo.get(value)
        if done is None:
            exact = self.pseudonyms.get(value.strip()) if value.strip() else None
            if exact is not None:
                done = value.replace(value.strip(), exact)
            else:
                done = self._replace_emails_and_tokens(value)
            self._memo[value] = done
        return done

    def value(self, value: Any) -> Any:
        """A nested value: strings masked, lists and dicts element-wise; other values as they are.

        A dict key is replaced only when it is itself an identifier (a subscription id keying the
        coverage), never token-wise, and never when it is a column name (evidence keys)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self._key(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.value(v) for v in value)
        return value

    def _key(self, key: Any) -> Any:
        if not isinstance(key, str) or key in self.keep_keys:
            return key
        exact = self.pseudonyms.get(key)
        return exact if exact is not None else key

    def email(self, address: str) -> str:
        normal = _fold(address.replace("%40", "@"))
        digest = hmac.new(self.key, b"email\0" + normal.encode(), hashlib.sha256).hexdigest()
        return f"user-{digest[:HASH_CHARS]}@{EMAIL_DOMAIN}"

    def opaque(self, kind: str, value: str) -> str:
        """A pseudonym for a string that is no known identifier (a waiver's regex or justification)."""
        digest = hmac.new(self.key, kind.encode() + b"\0" + _fold(value.strip()).encode(), hashlib.sha256)
        return _format(kind, digest.hexdigest()[:HASH_CHARS])

    def _replace_emails_and_tokens(self, text: str) -> str:
        if "@" not in text and "%40" not in text:
            return self._replace_tokens(text)
        out: list[str] = []
        last = 0
        for match in _EMAIL.finditer(text):
            address = match.group(0).rstrip(".")  # a sentence's full stop is not part of the address
            out.append(self._replace_tokens(text[last : match.start()]))
            out.append(self.email(address))
            last = match.start() + len(address)
        out.append(self._replace_tokens(text[last:]))
        return "".join(out)

    def _replace_tokens(self, text: str) -> str:
        """Replace known values that stand as whole tokens, longest first, left to right."""
        p = self.pseudonyms
        if not text or not p.mapping:
            return text
        folded = _fold(text)
        n = len(text)
        ends = [j for j in range(1, n + 1) if j == n or text[j] not in NAME_CHARS or _suffix_at(folded, j)]
        out: list[str] = []
        last = 0
        i = 0
        while i < n:
            if i > 0 and text[i - 1] in NAME_CHARS:
                i += 1
                continue
            head = _first_token(folded[i : i + p.max_length + 1])
            if head not in p.first_tokens and _strip_suffix(head) not in p.first_tokens:
                i += 1
                continue
            lo = bisect_left(ends, i + 1)
            hi = bisect_right(ends, i + p.max_length)
            for k in range(hi - 1, lo - 1, -1):
                j = ends[k]
                replacement = p.mapping.get(folded[i:j])
                if replacement is not None:
                    out.append(text[last:i])
                    out.append(replacement)
                    last = i = j
                    break
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)


def _suffix_at(folded: str, j: int) -> bool:
    """Whether a platform suffix starts at `j` and ends the token there."""
    for suffix in PLATFORM_SUFFIXES:
        end = j + len(suffix)
        if folded.startswith(suffix, j) and (end == len(folded) or folded[end] not in NAME_CHARS):
            return True
    return False


def _strip_suffix(token: str) -> str:
    for suffix in PLATFORM_SUFFIXES:
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _template(parts: list[tuple[str, bool]]) -> Template:
    pattern = "".join("(.*?)" if is_field else f"({re.escape(text)})" for text, is_field in parts)
    return re.compile(pattern, re.DOTALL), tuple(is_field for _, is_field in parts)


def _format_template(template: str) -> Template | None:
    parts: list[tuple[str, bool]] = []
    try:
        for literal, field, _, _ in string.Formatter().parse(template):
            if literal:
                parts.append((literal, False))
            if field is not None:
                parts.append(("", True))
    except ValueError:
        return None
    return _template(parts)


@lru_cache(maxsize=4096)
def _compiled(template: str) -> Template | None:
    return _format_template(template)


def mask_message(masker: Masker, message: str, templates: Sequence[str]) -> str:
    """Mask a message rendered from one of `templates` (str.format syntax): the literal text stays, the
    values filled in are masked. A message that fits no template is masked as plain text."""
    for template in templates:
        compiled = _compiled(template)
        if compiled is None:
            continue
        pattern, fields = compiled
        match = pattern.fullmatch(message)
        if match is None:
            continue
        return "".join(
            masker.text(part) if is_field else part
            for part, is_field in zip(match.groups(), fields, strict=True)
        )
    return masker.text(message)


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class _Messages:
    """The message templates of each rule, in the order to try them for a verdict."""

    def __init__(self, result: ScanResult, masker: Masker) -> None:
        self.masker = masker
        self.result = result
        self.cache: dict[tuple[str, str], list[str]] = {}

    def templates(self, rule_id: str, status: str) -> list[str]:
        found = self.cache.get((rule_id, status))
        if found is not None:
            return found
        rule = self.result.pack.get(rule_id)
        templates: list[str] = []
        if rule is not None:
            spec = rule.spec
            passed = spec.pass_message or DEFAULT_PASS_TEMPLATE.replace("{title}", _braced(spec.title))
            order = {
                "pass": [passed, spec.message, UNKNOWN_TEMPLATE],
                "unknown": [UNKNOWN_TEMPLATE, spec.message, passed],
            }
            templates = order.get(status, [spec.message, UNKNOWN_TEMPLATE, passed])
        self.cache[(rule_id, status)] = templates
        return templates

    def mask(self, message: Any, rule_id: Any, status: Any) -> Any:
        if not isinstance(message, str):
            return self.masker.value(message)
        return mask_message(self.masker, message, self.templates(str(rule_id), str(status)))


# --- the result ------------------------------------------------------------------------------------------


def pseudonyms_for(result: ScanResult, key: bytes) -> Pseudonyms:
    """The replacement map `mask_result` uses for this scan and key."""
    return collect_identifiers(result).pseudonyms(key)


def mask_result(result: ScanResult, key: bytes) -> ScanResult:
    """A copy of `result` with identifiers replaced by stable pseudonyms (see the module doc)."""
    pseudonyms = pseudonyms_for(result, key)
    column_names = frozenset(c.name for t in TABLES.values() for c in t.all_columns)
    masker = Masker(pseudonyms, key, keep_keys=column_names)
    others = {f.name: _mask_other(getattr(result, f.name), masker) for f in _other_fields(result)}
    if "waivers" in others:
        others["waivers"] = _mask_waivers(result.waivers, masker)
    return dataclasses.replace(
        result,
        findings=_mask_findings(result, masker),
        inventory=_mask_inventory(result.inventory, masker),
        meta=_mask_meta(result.meta, masker),
        plan=_mask_model(result.plan, masker),
        **others,
    )


#: ScanResult fields with their own treatment (or none: rule texts, branding).
_KNOWN_RESULT_FIELDS = frozenset({"meta", "findings", "pack", "inventory", "plan", "branding"})
#: ScanMeta fields that hold no identifier (ids, versions, times, source, cloud).
_PLAIN_META_FIELDS = frozenset(
    {"id", "tool_version", "rules_version", "as_of", "started_at", "finished_at", "source", "cloud"}
)


def _other_fields(result: ScanResult) -> list[dataclasses.Field[Any]]:
    """Fields a later version adds to ScanResult (a delta, waivers, ...): masked generically."""
    return [f for f in dataclasses.fields(result) if f.init and f.name not in _KNOWN_RESULT_FIELDS]


def _other_values(result: ScanResult) -> list[Any]:
    values = [getattr(result, f.name) for f in _other_fields(result)]
    meta = result.meta
    values += [
        getattr(meta, f.name)
        for f in dataclasses.fields(meta)
        if f.name not in _PLAIN_META_FIELDS | {"scope", "coverage"}
    ]
    return values


def _mask_other(value: Any, masker: Masker) -> Any:
    if isinstance(value, pd.DataFrame):
        masked = value.copy()
        for column in masked.columns:
            if column not in KEEP_COLUMNS and _textual(masked[column]):
                masked[column] = _map(masked[column], masker.value)
        return masked
    if isinstance(value, str | Mapping | list | tuple):
        return masker.value(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _mask_model(value, masker)
    return value


def _mask_model(value: Any, masker: Masker) -> Any:
    """A model object (HistoryReport, ...) of the same type, its values masked as masker.value masks
    the same values in a dict."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _mask_model(getattr(value, f.name), masker) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_mask_model(v, masker) for v in value)
    return masker.value(value)


#: Findings columns masked as values (rule texts, verdicts, dates and ids stay).
FINDING_VALUE_COLUMNS = (
    "resource_id",
    "resource_name",
    "subscription_id",
    "resource_group",
    "evidence",
    "waiver",
)


def _mask_findings(result: ScanResult, masker: Masker) -> pd.DataFrame:
    findings = result.findings.copy()
    for column in FINDING_VALUE_COLUMNS:
        if column in findings.columns:
            mask = (lambda v: _mask_waiver(v, masker)) if column == "waiver" else masker.value
            findings[column] = _map(findings[column], mask)
    if "message" in findings.columns:
        messages = _Messages(result, masker)
        rule_ids = findings["rule_id"].tolist() if "rule_id" in findings.columns else [""] * len(findings)
        statuses = findings["status"].tolist() if "status" in findings.columns else [""] * len(findings)
        findings["message"] = pd.Series(
            [
                messages.mask(m, r, s)
                for m, r, s in zip(result.findings["message"].tolist(), rule_ids, statuses, strict=True)
            ],
            index=findings.index,
            dtype=object,
        )
    return findings


def _mask_inventory(inventory: InventoryView, masker: Masker) -> InventoryView:
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


def _textual(series: pd.Series[Any]) -> bool:
    return bool(pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series))


def _map(series: pd.Series[Any], fn: Callable[[Any], Any]) -> pd.Series[Any]:
    return pd.Series([fn(v) for v in series.tolist()], index=series.index, dtype=series.dtype)


def _mask_meta(meta: ScanMeta, masker: Masker) -> ScanMeta:
    coverage = _neutral_inputs(dict(meta.coverage))
    masked_coverage = masker.value(coverage)
    scope = {key: _mask_scope_value(key, value, masker) for key, value in meta.scope.items()}
    scope["masked"] = True
    others = {
        f.name: _mask_other(getattr(meta, f.name), masker)
        for f in dataclasses.fields(meta)
        if f.init and f.name not in _PLAIN_META_FIELDS | {"scope", "coverage"}
    }
    return dataclasses.replace(meta, scope=scope, coverage=masked_coverage, **others)


#: Scope keys holding identifiers (masked as such); any other scope value is text a person wrote.
_SCOPE_ID_KEYS = frozenset({"tenant_ids", "tenant_id", "subscriptions", "management_groups"})
#: Scope kinds the collector writes (kept as they are).
_SCOPE_KINDS = frozenset({"tenant", "subscriptions", "management_groups", "subscription", "management_group"})


def _mask_scope_value(key: str, value: Any, masker: Masker) -> Any:
    if key in _SCOPE_ID_KEYS:
        return masker.value(value)
    if key == "kind" and value in _SCOPE_KINDS:
        return value
    return _opaque_all(value, masker)


def _opaque_all(value: Any, masker: Masker) -> Any:
    """Every string of `value` replaced: a known identifier by its pseudonym, anything else opaquely."""
    if isinstance(value, str):
        if not value.strip():
            return value
        return masker.pseudonyms.get(value.strip()) or masker.opaque("text", value)
    if isinstance(value, Mapping):
        return {k: _opaque_all(v, masker) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_opaque_all(v, masker) for v in value]
    return value


#: File names the scanner itself gives snapshot files: kept when masked (they name no one).
_TOOL_FILE_NAMES = frozenset({MANIFEST, *(f"{name}.jsonl" for name in DATASETS)})
#: Suffixes an input keeps under its neutral name.
_INPUT_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".csv"})


def _file_part(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).name


def _neutral_inputs(coverage: dict[str, Any]) -> dict[str, Any]:
    """The coverage with every input file under a neutral name (`input-1.json`, or the snapshot's own
    file names) and its SHA-256: consultants name files and folders after the customer."""
    renames: dict[str, str] = {}
    inputs: list[Any] = []
    for item in coverage.get("inputs") or []:
        if not isinstance(item, str):
            inputs.append(item)
            continue
        path, sep, digest = item.partition(" sha256:")
        name = _file_part(path)
        if name not in _TOOL_FILE_NAMES:
            suffix = PurePosixPath(name).suffix.lower()
            loose = sum(1 for n in renames.values() if n not in _TOOL_FILE_NAMES) + 1
            name = f"input-{loose}{suffix if suffix in _INPUT_SUFFIXES else ''}"
        renames[path] = name
        inputs.append(f"{name}{sep}{digest}")
    # Longest first, so a path is replaced before its folder, and its folder before the file name.
    replacements = dict(renames)
    for original in renames:
        folder = original[: len(original) - len(_file_part(original))]
        if folder.rstrip("/\\"):
            replacements.setdefault(folder, "")
            replacements.setdefault(folder.rstrip("/\\"), "snapshot")
        if _file_part(original) not in _TOOL_FILE_NAMES:
            replacements.setdefault(_file_part(original), renames[original])
    order = sorted(replacements, key=len, reverse=True)

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            for original in order:
                value = value.replace(original, replacements[original])
            return value
        if isinstance(value, Mapping):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    renamed = dict(rename({k: v for k, v in coverage.items() if k != "inputs"}))
    if "inputs" in coverage:
        renamed["inputs"] = inputs
    return renamed


#: Name a waivers file has in masked reports (its SHA-256 identifies it).
WAIVERS_FILE_NAME = "waivers.yaml"
#: Waiver fields that are the scanner's own vocabulary (rule ids, dates, states, counts).
_WAIVER_PLAIN_KEYS = frozenset({"rule", "expires", "state", "entry", "matched", "sha256"})


def _mask_waivers(waivers: WaiverReport, masker: Masker) -> WaiverReport:
    def entries(items: tuple[WaiverEntry, ...]) -> tuple[WaiverEntry, ...]:
        return tuple(WaiverEntry(**_mask_waiver(dataclasses.asdict(e), masker)) for e in items)

    return dataclasses.replace(
        waivers,
        file=WAIVERS_FILE_NAME if waivers.file else waivers.file,
        active=entries(waivers.active),
        expired=entries(waivers.expired),
        unused=entries(waivers.unused),
    )


def _mask_waiver(entry: Any, masker: Masker) -> Any:
    """A waiver as recorded on a finding or in the waivers summary: its target through the pseudonyms
    (a name the scan did not see, a regex: opaque), its free text (justification, owner, ticket,
    approver) opaque, since consultants write the customer's words there."""
    if not isinstance(entry, Mapping):
        return masker.value(entry)
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if key in _WAIVER_PLAIN_KEYS or not isinstance(value, str) or not value.strip():
            out[key] = value
        elif key == "target":
            out[key] = _mask_target(value, masker)
        elif _EMAIL.fullmatch(value.strip()):
            out[key] = masker.email(value.strip())
        else:
            out[key] = masker.opaque("text", value)
    return out


def _mask_resource_id(resource_id: str, masker: Masker) -> str:
    """A resource id whose every name segment is a pseudonym (opaque for a resource the scan did not
    see); `subscriptions`, `resourceGroups`, `providers`, namespaces and type segments stay."""
    parts = resource_id.split("/")
    for i in range(2, len(parts), 2):
        segment, value = parts[i - 1].lower(), parts[i]
        if segment == "providers" or segment in ID_PLATFORM_TYPES or not value:
            continue
        parts[i] = masker.pseudonyms.get(value) or masker.opaque("res", value)
    return "/".join(parts)


def _mask_target(target: str, masker: Masker) -> str:
    """`resource NAME`, `resource matching REGEX` or `tags k=v, ...` (Waiver.target), masked."""

    def name(value: str, kind: str) -> str:
        return masker.pseudonyms.get(value.strip()) or masker.opaque(kind, value)

    if target.startswith("resource matching "):
        return "resource matching " + masker.opaque("regex", target[len("resource matching ") :])
    if target.startswith("resource "):
        resource = target[len("resource ") :]
        if resource.lower().startswith(("/subscriptions/", "/providers/")):
            return "resource " + _mask_resource_id(resource, masker)
        return "resource " + name(resource, "res")
    if target.startswith("tags "):
        pairs = []
        for pair in target[len("tags ") :].split(", "):
            key, _, value = pair.partition("=")
            shown_key = key if key.strip().lower() in GENERIC_TAG_KEYS else name(key, "tagkey")
            pairs.append(f"{shown_key}={name(value, 'text')}")
        return "tags " + ", ".join(pairs)
    return masker.opaque("text", target)
