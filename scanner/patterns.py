"""Regular expressions from rule packs and waivers, on a linear-time engine (RE2).

Python's `re` backtracks: a pattern such as `^([a-z0-9]+-?)+-prod$` takes time exponential in the
length of a name it fails on, so one waiver or custom rule could stall a scan for hours. RE2 matches
in time linear in the text. It has no backreferences and no lookaround (`(?=…)`, `(?<!…)`); such a
pattern is refused when the file is loaded, with the reason. Other differences from `re`: `\\d`, `\\w`
and `\\b` are ASCII-only, and `$` matches only at the very end of the text.
"""

from __future__ import annotations

from typing import Protocol

import re2

#: Memory RE2 may use for one compiled pattern; a pattern needing more is refused (too large).
MAX_PATTERN_MEMORY = 8 << 20


class PatternError(ValueError):
    """A pattern RE2 cannot compile; the message says why, in one line."""


class Pattern(Protocol):
    """What the scanner uses of a compiled pattern."""

    pattern: str

    def search(self, text: str) -> object | None: ...


def compile_pattern(text: str, *, ignore_case: bool = True) -> Pattern:
    """Compile `text` with RE2 (case-insensitive unless told); PatternError when RE2 cannot."""
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False  # RE2 would print its own copy of the error to stderr
    options.max_mem = MAX_PATTERN_MEMORY
    try:
        compiled: Pattern = re2.compile(text, options)
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None
    except (TypeError, ValueError) as exc:  # text RE2 cannot take at all (a NUL, bad encoding)
        raise PatternError(str(exc)) from None
    return compiled


def _reason(exc: Exception) -> str:
    detail = exc.args[0] if exc.args else exc
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    unsupported = ("invalid perl operator", "invalid escape sequence", "invalid named capture group")
    hint = " (RE2 syntax: no lookaround or backreferences)" if text.startswith(unsupported) else ""
    text = " ".join(text.split())
    return (text if len(text) <= 160 else text[:160] + "...") + hint
