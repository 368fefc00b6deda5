"""What a rule may name as a field: a column of its target table, or `tags.<key>`, one tag's value.

A tag field is a text column derived from the `tags` dict when a rule first reads it. Azure treats
tag names case-insensitively, so the key matches whatever case the data uses; a resource without the
tag has NA there, so `missing` and `exists` test its presence and every other test is unknown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from scanner.inventory.columns import Column, Table

TAG_PREFIX = "tags."


def tag_key(name: str) -> str | None:
    """The tag key of a `tags.<key>` field name, else None."""
    if name.startswith(TAG_PREFIX) and len(name) > len(TAG_PREFIX):
        return name[len(TAG_PREFIX) :]
    return None


def field_column(table: Table, name: str) -> Column | None:
    """The column a field name refers to in `table` (a text column for a tag), or None."""
    column = table.column(name)
    if column is not None:
        return column
    key = tag_key(name)
    if key is None or table.column("tags") is None:
        return None
    return Column(name, "str", f"Value of the tag {key!r} (name case-insensitive); NA when absent.")


def field_values(frame: pd.DataFrame, name: str) -> pd.Series[Any]:
    """The values of a field over a table's rows."""
    if name in frame.columns:
        return frame[name]
    key = tag_key(name)
    if key is None:
        raise KeyError(name)
    wanted = key.lower()
    return pd.Series([_tag(tags, wanted) for tags in frame["tags"].tolist()], index=frame.index, dtype=object)


def _tag(tags: Any, wanted: str) -> str | None:
    if not isinstance(tags, dict):
        return None
    for key, value in tags.items():
        if str(key).lower() == wanted:
            return None if value is None else str(value)
    return None
