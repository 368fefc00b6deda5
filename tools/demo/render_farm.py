"""The render farm: one classic VNet with more than 400 classic VMs (NET-005)."""

from __future__ import annotations

from tests.rowfactory import Row
from tools.demo.classic_builders import Disk, classic_vm, classic_vnet, cloud_service
from tools.demo.company import RENDER_RG, SUB_PROD, WEU

RENDER_VNET = "fabrendervnet"
RENDER_SUBNET = "RenderNodes"
#: Cloud services fab-render-01..09 of 45 VMs each (a classic cloud service holds at most 50 VMs): 405 VMs.
RENDER_POOLS = 9
RENDER_POOL_SIZE = 45


def render_pool_size(pool: int) -> str:
    """The older pools run Standard_D1 nodes, the three newest Standard_D2."""
    return "Standard_D1" if pool <= 6 else "Standard_D2"


def render_farm_rows() -> list[Row]:
    """The warehouse-visualisation render farm in Production, West Europe (all rows healthy).

    Its VNet, 9 cloud services and 405 VMs: agent Ready, no extensions, DHCP addresses (no
    staticIpAddress), one subnet, no input endpoints, OS disks only, in fabprodvhds01 for pools 1-5 and
    fabprodvhds02 for pools 6-9.
    """
    rows: list[Row] = [
        classic_vnet(
            SUB_PROD,
            RENDER_VNET,
            WEU,
            ["10.70.0.0/16"],
            [(RENDER_SUBNET, "10.70.0.0/22")],
            ("10.0.1.4", "10.0.1.5"),
        )
    ]
    for pool in range(1, RENDER_POOLS + 1):
        cs = f"fab-render-{pool:02d}"
        day = f"2017-03-{pool + 5:02d}"
        rows.append(
            cloud_service(SUB_PROD, RENDER_RG, cs, WEU, f"Render farm pool {pool}", f"{day}T08:00:00Z")
        )
        for slot in range(RENDER_POOL_SIZE):
            n = (pool - 1) * RENDER_POOL_SIZE + slot + 1
            name = f"fab-rnd-{n:03d}"
            host = 3 + n  # 10.70.0.4 upwards; DHCP, so no staticIpAddress
            rows.append(
                classic_vm(
                    SUB_PROD,
                    RENDER_RG,
                    cs,
                    name,
                    WEU,
                    size=render_pool_size(pool),
                    extensions=[],
                    input_endpoints=False,
                    vnet=RENDER_VNET,
                    subnets=[RENDER_SUBNET],
                    private_ip=f"10.70.{host // 256}.{host % 256}",
                    update_domain=slot % 5,
                    os_disk=Disk("fabprodvhds01" if pool <= 5 else "fabprodvhds02", f"{name}-os.vhd"),
                    created=f"{day}T09:{slot:02d}:00Z",
                )
            )
    return rows
