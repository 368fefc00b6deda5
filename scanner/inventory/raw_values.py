"""Reading values out of raw ARG rows: dotted paths matched case-insensitively, with an absent key
(MISSING) told apart from an explicit null, because for some columns an absent key inside a present
parent object means "none" (documented per column). Missing data is None (NA)."""

from __future__ import annotations

from typing import Any

MISSING: Any = object()

Row = dict[str, Any]
Props = dict[str, Any]


def dig(obj: Any, path: str) -> Any:
    """The value at a dotted path, MISSING when a key is absent; keys match case-insensitively."""
    for part in path.split("."):
        if not isinstance(obj, dict):
            return MISSING
        if part in obj:
            obj = obj[part]
            continue
        lowered = part.lower()
        for key, value in obj.items():
            if str(key).lower() == lowered:
                obj = value
                break
        else:
            return MISSING
    return obj


def text(obj: Any, path: str) -> str | None:
    """A string value, or None when absent or null."""
    value = dig(obj, path)
    if value is MISSING or value is None or isinstance(value, dict | list):
        return None
    return str(value)


def text_or_empty(obj: Any, path: str) -> str | None:
    """Like `text`, but '' when the key is absent or null inside a present parent (None if no parent)."""
    parent_path, _, _ = path.rpartition(".")
    parent = dig(obj, parent_path) if parent_path else obj
    if not isinstance(parent, dict):
        return None
    value = text(parent, path.rpartition(".")[2])
    return value if value is not None else ""


def flag(obj: Any, path: str) -> bool | None:
    """A boolean; accepts JSON booleans and 'true'/'false' text (CSV exports)."""
    value = dig(obj, path)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def items(obj: Any, path: str) -> list[Any] | None:
    """A list value; [] for explicit null; None when absent."""
    value = dig(obj, path)
    if value is MISSING:
        return None
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
