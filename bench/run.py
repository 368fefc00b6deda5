"""Benchmarks of classic-scanner: stage timings, peak RSS and the four comparisons of bench/README.md.

    python bench/run.py                          # everything: 1k / 10k / 100k, live, HTML
    python bench/run.py --sizes 1000,10000       # a quicker subset
    python bench/run.py offline --snapshot DIR --out DIR [--profile-dir DIR]   # one measurement

The driver generates (or reuses) one snapshot per size under --work and runs every measurement in a
fresh subprocess of this script, so each peak RSS belongs to one run. Each subcommand writes its
figures as JSON (--json); the driver collects them in --results (results.json and summary.md).
Speed and memory are measured here only, never asserted in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import json
import os
import pickle
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 11, 26)
DEFAULT_WORK = Path(os.environ.get("BENCH_WORK", "/tmp/classic-scan-bench"))
DEFAULT_RESULTS = HERE / "results"
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


# -- measuring ------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident set size."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Stages:
    """Wall time, CPU time and memory per named stage; optionally a pyinstrument profile of each."""

    def __init__(self, profile_dir: Path | None = None) -> None:
        self.rows: list[dict[str, Any]] = []
        self.profile_dir = profile_dir

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        profiler = None
        if self.profile_dir is not None:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.002)
            profiler.start()
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            elapsed, cpu_used = time.perf_counter() - wall, time.process_time() - cpu
            if profiler is not None:
                profiler.stop()
                assert self.profile_dir is not None
                self.profile_dir.mkdir(parents=True, exist_ok=True)
                text = profiler.output_text(unicode=False, color=False, show_all=False)
                file_name = re.sub(r"\W+", "_", name).strip("_")
                (self.profile_dir / f"{file_name}.txt").write_text(text, encoding="utf-8")
            self.rows.append(
                {
                    "stage": name,
                    "seconds": round(elapsed, 3),
                    "cpu_seconds": round(cpu_used, 3),
                    "rss_mb_after": round(rss_mb(), 1),
                    "peak_rss_mb_after": round(peak_rss_mb(), 1),
                }
            )

    def seconds(self, name: str) -> float:
        return sum(r["seconds"] for r in self.rows if r["stage"] == name)


def write_json(path: Path | None, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, sort_keys=False, default=str)
    if path is None:
        print(text)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")


def snapshot_rows(directory: Path) -> int:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return sum(int(d["rows"]) for d in manifest["datasets"].values())


# -- offline: the real pipeline, stage by stage -----------------------------------------------------


def cmd_offline(args: argparse.Namespace) -> dict[str, Any]:
    """run_scan on a snapshot (stages timed by wrapping the functions run_scan calls), then each writer."""
    import reports
    import scanner.scan as scan_mod
    from scanner.engine.evaluate import python_value
    from scanner.sources.files import FilesSource

    stages = Stages(args.profile_dir)
    baseline = rss_mb()

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **k: Any) -> Any:
            with stages(name):
                return fn(*a, **k)

        return wrapper

    class TimedFiles(FilesSource):
        def read(self) -> Any:
            with stages("load"):
                return super().read()

    scan_mod.FilesSource = TimedFiles  # type: ignore[misc]
    scan_mod.load_pack = timed("rules", scan_mod.load_pack)
    scan_mod.build_inventory = timed("inventory", scan_mod.build_inventory)
    import scanner.engine.evaluate as evaluate_mod

    evaluate_mod.judge = timed("evaluate: verdicts", evaluate_mod.judge)
    evaluate_mod.findings = timed("evaluate: findings", evaluate_mod.findings)
    scan_mod.build_plan = timed("plan", scan_mod.build_plan)
    if hasattr(scan_mod, "apply_waivers"):
        scan_mod.apply_waivers = timed("waivers", scan_mod.apply_waivers)
    started = time.perf_counter()
    result = scan_mod.run_scan(scan_mod.ScanOptions(inputs=(args.snapshot,), as_of=AS_OF))
    scan_seconds = time.perf_counter() - started
    known = sum(r["seconds"] for r in stages.rows)
    stages.rows.append(
        {
            "stage": "scan (other)",
            "seconds": round(scan_seconds - known, 3),
            "cpu_seconds": None,
            "rss_mb_after": round(rss_mb(), 1),
            "peak_rss_mb_after": round(peak_rss_mb(), 1),
        }
    )
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for fmt in args.formats.split(","):
        # "json.gz", "csv.gz": the --compress files, timed apart from the end to end (the floor has none)
        base = fmt.removesuffix(".gz")
        path = args.out / reports.file_name(base, compress=fmt.endswith(".gz"))
        write = reports.writer(base)
        gc.collect()
        with stages(f"write {fmt}"):
            write(result, path)
        sizes[fmt] = path.stat().st_size
    plain_formats = [f for f in args.formats.split(",") if not f.endswith(".gz")]
    write_seconds = sum(stages.seconds(f"write {f}") for f in plain_formats)
    out = {
        "kind": "offline",
        "snapshot": str(args.snapshot),
        "rows": snapshot_rows(args.snapshot),
        "resources": result.inventory.resource_count,
        "findings": len(result.findings),
        "findings_not_pass": int((result.findings["status"] != "pass").sum()),
        "baseline_rss_mb": round(baseline, 1),
        "stages": stages.rows,
        "scan_seconds": round(scan_seconds, 3),
        "write_seconds": round(write_seconds, 3),
        "end_to_end_seconds": round(scan_seconds + write_seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "output_bytes": sizes,
        "profiled": args.profile_dir is not None,
    }
    if args.dump is not None:  # what the floor writes: the same findings and inventory, as Python values
        f = result.findings.astype(object)
        findings = [{k: python_value(v) for k, v in r.items()} for r in f.to_dict("records")]
        inventory = {
            name: (
                list(frame.columns),
                [tuple(python_value(v) for v in row) for row in frame.astype(object).itertuples(index=False)],
            )
            for name, frame in result.inventory.tables.items()
            if len(frame)
        }
        with args.dump.open("wb") as fh:
            pickle.dump({"findings": findings, "inventory": inventory}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return out


# -- the I/O floor: parse the same input, write the same findings with raw writers ------------------


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def cmd_floor(args: argparse.Namespace) -> dict[str, Any]:
    """json.loads per input line, then json.dump / csv.writer / xlsxwriter (constant_memory) / one JSON
    blob in an HTML page for the same findings (and, for xlsx, the same inventory sheets)."""
    import xlsxwriter

    from scanner.engine.evaluate import FINDING_COLUMNS

    with args.dump.open("rb") as fh:
        data = pickle.load(fh)
    findings: list[dict[str, Any]] = data["findings"]
    inventory: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = data["inventory"]
    gc.collect()
    stages = Stages()
    baseline = rss_mb()
    args.out.mkdir(parents=True, exist_ok=True)

    with stages("parse (json.loads per line)"):
        manifest = json.loads((args.snapshot / "manifest.json").read_text(encoding="utf-8"))
        parsed = 0
        for entry in manifest["datasets"].values():
            text = (args.snapshot / entry["file"]).read_text(encoding="utf-8")
            rows = [json.loads(line) for line in text.splitlines() if line]
            parsed += len(rows)
            del rows, text

    xlsx_columns = (
        "severity",
        "status",
        "rule_id",
        "title",
        "category",
        "resource_name",
        "resource_type",
        "subscription_id",
        "resource_group",
        "location",
        "message",
        "evidence",
        "remediation",
        "references",
        "finding_id",
        "resource_id",
    )
    with stages("xlsx (xlsxwriter constant_memory)"):
        book = xlsxwriter.Workbook(
            str(args.out / "floor.xlsx"),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        sheet = book.add_worksheet("Findings")
        sheet.write_row(0, 0, xlsx_columns)
        n = 0
        for f in findings:
            if f["status"] == "pass":
                continue
            n += 1
            sheet.write_row(n, 0, [_cell(f[c]) for c in xlsx_columns])
        for name, (columns, rows) in inventory.items():
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, columns)
            for i, row in enumerate(rows, start=1):
                sheet.write_row(i, 0, [_cell(v) for v in row])
        book.close()

    with stages("html (json.dumps into a page)"):
        rows_compact = [[f[c] for c in FINDING_COLUMNS] for f in findings]
        blob = json.dumps(rows_compact, ensure_ascii=False, separators=(",", ":"), default=str)
        with (args.out / "floor.html").open("w", encoding="utf-8") as fh:
            fh.write('<!doctype html><html><body><script type="application/json" id="d">')
            fh.write(blob.replace("<", "\\u003c"))
            fh.write("</script></body></html>\n")
        del rows_compact, blob

    with stages("json (json.dump)"), (args.out / "floor.json").open("w", encoding="utf-8") as fh:
        json.dump({"findings": findings}, fh, ensure_ascii=False, default=str)

    with stages("csv (csv.writer)"), (args.out / "floor.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FINDING_COLUMNS)
        writer.writerows([_cell(f[c]) for c in FINDING_COLUMNS] for f in findings)

    # Information only: the C encoder (json.dumps, then one write) that json.dump does not use.
    started = time.perf_counter()
    with (args.out / "floor-dumps.json").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"findings": findings}, ensure_ascii=False, default=str))
    json_dumps_seconds = time.perf_counter() - started

    total = sum(r["seconds"] for r in stages.rows)
    return {
        "kind": "floor",
        "rows_parsed": parsed,
        "findings": len(findings),
        "baseline_rss_mb": round(baseline, 1),
        "stages": stages.rows,
        "floor_seconds": round(total, 3),
        "json_dumps_seconds_info": round(json_dumps_seconds, 3),
        "floor_seconds_with_json_dumps": round(
            total - stages.seconds("json (json.dump)") + json_dumps_seconds, 3
        ),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


# -- rule evaluation: vectorized engine against the naive per-row loop -------------------------------


def cmd_eval(args: argparse.Namespace) -> dict[str, Any]:
    """The engine's two steps against the naive loop, on the same inventory.

    Verdicts: `judge` (where + condition + requires for every rule and row, including preparing each
    table's columns) against `naive.conditions_only` (the same verdicts row by row, given the rows as
    dicts; converting the tables to dicts is timed separately). Findings: `findings` (message,
    evidence, id per verdict) against the rest of the naive loop. Both must give identical findings."""
    from bench import naive
    from scanner.engine.evaluate import STATUSES, evaluate, findings, judge, python_value
    from scanner.engine.rules import load_pack
    from scanner.inventory import build_inventory
    from scanner.sources.files import FilesSource

    inventory = build_inventory(FilesSource([args.snapshot]).read())
    pack = load_pack()
    gc.collect()
    gc.disable()  # both sides allocate; collections would charge one side for the other's heap

    def best(fn: Callable[[], Any]) -> tuple[Any, float]:
        times, value = [], None
        for _ in range(args.repeat):
            started = time.perf_counter()
            value = fn()
            times.append(time.perf_counter() - started)
        return value, min(times)

    verdicts, judge_seconds = best(lambda: judge(pack, inventory, AS_OF, "public"))
    _, findings_seconds = best(lambda: findings(verdicts, inventory))
    evaluation = evaluate(pack, inventory, AS_OF, "public")
    tables, to_records = best(lambda: naive.records(inventory))
    naive_verdicts, naive_masks = best(lambda: naive.conditions_only(pack, tables, AS_OF))
    (found, errors), loop = best(lambda: naive.evaluate(pack, tables, AS_OF, "public"))
    vectorized = judge_seconds + findings_seconds
    verdict_count = verdicts.count
    engine_statuses = {v.rule.id: [STATUSES[c] for c in v.status] for v in verdicts.rules}
    same_verdicts = engine_statuses == naive_verdicts

    # Same semantics: the same findings, field by field.
    fields = (
        "finding_id",
        "rule_id",
        "status",
        "severity",
        "message",
        "evidence",
        "remediation",
        "resource_id",
    )
    engine_rows = [
        tuple(python_value(r[k]) if k != "evidence" else r[k] for k in fields)
        for r in evaluation.findings.astype(object).to_dict("records")
    ]
    naive_rows = [tuple(f[k] for k in fields) for f in found]
    mismatches = sum(1 for a, b in zip(engine_rows, naive_rows, strict=False) if a != b)
    mismatches += abs(len(engine_rows) - len(naive_rows))
    example = next(
        ((a, b) for a, b in zip(engine_rows, naive_rows, strict=False) if a != b),
        None,
    )
    return {
        "kind": "eval",
        "resources": inventory.resource_count,
        "rules": len(pack.rules),
        "findings": len(evaluation.findings),
        "verdicts_seconds": round(judge_seconds, 4),
        "naive_verdicts_seconds": round(naive_masks, 4),
        "naive_records_seconds": round(to_records, 3),
        "verdicts_speedup": round((to_records + naive_masks) / judge_seconds, 1),
        "verdicts_speedup_loop_only": round(naive_masks / judge_seconds, 1),
        "findings_seconds": round(findings_seconds, 3),
        "naive_findings_seconds": round(loop - naive_masks, 3),
        "vectorized_seconds": round(vectorized, 3),
        "naive_loop_seconds": round(loop, 3),
        "naive_seconds": round(to_records + loop, 3),
        "speedup": round((to_records + loop) / vectorized, 2),
        "speedup_loop_only": round(loop / vectorized, 2),
        "verdicts": verdict_count,
        "same_verdicts": same_verdicts,
        "same_findings": mismatches == 0 and not errors and not evaluation.errors,
        "mismatches": mismatches,
        "first_mismatch": repr(example)[:2000] if example else None,
        "naive_errors": errors,
    }


# -- live collection on the ARG emulator ----------------------------------------------------------


def cmd_emulator(args: argparse.Namespace) -> dict[str, Any]:
    """Serve the snapshot on the ARG emulator (in this process) until stdin closes; then write its log."""
    sys.path.insert(0, str(ROOT / "tests"))
    from emulator import ArgEmulator, load_estate

    rows = load_estate(args.snapshot)
    with ArgEmulator(rows, quota=args.quota, window_seconds=args.window, latency_seconds=args.latency) as emu:
        print(json.dumps({"base_url": emu.base_url, "ca_bundle": emu.ca_bundle}), flush=True)
        sys.stdin.read()  # until the driver closes our stdin
        emu.write_log(args.log)
        errors = list(emu.errors)
    return {"kind": "emulator", "errors": errors}


@contextlib.contextmanager
def emulator_process(
    snapshot: Path, log: Path, quota: int, window: float, latency: float
) -> Iterator[dict[str, str]]:
    """The emulator in its own process (the client's CPU is not shared with the server's)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "emulator",
            "--snapshot",
            str(snapshot),
            "--log",
            str(log),
            "--quota",
            str(quota),
            "--window",
            str(window),
            "--latency",
            str(latency),
            "--json",
            str(log.with_suffix(".status.json")),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the emulator did not start")
        yield json.loads(line)
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=120)


