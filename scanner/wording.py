"""Counted nouns for messages: "1 row", "2 rows" (never "1 rows")."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number that agrees with it; `plural` for irregular nouns."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
