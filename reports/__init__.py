"""Renderers: each writes one output file from a ScanResult, and reads nothing else.

Adding an output format takes one module with `write(result: ScanResult, path: Path) -> None` and one
line in OUTPUTS; --format, its help and the writing order follow the registry. Importing this package
loads no renderer (and not pandas): the CLI reads the registry before it knows what it will write.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from reports import folder
from reports.folder import LOCK_NAME as LOCK_NAME
from scanner.errors import InputError

if TYPE_CHECKING:
    from scanner.model import ScanResult

Writer = Callable[["ScanResult", Path], None]


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
#: Formats that `--compress` writes gzip-compressed, as NAME.gz (reports.compressed).
COMPRESSIBLE: tuple[str, ...] = ("json", "csv")


def file_name(fmt: str, compress: bool = False) -> str:
    """The file a format is written to: findings.json, or findings.json.gz with `compress`."""
    name = OUTPUTS[fmt][0]
    return f"{name}.gz" if compress and fmt in COMPRESSIBLE else name


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


def write_reports(
    result: ScanResult, out_dir: Path, formats: Iterable[str], compress: bool = False
) -> list[Path]:
    """Write every format into a staging folder in `out_dir`, then move them into place together
    (reports.folder): no half-written report, no half-replaced folder, no file replaced that the
    scanner did not write. Reports are created readable by their owner only (0600).

    With `compress`, findings.json and findings.csv are written as .gz; the other form of each
    (a plain findings.json from an earlier scan, say) is removed with the move when the scanner
    wrote it, so the folder never holds two scans' findings side by side."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the output directory: {exc.strerror}") from None
    wanted = [(fmt, file_name(fmt, compress)) for fmt in formats]
    names = [name for _, name in wanted]
    retired = [file_name(fmt, not compress) for fmt, _ in wanted if fmt in COMPRESSIBLE]
    folder.check_replaceable(out_dir, names)  # before the work, so a refusal costs nothing
    staging = folder.new_staging(out_dir)
    try:
        for fmt, name in wanted:
            write = writer(fmt)
            folder.create_private(staging / name)
            write(result, staging / name)
        folder.place(staging, out_dir, names, retired)
    except folder.ReportOpenError as exc:
        raise InputError(f"{exc}; the new reports are in {folder.keep_staging(staging)}") from None
    except folder.UndoFailedError:
        raise
    except BaseException:
        folder.discard_staging(staging)
        raise
    folder.discard_staging(staging)
    return [out_dir / name for name in names]
