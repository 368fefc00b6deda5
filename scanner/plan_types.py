"""The planner's working dicts as the model's frozen plan types (scanner.model.plan)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.model.plan import (
    Circuit,
    Creation,
    CsesDeployment,
    CsesFinding,
    CsesPlan,
    CsesRole,
    CsesTarget,
    Downtime,
    LockMinutes,
    Plan,
    PlanFinding,
    PlanResource,
    PlanSummary,
    QuotaLine,
    Runbook,
    RunbookStep,
    Unit,
    Wave,
)
from scanner.model.runbook import runbook

#: The placeholder of a unit's name in a runbook printed once per kind of unit.
NAME_PLACEHOLDER = "<name>"


def typed_plan(plan: Mapping[str, Any]) -> Plan:
    units = tuple(_unit(u) for u in plan["units"])
    return Plan(
        summary=PlanSummary(**plan["summary"]),
        assumptions=tuple(plan["assumptions"]),
        waves=tuple(Wave(wave=w["wave"], title=w["title"], units=tuple(w["units"])) for w in plan["waves"]),
        expressroute=tuple(
            Circuit(
                id=c["id"],
                name=c["name"],
                subscription_id=c["subscription_id"],
                authorizations_in_use=tuple(c["authorizations_in_use"]),
                findings=_findings(c["findings"]),
                state=c["state"],
            )
            for c in plan["expressroute"]
        ),
        units=units,
        quota=tuple(_quota(q) for q in plan["quota"]),
        cses=_cses(plan["cses"]),
        runbooks={u.kind: typed_runbook(runbook(u.kind, NAME_PLACEHOLDER)) for u in units},
    )


def typed_runbook(book: Mapping[str, Any]) -> Runbook:
    return Runbook(steps=tuple(RunbookStep(**s) for s in book["steps"]), rules=tuple(book["rules"]))


def _findings(items: list[dict[str, Any]]) -> tuple[PlanFinding, ...]:
    return tuple(PlanFinding(**f) for f in items)


def _unit(u: Mapping[str, Any]) -> Unit:
    lock = u["downtime"]["lock_minutes"]
    disk_vms = u.get("disk_vms")
    return Unit(
        id=u["id"],
        kind=u["kind"],
        name=u["name"],
        subscription_id=u["subscription_id"],
        location=u["location"],
        resources=tuple(PlanResource(**r) for r in u["resources"]),
        vm_count=u["vm_count"],
        anchor_in_scan=u["anchor_in_scan"],
        disk_vms=tuple(disk_vms) if disk_vms is not None else None,
        note=u.get("note"),
        creates=tuple(Creation(**c) for c in u["creates"]),
        state=u["state"],
        blockers=_findings(u["blockers"]),
        unknowns=_findings(u["unknowns"]),
        preparation=_findings(u["preparation"]),
        downtime=Downtime(lock_minutes=LockMinutes(**lock), data_plane=u["downtime"]["data_plane"]),
        runbook=typed_runbook(u["runbook"]),
        environment=u["environment"],
        depends_on=tuple(u["depends_on"]),
        wave=u["wave"],
        order=u["order"],
    )


def _quota(q: Mapping[str, Any]) -> QuotaLine:
    shortfalls = q["shortfalls"]
    return QuotaLine(
        **{
            **q,
            "unsized_vms": tuple(q["unsized_vms"]),
            "resize_needed": tuple(q["resize_needed"]),
            "shortfalls": tuple(shortfalls) if shortfalls is not None else None,
            "check_with": tuple(q["check_with"]),
        }
    )


def _cses(cses: Mapping[str, Any]) -> CsesPlan:
    def found(items: list[dict[str, Any]]) -> tuple[CsesFinding, ...]:
        return tuple(CsesFinding(**f) for f in items)

    return CsesPlan(
        retire_date=cses["retire_date"],
        days_left=cses["days_left"],
        deployments=tuple(
            CsesDeployment(
                **{
                    **d,
                    "roles": tuple(CsesRole(**r) for r in d["roles"]),
                    "target": CsesTarget(
                        service=d["target"]["service"],
                        reasons=tuple(d["target"]["reasons"]),
                        alternatives=tuple(d["target"]["alternatives"]),
                    ),
                    "blockers": found(d["blockers"]),
                    "preparation": found(d["preparation"]),
                    "unknowns": found(d["unknowns"]),
                    "create": tuple(d["create"]),
                    "moves_with": tuple(d["moves_with"]),
                }
            )
            for d in cses["deployments"]
        ),
    )
