"""Errors the CLI turns into exit codes."""

from __future__ import annotations


class ScanError(Exception):
    """An error with a one-line message for the user; the CLI prints it and exits with `exit_code`."""

    exit_code = 1


class InputError(ScanError):
    """Bad input or usage: unreadable file, wrong shape, invalid rule pack. Exit code 2."""

    exit_code = 2


def terminal_safe(text: str) -> str:
    """`text` with control characters (C0, DEL, C1) and bidirectional overrides written as escapes
    (`\\x1b`, `\\u202e`): tenant data in a message must not move the cursor, retitle the window or
    reorder what the reader sees."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
