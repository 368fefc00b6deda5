"""Errors the CLI turns into exit codes."""

from __future__ import annotations


class ScanError(Exception):
    """An error with a one-line message for the user; the CLI prints it and exits with `exit_code`."""

    exit_code = 1


class InputError(ScanError):
    """Bad input or usage: unreadable file, wrong shape, invalid rule pack. Exit code 2."""

    exit_code = 2