def _log_summary(log: Path) -> dict[str, Any]:
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    statuses: dict[str, int] = {}
    for e in entries:
        statuses[str(e.get("status"))] = statuses.get(str(e.get("status")), 0) + 1
    return {
        "requests": len(entries),
        "by_status": statuses,
        "queries_counted": sum(1 for e in entries if e.get("status") not in (429, None)),
        "methods": sorted({str(e.get("method")) for e in entries}),
        "elapsed_ms_mean": round(
            sum(float(e.get("elapsed_ms") or 0) for e in entries) / max(1, len(entries)), 1
        ),
    }


def _extra_rules(directory: Path, n: int) -> Path:
    """A custom pack of `n` copies of VM-001 under new ids (more rules, same tables)."""
    import yaml

    source = yaml.safe_load((ROOT / "rules" / "vm" / "VM-001.yaml").read_text(encoding="utf-8"))
    pack = directory / "extra-rules"
    shutil.rmtree(pack, ignore_errors=True)
    (pack / "xb").mkdir(parents=True)
    for i in range(1, n + 1):
        rule = dict(source, id=f"XB-{i:03d}", title=f"Extra benchmark rule {i}: {source['title']}"[:120])
        (pack / "xb" / f"XB-{i:03d}.yaml").write_text(yaml.safe_dump(rule, sort_keys=False), encoding="utf-8")
    return pack


