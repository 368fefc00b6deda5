"""--mask for the parts of a result a tenant or a consultant wrote outside the inventory: the scan's
scope and coverage (input file names), the waivers and the history's delta."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from scanner.errors import ScanError
from scanner.masking_names import GENERIC_TAG_KEYS, ID_PLATFORM_TYPES
from scanner.masking_text import EMAIL, Masker
from scanner.model import CHANGE_CATEGORIES, HistoryReport, ScanMeta, WaiverEntry, WaiverReport
from scanner.snapshot import DATASETS, MANIFEST

#: ScanMeta fields that hold no identifier (ids, versions, times, source, cloud).
PLAIN_META_FIELDS = frozenset(
    {"id", "tool_version", "rules_version", "as_of", "started_at", "finished_at", "source", "cloud"}
)
#: ScanMeta fields mask_meta masks.
MASKED_META_FIELDS = frozenset({"scope", "coverage"})


def mask_meta(meta: ScanMeta, masker: Masker) -> ScanMeta:
    """The metadata with the scope's ids masked (other scope text opaque), `scope.masked` set, and the
    coverage with its inputs under neutral names and identifiers in its text replaced. A field this
    function does not know is refused (ScanError), never passed on unmasked."""
    unknown = sorted({f.name for f in dataclasses.fields(meta)} - PLAIN_META_FIELDS - MASKED_META_FIELDS)
    if unknown:
        raise ScanError(f"--mask does not know the scan field(s) {', '.join(unknown)}; nothing was written")
    coverage = masker.value(_neutral_inputs(dict(meta.coverage)))
    scope = {key: _mask_scope_value(key, value, masker) for key, value in meta.scope.items()}
    scope["masked"] = True
    return dataclasses.replace(meta, scope=scope, coverage=coverage)


def mask_history(history: HistoryReport | None, masker: Masker) -> HistoryReport | None:
    """The history report: the delta's resource ids masked segment by segment, also for resources this
    scan no longer has; scope key, scan ids, dates and counts hold no identifier."""
    if history is None or history.delta is None:
        return history
    delta = history.delta
    masked: dict[str, Any] = {
        category: tuple(
            dataclasses.replace(item, resource_id=mask_resource_id(item.resource_id, masker))
            for item in getattr(delta, category)
        )
        for category in CHANGE_CATEGORIES  # every category's items carry resource ids
    }
    return dataclasses.replace(history, delta=dataclasses.replace(delta, **masked))


#: Scope keys holding identifiers (masked as such); any other scope value is text a person wrote.
_SCOPE_ID_KEYS = frozenset({"tenant_ids", "tenant_id", "subscriptions", "management_groups"})
#: Scope kinds the collector writes (kept as they are).
_SCOPE_KINDS = frozenset({"tenant", "subscriptions", "management_groups", "subscription", "management_group"})


def _mask_scope_value(key: str, value: Any, masker: Masker) -> Any:
    if key in _SCOPE_ID_KEYS:
        return masker.value(value)
    if key == "kind" and value in _SCOPE_KINDS:
        return value
    return _opaque_all(value, masker)


def _opaque_all(value: Any, masker: Masker) -> Any:
    """Every string of `value` replaced: a known identifier by its pseudonym, anything else opaquely."""
    if isinstance(value, str):
        if not value.strip():
            return value
        return masker.pseudonyms.get(value.strip()) or masker.opaque("text", value)
    if isinstance(value, Mapping):
        return {k: _opaque_all(v, masker) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_opaque_all(v, masker) for v in value]
    return value


#: File names the scanner itself gives snapshot files: kept when masked (they name no one).
_TOOL_FILE_NAMES = frozenset({MANIFEST, *(f"{name}.jsonl" for name in DATASETS)})
#: Suffixes an input keeps under its neutral name.
_INPUT_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".csv"})


def _file_part(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).name


def _neutral_inputs(coverage: dict[str, Any]) -> dict[str, Any]:
    """The coverage with every input file under a neutral name (`input-1.json`, or the snapshot's own
    file names) and its SHA-256: consultants name files and folders after the customer."""
    renames: dict[str, str] = {}
    inputs: list[Any] = []
    for item in coverage.get("inputs") or []:
        if not isinstance(item, str):
            inputs.append(item)
            continue
        path, sep, digest = item.partition(" sha256:")
        name = _file_part(path)
        if name not in _TOOL_FILE_NAMES:
            suffix = PurePosixPath(name).suffix.lower()
            loose = sum(1 for n in renames.values() if n not in _TOOL_FILE_NAMES) + 1
            name = f"input-{loose}{suffix if suffix in _INPUT_SUFFIXES else ''}"
        renames[path] = name
        inputs.append(f"{name}{sep}{digest}")
    # Longest first, so a path is replaced before its folder, and its folder before the file name.
    replacements = dict(renames)
    for original in renames:
        folder = original[: len(original) - len(_file_part(original))]
        if folder.rstrip("/\\"):
            replacements.setdefault(folder, "")
            replacements.setdefault(folder.rstrip("/\\"), "snapshot")
        if _file_part(original) not in _TOOL_FILE_NAMES:
            replacements.setdefault(_file_part(original), renames[original])
    order = sorted(replacements, key=len, reverse=True)

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            for original in order:
                value = value.replace(original, replacements[original])
            return value
        if isinstance(value, Mapping):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    renamed = dict(rename({k: v for k, v in coverage.items() if k != "inputs"}))
    if "inputs" in coverage:
        renamed["inputs"] = inputs
    return renamed


#: Name a waivers file has in masked reports (its SHA-256 identifies it).
WAIVERS_FILE_NAME = "waivers.yaml"
#: Waiver fields that are the scanner's own vocabulary (rule ids, dates, states, counts).
_WAIVER_PLAIN_KEYS = frozenset({"rule", "expires", "state", "entry", "matched", "sha256"})


def mask_waivers(waivers: WaiverReport, masker: Masker) -> WaiverReport:
    """The waivers report: the file under a neutral name (its SHA-256 kept), each entry through
    mask_waiver."""

    def entries(items: tuple[WaiverEntry, ...]) -> tuple[WaiverEntry, ...]:
        return tuple(WaiverEntry(**mask_waiver(dataclasses.asdict(e), masker)) for e in items)

    return dataclasses.replace(
        waivers,
        file=WAIVERS_FILE_NAME if waivers.file else waivers.file,
        active=entries(waivers.active),
        expired=entries(waivers.expired),
        unused=entries(waivers.unused),
    )


def mask_waiver(entry: Any, masker: Masker) -> Any:
    """A waiver as recorded on a finding or in the waivers summary: its target through the pseudonyms
    (a name the scan did not see, a regex: opaque), its free text (justification, owner, ticket,
    approver) opaque, since consultants write the customer's words there."""
    if not isinstance(entry, Mapping):
        return masker.value(entry)
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if key in _WAIVER_PLAIN_KEYS or not isinstance(value, str) or not value.strip():
            out[key] = value
        elif key == "target":
            out[key] = _mask_target(value, masker)
        elif EMAIL.fullmatch(value.strip()):
            out[key] = masker.email(value.strip())
        else:
            out[key] = masker.opaque("text", value)
    return out


