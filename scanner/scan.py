"""The scan pipeline: source -> snapshot -> inventory -> engine -> ScanResult."""

from __future__ import annotations

import contextlib
import gc
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import scanner
from scanner.clouds import Cloud
from scanner.engine.evaluate import evaluate
from scanner.engine.rules import RulePack, load_pack
from scanner.history import History
from scanner.inventory import build_inventory
from scanner.inventory.columns import TYPE_TO_TABLE
from scanner.live import LiveOptions, LiveSource
from scanner.model import Branding, HistoryReport, ScanMeta, ScanResult, WaiverReport
from scanner.plan import build_plan
from scanner.readiness import resource_states
from scanner.snapshot import DATASETS, Snapshot, check_target, sha256_file
from scanner.sources import DEMO_ESTATE, Source
from scanner.sources.arm import ARM_DATASETS
from scanner.sources.events import Progress
from scanner.sources.files import FilesSource
from scanner.waivers import Waiver, apply_waivers, load_waivers, resource_tags
from scanner.wording import counted

log = logging.getLogger("classic_scan.scan")


@dataclass(frozen=True)
class ScanOptions:
    """Inputs of an offline scan."""

    inputs: tuple[Path, ...] = ()
    """Snapshot directories and export files."""
    demo: bool = False
    """Scan the bundled demo estate instead of inputs."""
    as_of: date | None = None
    """Evaluation date (default: today, UTC)."""
    rules_dirs: tuple[Path, ...] = ()
    """Custom rule packs."""
    cloud: Cloud | None = None
    """public, usgov or china (default: the snapshot's, else public)."""
    branding: Branding = field(default_factory=Branding)
    """Customer, author and logo for the reports."""
    live: LiveOptions | None = None
    """Read Resource Graph live instead of files."""
    save_snapshot: Path | None = None
    """Also write what a live scan read as a snapshot directory."""
    waivers: Path | None = None
    """Waivers file (YAML)."""
    history: Path | None = None
    """History database (SQLite): first/last seen and the delta against the previous scan."""


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_scan(options: ScanOptions, progress: Progress | None = None, credential: Any = None) -> ScanResult:
    """Scan what `options` name; `progress` receives a live collection's events, `credential` overrides
    the --auth choice of a live scan (tests, embedding)."""
    started = now()
    # Fail fast on a bad rule pack, waivers file or history database, before reading large inputs.
    pack = load_pack(options.rules_dirs)
    waivers = load_waivers(options.waivers) if options.waivers else ()
    if options.save_snapshot is not None:
        check_target(options.save_snapshot)
    history = History.open(options.history) if options.history else None
    try:
        with _cyclic_gc_paused():
            kind, source = pick_source(options, pack.version, progress, credential)
            return _scan(options, kind, source, pack, waivers, history, started)
    finally:
        if history is not None:
            history.close()


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The scan allocates millions of acyclic dicts, lists and strings; CPython's cyclic collector
    traverses the whole growing heap on each full collection and frees nothing (bench/RESULTS.md:
    load and inventory twice as fast without it). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pick_source(
    options: ScanOptions, rules_version: str, progress: Progress | None = None, credential: Any = None
) -> tuple[str, Source]:
    """The source `options` name, and its kind for the scan's metadata: live, demo or files."""
    if options.live is not None:
        live = LiveSource(options.live, progress, credential, options.save_snapshot, rules_version)
        return "live", live
    if options.demo:
        return "demo", FilesSource((DEMO_ESTATE,), TYPE_TO_TABLE)
    return "files", FilesSource(options.inputs, TYPE_TO_TABLE)


