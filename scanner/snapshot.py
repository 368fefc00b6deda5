"""Snapshots: raw ARG rows per dataset plus a manifest, on disk.

A snapshot directory holds `manifest.json` and one JSON Lines file per dataset. A dataset is one
ARG table (`resources`, `recoveryservicesresources`, `authorizationresources`,
`resourcecontainers`): the live source runs one query per table and writes what it got; the files
source reads it back. The manifest records what was collected, so a table that was not collected
is known to be missing (its relations become NA) rather than assumed empty.

manifest.json::

    {"format": "classic-scan-snapshot", "format_version": 1,
     "tool_version": "...", "rules_version": "...", "collected_at": "2026-11-26T01:02:03Z",
     "cloud": "public", "scope": {"tenant_id": "...", "subscriptions": [...], ...},
     "datasets": {"resources": {"file": "resources.jsonl", "rows": 87, "sha256": "...",
                                "query": "resources | where ..."}, ...},
     "coverage": {"complete": true, "issues": [], ...}}

Secrets (ExpressRoute keys, connection shared keys, URI query strings such as SAS tokens, credentials
in connection strings, Cloud Services (extended support) setting values: scanner.redact) are removed
before anything is written or kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import InputError
from scanner.redact import redact

FORMAT = "classic-scan-snapshot"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

#: ARG tables the scanner reads, in the order they are collected.
DATASETS: tuple[str, ...] = (
    "resources",
    "recoveryservicesresources",
    "authorizationresources",
    "resourcecontainers",
)


def dataset_for_type(arg_type: str) -> str:
    """The ARG table a row of this (lower-cased) type lives in."""
    if arg_type.startswith("microsoft.recoveryservices/"):
        return "recoveryservicesresources"
    if arg_type.startswith("microsoft.authorization/"):
        return "authorizationresources"
    if arg_type in ("microsoft.resources/subscriptions", "microsoft.resources/subscriptions/resourcegroups"):
        return "resourcecontainers"
    return "resources"


def strip_secrets(value: Any) -> Any:
    """A copy of `value` without secrets, at any depth (scanner.redact)."""
    return redact(value)


@dataclass(frozen=True)
class Snapshot:
    """Raw rows per dataset and what is known about how they were collected."""

    rows: Mapping[str, list[dict[str, Any]]]
    """Dataset name -> raw ARG rows (secrets already removed)."""
    collected: frozenset[str]
    """Datasets that were collected (a collected dataset may have no rows)."""
    manifest: Mapping[str, Any] = field(default_factory=dict)
    """The manifest as read (empty for loose export files)."""
    sources: tuple[str, ...] = ()
    """Input files, with their SHA-256, as `path sha256` strings for the evidence."""
    issues: tuple[str, ...] = ()
    """Coverage problems found while reading (e.g. an export that was cut at its first page)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_snapshot(
    directory: Path,
    datasets: Mapping[str, Iterable[Mapping[str, Any]]],
    meta: Mapping[str, Any],
    queries: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Write a snapshot directory; returns the manifest. Rows are written sorted by lower-cased id.

    Everything is written into a sibling temporary directory which then replaces `directory`, so an
    interrupted write leaves the previous snapshot (or nothing) in place, never a mix. An existing
    directory is replaced only if it is empty or a snapshot itself.
    """
    check_target(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp", dir=directory.parent))
    try:
        entries: dict[str, Any] = {}
        for name, rows in datasets.items():
            clean = sorted((strip_secrets(dict(r)) for r in rows), key=lambda r: str(r.get("id", "")).lower())
            file_name = f"{name}.jsonl"
            digest = hashlib.sha256()
            with (staging / file_name).open("wb") as fh:
                for r in clean:
                    line = (json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n").encode()
                    digest.update(line)
                    fh.write(line)
            entry: dict[str, Any] = {"file": file_name, "rows": len(clean), "sha256": digest.hexdigest()}
            if queries and name in queries:
                entry["query"] = queries[name]
            entries[name] = entry
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, **meta, "datasets": entries}
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (staging / MANIFEST).write_text(text, encoding="utf-8")
        _swap(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def check_target(directory: Path) -> None:
    """Refuse to replace anything but an empty directory or a snapshot this tool wrote: a folder that
    merely holds some file named manifest.json (a web extension, a package) is not ours to delete."""
    if directory.is_symlink():
        raise InputError(f"{directory}: is a symbolic link; choose a new or empty directory")
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not is_snapshot_dir(directory):
        raise InputError(
            f"{directory}: not empty and not a classic-scan snapshot; choose a new or empty directory"
        )


#: A snapshot manifest is a few KB; a larger manifest.json is not one of ours (and is not read whole).
MANIFEST_MAX_BYTES = 16 << 20


def is_snapshot_dir(directory: Path) -> bool:
    """Whether `directory` holds a manifest.json of this format and version (a regular file, not a link)."""
    path = directory / MANIFEST
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MANIFEST_MAX_BYTES:
            return False
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and manifest.get("format_version") == FORMAT_VERSION
        and isinstance(manifest.get("datasets"), dict)
    )


def _swap(staging: Path, directory: Path) -> None:
    """Put `staging` where `directory` is, keeping the old one until the new one is in place."""
    if not directory.exists():
        os.replace(staging, directory)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".old", dir=directory.parent))
    os.rmdir(retired)
    os.replace(directory, retired)
    try:
        os.replace(staging, directory)
    except BaseException:
        os.replace(retired, directory)
        raise
    shutil.rmtree(retired, ignore_errors=True)
