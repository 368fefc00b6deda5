"""Build the bundled demo estate: a fictional company's ARG snapshot (Fabrikam Logistics).

Run from the repository root with `python -m tools.demo.build` (into scanner/demo/estate, which ships in
the wheel) or `python -m tools.demo.build DIRECTORY`. Every row is constructed in code from fixed values
(no randomness, fixed timestamps, name-derived GUIDs), so the output is byte-identical on every run. The
modules next to this one build the rows, one part of the estate each; tools/demo/expected.yaml records,
rule by rule, which rows fail, pass or give unknown or manual in a demo scan (a test holds the demo to it).
"""

from __future__ import annotations

import copy
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from scanner.snapshot import DATASETS, dataset_for_type, write_snapshot
from scanner.sources import DEMO_ESTATE
from scanner.sources.arm import API_VERSIONS, PATHS
from tests.rowfactory import Row
from tools.demo.arm_estate import arm_rows
from tools.demo.backup import backup_rows
from tools.demo.classic_estate import (
    classic_network_rows,
    classic_storage_rows,
    classic_vm_rows,
    cloud_service_rows,
)
from tools.demo.company import COLLECTED_AT, SUBSCRIPTIONS, TENANT_ID
from tools.demo.containers import container_rows
from tools.demo.cses import cses_rows
from tools.demo.expressroute import expressroute_rows
from tools.demo.identity import identity_rows
from tools.demo.next_retirements import next_retirement_rows
from tools.demo.render_farm import render_farm_rows

#: Types that live in ARG's `resources` table although `dataset_for_type` would route them elsewhere.
_RESOURCES_TABLE_TYPES = frozenset({"microsoft.recoveryservices/vaults"})


def all_rows() -> list[Row]:
    """Every row of the estate, in construction order."""
    arm = arm_rows()
    return [
        *classic_storage_rows(),
        *classic_network_rows(),
        *cloud_service_rows(),
        *classic_vm_rows(),
        *render_farm_rows(),
        *arm,
        *next_retirement_rows(arm),
        *cses_rows(),
        *expressroute_rows(),
        *backup_rows(),
        *identity_rows(),
        *container_rows(),
    ]


#: Classic VM properties the demo keeps in the `arm_classic_vms` dataset instead of the ARG rows, as a
#: `--arm-details` collection reads them from Resource Manager (scanner/sources/arm.py): the guest agent
#: status and the extensions. The inventory merges them back by id, so the verdicts are the same.
_ARM_ONLY = (("extensions",), ("instanceView", "guestAgentStatus"), ("instanceView", "extensions"))
ARM_CLASSIC_VMS = "arm_classic_vms"


def datasets(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows grouped by ARG table (every dataset present, even when empty), plus the classic VMs' ARM
    details."""
    out: dict[str, list[Row]] = {name: [] for name in (*DATASETS, ARM_CLASSIC_VMS)}
    for row in rows:
        name = "resources" if row["type"] in _RESOURCES_TABLE_TYPES else dataset_for_type(row["type"])
        if row["type"] == "microsoft.classiccompute/virtualmachines":
            row, details = _split_arm_details(row)
            out[ARM_CLASSIC_VMS].append(details)
        out[name].append(row)
    return out


def _split_arm_details(row: Row) -> tuple[Row, Row]:
    """(the ARG row without the ARM-only properties, the ARM GET of the VM holding them)."""
    arg = copy.deepcopy(row)
    moved: dict[str, Any] = {}
    for path in _ARM_ONLY:
        parent, target = arg["properties"], moved
        for key in path[:-1]:
            if not isinstance(parent.get(key), dict):
                break
            parent, target = parent[key], target.setdefault(key, {})
        else:
            if path[-1] in parent:
                target[path[-1]] = parent.pop(path[-1])
    arm = {
        "id": row["id"],
        "name": row["name"],
        "type": "Microsoft.ClassicCompute/virtualMachines",
        "location": row["location"],
        "properties": moved,
    }
    return arg, arm


def meta() -> dict[str, Any]:
    """Manifest fields of the demo snapshot."""
    return {
        "tool_version": "demo",
        "rules_version": "demo",
        "collected_at": COLLECTED_AT,
        "cloud": "public",
        "scope": {
            "tenant_id": TENANT_ID,
            "subscriptions": list(SUBSCRIPTIONS),
            "description": "Fabrikam Logistics demo estate (fictional)",
        },
        "coverage": {"complete": True, "issues": []},
        "arm_details": {
            "api_versions": {"classic_vms": API_VERSIONS["classic_vms"]},
            "issues": [],
        },
    }


def build(directory: Path = DEMO_ESTATE) -> dict[str, Any]:
    """Write the demo snapshot to `directory`; returns the manifest."""
    rows = all_rows()
    duplicates = sorted(i for i, n in Counter(r["id"].lower() for r in rows).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate ids in the demo estate: {duplicates}")
    query = f"GET {PATHS['classic_vms']}?api-version={API_VERSIONS['classic_vms']}"
    return write_snapshot(directory, datasets(rows), meta(), queries={ARM_CLASSIC_VMS: query})


def main(argv: Sequence[str] | None = None) -> None:
    """Write the estate to the directory given (default: the one the scanner ships)."""
    args = sys.argv[1:] if argv is None else list(argv)
    directory = Path(args[0]) if args else DEMO_ESTATE
    manifest = build(directory)
    for name, entry in manifest["datasets"].items():
        print(f"{name}: {entry['rows']} rows -> {directory / entry['file']}")


if __name__ == "__main__":
    main()