def cmd_live(args: argparse.Namespace) -> dict[str, Any]:
    """GraphSource.read() on the emulator at the real quota and latency; then a live run_scan with and
    without extra rules, to show the queries do not depend on the rules."""
    sys.path.insert(0, str(ROOT / "tests"))
    from emulator import StaticTokenCredential

    from scanner.auth import CLOUDS
    from scanner.live import LiveOptions
    from scanner.scan import ScanOptions, run_scan
    from scanner.sources.graph import PAGE_SIZE, ArgClient, GraphSource, LiveScope

    manifest = json.loads((args.snapshot / "manifest.json").read_text(encoding="utf-8"))
    rows = {name: int(d["rows"]) for name, d in manifest["datasets"].items()}
    expected_pages = {name: max(1, -(-n // PAGE_SIZE)) for name, n in rows.items()}
    work = args.out
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"kind": "live", "rows": rows, "expected_pages": expected_pages}
    with emulator_process(args.snapshot, work / "collect.log", 15, 5.0, args.latency) as emu:
        os.environ["REQUESTS_CA_BUNDLE"] = emu["ca_bundle"]
        client = ArgClient(
            StaticTokenCredential("bench-collect"), emu["base_url"], CLOUDS["public"].token_scope
        )
        source = GraphSource(client, LiveScope())
        stages = Stages(args.profile_dir)
        started = time.perf_counter()
        with stages("collect"):
            snapshot = source.read()
        elapsed = time.perf_counter() - started
    log = _log_summary(work / "collect.log")
    queries = manifest_queries = snapshot.manifest["coverage"]["queries"]
    pages = sum(int(q["pages"]) for q in queries.values())
    got = {name: len(r) for name, r in snapshot.rows.items()}
    bound = pages / 3.0
    out.update(
        seconds=round(elapsed, 3),
        pages=pages,
        pages_by_query={k: int(v["pages"]) for k, v in manifest_queries.items()},
        expected_queries=1 + sum(expected_pages.values()),
        quota_bound_seconds=round(bound, 3),
        ratio=round(elapsed / bound, 3),
        throttled=int(snapshot.manifest["coverage"]["throttled"]),
        complete=bool(snapshot.manifest["coverage"]["complete"]),
        rows_collected=got,
        rows_match=got == rows,
        emulator=log,
        cpu_seconds=stages.rows[0]["cpu_seconds"],
        profiled=args.profile_dir is not None,
        peak_rss_mb=round(peak_rss_mb(), 1),
    )
    if args.rules_check:
        counts = {}
        for label, extra in (
            ("bundled", ()),
            (f"bundled+{args.extra_rules}", (_extra_rules(work, args.extra_rules),)),
        ):
            log_path = work / f"scan-{label}.log"
            with emulator_process(args.snapshot, log_path, 15, 5.0, args.latency) as emu:
                os.environ["REQUESTS_CA_BUNDLE"] = emu["ca_bundle"]
                started = time.perf_counter()
                result = run_scan(
                    ScanOptions(
                        live=LiveOptions(arm_endpoint=emu["base_url"]), rules_dirs=extra, as_of=AS_OF
                    ),
                    credential=StaticTokenCredential(f"bench-{label}"),
                )
                seconds = time.perf_counter() - started
            summary = _log_summary(log_path)
            counts[label] = {
                "rules": len(result.pack.rules),
                "queries": summary["queries_counted"],
                "requests": summary["requests"],
                "scan_seconds": round(seconds, 3),
            }
        out["rules_check"] = counts
    return out


# -- HTML at ~100k findings in headless Chromium -----------------------------------------------------

_FIRST_ROW_PROBE = """
(() => {
  window.__bench = {};
  const mark = () => {
    const body = document.getElementById('findings-body');
    if (body && body.querySelector('tr.frow') && !window.__bench.firstRow) {
      window.__bench.firstRow = performance.now();
      // painted, and the page free for input: the frame after the row, then a task after it
      requestAnimationFrame(() => setTimeout(() => { window.__bench.painted = performance.now(); }, 0));
      return true;
    }
    return false;
  };
  const obs = new MutationObserver(() => { if (mark()) obs.disconnect(); });
  obs.observe(document, {subtree: true, childList: true});
  document.addEventListener('DOMContentLoaded', () => { window.__bench.dcl = performance.now(); mark(); });
})();
"""


def cmd_html(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from reports import writer
    from scanner.scan import ScanOptions, run_scan

    result = run_scan(ScanOptions(inputs=(args.snapshot,), as_of=AS_OF))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "report.html"
    started = time.perf_counter()
    writer("html")(result, path)
    write_seconds = time.perf_counter() - started
    findings = len(result.findings)
    del result
    gc.collect()
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            for _ in range(args.repeat):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.add_init_script(_FIRST_ROW_PROBE)
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                wall = time.perf_counter()
                page.goto(path.as_uri(), wait_until="commit", timeout=120_000)
                page.wait_for_selector("#findings-body tr.frow", timeout=120_000)
                wall_first_row = time.perf_counter() - wall
                page.wait_for_function("() => window.__bench && window.__bench.painted", timeout=120_000)
                page.wait_for_load_state("load")  # the first row may come before DOMContentLoaded
                timing = page.evaluate(
                    """() => {
                      const nav = performance.getEntriesByType('navigation')[0];
                      return {first_row_ms: window.__bench.firstRow,
                              first_row_painted_ms: window.__bench.painted,
                              dcl_ms: nav ? nav.domContentLoadedEventEnd : (window.__bench.dcl || null),
                              dom_interactive_ms: nav ? nav.domInteractive : null,
                              load_event_ms: nav ? nav.loadEventEnd : null,
                              rows: document.querySelectorAll('#findings-body tr.frow').length,
                              count_text: document.getElementById('f-count').textContent};
                    }"""
                )
                interactions = page.evaluate(
                    """async () => {
                      const out = {};
                      const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                      let t = performance.now();
                      document.querySelector('#findings-app .chip[data-status="pass"]').click();
                      await frame();
                      out.show_pass_ms = performance.now() - t;
                      const next = document.querySelector('#f-pager .btn:last-child');
                      t = performance.now();
                      if (next) next.click();
                      await frame();
                      out.next_page_ms = performance.now() - t;
                      const count = document.getElementById('f-count');
                      const before = count.textContent;
                      const input = document.getElementById('f-text');
                      t = performance.now();
                      input.value = 'vm0';
                      input.dispatchEvent(new Event('input'));
                      while (count.textContent === before && performance.now() - t < 30000) await frame();
                      out.search_ms_incl_120ms_debounce = performance.now() - t;
                      out.search_count_text = count.textContent;
                      return out;
                    }"""
                )
                runs.append(
                    {**timing, **interactions, "wall_first_row_s": round(wall_first_row, 3), "errors": errors}
                )
                context.close()
        finally:
            browser.close()
    best = min(r["first_row_ms"] for r in runs)
    return {
        "kind": "html",
        "findings": findings,
        "html_bytes": path.stat().st_size,
        "write_seconds": round(write_seconds, 3),
        "runs": runs,
        "first_row_ms_best": round(best, 1),
        "first_row_ms_median": round(sorted(r["first_row_ms"] for r in runs)[len(runs) // 2], 1),
        "first_row_painted_ms_best": round(min(r["first_row_painted_ms"] for r in runs), 1),
        "first_row_painted_ms_median": round(
            sorted(r["first_row_painted_ms"] for r in runs)[len(runs) // 2], 1
        ),
        "chromium": _chromium_version(),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _chromium_version() -> str:
    exe = shutil.which("chromium")
    if not exe:
        return "not found"
    try:
        return subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# -- load at a large size (generation + load, no end to end) ---------------------------------------------


def cmd_load(args: argparse.Namespace) -> dict[str, Any]:
    from scanner.inventory import build_inventory
    from scanner.sources.files import FilesSource

    stages = Stages(args.profile_dir)
    with stages("load"):
        snapshot = FilesSource([args.snapshot]).read()
    rows = sum(len(r) for r in snapshot.rows.values())
    if args.inventory:
        with stages("inventory"):
            inventory = build_inventory(snapshot)
        del inventory
    return {"kind": "load", "rows": rows, "stages": stages.rows, "peak_rss_mb": round(peak_rss_mb(), 1)}


def cmd_generate(args: argparse.Namespace) -> dict[str, Any]:
    from bench.generate import write_snapshot_streaming

    started = time.perf_counter()
    manifest = write_snapshot_streaming(args.out, args.resources, args.seed)
    seconds = time.perf_counter() - started
    size = sum((args.out / d["file"]).stat().st_size for d in manifest["datasets"].values())
    return {
        "kind": "generate",
        "resources": args.resources,
        "rows": sum(int(d["rows"]) for d in manifest["datasets"].values()),
        "bytes": size,
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


# -- the driver ----------------------------------------------------------------------------------------


def child(subcommand: str, *argv: str, timeout: float = 3600) -> dict[str, Any]:
    """Run a subcommand in a fresh Python process and return its JSON."""
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), subcommand, *argv, "--json", str(out)]
    print(f"  $ {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    load_before = os.getloadavg()
    proc = subprocess.run(cmd, timeout=timeout, check=False)
    if proc.returncode != 0 or not out.exists():
        return {"kind": subcommand, "error": f"exit {proc.returncode}"}
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    data["loadavg_1m_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    return data


def ensure_snapshot(work: Path, resources: int, seed: int) -> tuple[Path, dict[str, Any] | None]:
    directory = work / f"estate-{resources}-s{seed}"
    if (directory / "manifest.json").exists():
        return directory, None
    generated = child("generate", "--resources", str(resources), "--seed", str(seed), "--out", str(directory))
    return directory, generated


def machine() -> dict[str, Any]:
    import importlib.metadata as md

    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as fh:
        mem_kb = int(fh.readline().split()[1])
    packages = {}
    for name in (
        "pandas",
        "numpy",
        "openpyxl",
        "jinja2",
        "xlsxwriter",
        "pyinstrument",
        "playwright",
        "duckdb",
        "azure-mgmt-resourcegraph",
        "azure-core",
    ):
        with contextlib.suppress(md.PackageNotFoundError):
            packages[name] = md.version(name)
    git = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--short", "--", "scanner", "reports", "rules"],
        capture_output=True,
        text=True,
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
        "git_head": git.stdout.strip(),
        "uncommitted": dirty.stdout.splitlines(),
    }


def cmd_all(args: argparse.Namespace) -> dict[str, Any]:
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "sizes": {},
        "settings": {"seed": args.seed, "as_of": str(AS_OF)},
    }
    for size in [int(s) for s in args.sizes.split(",") if s]:
        print(f"== {size} resources", file=sys.stderr, flush=True)
        snap, generated = ensure_snapshot(work, size, args.seed)
        entry: dict[str, Any] = {"generate": generated}
        out = work / f"out-{size}"
        dump = work / f"findings-{size}.pkl"
        entry["offline"] = child("offline", "--snapshot", str(snap), "--out", str(out), "--dump", str(dump))
        entry["floor"] = child(
            "floor", "--snapshot", str(snap), "--dump", str(dump), "--out", str(work / f"floor-{size}")
        )
        with contextlib.suppress(OSError):
            dump.unlink()
        off, floor = entry["offline"], entry["floor"]
        if "error" not in off and "error" not in floor:
            entry["ratio_vs_floor"] = round(off["end_to_end_seconds"] / floor["floor_seconds"], 2)
            cpu = sum(r["cpu_seconds"] or 0 for r in off["stages"])
            floor_cpu = sum(r["cpu_seconds"] or 0 for r in floor["stages"])
            entry["ratio_vs_floor_cpu"] = round(cpu / floor_cpu, 2)
            entry["ratio_vs_floor_json_dumps"] = round(
                off["end_to_end_seconds"] / floor["floor_seconds_with_json_dumps"], 2
            )
        if not args.skip_eval:
            entry["eval"] = child("eval", "--snapshot", str(snap))
        results["sizes"][str(size)] = entry
        _save(args.results, results)
    if not args.skip_live:
        print(f"== live at {args.live_resources} resources", file=sys.stderr, flush=True)
        snap, _ = ensure_snapshot(work, args.live_resources, args.seed)
        results["live"] = child("live", "--snapshot", str(snap), "--out", str(work / "live"), "--rules-check")
        _save(args.results, results)
    if not args.skip_html:
        print(f"== html at {args.html_resources} resources", file=sys.stderr, flush=True)
        snap, _ = ensure_snapshot(work, args.html_resources, args.seed)
        results["html"] = child("html", "--snapshot", str(snap), "--out", str(work / "html"))
        _save(args.results, results)
    return results


def _save(directory: Path, results: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(
        json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8"
    )
    (directory / "summary.md").write_text(summary(results), encoding="utf-8")


def summary(results: dict[str, Any]) -> str:
    """Markdown tables of the figures (pasted into RESULTS.md)."""
    lines = []
    m = results.get("machine", {})
    lines.append(
        f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gib')} GiB RAM, "
        f"Python {m.get('python')}, "
        f"{m.get('date')}, git {m.get('git_head')}"
    )
    lines.append("")
    for size, entry in results.get("sizes", {}).items():
        off = entry.get("offline", {})
        lines.append(
            f"### {int(size):,} resources ({off.get('rows', 0):,} rows, {off.get('findings', 0):,} findings)"
        )
        lines.append("")
        lines.append("| stage | s | CPU s | RSS after MB | peak RSS so far MB |")
        lines.append("|---|---:|---:|---:|---:|")
        for r in off.get("stages", []):
            lines.append(
                f"| {r['stage']} | {r['seconds']:.2f} | "
                f"{r['cpu_seconds'] if r['cpu_seconds'] is not None else ''} | "
                f"{r['rss_mb_after']:.0f} | {r['peak_rss_mb_after']:.0f} |"
            )
        lines.append(
            f"| **end to end** | **{off.get('end_to_end_seconds', 0):.2f}** | | | "
            f"**{off.get('peak_rss_mb', 0):.0f}** |"
        )
        floor = entry.get("floor", {})
        lines.append("")
        lines.append("| floor stage | s | CPU s |")
        lines.append("|---|---:|---:|")
        for r in floor.get("stages", []):
            lines.append(f"| {r['stage']} | {r['seconds']:.2f} | {r['cpu_seconds']} |")
        lines.append(f"| **floor** | **{floor.get('floor_seconds', 0):.2f}** |")
        lines.append("")
        lines.append(
            f"Ratio end to end / floor: **{entry.get('ratio_vs_floor')}** "
            f"(CPU time: {entry.get('ratio_vs_floor_cpu')}) "
            f"(floor with json.dumps instead of json.dump: {entry.get('ratio_vs_floor_json_dumps')}); "
            f"output bytes {off.get('output_bytes')}"
        )
        ev = entry.get("eval")
        if ev and "error" not in ev:
            lines.append(
                f"Evaluation (verdicts): engine {ev['verdicts_seconds']} s, naive "
                f"{ev['naive_verdicts_seconds']} s + records {ev['naive_records_seconds']} s -> "
                f"**{ev['verdicts_speedup']}x** (loop only {ev['verdicts_speedup_loop_only']}x), same "
                f"verdicts: {ev['same_verdicts']}. Findings: engine {ev['findings_seconds']} s, naive "
                f"{ev['naive_findings_seconds']} s. Whole: {ev['vectorized_seconds']} s vs "
                f"{ev['naive_seconds']} s -> {ev['speedup']}x; same findings: {ev['same_findings']}"
            )
        lines.append("")
    live = results.get("live")
    if live and "error" not in live:
        lines.append(
            f"### Live: {sum(live['rows'].values()):,} rows, {live['pages']} queries "
            f"(expected {live['expected_queries']}), {live['seconds']} s "
            f"vs bound {live['quota_bound_seconds']} s "
            f"-> ratio **{live['ratio']}**; throttled {live['throttled']}; rows match: {live['rows_match']}"
        )
        lines.append(f"Pages by query: {live['pages_by_query']}; rules check: {live.get('rules_check')}")
        lines.append("")
    html = results.get("html")
    if html and "error" not in html:
        lines.append(
            f"### HTML: {html['findings']:,} findings, {html['html_bytes'] / 2**20:.1f} MiB, written in "
            f"{html['write_seconds']} s; first findings row at {html['first_row_ms_best']} ms (best), "
            f"{html['first_row_ms_median']} ms (median) after navigation start; painted with the page "
            f"free for input at {html['first_row_painted_ms_best']} ms (best), "
            f"{html['first_row_painted_ms_median']} ms (median)"
        )
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="cmd")
    p_all = sub.add_parser("all", help="the whole benchmark (the default)")
    for target in (parser, p_all):
        target.add_argument("--sizes", default="1000,10000,100000")
        target.add_argument("--seed", type=int, default=1)
        target.add_argument("--work", type=Path, default=DEFAULT_WORK)
        target.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
        target.add_argument("--live-resources", type=int, default=20000)
        target.add_argument("--html-resources", type=int, default=21500, help="about 100k findings")
        target.add_argument("--skip-live", action="store_true")
        target.add_argument("--skip-html", action="store_true")
        target.add_argument("--skip-eval", action="store_true")

    def sub_parser(
        name: str, fn: Callable[[argparse.Namespace], dict[str, Any]], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.set_defaults(fn=fn)
        p.add_argument("--json", type=Path, default=None)
        return p

    p = sub_parser("offline", cmd_offline, "run_scan stage by stage, then each writer")
    p.add_argument("--snapshot", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--formats", default="xlsx,html,json,csv")
    p.add_argument("--profile-dir", type=Path, default=None)
    p.add_argument("--dump", type=Path, default=None)
    p = sub_parser("floor", cmd_floor, "the I/O floor for the same input and findings")
    p.add_argument("--snapshot", type=Path, required=True)
    p.add_argument("--dump", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p = sub_parser("eval", cmd_eval, "vectorized engine vs naive per-row loop")
    p.add_argument("--snapshot", type=Path, required=True)
    p.add_argument("--repeat", type=int, default=2)
    p = sub_parser("emulator", cmd_emulator, "serve a snapshot on the ARG emulator (internal)")
    p.add_argument("--snapshot", type=Path, required=True)
    p.add_argument("--log", type=Path, required=True)
    p.add_argument("--quota", type=int, default=15)
    p.add_argument("--window", type=float, default=5.0)
    p.add_argument("--latency", type=float, default=0.15)
    p = sub_parser("live", cmd_live, "live collection on the emulator vs the quota bound")
    p.add_argument("--snapshot", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--latency", type=float, default=0.15)
    p.add_argument("--rules-check", action="store_true")
    p.add_argument("--profile-dir", type=Path, default=None)
    p.add_argument("--extra-rules", type=int, default=20)
    p = sub_parser("html", cmd_html, "report.html in headless Chromium")
    p.add_argument("--snapshot", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--repeat", type=int, default=3)
    p = sub_parser("load", cmd_load, "load (and optionally inventory) only, e.g. at 1M rows")
    p.add_argument("--snapshot", type=Path, required=True)
    p.add_argument("--inventory", action="store_true")
    p.add_argument("--profile-dir", type=Path, default=None)
    p = sub_parser("generate", cmd_generate, "generate a snapshot, timed")
    p.add_argument("--resources", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True)

    args = parser.parse_args(argv)
    if getattr(args, "fn", None) is None:
        results = cmd_all(args)
        print(summary(results))
        return 0
    data = args.fn(args)
    write_json(args.json, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
