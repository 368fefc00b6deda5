"""The migration plan as scanner.plan builds it and the reports show it (findings.json `plan`).

Field order is findings.json's key order. Every list is a tuple; mappings are read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlanFinding:
    """An open finding that bears on a unit's or a circuit's state."""

    rule_id: str
    """Rule id."""
    title: str
    """Rule title."""
    status: str
    """fail, unknown or manual."""
    severity: str
    """The finding's severity."""
    migration: str
    """The rule's migration role (blocking or preparation)."""
    resource_id: str
    """The resource it names."""
    resource_name: str
    """That resource's name."""


@dataclass(frozen=True)
class PlanResource:
    """A classic resource a unit migrates."""

    id: str
    """Resource id."""
    name: str
    """Resource name."""
    type: str
    """Lower-cased ARG type."""


@dataclass(frozen=True)
class Creation:
    """What the platform creates on the ARM side for a unit, of one kind."""

    type: str
    """What is created (resource group, virtual network, ...)."""
    name: str
    """Its name, or "chosen by the platform"."""
    count: int
    """How many."""
    name_documented: bool
    """True when the migration documents the name (the -Migrated group, kept names)."""


@dataclass(frozen=True)
class LockMinutes:
    """Minutes the management plane stays locked, prepare to commit."""

    low: int
    """Half the expected figure."""
    expected: int
    """The model's figure (0: the unit is not part of the IaaS migration)."""
    high: int
    """Twice the expected figure."""


@dataclass(frozen=True)
class Downtime:
    """What migrating the unit costs in lock time and on the data plane."""

    lock_minutes: LockMinutes
    """The management-plane lock."""
    data_plane: str
    """What happens to running workloads (starts with "none" when nothing does)."""


@dataclass(frozen=True)
class RunbookStep:
    """One step of a runbook."""

    step: str
    """Its name (validate, prepare, check, commit, abort, ...)."""
    powershell: str
    """The Azure PowerShell (Service Management) command, '' when there is none."""
    cli: str
    """The classic Azure CLI command, '' when there is none."""
    note: str
    """What to know before running it."""


@dataclass(frozen=True)
class Runbook:
    """A unit's migration steps and the rules of prepare, commit and abort."""

    steps: tuple[RunbookStep, ...]
    """Steps in order."""
    rules: tuple[str, ...]
    """The migration FAQ's rules, shown with every runbook."""


@dataclass(frozen=True)
class Unit:
    """Resources the platform migrates together, with their state, order and runbook."""

    id: str
    """"<kind>:<key of the anchor resource>"."""
    kind: str
    """vnet, cloud_service, storage, reserved_ip, nsg or paas_cloud_service."""
    name: str
    """The anchor's name."""
    subscription_id: str
    """Subscription of the anchor."""
    location: str | None
    """Region of the anchor."""
    resources: tuple[PlanResource, ...]
    """Resources it migrates (the anchor first when it is in the scan)."""
    vm_count: int
    """Classic VMs in it."""
    anchor_in_scan: bool
    """False when only its VMs were read (its state is then unknown at least)."""
    disk_vms: tuple[str, ...] | None
    """Storage units only: VMs with disks in the account (None: not known). Other kinds: None, and
    findings.json has no such key."""
    note: str | None
    """A caveat on the unit (NSGs no VM uses), or None; findings.json has the key only when set."""
    creates: tuple[Creation, ...]
    """What the platform creates on the ARM side."""
    state: str
    """Readiness state (READINESS_STATES)."""
    blockers: tuple[PlanFinding, ...]
    """Failing blocking findings."""
    unknowns: tuple[PlanFinding, ...]
    """Blocking findings that are unknown or manual."""
    preparation: tuple[PlanFinding, ...]
    """Preparation findings that are open."""
    downtime: Downtime
    """Lock time and data-plane impact."""
    runbook: Runbook
    """Its steps, with its name filled in."""
    environment: str
    """production, non-production or unknown (tags, else the subscription's name)."""
    depends_on: tuple[str, ...]
    """Ids of the units that must migrate first (storage after the VMs with disks in it)."""
    wave: int
    """Its wave (WAVE titles in Plan.waves)."""
    order: int
    """1-based position in the migration order."""


@dataclass(frozen=True)
class Wave:
    """Units (or circuits) that can migrate in the same phase."""

    wave: int
    """0 ExpressRoute circuits, 1 independent, 2 VNets and cloud services, 3 storage with disks,
    4 web/worker roles."""
    title: str
    """What the wave holds."""
    units: tuple[str, ...]
    """Unit (or circuit) ids in order."""


@dataclass(frozen=True)
class Circuit:
    """An ExpressRoute circuit that allows classic operations and may serve classic VNets."""

    id: str
    """Resource id."""
    name: str
    """Circuit name."""
    subscription_id: str
    """Its subscription."""
    authorizations_in_use: tuple[str, ...]
    """Authorizations in use (links of other subscriptions)."""
    findings: tuple[PlanFinding, ...]
    """Its open findings."""
    state: str
    """Readiness state."""


