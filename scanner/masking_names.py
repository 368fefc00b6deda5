"""What --mask counts as an identifier, and the pseudonym each one gets (scanner.masking).

`Identifiers` gathers values with the kinds of thing they name (a VM, a subscription, a tag name,
text a tenant wrote); `Identifiers.pseudonyms(key)` maps each folded value to `<kind>-<hex>`, the
hex an HMAC-SHA256 of the value under the key, the kind the first of KIND_PRIORITY it was seen as.
The tables below say which inventory columns and resource id segments hold which kind.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

HASH_CHARS = 10
"""Hex characters of a pseudonym (40 bits; a collision within one scan gets the full 16)."""

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

_DISK_SUFFIX = re.compile(r"\.vhdx?$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case without changing the length (so positions in the folded text match the original)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def first_token(folded: str) -> str:
    """The leading run of name characters of a folded value (the pre-filter of token replacement)."""
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
        return self.mapping.get(fold(value))


class Identifiers:
    """Gathers the identifiers of a scan, each with the kinds it names; `pseudonyms(key)` maps them."""

    def __init__(self) -> None:
        self.kinds: dict[str, set[str]] = {}

    def add(self, value: Any, kind: str) -> None:
        if not isinstance(value, str):
            return
        value = value.strip()
        folded = fold(value)
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
            folded = fold(text)
            if len(text) >= 2 and not folded.isdigit() and folded not in STOP_NAMES:
                self.kinds.setdefault(folded, set()).add("text")
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and key.strip().lower() not in GENERIC_TAG_KEYS:
                    folded_key = fold(key.strip())
                    if len(folded_key) >= 2 and folded_key not in STOP_NAMES:
                        self.kinds.setdefault(folded_key, set()).add("tagkey")
                self.add_text(item)
        elif isinstance(value, list | tuple):
            for item in value:
                self.add_text(item)

    def add_all(self, values: Any, kind: str) -> None:
        for value in strings(values):
            self.add(value, kind)

    def add_disk(self, value: Any) -> None:
        for part in strings(value):
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
            pseudonym = format_pseudonym(kind, digest[:HASH_CHARS])
            if pseudonym in taken:  # 40-bit collision within one scan: astronomically rare
                pseudonym = format_pseudonym(kind, digest[:16])
            taken.add(pseudonym)
            mapping[folded] = pseudonym
        return Pseudonyms(
            mapping=mapping,
            max_length=max((len(k) for k in mapping), default=0),
            first_tokens=frozenset(first_token(k) for k in mapping),
        )


def _kind_rank(kind: str) -> tuple[int, str]:
    return (KIND_PRIORITY.index(kind) if kind in KIND_PRIORITY else len(KIND_PRIORITY), kind)


def format_pseudonym(kind: str, digest: str) -> str:
    return f"{kind}-{digest}"


def strings(values: Any) -> list[str]:
    if isinstance(values, str):
        return [values]
    if isinstance(values, list | tuple | set | frozenset):
        return [v for v in values if isinstance(v, str)]
    return []


def walk_strings(value: Any) -> Iterable[str]:
    """Every string in a nested value (dict keys and values, list items)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str):
                yield k
            yield from walk_strings(v)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk_strings(item)
