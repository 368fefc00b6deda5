"""Live collection as a Source: credential + ARG client + GraphSource (+ ARM details), and writing what
it read as a snapshot directory (`--save-snapshot`, `collect`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scanner
from scanner.auth import arm_endpoint, cloud, configure_sdk_logging, make_credential
from scanner.clouds import Cloud
from scanner.snapshot import Snapshot, write_snapshot
from scanner.sources.events import Progress
from scanner.sources.graph import ArgClient, GraphSource, LiveScope


@dataclass(frozen=True)
class LiveOptions:
    """How to reach Resource Graph and what to read."""

    scope: LiveScope = field(default_factory=LiveScope)
    """Tenant, subscriptions or management groups."""
    auth: str = "default"
    """default, cli, env, msi or device."""
    tenant: str | None = None
    """Tenant id or domain for the credential."""
    cloud: Cloud = Cloud.PUBLIC
    """The cloud whose endpoints are read."""
    arm_endpoint: str | None = None
    """Override of the ARM endpoint (also CLASSIC_SCAN_ARM_ENDPOINT)."""
    workers: int = 4
    """Concurrent requests (paced by the quota either way)."""
    verbose: bool = False
    """Show the Azure SDK's log lines (which credential was tried) on stderr."""
    arm_details: bool = False
    """Also read classic VMs, provider registration and usages from ARM (GETs; sources/arm.py)."""


class LiveSource:
    """The `Source` of a live scan: reads Resource Graph when asked (`read`), and with `save_to` also
    writes what it read there as a snapshot (tagged with `rules_version`) before handing it on."""

    def __init__(
        self,
        options: LiveOptions,
        progress: Progress | None = None,
        credential: Any = None,
        save_to: Path | None = None,
        rules_version: str = "",
    ) -> None:
        self.options = options
        self.progress = progress
        self.credential = credential
        self.save_to = save_to
        self.rules_version = rules_version

    def read(self) -> Snapshot:
        snapshot = collect(self.options, self.progress, self.credential)
        if self.save_to is not None:
            save(snapshot, self.save_to, self.rules_version)
        return snapshot


def collect(options: LiveOptions, progress: Progress | None = None, credential: Any = None) -> Snapshot:
    """Read the four ARG datasets live, and the ARM details when asked. `credential` overrides the
    --auth choice (tests, embedding)."""
    configure_sdk_logging(options.verbose)
    chosen = cloud(options.cloud)
    endpoint = arm_endpoint(options.arm_endpoint, chosen)
    cred = credential if credential is not None else make_credential(options.auth, options.tenant, chosen)
    client = ArgClient(cred, endpoint, chosen.token_scope)
    source = GraphSource(client, options.scope, workers=options.workers, progress=progress)
    snapshot = source.read()
    if options.arm_details:
        from scanner.sources.arm import ArmClient, read_details

        arm_client = ArmClient(cred, endpoint, chosen.token_scope)
        snapshot = read_details(snapshot, arm_client, workers=options.workers, progress=progress)
    tenants = sorted(
        {str(r.get("tenantId")).lower() for rows in snapshot.rows.values() for r in rows if r.get("tenantId")}
    )
    manifest = {
        **snapshot.manifest,
        "tool_version": scanner.__version__,
        "collected_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cloud": chosen.name,
        "arm_endpoint": endpoint,
        "scope": {
            "kind": options.scope.kind,
            "tenant_ids": tenants or ([options.tenant] if options.tenant else []),
            "subscriptions": sorted(snapshot.manifest["coverage"]["subscriptions"]),
            "management_groups": list(options.scope.management_groups),
        },
    }
    return Snapshot(
        rows=snapshot.rows,
        collected=snapshot.collected,
        manifest=manifest,
        sources=(),
        issues=snapshot.issues,
    )


def save(snapshot: Snapshot, directory: Path, rules_version: str) -> None:
    """Write a live snapshot (queries, hashes, coverage in the manifest) for offline scans and evidence."""
    meta = {k: v for k, v in snapshot.manifest.items() if k != "queries"}
    meta["rules_version"] = rules_version
    write_snapshot(directory, snapshot.rows, meta, queries=snapshot.manifest.get("queries"))