def _scan(
    options: ScanOptions,
    kind: str,
    source: Source,
    pack: RulePack,
    waivers: tuple[Waiver, ...],
    history: History | None,
    started: str,
) -> ScanResult:
    snapshot = source.read()
    rows, files = sum(len(r) for r in snapshot.rows.values()), len(snapshot.sources)
    log.info("read %s from %s", counted(rows, "row"), counted(files, "file"))
    inventory = build_inventory(snapshot)
    scope = _scope(snapshot)
    read = _release_rows(snapshot)
    as_of = options.as_of or datetime.now(UTC).date()
    cloud = str(options.cloud or snapshot.manifest.get("cloud") or Cloud.PUBLIC)
    evaluation = evaluate(pack, inventory, as_of, cloud)
    log.info(
        "evaluated %s over %s: %s",
        counted(len(pack.rules), "rule"),
        counted(inventory.resource_count, "resource"),
        counted(len(evaluation.findings), "finding"),
    )
    coverage = _coverage(snapshot, read, inventory.unrouted_types, evaluation.errors)
    meta = ScanMeta(
        id=str(uuid.uuid4()),
        tool_version=scanner.__version__,
        rules_version=pack.version,
        as_of=as_of.isoformat(),
        started_at=started,
        finished_at=now(),
        source=kind,
        cloud=cloud,
        scope=scope,
        coverage=coverage,
    )
    # The plan and readiness read verdicts before waivers: a waived blocker still stops the platform
    # migration.
    roles = pack.migration_roles
    plan = build_plan(inventory, evaluation.findings, roles, as_of)
    readiness = resource_states(evaluation.findings, roles)
    waived = apply_waivers(
        evaluation.findings, waivers, as_of, resource_tags(inventory), [rule.id for rule in pack.rules]
    )
    findings = waived.findings
    recorded: HistoryReport | None = None
    if history is not None:
        outcome = history.record(meta, findings)
        findings, recorded = outcome.findings, outcome.report
    return ScanResult(
        meta=meta,
        findings=findings,
        pack=pack,
        inventory=inventory,
        plan=plan,
        branding=options.branding,
        waivers=WaiverReport(
            file=str(options.waivers) if options.waivers else None,
            sha256=sha256_file(options.waivers) if options.waivers else None,
            active=waived.active,
            expired=waived.expired,
            unused=waived.unused,
        ),
        history=recorded,
        readiness=readiness,
    )


def _release_rows(snapshot: Snapshot) -> dict[str, int]:
    """Empty the snapshot's raw rows once the inventory holds what the scan needs (at 100k resources
    they are ~300 MB); returns how many rows each dataset had, for the coverage."""
    read = {name: len(rows) for name, rows in snapshot.rows.items()}
    for rows in snapshot.rows.values():
        rows.clear()
    return read


def _coverage(
    snapshot: Snapshot, read: dict[str, int], unrouted: dict[str, int] | Any, errors: tuple[str, ...]
) -> dict[str, Any]:
    names = (*DATASETS, *(n for n in ARM_DATASETS if n in snapshot.collected))  # ARM: --arm-details
    datasets = {name: {"collected": name in snapshot.collected, "rows": read.get(name, 0)} for name in names}
    issues = list(snapshot.issues)
    issues += [
        f"dataset {name} was not collected: rules that need it are unknown"
        for name, d in datasets.items()
        if not d["collected"]
    ]
    issues += [f"rule error: {e}" for e in errors]
    return {
        "complete": not snapshot.issues and not errors and all(d["collected"] for d in datasets.values()),
        "datasets": datasets,
        "inputs": list(snapshot.sources),
        "unrouted_types": dict(unrouted),
        "rule_errors": list(errors),
        "issues": issues,
        "manifest_coverage": snapshot.manifest.get("coverage", {}),
    }


def _scope(snapshot: Snapshot) -> dict[str, Any]:
    tenants: set[str] = set()
    subscriptions: set[str] = set()
    for rows in snapshot.rows.values():
        for row in rows:
            if row.get("tenantId"):
                tenants.add(str(row["tenantId"]).lower())
            if row.get("subscriptionId"):
                subscriptions.add(str(row["subscriptionId"]).lower())
    raw = snapshot.manifest.get("scope")
    declared: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        **declared,
        "tenant_ids": sorted(tenants),
        "subscriptions": sorted(subscriptions | {str(s).lower() for s in declared.get("subscriptions", [])}),
    }
