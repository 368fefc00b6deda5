"""Compare two report.xlsx files part by part and cell by cell (a refactoring must not change a cell).

    python bench/compare_xlsx.py BEFORE.xlsx AFTER.xlsx

Both workbooks are read as the XML xlsxwriter wrote (no spreadsheet library in between), so values,
styles, tables, charts and print settings all count. Two scans of the same input differ only in the
scan's id and times: cells whose two values are both a UUID or both an ISO time stamp, and the
workbook's creation time (docProps/core.xml, the scan's start), are counted as "scan-specific" and
not as differences. Exit 0 when nothing else differs, 1 otherwise (the differences are listed).
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from pathlib import Path

#: One cell element of a worksheet: its reference and the whole element.
_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_VALUE = re.compile(rb"<(?:v|t)(?: [^>]*)?>(.*?)</(?:v|t)>", re.S)
_SCAN_SPECIFIC = re.compile(
    rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    rb"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"
    rb"|4\d{4}\.\d+"  # an Excel date-time serial (a date in 2009-2173 with a time of day)
)
_CORE_TIME = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _cells(xml: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(0) for m in _CELL.finditer(xml)}


def _text(cell: bytes) -> bytes:
    return b"".join(_VALUE.findall(cell))


def _masked(cell: bytes) -> bytes:
    return _SCAN_SPECIFIC.sub(b"#", cell)


def compare(before: Path, after: Path, limit: int = 20) -> tuple[list[str], int]:
    """The differences (as lines) and the number of scan-specific cells that differ."""
    problems: list[str] = []
    specific = 0
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        old_names, new_names = old.namelist(), new.namelist()
        if old_names != new_names:
            problems.append(
                f"parts differ: only before {sorted(set(old_names) - set(new_names))}, "
                f"only after {sorted(set(new_names) - set(old_names))}, or their order"
            )
        for name in (n for n in old_names if n in new_names):
            a, b = old.read(name), new.read(name)
            if a == b:
                continue
            if name == "docProps/core.xml" and _CORE_TIME.sub(b"", a) == _CORE_TIME.sub(b"", b):
                specific += 1
                continue
            if not name.startswith("xl/worksheets/sheet"):
                problems.append(f"{name}: differs")
                continue
            cells_a, cells_b = _cells(a), _cells(b)
            if _CELL.sub(b"", a) != _CELL.sub(b"", b):
                problems.append(f"{name}: differs outside its cells (rows, columns, links, settings)")
            for ref in sorted(cells_a.keys() | cells_b.keys()):
                x, y = cells_a.get(ref, b""), cells_b.get(ref, b"")
                if x == y:
                    continue
                if _masked(x) == _masked(y) and x and y:
                    specific += 1
                    continue
                if len(problems) < limit:
                    problems.append(f"{name} {ref.decode()}: {_text(x)[:80]!r} -> {_text(y)[:80]!r}")
                else:
                    problems.append(f"{name}: more differences")
                    break
    return problems, specific


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    problems, specific = compare(args.before, args.after)
    for line in problems:
        print(line)
    verdict = "different" if problems else "same cells"
    print(f"{verdict}; {specific} scan-specific part(s) or cell(s) (id, times)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
