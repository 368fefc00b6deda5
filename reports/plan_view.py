"""The migration plan (ScanResult.plan, built by scanner.plan) as the reports show it.

Labels, colours, rule lists, lock times, the lanes of the order diagram and the rows of the
workbook's Plan and Quota sheets. Everything here reads only the Plan; values stay plain
(tenant text included) and each renderer escapes them its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any

from markupsafe import Markup

from reports import svg, svg_flow
from reports.common import SEVERITY_COLORS, STATUS_COLORS
from scanner.model import READINESS_STATES as STATES
from scanner.model.plan import Circuit, Creation, Plan, PlanFinding, QuotaLine, Unit

STATE_LABELS = {
    "blocked": "Blocked",
    "unknown": "Unknown",
    "needs-preparation": "Needs preparation",
    "ready": "Ready",
}
#: Unit states as (background, text) colours, shared with the severity/status palette.
STATE_COLORS: dict[str, tuple[str, str]] = {
    "blocked": SEVERITY_COLORS["high"],
    "unknown": STATUS_COLORS["unknown"],
    "needs-preparation": SEVERITY_COLORS["medium"],
    "ready": STATUS_COLORS["pass"],
}
STATE_NOTES = {
    "blocked": "a blocking rule fails",
    "unknown": "a blocking rule could not be evaluated",
    "needs-preparation": "work before or during the migration",
    "ready": "nothing found in the way",
}
ENVIRONMENT_LABELS = {
    "production": "Production",
    "non-production": "Non-production",
    "unknown": "Environment unknown",
}
KIND_LABELS = {
    "vnet": "Virtual network",
    "cloud_service": "Cloud service (VMs in no VNet)",
    "storage": "Storage account",
    "reserved_ip": "Reserved IP",
    "nsg": "Network security group",
    "paas_cloud_service": "Cloud service (web/worker roles)",
}
KIND_SHORT = {
    "vnet": "VNet",
    "cloud_service": "Cloud service",
    "storage": "Storage",
    "reserved_ip": "Reserved IP",
    "nsg": "NSG",
    "paas_cloud_service": "Web/worker roles",
}
WAVE_SHORT = {
    0: "ExpressRoute circuits first",
    1: "Independent, no downtime",
    2: "VNets and cloud services",
    3: "Storage that held VM disks",
    4: "Web/worker roles (not IaaS)",
}
#: Runbook steps shown as their own workbook columns (PowerShell).
COMMAND_STEPS = ("validate", "prepare", "commit", "abort")
#: Units drawn per wave in the order diagram; the rest of a wave is one summary box.
DIAGRAM_MAX_NODES = 12


def tint(color: str, strength: float = 0.13) -> str:
    """The colour mixed into white (a light background of the same hue), as hex without '#'."""
    channels = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return "".join(f"{round(255 - (255 - c) * strength):02X}" for c in channels)


def units(plan: Plan) -> list[Unit]:
    """The plan's units in migration order."""
    return sorted(plan.units, key=lambda u: u.order)


def minutes(value: int) -> str:
    """20 -> '20 min', 213 -> '3 h 33 min'."""
    hours, rest = divmod(int(value), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest:02d} min"


def lock_text(unit: Unit) -> str:
    lock = unit.downtime.lock_minutes
    if not lock.expected:
        return "none (not part of the IaaS migration)"
    return f"{minutes(lock.low)} – {minutes(lock.high)}, expected {minutes(lock.expected)}"


def rule_summary(items: Iterable[PlanFinding]) -> str:
    """Rule ids in first-seen order, with a count when a rule hits several resources: 'VM-001 ×3, VM-004'."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.rule_id] = counts.get(item.rule_id, 0) + 1
    return ", ".join(rule if n == 1 else f"{rule} ×{n}" for rule, n in counts.items())


def grouped(items: Iterable[PlanFinding]) -> list[dict[str, Any]]:
    """Findings of a unit grouped by rule: rule id, title, severity, status and the resources named."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        entry = out.setdefault(
            item.rule_id,
            {
                "rule_id": item.rule_id,
                "title": item.title,
                "severity": item.severity,
                "status": item.status,
                "resources": [],
            },
        )
        name = str(item.resource_name or "")
        if name and name not in entry["resources"]:
            entry["resources"].append(name)
    return list(out.values())