def mask_resource_id(resource_id: str, masker: Masker) -> str:
    """A resource id whose every name segment is a pseudonym (opaque for a resource the scan did not
    see); `subscriptions`, `resourceGroups`, `providers`, namespaces and type segments stay."""
    parts = resource_id.split("/")
    for i in range(2, len(parts), 2):
        segment, value = parts[i - 1].lower(), parts[i]
        if segment == "providers" or segment in ID_PLATFORM_TYPES or not value:
            continue
        parts[i] = masker.pseudonyms.get(value) or masker.opaque("res", value)
    return "/".join(parts)


def _mask_target(target: str, masker: Masker) -> str:
    """`resource NAME`, `resource matching REGEX` or `tags k=v, ...` (Waiver.target), masked."""

    def name(value: str, kind: str) -> str:
        return masker.pseudonyms.get(value.strip()) or masker.opaque(kind, value)

    if target.startswith("resource matching "):
        return "resource matching " + masker.opaque("regex", target[len("resource matching ") :])
    if target.startswith("resource "):
        resource = target[len("resource ") :]
        if resource.lower().startswith(("/subscriptions/", "/providers/")):
            return "resource " + mask_resource_id(resource, masker)
        return "resource " + name(resource, "res")
    if target.startswith("tags "):
        pairs = []
        for pair in target[len("tags ") :].split(", "):
            key, _, value = pair.partition("=")
            shown_key = key if key.strip().lower() in GENERIC_TAG_KEYS else name(key, "tagkey")
            pairs.append(f"{shown_key}={name(value, 'text')}")
        return "tags " + ", ".join(pairs)
    return masker.opaque("text", target)
