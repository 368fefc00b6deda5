"""Shared by the report tests: scans with waivers and history, hostile waiver texts, the browser."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from scanner.model import ScanResult
from scanner.scan import ScanOptions, run_scan

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="the browser tests need Debian's chromium on PATH (apt-get install chromium)"
)

#: Waiver texts a browser or a spreadsheet would run, if they were ever markup or formulas.
HOSTILE_WHY = "<script>alert(1)</script>"
HOSTILE_OWNER = '=HYPERLINK("x")'
HOSTILE_TICKET = "@SUM(1)"
HOSTILE_APPROVER = '"><img src=x onerror=alert(1)>'

FIRST_WAIVERS = """\
waivers:
  - rule: "VM-00*"
    resource_regex: "fab-sql-0[12]$"
    justification: "SQL VMs move after the vendor upgrade"
    owner: "dba-team@fabrikam.example"
    expires: "2027-01-31"
    ticket: "CHG-1042"
  - rule: "RET-001"
    resource: "/subscriptions/x/resourceGroups/y/providers/Microsoft.ClassicCompute/virtualMachines/ghost"
    justification: "old"
    owner: "me"
    expires: "2025-01-01"
"""
# The second scan: fab-sql-02 loses its waiver and fab-sql-01's has expired (both fail again: waiver
# expired), the fab-web retirement findings get a hostile waiver (newly waived), one waiver is unused.
SECOND_WAIVERS = f"""\
waivers:
  - rule: "VM-00*"
    resource_regex: "fab-sql-01$"
    justification: "SQL VMs move after the vendor upgrade"
    owner: "dba-team@fabrikam.example"
    expires: "2026-12-01"
    ticket: "CHG-1042"
  - rule: "RET-*"
    resource_regex: "fab-web"
    justification: "{HOSTILE_WHY}"
    owner: '{HOSTILE_OWNER}'
    ticket: "{HOSTILE_TICKET}"
    approved_by: '{HOSTILE_APPROVER}'
    expires: "2027-03-31"
  - rule: "NET-*"
    tags: {{env: nothing}}
    justification: "Placeholder for the lab network"
    owner: "net@fabrikam.example"
    expires: "2027-06-30"
"""


@dataclass(frozen=True)
class TwoScans:
    first: ScanResult
    second: ScanResult
    folder: Path


def two_scans_in(folder: Path) -> TwoScans:
    """The demo scanned twice into one history database, each time with a waivers file."""
    db = folder / "history.db"
    results = []
    for name, text, as_of, started in (
        ("first.yaml", FIRST_WAIVERS, date(2026, 11, 26), "2026-11-26T08:00:00Z"),
        ("second.yaml", SECOND_WAIVERS, date(2026, 12, 15), "2026-12-15T08:00:00Z"),
    ):
        waivers = folder / name
        waivers.write_text(text, encoding="utf-8")
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("scanner.scan.now", lambda started=started: started)
            results.append(run_scan(ScanOptions(demo=True, as_of=as_of, waivers=waivers, history=db)))
    return TwoScans(results[0], results[1], folder)
