"""Diagnostics behind the explanations in RESULTS.md (not part of the benchmark run).

python bench/diagnose.py html REPORT.html      # DOM per section, CDP metrics, first row of page variants
python bench/diagnose.py live SNAPSHOT         # per-call client and server time of a live collection
python bench/diagnose.py gc SNAPSHOT           # load and inventory with the cyclic GC on and off
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import _FIRST_ROW_PROBE, CHROMIUM_ARGS, emulator_process  # noqa: E402

_DATA = re.compile(r'(<script type="application/json" id="scan-data">)(.*?)(</script>)', re.S)


def html(report: Path, repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    text = report.read_text(encoding="utf-8")
    variants = {"as written": text}
    no_plan = re.sub(r'<section id="plan".*?</section>\s*(?=<section id="findings")', "", text, flags=re.S)
    variants["without the plan section"] = no_plan
    m = _DATA.search(no_plan)
    if m:
        data = json.loads(m.group(2))
        data["f"] = [[*r[:5], None, *r[6:]] for r in data["f"]]  # evidence is column 5 of a finding row
        blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        for char in ("<", ">", "&"):
            blob = blob.replace(char, f"\\u{ord(char):04x}")
        variants["without the plan section, without evidence"] = (
            no_plan[: m.start(2)] + blob + no_plan[m.end(2) :]
        )
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(report.as_uri(), wait_until="load", timeout=120_000)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        info = page.evaluate(
            """() => {
              const t = performance.now();
              JSON.parse(document.getElementById('scan-data').textContent);
              return {json_parse_ms: performance.now() - t,
                      elements: document.getElementsByTagName('*').length,
                      sections: Array.from(document.querySelectorAll('section'))
                        .map(s => [s.id, s.getElementsByTagName('*').length])};
            }"""
        )
        context.close()
        keys = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration", "Nodes")
        print(json.dumps({**info, "cdp": {k: metrics.get(k) for k in keys}}, indent=1))
        for name, body in variants.items():
            path = Path(tmp) / f"variant-{len(body)}.html"
            path.write_text(body, encoding="utf-8")
            times = []
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.add_init_script(_FIRST_ROW_PROBE)
                page.goto(path.as_uri(), wait_until="commit")
                page.wait_for_function("() => window.__bench && window.__bench.firstRow", timeout=120_000)
                times.append(page.evaluate("() => window.__bench.firstRow"))
                context.close()
            size = len(body.encode()) / 2**20
            print(
                f"{name}: {size:.1f} MiB, first row {min(times):.0f} ms best, "
                f"{statistics.median(times):.0f} median"
            )
        browser.close()


def live(snapshot: Path, latency: float) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from emulator import StaticTokenCredential

    from scanner.auth import CLOUDS
    from scanner.sources import graph

    calls: list[tuple[str, float, float, float, int]] = []
    lock = threading.Lock()
    post = graph.ArgClient.post

    def timed_post(self: Any, query: str, scope: Any, subs: Any, top: int, token: Any) -> Any:
        started, cpu = time.perf_counter(), time.thread_time()
        page = post(self, query, scope, subs, top, token)
        with lock:
            label = query.strip().splitlines()[0][:40]
            calls.append(
                (label, started, time.perf_counter() - started, time.thread_time() - cpu, len(page.rows))
            )
        return page

    graph.ArgClient.post = timed_post  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.jsonl"
        with emulator_process(snapshot, log, 15, 5.0, latency) as emu:
            os.environ["REQUESTS_CA_BUNDLE"] = emu["ca_bundle"]
            client = graph.ArgClient(
                StaticTokenCredential("diagnose"), emu["base_url"], CLOUDS["public"].token_scope
            )
            started = time.perf_counter()
            graph.GraphSource(client, graph.LiveScope()).read()
            total = time.perf_counter() - started
        server = [
            json.loads(line)["elapsed_ms"] for line in log.read_text(encoding="utf-8").splitlines() if line
        ]
    base = min(c[1] for c in calls)
    for label, at, seconds, cpu, rows in sorted(calls, key=lambda c: c[1]):
        print(
            f"{at - base:6.2f} s  call {seconds * 1000:5.0f} ms  client CPU {cpu * 1000:4.0f} ms  "
            f"{rows:5d} rows  {label}"
        )
    print(f"total {total:.2f} s; server time per call (incl. latency) mean {statistics.mean(server):.0f} ms")
    # The SDK's model deserialisation of one page against json.loads of the same body.
    from azure.mgmt.resourcegraph import models
    from azure.mgmt.resourcegraph._utils.serialization import Deserializer

    with (snapshot / "resources.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for _, line in zip(range(1000), fh, strict=False)]
    body = json.dumps({"totalRecords": 1, "count": len(rows), "resultTruncated": "false", "data": rows})
    started = time.perf_counter()
    parsed = json.loads(body)
    loads = time.perf_counter() - started
    deserializer = Deserializer({k: v for k, v in vars(models).items() if isinstance(v, type)})
    started = time.perf_counter()
    deserializer("QueryResponse", parsed)
    model = time.perf_counter() - started
    print(
        f"one {len(body) / 2**20:.1f} MiB page: json.loads {loads * 1000:.0f} ms, "
        f"SDK deserialisation {model * 1000:.0f} ms"
    )


def gc_effect(snapshot: Path, repeat: int) -> None:
    for i in range(repeat * 2):
        mode = "off" if i % 2 == 0 else "on"
        code = (
            "import gc, sys, time; sys.path.insert(0, sys.argv[1]); from pathlib import Path\n"
            "from scanner.sources.files import FilesSource\nfrom scanner.inventory import build_inventory\n"
            "if sys.argv[3] == 'off': gc.disable()\n"
            "t = time.perf_counter(); s = FilesSource([Path(sys.argv[2])]).read()\n"
            "a = time.perf_counter() - t\n"
            "t = time.perf_counter(); build_inventory(s); b = time.perf_counter() - t\n"
            "print(f'GC {sys.argv[3]}: load {a:.2f} s, inventory {b:.2f} s, "
            'full collections {gc.get_stats()[2]["collections"]}\')\n'
        )
        subprocess.run([sys.executable, "-c", code, str(ROOT), str(snapshot), mode], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("html")
    p.add_argument("report", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("live")
    p.add_argument("snapshot", type=Path)
    p.add_argument("--latency", type=float, default=0.15)
    p = sub.add_parser("gc")
    p.add_argument("snapshot", type=Path)
    p.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    gc.collect()
    if args.cmd == "html":
        html(args.report, args.repeat)
    elif args.cmd == "live":
        live(args.snapshot, args.latency)
    else:
        gc_effect(args.snapshot, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
