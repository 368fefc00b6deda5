"""Relations between inventory tables (VM -> cloud service, VNet, disks, backup; and back).

Works on the per-table record lists before they become DataFrames. References are resolved
through `Resolver`, which accepts a full key or a (subscription, type, name) key, because classic
references sometimes carry a different resource group (or none) than the referenced row's id.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scanner.inventory.ids import name_key, name_key_of_id, resource_key
from scanner.sizes import arm_size, resize_target

Record = dict[str, Any]
Tables = dict[str, list[Record]]


class Resolver:
    """Maps references to the canonical key of a row of one table."""

    def __init__(self, records: list[Record], resource_type: str, unique_names_only: bool = False) -> None:
        self.by_key: dict[str, str] = {}
        self.by_name: dict[str, str | None] = {}
        for r in records:
            self.by_key[r["key"]] = r["key"]
            nk = name_key(r["subscription_id"], resource_type, r["name"])
            if nk is None:
                continue
            if unique_names_only and nk in self.by_name:
                self.by_name[nk] = None  # ambiguous: never resolve by name
            else:
                self.by_name[nk] = r["key"]

    def resolve(self, ref: str | None) -> str | None:
        """The canonical key for a full id/key or a name key; None when not in the table."""
        if not ref:
            return None
        if "|" in ref:
            return self.by_name.get(ref)
        key = resource_key(ref)
        if key in self.by_key:
            return key
        return self.by_name.get(name_key_of_id(ref) or "")


def derive(tables: Tables, collected: frozenset[str]) -> None:
    """Fill the relation columns in place."""
    vms = tables["classic_vm"]
    _vm_cloud_services(vms, tables["cloud_service"])
    _vm_vnets(vms, tables["classic_vnet"])
    _storage(vms, tables["classic_storage"])
    _deallocated_conflicts(vms)
    _backup(vms, tables["backup_item"], "recoveryservicesresources" in collected)
    _vnet_tenants(tables)
    _nsg_users(vms, tables["classic_nsg"])
    _role_placement(tables["classic_vnet"], tables["cloud_service"])
    _arm_vm_extensions(tables["arm_vm"], tables["vm_extension"])
    _public_ip_attachments(tables)
    _connection_circuits(tables["er_connection"], tables["er_circuit"])


def _vm_cloud_services(vms: list[Record], services: list[Record]) -> None:
    resolver = Resolver(services, "microsoft.classiccompute/domainnames")
    groups: dict[str, list[Record]] = defaultdict(list)
    for vm in vms:
        resolved = resolver.resolve(vm["cloud_service_key"])
        if resolved:
            vm["cloud_service_key"] = resolved
            groups[resolved].append(vm)
    for cs in services:
        members = groups.get(cs["key"], [])
        sets = [vm["availability_set"] for vm in members]
        set_known = all(s is not None for s in sets)
        nics = [vm["nic_count"] for vm in members]
        known_nics = {n for n in nics if n is not None}
        mixed: bool | None = len(known_nics) > 1 or (None if None in nics else False)
        cs.update(
            vm_names=sorted(vm["name"] for vm in members),
            vm_count=len(members),
            availability_sets=sorted({s.lower() for s in sets if s}) if set_known else None,
            vms_in_set=sum(1 for s in sets if s) if set_known else None,
            vms_not_in_set=sum(1 for s in sets if s == "") if set_known else None,
            mixed_nic_counts=mixed,
        )


def _link_vms(
    vms: list[Record], column: str, targets: list[Record], resource_type: str
) -> dict[str, list[str]]:
    """Resolve each VM's reference in `column` to a target's canonical key (rewriting it in place);
    returns target key -> sorted names of the VMs that reference it."""
    resolver = Resolver(targets, resource_type)
    users: dict[str, list[str]] = defaultdict(list)
    for vm in vms:
        resolved = resolver.resolve(vm[column])
        if resolved:
            vm[column] = resolved
            users[resolved].append(vm["name"])
    return {key: sorted(names) for key, names in users.items()}


def _nsg_users(vms: list[Record], nsgs: list[Record]) -> None:
    users = _link_vms(vms, "nsg_key", nsgs, "microsoft.classicnetwork/networksecuritygroups")
    for nsg in nsgs:
        nsg["vm_names"] = users.get(nsg["key"], [])


def _vm_vnets(vms: list[Record], vnets: list[Record]) -> None:
    users = _link_vms(vms, "vnet_key", vnets, "microsoft.classicnetwork/virtualnetworks")
    for vnet in vnets:
        names = users.get(vnet["key"], [])
        vnet.update(vm_names=names, vm_count=len(names))


def _storage(vms: list[Record], accounts: list[Record]) -> None:
    types = {a["name"].lower(): a["account_type"] for a in accounts}
    holders: dict[str, list[str]] = defaultdict(list)
    unknown_disks = False
    for vm in vms:
        disk_accounts = vm["disk_accounts"]
        if disk_accounts is None:
            unknown_disks = True
            vm["disk_accounts_missing"] = None
        else:
            missing = [a for a in disk_accounts if a is not None and a not in types]
            # Kleene: with no account known to be missing, a disk whose account is unknown leaves it open
            vm["disk_accounts_missing"] = missing if missing or None not in disk_accounts else None
            unknown_disks = unknown_disks or None in disk_accounts
            for account in disk_accounts:
                if account is not None:
                    holders[account].append(vm["name"])
        account = vm["boot_diagnostics_account"]
        vm["boot_diagnostics_account_type"] = types.get(account) if account else None
    for a in accounts:
        names = sorted(set(holders.get(a["name"].lower(), [])))
        a["disk_vm_names"] = names if names or not unknown_disks else None


def _deallocated_conflicts(vms: list[Record]) -> None:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for vm in vms:
        if _deallocated(vm) and vm["static_ip"] and vm["vnet_key"]:
            groups[(vm["vnet_key"], vm["static_ip"])].append(vm["name"])
    for vm in vms:
        group = groups.get((vm["vnet_key"] or "", vm["static_ip"] or ""), []) if _deallocated(vm) else []
        vm["deallocated_ip_conflicts"] = sorted(n for n in group if n != vm["name"])


def _deallocated(vm: Record) -> bool:
    return (vm["state"] or "").lower() == "stoppeddeallocated"


def _backup(vms: list[Record], items: list[Record], collected: bool) -> None:
    resolver = Resolver(vms, "microsoft.classiccompute/virtualmachines", unique_names_only=True)
    protected: dict[str, list[str]] = defaultdict(list)
    unsure: set[str] = set()
    for item in items:
        target = resolver.resolve(item["source_resource_id"]) if item["is_classic_vm"] else None
        item["source_in_scan"] = target is not None if item["is_classic_vm"] else None
        state = (item["protection_state"] or "").lower()
        if not target or state.startswith("protectionstopped"):
            continue  # stopped with retained data: what BK-001 asks for
        if state:
            protected[target].append(item["id"])
        else:
            unsure.add(target)
    for vm in vms:
        active = sorted(protected.get(vm["key"], []))
        vm["backup_item_ids"] = active if collected and (active or vm["key"] not in unsure) else None


def _vnet_tenants(tables: Tables) -> None:
    vnets = tables["classic_vnet"]
    resolver = Resolver(vnets, "microsoft.classicnetwork/virtualnetworks")
    peerings: dict[str, list[str]] = defaultdict(list)
    tenants: dict[str, list[str]] = defaultdict(list)
    apims: dict[str, list[str]] = defaultdict(list)
    for arm in tables["arm_vnet"]:
        for remote in arm["peered_vnet_ids"]:
            if target := resolver.resolve(remote):
                peerings[target].append(arm["id"])
    for ase in tables["app_service_env"]:
        if target := resolver.resolve(ase["vnet_id"]):
            tenants[target].append(ase["id"])
    for cluster in tables["hdinsight"]:
        for vnet_id in cluster["vnet_ids"]:
            if target := resolver.resolve(vnet_id):
                tenants[target].append(cluster["id"])
    for service in tables["apim"]:
        if target := resolver.resolve(service["subnet_id"]):
            apims[target].append(service["id"])
    for vnet in vnets:
        vnet.update(
            arm_peerings=sorted(set(peerings.get(vnet["key"], []))),
            unsupported_tenants=sorted(set(tenants.get(vnet["key"], []))),
            apim_services=sorted(set(apims.get(vnet["key"], []))),
        )


def _role_placement(vnets: list[Record], services: list[Record]) -> None:
    """Cloud services without classic VMs (web/worker roles or empty) placed in each classic VNet."""
    placed: dict[tuple[str, str], list[str]] = defaultdict(list)
    unplaced: set[tuple[str, str]] = set()
    for cs in services:
        if cs["vm_count"]:
            continue
        where = (cs["subscription_id"] or "", cs["location"] or "")
        if cs["vnet_name"] is None:
            unplaced.add(where)
        elif cs["vnet_name"]:
            placed[(where[0], cs["vnet_name"].lower())].append(cs["name"])
    for vnet in vnets:
        names = sorted(placed.get((vnet["subscription_id"] or "", vnet["name"].lower()), []))
        open_question = (vnet["subscription_id"] or "", vnet["location"] or "") in unplaced
        vnet["role_service_names"] = names if names or not open_question else None


def _arm_vm_extensions(vms: list[Record], extensions: list[Record]) -> None:
    # Extensions are rows of their own: with none at all in the input, they were not collected.
    by_vm: dict[str, list[Record]] = defaultdict(list)
    for ext in extensions:
        if ext["vm_key"]:
            by_vm[ext["vm_key"]].append(ext)
    for vm in vms:
        if not extensions:
            vm.update(extension_publishers=None, extension_types=None, extension_ids=None)
            continue
        own = by_vm.get(vm["key"], [])
        publishers = [e["publisher"] or "" for e in own]
        types = [e["extension_type"] or "" for e in own]
        vm.update(
            extension_publishers=publishers,
            extension_types=types,
            extension_ids=[f"{p}.{t}" if p else t for p, t in zip(publishers, types, strict=True)],
        )


def _public_ip_attachments(tables: Tables) -> None:
    es_ips = {resource_key(i) for cs in tables["cloud_service_es"] for i in cs["public_ip_ids"]}
    gateway_of: dict[str, str | None] = {}
    for gw in tables["vnet_gateway"]:
        for ip in gw["public_ip_ids"]:
            if key := resource_key(ip):
                gateway_of[key] = gw["gateway_type"] or None
    sku_of = {ip["key"]: ip["sku_name"] for ip in tables["public_ip"]}
    for cs in tables["cloud_service_es"]:
        skus = [sku_of.get(resource_key(i)) for i in cs["public_ip_ids"]]
        cs["public_ip_skus"] = None if any(s is None for s in skus) else skus
    for ip in tables["public_ip"]:
        if ip["key"] in es_ips:
            ip["attached_resource_type"] = "microsoft.compute/cloudservices"
        if ip["attached_resource_type"] == "microsoft.network/virtualnetworkgateways":
            ip["attached_gateway_type"] = gateway_of.get(ip["key"])
        else:
            ip["attached_gateway_type"] = "" if ip["attached_resource_type"] is not None else None


def _connection_circuits(connections: list[Record], circuits: list[Record]) -> None:
    allows = {c["key"]: c["allow_classic_operations"] for c in circuits}
    for conn in connections:
        circuit = resource_key(conn["circuit_id"]) if conn["circuit_id"] else None
        conn["circuit_allows_classic_operations"] = allows.get(circuit) if circuit else None


def migration_units(tables: Tables) -> list[Record]:
    """Derived rows: each classic VNet, and each cloud service whose VMs are in no VNet (or has none)."""
    vms_by_vnet: dict[str, list[Record]] = defaultdict(list)
    vms_by_service: dict[str, list[Record]] = defaultdict(list)
    for vm in tables["classic_vm"]:
        if vm["vnet_key"]:
            vms_by_vnet[vm["vnet_key"]].append(vm)
        elif vm["cloud_service_key"]:
            vms_by_service[vm["cloud_service_key"]].append(vm)
    in_vnet = {vm["cloud_service_key"] for vms in vms_by_vnet.values() for vm in vms}
    rows = []
    anchors = [(v, "vnet", vms_by_vnet.get(v["key"], [])) for v in tables["classic_vnet"]]
    anchors += [
        (cs, "cloud_service", vms_by_service.get(cs["key"], []))
        for cs in tables["cloud_service"]
        if cs["key"] not in in_vnet
    ]
    for anchor, kind, vms in anchors:
        services = sorted({vm["cloud_service_name"] or "" for vm in vms} - {""}, key=str.lower)
        lbs = len({vm["cloud_service_key"] for vm in vms if vm["cloud_service_key"]})
        rows.append(
            {
                **{k: anchor[k] for k in ("id", "key", "name", "type", "subscription_id", "resource_group")},
                "location": anchor["location"],
                "tags": anchor["tags"],
                "unit_kind": kind,
                "vm_count": len(vms),
                "cloud_service_names": services,
                "load_balancer_count": lbs,
            }
        )
    rows.sort(key=lambda r: r["key"])
    return rows


def subscriptions(tables: Tables, classic_tables: tuple[str, ...], names: dict[str, str]) -> list[Record]:
    """Derived rows: one per subscription that holds classic resources."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for table in classic_tables:
        for r in tables[table]:
            if r["subscription_id"]:
                counts[r["subscription_id"]][r["type"]] += 1
    rows = []
    for sub, by_type in sorted(counts.items()):
        rid = f"/subscriptions/{sub}"
        rows.append(
            {
                "id": rid,
                "key": rid,
                "name": names.get(sub, sub),
                "type": "microsoft.resources/subscriptions",
                "subscription_id": sub,
                "resource_group": "",
                "location": None,
                "tags": {},
                "display_name": names.get(sub),
                "classic_resources": sum(by_type.values()),
                "classic_types": dict(sorted(by_type.items())),
            }
        )
    return rows


