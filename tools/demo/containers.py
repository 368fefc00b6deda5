"""Subscriptions and resource groups (ARG table resourcecontainers)."""

from __future__ import annotations

from tests.rowfactory import Row, container_row
from tools.demo.company import (
    ER_RG,
    NET_RG,
    NEU,
    NONPROD_CLASSIC_RG,
    PROD_CLASSIC_RG,
    RENDER_RG,
    SUB_NET,
    SUB_NONPROD,
    SUB_PROD,
    SUBSCRIPTIONS,
    TENANT_ID,
    WEU,
    fab_tags,
)

#: Resource groups per subscription: name -> location.
RESOURCE_GROUPS: dict[str, dict[str, str]] = {
    SUB_PROD: {
        PROD_CLASSIC_RG: WEU,
        "fab-ftp": NEU,
        NET_RG: WEU,
        "Default-Storage-WestEurope": WEU,
        "Default-Storage-NorthEurope": NEU,
        "fab-crm-Migrated": WEU,
        "fabcrmvhds01-Migrated": WEU,
        "fab-tracking-Migrated": WEU,
        "fab-prod-ops": WEU,
        "fab-prod-paas": WEU,
        "fab-prod-network": WEU,
        RENDER_RG: WEU,
    },
    SUB_NONPROD: {
        NONPROD_CLASSIC_RG: NEU,
        NET_RG: NEU,
        "Default-Storage-NorthEurope": NEU,
        "fab-qa-Migrated": NEU,
        "fab-dev-apps": NEU,
    },
    SUB_NET: {"fab-dc": WEU, NET_RG: WEU, "Default-Storage-WestEurope": WEU, ER_RG: WEU},
}


def container_rows() -> list[Row]:
    """Subscription and resource-group rows (ARG table resourcecontainers)."""
    rows: list[Row] = []
    for sub, display in SUBSCRIPTIONS.items():
        rows.append(
            container_row(
                sub,
                display,
                {
                    "displayName": display,
                    "state": "Enabled",
                    "subscriptionPolicies": {
                        "locationPlacementId": "Public_2014-09-01",
                        "quotaId": "EnterpriseAgreement_2014-09-01",
                        "spendingLimit": "Off",
                    },
                },
                tenant=TENANT_ID,
            )
        )
        for rg, location in RESOURCE_GROUPS[sub].items():
            tags = (
                {}
                if rg.startswith("Default-") or rg.endswith("-Migrated")
                else fab_tags("prod" if sub != SUB_NONPROD else "dev", "it-infra")
            )
            rows.append(
                container_row(
                    sub,
                    rg,
                    {"provisioningState": "Succeeded"},
                    tenant=TENANT_ID,
                    rg=rg,
                    location=location,
                    tags=tags,
                )
            )
    return rows
