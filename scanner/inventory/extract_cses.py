"""Columns of the cloud_service_es table (Cloud Services (extended support)) from one raw row."""

from __future__ import annotations

from typing import Any

from scanner.inventory.raw_values import Props, Row, dig, items, text
from scanner.redact import SUMMARY_KEY, summarise_configuration


def cloud_service_es(row: Row, p: Props) -> dict[str, Any]:
    network = dig(p, "networkProfile")
    configs = items(p, "networkProfile.loadBalancerConfigurations")
    ids: list[str] = []
    kinds: list[str] = []
    for config in configs or []:
        frontends = items(config, "properties.frontendIpConfigurations") or items(
            config, "frontendIpConfigurations"
        )
        public = False
        for f in frontends or []:
            if ip := text(f, "properties.publicIPAddress.id") or text(f, "publicIPAddress.id"):
                ids.append(ip)
                public = True
        kinds.append("public" if public else "internal")
    present = isinstance(network, dict)
    return {
        "public_ip_ids": ids,
        "load_balancer_kinds": kinds if configs is not None else None,
        "slot_type": (text(network, "slotType") or "Production") if present else None,
        "swap_partner_id": (text(network, "swappableCloudService.id") or "") if present else None,
        "upgrade_mode": text(p, "upgradeMode"),
        "zones": [str(z) for z in (items(row, "zones") or [])],
        **_cses_roles(p),
        **_cses_configuration(p),
        **_cses_certificates(p),
        **_cses_extensions(p),
    }


def _cses_roles(p: Props) -> dict[str, Any]:
    roles = items(p, "roleProfile.roles")
    if roles is None:
        return {"role_names": None, "role_sizes": None, "role_tiers": None, "instance_count": None}
    counts = [dig(r, "sku.capacity") for r in roles]
    known = all(isinstance(c, int | float) and not isinstance(c, bool) for c in counts)
    return {
        "role_names": [text(r, "name") or "" for r in roles],
        "role_sizes": [text(r, "sku.name") or "" for r in roles],
        "role_tiers": [text(r, "sku.tier") or "" for r in roles],
        "instance_count": int(sum(counts)) if known else None,
    }


def _cses_configuration(p: Props) -> dict[str, Any]:
    """What the rules need from the .cscfg: the summary redact.py kept in place of the document, or, for
    a row that did not pass through a source (tests, generators), the same summary made here."""
    summary = dig(p, SUMMARY_KEY)
    if not isinstance(summary, dict):
        document = text(p, "configuration")
        summary = summarise_configuration(document) if document else None
    if not isinstance(summary, dict):
        return {"os_family": None, "os_version": None, "config_roles": None, "setting_names": None}
    roles = [r for r in items(summary, "roles") or [] if isinstance(r, dict)]
    names = {str(n) for r in roles for n in items(r, "settingNames") or [] if n}
    # An empty or absent osFamily means family 5 (the CSES default).
    return {
        "os_family": (text(summary, "osFamily") or "").strip() or "5",
        "os_version": (text(summary, "osVersion") or "").strip() or "*",
        "config_roles": [f"{text(r, 'name') or ''} x{text(r, 'instances') or '?'}" for r in roles],
        "setting_names": sorted(names),
    }


def _cses_certificates(p: Props) -> dict[str, Any]:
    profile = dig(p, "osProfile")
    if not isinstance(profile, dict):
        return {"certificate_count": None, "key_vault_ids": None}
    secrets = items(profile, "secrets") or []
    count = sum(len(items(s, "vaultCertificates") or []) for s in secrets)
    vaults = sorted({v for s in secrets if (v := text(s, "sourceVault.id"))})
    return {"certificate_count": count, "key_vault_ids": vaults}


def _cses_extensions(p: Props) -> dict[str, Any]:
    extensions = items(p, "extensionProfile.extensions")
    if extensions is None:
        return {
            "extension_names": None,
            "extension_publishers": None,
            "extension_types": None,
            "extension_roles": None,
        }
    body = [dig(e, "properties") if isinstance(dig(e, "properties"), dict) else e for e in extensions]
    return {
        "extension_names": [text(e, "name") or "" for e in extensions],
        "extension_publishers": [text(b, "publisher") or "" for b in body],
        "extension_types": [text(b, "type") or "" for b in body],
        "extension_roles": [
            f"{text(e, 'name') or ''}: {', '.join(str(r) for r in (items(b, 'rolesAppliedTo') or ['*']))}"
            for e, b in zip(extensions, body, strict=True)
        ],
    }