def regions(tables: Tables) -> list[Record]:
    """Derived rows: one per subscription and region with classic VMs, with the ARM demand."""
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for vm in tables["classic_vm"]:
        if vm["subscription_id"] and vm["location"]:
            groups[(vm["subscription_id"], vm["location"])].append(vm)
    reserved: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for ip in tables["reserved_ip"]:
        reserved[(ip["subscription_id"] or "", ip["location"] or "")].append(ip)
    rows = []
    for (sub, location), vms in sorted(groups.items()):
        cores: dict[str, int] = defaultdict(int)
        unsized = []
        resize = []
        for vm in vms:
            size = arm_size(vm["size"])
            if size is None:
                unsized.append(vm["name"])
                continue
            target = resize_target(size)
            if target is not None:
                # The landing size is retired: demand counts in the family it must be resized to.
                resize.append(f"{vm['name']}: {vm['size']} -> {size.arm_size}, resize to {target.arm_size}")
                size = target
            cores[size.family] += size.cores
        services = {vm["cloud_service_key"] for vm in vms if vm["cloud_service_key"]}
        service_names = {name_key_of_id(k) or k for k in services}
        # A reserved IP that is a VIP of one of these cloud services is that service's public IP.
        extra_ips = sum(
            1
            for ip in reserved.get((sub, location), [])
            if (name_key_of_id(ip["attached_to"]) or "") not in service_names
        )
        rid = f"/subscriptions/{sub}/providers/Microsoft.Compute/locations/{location}"
        rows.append(
            {
                "id": rid,
                "key": rid.lower(),
                "name": f"{location} ({sub})",
                "type": "microsoft.compute/locations",
                "subscription_id": sub,
                "resource_group": "",
                "location": location,
                "tags": {},
                "vm_count": len(vms),
                "cores_by_family": dict(sorted(cores.items())),
                "unsized_vms": sorted(unsized),
                "resize_needed": sorted(resize, key=str.lower),
                "nic_count": sum(vm["nic_count"] or 1 for vm in vms),
                "public_ip_count": len(services) + extra_ips,
                "load_balancer_count": len(services),
            }
        )
    return rows