@dataclass(frozen=True)
class QuotaLine:
    """ARM quota the migration needs in one subscription and region."""

    subscription_id: str
    """Subscription id."""
    location: str
    """Region."""
    vms: int
    """Classic VMs in the region."""
    cores_by_family: Mapping[str, int]
    """ARM VM family -> cores the VMs need."""
    unsized_vms: tuple[str, ...]
    """VMs whose size maps to no ARM family."""
    resize_needed: tuple[str, ...]
    """VMs on retired A-series v1 sizes, counted in the Av2 family."""
    network_interfaces: int
    """NICs created."""
    public_ips: int
    """Public IPs created."""
    load_balancers: int
    """Load balancers created."""
    network_security_groups: int
    """NSGs created."""
    usage_read: str
    """read, not read (without --arm-details) or failed."""
    usage: Mapping[str, Mapping[str, Any]]
    """Usage name -> demand, usage, limit and headroom (when read)."""
    shortfalls: tuple[str, ...] | None
    """Usages the demand exceeds; None when the fit could not be decided."""
    check_with: tuple[str, ...]
    """Commands that show the usage by hand."""


@dataclass(frozen=True)
class PlanSummary:
    """The plan in figures."""

    classic_resources: int
    """Classic resources in the scan."""
    units: int
    """Migration units."""
    by_state: Mapping[str, int]
    """Units per readiness state (every state present)."""
    vms: int
    """Classic VMs."""
    lock_hours_expected: float
    """Sum of the expected lock times, in hours."""
    message: str
    """One sentence for the summary."""


@dataclass(frozen=True)
class CsesFinding:
    """An open CSES finding on a deployment."""

    rule_id: str
    """Rule id."""
    title: str
    """Rule title."""
    status: str
    """fail, unknown or manual."""
    severity: str
    """The finding's severity."""


@dataclass(frozen=True)
class CsesRole:
    """A role of a Cloud Services (extended support) deployment."""

    name: str
    """Role name."""
    size: str | None
    """VM size."""
    tier: str | None
    """Size tier."""


@dataclass(frozen=True)
class CsesTarget:
    """The recommended target of a deployment."""

    service: str
    """App Service, VM Scale Sets (Flexible) or Service Fabric managed cluster."""
    reasons: tuple[str, ...]
    """Why, from the data."""
    alternatives: tuple[str, ...]
    """The other targets still open."""


@dataclass(frozen=True)
class CsesDeployment:
    """One Cloud Services (extended support) deployment and its move."""

    id: str
    """Resource id."""
    name: str
    """Deployment name."""
    subscription_id: str
    """Subscription id."""
    resource_group: str | None
    """Resource group."""
    location: str | None
    """Region."""
    environment: str
    """production, non-production or unknown."""
    slot_type: str | None
    """Production or Staging."""
    swap_partner_id: str | None
    """The swap partner's id, or None."""
    roles: tuple[CsesRole, ...]
    """Its roles."""
    instance_count: int | None
    """Role instances in all."""
    os_family: Any
    """Guest OS family as read (None: not read)."""
    target: CsesTarget
    """Recommended target."""
    blockers: tuple[CsesFinding, ...]
    """What rules out the lift-and-shift target (CSES-002 fails)."""
    preparation: tuple[CsesFinding, ...]
    """Other failing or manual CSES findings."""
    unknowns: tuple[CsesFinding, ...]
    """CSES findings that are unknown."""
    create: tuple[str, ...]
    """What has to exist on the target before cut-over."""
    step: int
    """Its step in the move order (a swap pair shares one)."""
    moves_with: tuple[str, ...]
    """Names of the deployments that move in the same step."""


@dataclass(frozen=True)
class CsesPlan:
    """Cloud Services (extended support) before its retirement."""

    retire_date: str
    """ISO date of the retirement."""
    days_left: int | None
    """Days from --as-of to the retirement (None: no as-of date)."""
    deployments: tuple[CsesDeployment, ...]
    """Deployments in move order."""


@dataclass(frozen=True)
class Plan:
    """The migration plan of a scan (findings.json `plan`)."""

    summary: PlanSummary
    """Figures and a one-line message."""
    assumptions: tuple[str, ...]
    """What the lock times, order and names assume."""
    waves: tuple[Wave, ...]
    """Non-empty waves in order."""
    expressroute: tuple[Circuit, ...]
    """Circuits that may serve classic VNets."""
    units: tuple[Unit, ...]
    """Units in migration order."""
    quota: tuple[QuotaLine, ...]
    """ARM quota per subscription and region."""
    cses: CsesPlan
    """Cloud Services (extended support) deployments."""
    runbooks: Mapping[str, Runbook]
    """Unit kind -> its runbook with `<name>` for the unit's name (printed once per kind); not in
    findings.json."""
