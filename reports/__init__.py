"""Renderers: each writes one output file from a ScanResult, and reads nothing else."""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from scanner.errors import InputError
from scanner.model import ScanResult

Writer = Callable[[ScanResult, Path], None]


#: Output formats, in the order they are written, with their file names and renderer modules.
OUTPUTS: dict[str, tuple[str, str]] = {
    "xlsx": ("report.xlsx", "reports.excel"),
    "html": ("report.html", "reports.html"),
    "json": ("findings.json", "reports.json_report"),
    "csv": ("findings.csv", "reports.csv_report"),
    "junit": ("junit.xml", "reports.junit_report"),
    "md": ("summary.md", "reports.markdown_report"),
}
FORMATS: tuple[str, ...] = tuple(OUTPUTS)


def writer(fmt: str) -> Writer:
    """The `write(result, path)` function of a format's renderer."""
    module = importlib.import_module(OUTPUTS[fmt][1])
    write: Writer = module.write
    return write


def parse_formats(text: str) -> tuple[str, ...]:
    """`json,csv` -> ('json', 'csv'); InputError on an unknown format."""
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(
            f"--format: unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}"
        )
    return tuple(dict.fromkeys(wanted))


LOCK_NAME = ".classic-scan.lock"


@contextlib.contextmanager
def _out_lock(out_dir: Path) -> Iterator[None]:
    with (out_dir / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_reports(result: ScanResult, out_dir: Path, formats: Iterable[str]) -> list[Path]:
    """Write every format to a temporary file, then rename them all: no half-written report."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the output directory: {exc.strerror}") from None
    staged: list[tuple[Path, Path]] = []
    try:
        for fmt in formats:
            name = OUTPUTS[fmt][0]
            write = writer(fmt)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            os.close(fd)
            tmp = Path(tmp_name)
            staged.append((tmp, out_dir / name))
            write(result, tmp)
        with _out_lock(out_dir):  # two scans into one folder never interleave their sets of files
            for tmp, final in staged:
                os.replace(tmp, final)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    return [final for _, final in staged]
