"""Data and helpers for the emulator's tests: a small estate over three subscriptions, an HTTP client."""

from __future__ import annotations

from typing import Any

import requests
from arg_rows import SUB, SUB2, classic_storage, classic_vm, cloud_service, row
from emulator import ARG_PATH, ArgEmulator

SUB3 = "cccccccc-3333-4333-8333-33333333333c"
SUBS = (SUB, SUB2, SUB3)
VM_QUERY = (
    "resources | where type =~ 'Microsoft.ClassicCompute/virtualMachines' "
    "| project id, name, type, subscriptionId, sku, properties, tags, zones | order by id asc"
)


def subscription_row(sub: str, name: str) -> dict[str, Any]:
    out = row("Microsoft.Resources/subscriptions", name, {"state": "Enabled"}, sub=sub, location="")
    out.update(id=f"/subscriptions/{sub}", resourceGroup="")
    return out


def build_estate() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    # SUB: 3 classic VMs (one in no VNet), a cloud service, a storage account, a vault and a backup item.
    rows += [classic_vm(f"vm-a{i}", "csa", sub=SUB) for i in (1, 2)]
    rows.append(classic_vm("vm-a3", "csa", None, sub=SUB))
    rows += [cloud_service("csa", sub=SUB), classic_storage("stora", sub=SUB)]
    rows.append(row("Microsoft.RecoveryServices/vaults", "rsv1", {}, sub=SUB, sku={"name": "RS0"}))
    rows.append(
        row(
            "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
            "VM;iaasvmcontainer;csa;vm-a1",
            {"protectedItemType": "Microsoft.ClassicCompute/virtualMachines"},
            sub=SUB,
        )
    )
    # SUB2: 2 classic VMs and a role assignment.
    rows += [classic_vm(f"vm-b{i}", "csb", sub=SUB2) for i in (1, 2)]
    rows.append(
        row("Microsoft.Authorization/roleAssignments", "ra1", {"scope": f"/subscriptions/{SUB2}"}, sub=SUB2)
    )
    # SUB3: 1 classic VM and an ARM VM with zones (its subscription id upper-cased, as ARG may spell it).
    rows.append(classic_vm("vm-c1", "csc", sub=SUB3))
    arm_vm = row("Microsoft.Compute/virtualMachines", "armvm", {"hardwareProfile": {}}, sub=SUB3, zones=["1"])
    arm_vm["subscriptionId"] = SUB3.upper()
    rows.append(arm_vm)
    rows += [subscription_row(s, f"Sub {i}") for i, s in enumerate(SUBS, 1)]
    return rows


ESTATE = build_estate()
VMS = sorted(
    (r for r in ESTATE if r["type"] == "microsoft.classiccompute/virtualmachines"), key=lambda r: r["id"]
)


class Http:
    """POSTs to an emulator with `requests`, trusting only its CA and ignoring proxy/CA env settings."""

    def __init__(self, emu: ArgEmulator) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = emu.ca_bundle

    def post(
        self,
        query: str | None = VM_QUERY,
        *,
        token: str | None = "token-1",
        subscriptions: list[str] | None = None,
        management_groups: list[str] | None = None,
        options: dict[str, Any] | None = None,
        body: Any = None,
        api_version: str | None = "2021-03-01",
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> requests.Response:
        if body is None:
            body = {"query": query}
            if subscriptions is not None:
                body["subscriptions"] = subscriptions
            if management_groups is not None:
                body["managementGroups"] = management_groups
            if options is not None:
                body["options"] = options
        url = self.emu.base_url + ARG_PATH + (f"?api-version={api_version}" if api_version else "")
        hdrs = {"Authorization": f"Bearer {token}"} if token else {}
        hdrs.update(headers or {})
        return self.session.post(url, json=body, headers=hdrs, timeout=timeout)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10.0)
        return self.session.request(method, self.emu.base_url + path, **kwargs)

    def close(self) -> None:
        self.session.close()
