"""Where a scan's reports go: an output folder checked before anything is read, or stdout (`--out -`)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from scanner.errors import InputError
from scanner.model import ScanResult

STDOUT = "-"
#: Formats that can be piped: one text document each.
STDOUT_FORMATS = ("json", "csv", "md")


def is_stdout(out: Path | str) -> bool:
    return str(out) == STDOUT


def check_out(out: Path | str, formats: tuple[str, ...]) -> None:
    """Refuse, before any reading, an output the reports could not be written to."""
    if is_stdout(out):
        if len(formats) != 1 or formats[0] not in STDOUT_FORMATS:
            raise InputError(
                f"--out -: writes one format to stdout; give --format {' or '.join(STDOUT_FORMATS)} alone"
            )
        return
    path = Path(out)
    if path.exists():
        if not path.is_dir():
            raise InputError(f"--out {out}: is a file, not a directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise InputError(f"--out {out}: the directory is not writable")
        return
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"--out {out}: cannot create the directory: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"--out {out}: cannot create the directory: {parent} is not writable")


def write_stdout(result: ScanResult, fmt: str, file_name: str, stream: BinaryIO | None = None) -> bool:
    """Render one format and copy it to stdout; False when the reader went away (a closed pipe)."""
    from reports import writer

    target = stream if stream is not None else sys.stdout.buffer
    with tempfile.TemporaryDirectory(prefix="classic-scan-") as tmp:
        path = Path(tmp) / file_name
        writer(fmt)(result, path)
        try:
            with path.open("rb") as fh:
                shutil.copyfileobj(fh, target)
            target.flush()
        except BrokenPipeError:
            silence_stdout()
            return False
    return True


def silence_stdout() -> None:
    """After the reader of stdout has gone (`| head`), send what is left to /dev/null, so that the
    final flush at exit does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (a test runner's buffer)
        pass
