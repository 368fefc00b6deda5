"""The fictional company behind the demo estate (Fabrikam Logistics): tenant, subscriptions, regions,
resource groups shared across modules, well-known Azure ids, and the row factory bound to its tenant."""

from __future__ import annotations

import uuid
from functools import partial

from tests import rowfactory

COLLECTED_AT = "2026-11-02T08:00:00Z"

TENANT_ID = "72c1a9e4-5d3b-4f08-b6a2-9e17c4d05f83"
SUB_PROD = "3b9e6d2a-41c7-4f85-a0d3-8e2c5f7b1a94"
SUB_NONPROD = "c4a81f3e-92d6-4b07-b5e1-6f0d3a9c2e58"
SUB_NET = "5e27b0c9-d3f4-48a6-8c1b-2a9f7e4d6031"
SUBSCRIPTIONS: dict[str, str] = {
    SUB_PROD: "Fabrikam Production",
    SUB_NONPROD: "Fabrikam Non-Production",
    SUB_NET: "Fabrikam Shared Networking",
}

WEU = "westeurope"
NEU = "northeurope"

#: Namespace for name-derived GUIDs (uuid5), so ids are stable across runs.
_GUID_NS = uuid.UUID("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")

# Well-known Azure ids.
CONVERSION_PRINCIPAL = "0469d4cd-df37-4d93-8a61-f8c75b809164"
ROLE_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
ROLE_CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
ROLE_READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ROLE_NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
ROLE_CLASSIC_VM_CONTRIBUTOR = "d73bb868-a0df-4d4d-bd69-98a00b01fccb"
ROLE_CLASSIC_STORAGE_CONTRIBUTOR = "86e8f5dc-a6e9-4c67-9d15-de283e8eac25"
ROLE_CLASSIC_NETWORK_CONTRIBUTOR = "b34d265f-36f7-4a0d-a4d4-e158ca92e90f"

IMG_WIN2012R2 = "a699494373c04fc0bc8f2bb1389d6106__Windows-Server-2012-R2-20160812-en.us-127GB.vhd"
IMG_WIN2008R2 = "a699494373c04fc0bc8f2bb1389d6106__Win2K8R2SP1-Datacenter-201505.01-en.us-127GB.vhd"
IMG_SQL2014 = (
    "fb83b3509582419d99629ce476bcb5c8__SQL-Server-2014SP1-Enterprise-Windows2012R2-201606.01-en.us-127GB.vhd"
)
IMG_UBUNTU = "b39f27a8b8c64d52b05eac6a62ebad85__Ubuntu-14_04_5-LTS-amd64-server-20170110-en-us-30GB"


def guid(seed: str) -> str:
    """A GUID derived from `seed` (stable across runs)."""
    return str(uuid.uuid5(_GUID_NS, seed))


#: The row builders of tests/rowfactory, in Fabrikam's tenant.
arg_row = partial(rowfactory.arg_row, tenant=TENANT_ID)
resource = partial(rowfactory.resource_row, tenant=TENANT_ID)


def fab_tags(env: str, owner: str) -> dict[str, str]:
    """Fabrikam's tagging convention for ARM resources."""
    return {"environment": env, "owner": owner, "costCenter": f"FL-{sum(map(ord, owner)) % 9000 + 1000}"}


#: Resource groups that several parts of the estate use.
NET_RG = "Default-Networking"
PROD_CLASSIC_RG = "fab-prod-classic"
NONPROD_CLASSIC_RG = "fab-nonprod-classic"
ER_RG = "fab-net-connectivity"
RENDER_RG = "fab-render-classic"
