"""Bounds on hostile input: nesting depth of every parsed document, YAML without aliases.

A document nested thousands deep exhausts Python's recursion in the parser or in any later recursive
walk (masking, secret stripping), and a few hundred bytes of nested YAML aliases expand to gigabytes.
Every input is therefore parsed with these bounds, and a document beyond them is refused with one line.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Deepest nesting of objects and arrays accepted in any input. ARG rows nest about 10 deep, rule
#: files and waivers 6; 64 leaves room for any real document and stays far below the recursion limit.
MAX_DEPTH = 64


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests dicts and lists (tuples) deeper than `limit`. Recursive, but never more
    than `limit` frames deep: it answers True once the budget is spent."""
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list | tuple):
        children = value
    else:
        return False
    if limit <= 0:
        return True
    for child in children:
        if isinstance(child, dict | list | tuple) and depth_exceeds(child, limit - 1):
            return True
    return False


def may_be_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON `text` could nest deeper than `limit`: it opens more brackets than that (a cheap
    pre-filter so ordinary rows skip the walk)."""
    if isinstance(text, bytes):
        return text.count(b"{") + text.count(b"[") > limit
    return text.count("{") + text.count("[") > limit


class BoundedYamlLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no expansion bombs) and nesting deeper than MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write the value out", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str, loader: type[BoundedYamlLoader] = BoundedYamlLoader) -> Any:
    """Parse YAML with `loader` (BoundedYamlLoader or a subclass); yaml.YAMLError on bad input."""
    return yaml.load(text, Loader=loader)  # a SafeLoader subclass: no arbitrary objects