def creates_text(creates: Iterable[Creation]) -> str:
    """What Azure creates, one clause per kind: documented names as names, the others as counts."""
    parts = []
    for c in creates:
        if c.name_documented:
            parts.append(f"{c.type} {c.name}")
        else:
            parts.append(f"{c.count} × {c.type} (name chosen by the platform)")
    return "; ".join(parts)


def command(unit: Unit, step: str) -> str:
    """The PowerShell command of one runbook step ('' when the unit has no such step)."""
    for s in unit.runbook.steps:
        if s.step == step:
            return s.powershell
    return ""


def circuit_state(circuit: Circuit) -> str:
    """An ExpressRoute circuit's state, as the plan decided it (scanner.readiness)."""
    return circuit.state or "unknown"


def names_by_id(plan: Plan) -> dict[str, Unit]:
    return {u.id: u for u in plan.units}


# --- the order diagram -----------------------------------------------------------------------------------


def _node(key: str, label: str, detail: str, state: str, href: str, tooltip: str) -> svg_flow.Node:
    color = STATE_COLORS[state][0]
    return svg_flow.Node(
        key=key,
        label=label,
        detail=detail,
        state=STATE_LABELS[state],
        color=color,
        tint=tint(color),
        href=href,
        tooltip=tooltip,
    )


def _unit_node(unit: Unit) -> svg_flow.Node:
    kind = KIND_SHORT.get(unit.kind, unit.kind)
    vms = unit.vm_count
    detail = f"{kind} · {vms:,} VM{'' if vms == 1 else 's'}" if vms else kind
    if unit.environment in ("production", "non-production"):
        detail += " · " + ("prod" if unit.environment == "production" else "non-prod")
    state = unit.state
    tooltip = (
        f"#{unit.order} {unit.name}: {KIND_LABELS.get(unit.kind, unit.kind)}, "
        f"{STATE_LABELS[state].lower()}; {unit.location}; lock {lock_text(unit)}"
    )
    return _node(unit.id, f"#{unit.order} {unit.name}", detail, state, f"#unit-{unit.order}", tooltip)


def diagram(plan: Plan) -> Markup:
    """Waves as columns, units as boxes coloured by state, arrows from the units whose VMs have disks
    in a storage account to that account (it migrates after them)."""
    by_id = names_by_id(plan)
    circuits = {c.id: c for c in plan.expressroute}
    lanes = []
    for wave in plan.waves:
        nodes = []
        for key in wave.units:
            if key in by_id:
                nodes.append(_unit_node(by_id[key]))
            elif key in circuits:
                c = circuits[key]
                state = circuit_state(c)
                rules = rule_summary(c.findings)
                nodes.append(
                    _node(
                        key,
                        c.name,
                        "ExpressRoute circuit",
                        state,
                        "#plan-expressroute",
                        f"{c.name}: ExpressRoute circuit" + (f"; {rules}" if rules else ""),
                    )
                )
        vms = sum(by_id[k].vm_count for k in wave.units if k in by_id)
        count = len(nodes)
        note = f"{count} {'circuit' if wave.wave == 0 else 'unit'}{'' if count == 1 else 's'}"
        if vms:
            note += f" · {vms:,} VM{'' if vms == 1 else 's'}"
        lanes.append(
            svg_flow.Lane(
                title=f"Wave {wave.wave}",
                subtitle=WAVE_SHORT.get(wave.wave, ""),
                note=note,
                nodes=tuple(nodes),
                tooltip=wave.title,
            )
        )
    edges = [(d, u.id) for u in plan.units for d in u.depends_on]
    return svg_flow.flow_diagram(
        lanes,
        edges,
        "Migration order: waves from left to right, units in order within each wave",
        max_nodes=DIAGRAM_MAX_NODES,
    )


