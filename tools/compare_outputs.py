"""Compare the outputs of two scans, written by two versions of classic-scan, for what a reader sees.

    python tools/compare_outputs.py OLD_DIR NEW_DIR [--limit N]

Compares findings.json (parsed; the scan id, start and finish times and the install paths of the
inputs left out), findings.csv, junit.xml and summary.md (text; the scan id and times replaced by
placeholders), report.xlsx (cell values, sheet by sheet) and report.html (the visible text, without
scripts and styles). A file present in neither folder is skipped; in one only, it is a difference.
Prints one line per file and the first differences of each; exit 0 when everything matches, 1 when
something differs, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

#: scan fields that differ on every run.
RUN_FIELDS = ("id", "started_at", "finished_at")
#: Differences printed per file.
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class Run:
    """What differs between two runs of the same scan: replaced by placeholders before comparing."""

    scan_id: str
    started_at: str
    finished_at: str

    def normalise(self, text: str) -> str:
        if self.scan_id:
            text = text.replace(self.scan_id, "<scan-id>")
        for value in (self.started_at, self.finished_at):
            for form in _time_forms(value):
                text = text.replace(form, "<time>")
        return text


def _time_forms(value: str) -> list[str]:
    """The ways the reports print a scan's start or finish time (ISO, without Z, as a date line)."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return [value] if value else []
    return [
        value,
        value.removesuffix("Z"),
        f"{moment.day} {moment:%b %Y, %H:%M} UTC",
        f"{moment:%Y-%m-%d %H:%M} UTC",
        f"{moment:%Y-%m-%d %H:%M:%S}",
    ]


class InputProblem(Exception):
    """An output folder that cannot be compared."""


def read_run(folder: Path) -> Run:
    path = folder / "findings.json"
    if not path.is_file():
        return Run("", "", "")
    scan = _json(path).get("scan") or {}
    return Run(*(str(scan.get(name) or "") for name in RUN_FIELDS))


def _json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputProblem(f"{path}: {exc}") from None
    if not isinstance(doc, dict):
        raise InputProblem(f"{path}: not a findings.json document")
    return doc


def findings_json(path: Path, run: Run) -> Any:
    doc = _json(path)
    scan = dict(doc.get("scan") or {})
    for name in RUN_FIELDS:
        scan.pop(name, None)
    coverage = dict(scan.get("coverage") or {})
    # Inputs are "PATH sha256:DIGEST": the same file installed elsewhere is the same input.
    coverage["inputs"] = [_input_name(str(i)) for i in coverage.get("inputs") or []]
    scan["coverage"] = coverage
    return {**doc, "scan": scan}


def _input_name(text: str) -> str:
    path, _, digest = text.rpartition(" ")
    return f"{Path(path).name} {digest}" if path else text


def text_lines(path: Path, run: Run) -> list[str]:
    text = run.normalise(path.read_text(encoding="utf-8"))
    return re.sub(r'(timestamp|time)="[^"]*"', r'\1="<time>"', text).splitlines()


def workbook_cells(path: Path, run: Run) -> dict[str, list[tuple[str, str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            ws.title: [
                (f"{ws.title}!{cell.coordinate}", run.normalise(str(cell.value)))
                for row in ws.iter_rows()
                for cell in row
                if cell.value is not None and hasattr(cell, "coordinate")
            ]
            for ws in book.worksheets
        }
    finally:
        book.close()


class _VisibleText(HTMLParser):
    """The text a browser shows: everything outside script, style and template elements."""

    HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.parts.append(" ".join(data.split()))


def html_text(path: Path, run: Run) -> list[str]:
    parser = _VisibleText()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return [run.normalise(part) for part in parser.parts]


def _differences(old: Any, new: Any, where: str = "") -> Iterator[str]:
    """Paths at which two JSON-like values differ, depth first."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            if key not in new:
                yield f"{where}/{key}: only in OLD"
            elif key not in old:
                yield f"{where}/{key}: only in NEW"
            else:
                yield from _differences(old[key], new[key], f"{where}/{key}")
        if [k for k in old if k in new] != [k for k in new if k in old]:
            yield f"{where}: keys in another order"
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            yield f"{where}: {len(old)} items in OLD, {len(new)} in NEW"
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            yield from _differences(a, b, f"{where}[{i}]")
    elif old != new or type(old) is not type(new):
        yield f"{where}: {_short(old)} -> {_short(new)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _line_differences(old: list[str], new: list[str], label: str) -> Iterator[str]:
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            yield f"{label} {i + 1}: {_short(a)} -> {_short(b)}"
    if len(old) != len(new):
        yield f"{len(old)} {label}s in OLD, {len(new)} in NEW"


def _cell_differences(
    old: dict[str, list[tuple[str, str]]], new: dict[str, list[tuple[str, str]]]
) -> Iterator[str]:
    if list(old) != list(new):
        yield f"sheets: {list(old)} -> {list(new)}"
    for title in (t for t in old if t in new):
        a, b = dict(old[title]), dict(new[title])
        for ref in [*a, *(r for r in b if r not in a)]:
            if a.get(ref) != b.get(ref):
                yield f"{ref}: {_short(a.get(ref))} -> {_short(b.get(ref))}"


Comparer = Callable[[Path, Path, Run, Run], Iterator[str]]

COMPARERS: dict[str, Comparer] = {
    "findings.json": lambda o, n, ro, rn: _differences(findings_json(o, ro), findings_json(n, rn)),
    "findings.csv": lambda o, n, ro, rn: _line_differences(text_lines(o, ro), text_lines(n, rn), "line"),
    "junit.xml": lambda o, n, ro, rn: _line_differences(text_lines(o, ro), text_lines(n, rn), "line"),
    "summary.md": lambda o, n, ro, rn: _line_differences(text_lines(o, ro), text_lines(n, rn), "line"),
    "report.xlsx": lambda o, n, ro, rn: _cell_differences(workbook_cells(o, ro), workbook_cells(n, rn)),
    "report.html": lambda o, n, ro, rn: _line_differences(html_text(o, ro), html_text(n, rn), "text"),
}


def compare(old_dir: Path, new_dir: Path, limit: int = DEFAULT_LIMIT) -> tuple[list[str], bool]:
    """(report lines, whether everything matched)."""
    for folder in (old_dir, new_dir):
        if not folder.is_dir():
            raise InputProblem(f"{folder}: not a folder")
    old_run, new_run = read_run(old_dir), read_run(new_dir)
    lines: list[str] = []
    same = True
    for name, comparer in COMPARERS.items():
        old, new = old_dir / name, new_dir / name
        if not old.exists() and not new.exists():
            continue
        if not (old.exists() and new.exists()):
            lines.append(f"{name}: only in {'OLD' if old.exists() else 'NEW'}")
            same = False
            continue
        found = []
        for difference in comparer(old, new, old_run, new_run):
            found.append(difference)
            if len(found) > limit:
                break
        lines.append(f"{name}: {'same' if not found else 'DIFFERS'}")
        lines += [f"  {d}" for d in found[:limit]]
        if len(found) > limit:
            lines.append("  ...")
        same = same and not found
    return lines, same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="compare_outputs", description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="outputs of the old version")
    parser.add_argument("new", type=Path, help="outputs of the new version")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="differences shown per file")
    args = parser.parse_args(argv)
    try:
        lines, same = compare(args.old, args.new, max(1, args.limit))
    except InputProblem as exc:
        print(f"compare_outputs: error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