def legend(plan: Plan) -> Markup:
    by_state = plan.summary.by_state
    return svg.legend(
        [(f"{STATE_LABELS[s]} ({int(by_state.get(s, 0)):,})", STATE_COLORS[s][0]) for s in STATES]
    )


# --- the HTML section ------------------------------------------------------------------------------------


def _subscription(sub_id: str, sub_names: Mapping[str, str]) -> dict[str, str]:
    return {"id": str(sub_id), "name": sub_names.get(str(sub_id).lower(), "")}


#: The rule counts a card shows, in this order: (CSS kind, label) and the unit's findings they sum up.
CARD_RULES: tuple[tuple[str, str, str], ...] = (
    ("blocked", "Blockers", "blockers"),
    ("unknown", "Unknown", "unknowns"),
    ("prep", "Preparation", "preparation"),
)


class _Table:
    """Strings (or small tuples) numbered in first-seen order: a card refers to them by index."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        return self.index.setdefault(value, len(self.index))

    def rows(self) -> list[Any]:
        return [list(v) if isinstance(v, tuple) else v for v in self.index]


def _cards(ordered: Sequence[Unit], sub_names: Mapping[str, str]) -> dict[str, Any]:
    """What the page shows of each unit before it is opened (its card), for the page script to draw.

    Layout: `states` [[state, label]], `kinds` [label], `envs` [[environment, label]], `subs` [[id,
    name]] and `rules` [[CSS kind, label]] are tables; each of `rows` is
    [order, name, state, kind, environment, subscription (indexes in those tables), location, wave,
    VM count, resources count, expected lock, [rule summary per entry of `rules`, '' for none]],
    in migration order (a row's position is its `data-unit` index in `units`)."""
    states, kinds, envs, subs = _Table(), _Table(), _Table(), _Table()
    rows = []
    for unit in ordered:
        lock = unit.downtime.lock_minutes
        environment = unit.environment or "unknown"
        sub = _subscription(unit.subscription_id, sub_names)
        rows.append(
            [
                unit.order,
                unit.name,
                states((unit.state, STATE_LABELS[unit.state])),
                kinds(KIND_LABELS.get(unit.kind, unit.kind)),
                envs((environment, ENVIRONMENT_LABELS.get(environment, "Environment unknown"))),
                subs((sub["id"], sub["name"])),
                unit.location,
                unit.wave,
                unit.vm_count,
                len(unit.resources),
                minutes(lock.expected) if lock.expected else "none",
                [rule_summary(getattr(unit, found)) for _, _, found in CARD_RULES],
            ]
        )
    return {
        "states": states.rows(),
        "kinds": kinds.rows(),
        "envs": envs.rows(),
        "subs": subs.rows(),
        "rules": [[kind, label] for kind, label, _ in CARD_RULES],
        "rows": rows,
    }


def _rule_rows(items: Iterable[PlanFinding]) -> list[list[Any]]:
    """grouped() as [rule id, title, status, [resource names]] for the page script."""
    return [[g["rule_id"], g["title"], g["status"], g["resources"]] for g in grouped(items)]


def _detail(
    unit: Unit,
    by_id: Mapping[str, Unit],
    followers: Sequence[Unit],
    types: dict[str, int],
    res_index: Mapping[str, int],
) -> dict[str, Any]:
    """What the page script draws when a unit is opened (or printed): its related units, findings by
    rule, downtime, what Azure creates, its resources and its runbook. Plain values (tenant text
    included): the script puts them in the page with textContent only."""
    lock = unit.downtime.lock_minutes
    steps = unit.runbook.steps
    blockers, unknowns, preparation = (
        _rule_rows(found) for found in (unit.blockers, unit.unknowns, unit.preparation)
    )
    empty = ""
    if not (blockers or unknowns or preparation):
        empty = (
            "The unit's own resource is not in the scan, so its readiness is unknown."
            if unit.state == "unknown"
            else "Nothing blocks or needs preparing."
        )
    resources = []
    for r in unit.resources:
        rtype = str(r.type or "")
        resources.append(
            [
                str(r.name or ""),
                types.setdefault(rtype, len(types)),
                res_index.get(str(r.id or "").lower(), -1),
            ]
        )
    return {
        "deps": [[by_id[d].order, by_id[d].name] for d in unit.depends_on if d in by_id],
        "next": [[f.order, f.name] for f in followers],
        "blockers": blockers,
        "unknowns": unknowns,
        "preparation": preparation,
        "empty": empty,
        "note": unit.note or "",
        "lock": lock_text(unit),
        "lockApplies": bool(lock.expected),
        "dataPlane": unit.downtime.data_plane,
        "impact": not unit.downtime.data_plane.startswith("none"),
        "creates": [[c.count, c.type, c.name if c.name_documented else None] for c in unit.creates],
        "runbook": (
            "validate → prepare → check → commit or abort"
            if lock.expected
            else (steps[0].step if steps else "")
        ),
        "steps": [[s.step, s.note or "", s.powershell or "", s.cli or ""] for s in steps],
        "res": resources,
    }


def html_context(
    plan: Plan | None, sub_names: Mapping[str, str], res_index: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """What the plan section of report.html shows (the template escapes every value).

    The units go to the page as data (`data`, the plan-data block), not as HTML: their cards
    (`data.cards`), drawn by the page script once the first findings are on screen, and what each holds
    in detail (`data.units`: related units, findings by rule, downtime, what Azure creates, resources,
    runbook), drawn when the unit is opened or the page is printed, and the runbooks printed once per
    kind of unit (`data.runbooks`), drawn when it is printed. At 100k resources the cards as HTML were
    3.3 MB the parser had to get through before the page script could start. `res_index` maps
    lower-cased resource ids to their index in the findings data, so a unit's resources link
    to the resource view."""
    if plan is None:
        return {"present": False}
    ordered = units(plan)
    by_id = names_by_id(plan)
    followers: dict[str, list[Unit]] = {}
    for u in ordered:
        for d in u.depends_on:
            followers.setdefault(d, []).append(u)
    summary = plan.summary
    by_state = {s: int(summary.by_state.get(s, 0)) for s in STATES}
    rules = next((list(u.runbook.rules) for u in ordered if u.runbook.rules), [])
    quota = []
    for q in plan.quota:
        families = sorted(q.cores_by_family.items())
        quota.append(
            {
                **{f.name: getattr(q, f.name) for f in fields(q)},
                "subscription": _subscription(q.subscription_id, sub_names),
                "families": families,
                "cores": sum(int(n) for _, n in families),
                "check": quota_check(q),
                "others": [line for line in other_usages(q).split("\n") if line],
            }
        )
    circuits = [
        {
            **{f.name: getattr(c, f.name) for f in fields(c)},
            "state": circuit_state(c),
            "state_label": STATE_LABELS[circuit_state(c)],
            "subscription": _subscription(c.subscription_id, sub_names),
            "findings": grouped(c.findings),
        }
        for c in plan.expressroute
    ]
    types: dict[str, int] = {}
    details = [_detail(u, by_id, followers.get(u.id, []), types, res_index or {}) for u in ordered]
    return {
        "present": True,
        "empty": not ordered,
        "summary": summary,
        "by_state": by_state,
        "state_labels": STATE_LABELS,
        "state_notes": STATE_NOTES,
        "assumptions": list(plan.assumptions),
        "rules": rules,
        "waves": [
            {
                "wave": w.wave,
                "title": w.title,
                "count": len(w.units),
                "names": [by_id[k].name for k in w.units if k in by_id],
            }
            for w in plan.waves
        ],
        "diagram": diagram(plan) if ordered else Markup(""),
        "legend": legend(plan),
        "circuits": circuits,
        "quota": quota,
        "count": len(ordered),
        "data": {
            "types": list(types),
            "units": details,
            "cards": _cards(ordered, sub_names),
            "runbooks": print_runbooks(plan, ordered),
        },
    }


def cses_context(plan: Plan | None) -> dict[str, Any]:
    """What the Cloud Services (extended support) section shows: plan.cses's fields ({} without a
    plan); the template reads the deployments' fields."""
    if plan is None:
        return {}
    return {f.name: getattr(plan.cses, f.name) for f in fields(plan.cses)}


def print_runbooks(plan: Plan, ordered: Sequence[Unit]) -> list[list[Any]]:
    """The printed runbooks: one per kind of unit, its commands naming `<name>` (Plan.runbooks), with
    the units it applies to (their name is the value of `<name>`). On screen each unit draws its own;
    printed 21 times over, the same steps filled most of the report.

    Layout, for the page script (drawn when the page is printed): [kind label, [[Step, note,
    PowerShell, CLI]], [indexes of its units in the cards' rows]]."""
    out: dict[str, list[Any]] = {}
    for index, u in enumerate(ordered):
        kind = u.kind
        if kind not in out:
            steps = [
                [st.step.capitalize(), st.note or "", st.powershell or "", st.cli or ""]
                for st in plan.runbooks[kind].steps
            ]
            out[kind] = [KIND_LABELS.get(kind, kind), steps, []]
        out[kind][2].append(index)
    return list(out.values())


# --- the workbook rows -----------------------------------------------------------------------------------


def plan_rows(plan: Plan | None, sub_names: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """One row per unit in order (see excel_sheets.PLAN for the columns)."""
    if plan is None:
        return []
    by_id = names_by_id(plan)
    rows = []
    for u in units(plan):
        lock = u.downtime.lock_minutes
        rows.append(
            (
                u.order,
                u.wave,
                KIND_LABELS.get(u.kind, u.kind),
                u.name,
                u.subscription_id,
                sub_names.get(str(u.subscription_id).lower(), ""),
                u.location,
                u.environment or "unknown",
                u.state,
                u.vm_count,
                rule_summary(u.blockers),
                rule_summary(u.preparation),
                rule_summary(u.unknowns),
                lock.low,
                lock.expected,
                lock.high,
                u.downtime.data_plane,
                ", ".join(by_id[d].name for d in u.depends_on if d in by_id),
                creates_text(u.creates),
                *(command(u, step) for step in COMMAND_STEPS),
            )
        )
    return rows


def quota_rows(plan: Plan | None, sub_names: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """One row per subscription, region and ARM VM family (see excel_sheets.QUOTA for the columns)."""
    rows = []
    for q in plan.quota if plan is not None else ():
        families: list[tuple[str, int | None]] = [*sorted(q.cores_by_family.items())] or [("", None)]
        for family, cores in families:
            read = dict(q.usage.get(family) or {})
            rows.append(
                (
                    q.subscription_id,
                    sub_names.get(str(q.subscription_id).lower(), ""),
                    q.location,
                    family,
                    cores,
                    read.get("usage"),
                    read.get("limit"),
                    read.get("headroom"),
                    q.vms,
                    q.network_interfaces,
                    q.public_ips,
                    q.load_balancers,
                    q.network_security_groups,
                    ", ".join(str(v) for v in q.unsized_vms),
                    quota_check(q),
                    other_usages(q),
                    "\n".join(str(c) for c in q.check_with),
                )
            )
    return rows


def quota_check(q: QuotaLine) -> str:
    """Whether current ARM usage plus the demand fits the limits (read with --arm-details)."""
    state = q.usage_read or "not read"
    if state == "not read":
        return "usage not read: compare by hand"
    if state != "read":
        return "usage could not be read"
    shortfalls = q.shortfalls
    if shortfalls is None:
        return "not decided: a needed usage is missing or VM sizes are unknown"
    return "short: " + "; ".join(str(s) for s in shortfalls) if shortfalls else "fits"


def other_usages(q: QuotaLine) -> str:
    """The read usages other than VM families (regional vCPUs, NICs, public IPs, ...), one per line."""
    families = set(q.cores_by_family)
    lines = []
    for name, u in sorted(q.usage.items()):
        if name in families:
            continue
        figures = (u.get("usage"), u.get("limit"), u.get("headroom"))
        used, limit, headroom = figures
        shown = "not in the answer" if None in figures else f"{used} of {limit} used, headroom {headroom}"
        lines.append(f"{name}: needs {u.get('demand')}, {shown}")
    return "\n".join(lines)
