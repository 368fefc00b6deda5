"""report.html: self-contained, offline, safe with hostile tenant text, usable at scale and in print.

The structural tests read the HTML as text. The browser tests open the file in headless Chromium
(Debian's, driven by Playwright; never a downloaded browser; the `browser` fixture is in conftest)
and skip only when `chromium` is not on PATH.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from datetime import date
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from arg_rows import SUB, TENANT, classic_storage, classic_vm, classic_vnet, cloud_service, row
from markupsafe import escape
from report_fixtures import needs_chromium

from reports import html, html_context, html_data, plan_view, svg_flow
from reports.html import PAGE_SIZE
from reports.json_report import plan_json
from scanner.model import Branding, ScanResult
from scanner.model.plan import Creation, PlanFinding
from scanner.scan import ScanOptions, run_scan

AS_OF = date(2026, 11, 26)
# 1x1 transparent PNG.
LOGO = (
    "data:image/png;base64,"
    + base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    ).decode()
)
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
)
HOSTILE_SUB = "Sub </script><script>alert(3)</script>"


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> ScanResult:
    branding = Branding(
        customer="Fabrikam Logistics", prepared_by="Contoso Cloud Advisory", logo_data_uri=LOGO
    )
    return run_scan(ScanOptions(demo=True, as_of=AS_OF, branding=branding))


@pytest.fixture(scope="module")
def demo_file(demo, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    html.write(demo, path)
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[ScanResult, Path]:
    """A scan whose resource names, tags and subscription name are HTML/script injection attempts."""
    rows = [classic_vm(name, cs="cs1") for name in HOSTILE]
    rows += [
        cloud_service("cs1"),
        classic_storage(),
        classic_vnet(),
        {**classic_storage("stor2"), "tags": {"owner": HOSTILE[0], HOSTILE[1]: HOSTILE[2]}},
        {
            "id": f"/subscriptions/{SUB}",
            "name": HOSTILE[1],
            "type": "microsoft.resources/subscriptions",
            "tenantId": TENANT,
            "subscriptionId": SUB,
            "properties": {"displayName": HOSTILE_SUB},
        },
    ]
    folder = tmp_path_factory.mktemp("hostile")
    export = folder / "export.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    branding = Branding(customer=HOSTILE[1], prepared_by=HOSTILE[0], logo_data_uri="javascript:alert(5)")
    result = run_scan(ScanOptions(inputs=(export,), as_of=AS_OF, branding=branding))
    path = folder / "report.html"
    html.write(result, path)
    return result, path


def with_disk(vm: dict, account: str) -> dict:
    disk = vm["properties"]["storageProfile"]["operatingSystemDisk"]
    disk["storageAccount"] = {"name": account}
    disk["vhdUri"] = f"https://{account}.blob.core.windows.net/vhds/{vm['name']}.vhd"
    return vm


@pytest.fixture(scope="module")
def plan_estate(tmp_path_factory) -> tuple[ScanResult, Path]:
    """A small estate whose VNet, cloud service and VM names are injection attempts: a VNet unit, a
    cloud service unit (VMs in no VNet) and a storage account holding disks of both."""
    vnet, service = HOSTILE[0], HOSTILE[2]
    rows = [
        classic_vnet(vnet),
        cloud_service("cs1"),
        with_disk(classic_vm(HOSTILE[1], "cs1", vnet), "stor1"),
        with_disk(classic_vm("web-02", "cs1", vnet), "stor1"),
        cloud_service(service, rg="cs2"),
        with_disk(classic_vm("app-01", service, None, rg="cs2"), "stor1"),
        classic_storage("stor1"),
    ]
    folder = tmp_path_factory.mktemp("plan")
    export = folder / "export.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    result = run_scan(ScanOptions(inputs=(export,), as_of=AS_OF))
    path = folder / "report.html"
    html.write(result, path)
    return result, path


def plan_section(text: str) -> str:
    start = text.index('<section id="plan"')
    return text[start : text.index("</section>", start)]


def embedded_text(text: str, block: str = "scan-data") -> str:
    """A data block as the page carries it (base64 of gzip of JSON)."""
    match = re.search(rf'<script type="application/octet-stream" id="{block}">(.*?)</script>', text, re.S)
    assert match, f"{block} block missing"
    return match.group(1)


def embedded(text: str, block: str = "scan-data"):
    """A data block's value, decoded as the page script decodes it."""
    return html_data.unpacked(embedded_text(text, block))


#: The script elements of a page with a migration plan: three data blocks and the page script.
SCRIPTS = [
    '<script type="application/octet-stream" id="plan-data">',
    '<script type="application/octet-stream" id="scan-data">',
    "<script>",
    '<script type="application/octet-stream" id="evidence-data">',
]


def script_tags(text: str) -> list[str]:
    return re.findall(r"<script[^>]*>", text)


def inline_script(text: str) -> str:
    scripts = re.findall(r"<script>(.*?)</script>", text, re.S)
    assert len(scripts) == 1
    return scripts[0]


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


# --- structure ----------------------------------------------------------------------------------------


def test_csp_allows_only_the_inline_style_and_script_by_hash(demo_file):
    text = demo_file.read_text(encoding="utf-8")
    head = text[: text.index("</head>")]
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
    assert len(metas) == 1
    # the policy comes before any style or script
    assert head.index("Content-Security-Policy") < head.index("<style>")
    csp = unescape(metas[0])
    policy = {part.split()[0]: part.split()[1:] for part in (p.strip() for p in csp.split(";")) if part}
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    styles = re.findall(r"<style>(.*?)</style>", text, re.S)
    assert len(styles) == 1
    assert policy["style-src"] == [f"'{sha256(styles[0])}'"]
    assert policy["script-src"] == [f"'{sha256(inline_script(text))}'"]
    assert "unsafe" not in csp
    assert policy["base-uri"] == ["'none'"]


def test_no_network_references(demo_file):
    text = demo_file.read_text(encoding="utf-8")
    assert "<link" not in text
    assert "@import" not in text
    assert "@font-face" not in text
    assert not re.search(r"""\bsrc=(?!["']?data:)""", text), "only data: sources are allowed"
    assert not re.search(r"url\((?!#)", text), "no url() other than same-document references"
    hrefs = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>', text)
    assert hrefs
    assert all(h.startswith(("#", "https://")) for h in hrefs), {h for h in hrefs if not h.startswith("#")}
    for tag in re.findall(r'<a [^>]*href="https://[^>]*>', text):
        assert 'rel="noopener noreferrer"' in tag
        assert 'target="_blank"' in tag


def test_findings_are_embedded_once_compressed(demo, demo_file):
    text = demo_file.read_text(encoding="utf-8")
    assert text.count('id="scan-data"') == 1
    block = embedded_text(text)
    # base64 only: no tenant text can close the element, and nothing in it is markup
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", block)
    data = embedded(text)
    rows = html_data.finding_rows(data)
    assert len(rows) == len(demo.findings)
    assert data["pageSize"] == PAGE_SIZE
    rules = [r[0] for r in data["rules"]]
    resources = [r[0] for r in html_data.resources(data)]
    for k in (0, len(rows) // 2, len(rows) - 1):
        row, finding = rows[k], demo.findings.loc[k]
        assert rules[row[0]] == finding["rule_id"]
        assert data["statuses"][row[1]] == finding["status"]
        assert resources[row[3]] == finding["resource_id"]
        assert row[4] == finding["message"]
        assert data["rem"][row[6]] == finding["remediation"]
    # every finding id is the engine's, so the page derives them (report.js findingId) and the data
    # carries none
    assert data["f"]["id"] is None
    assert all(
        html_data.derived_id(rules[row[0]], resources[row[3]]) == fid
        for row, fid in zip(rows, demo.findings["finding_id"], strict=True)
    )
    # the evidence is a block of its own, after the page script, one entry per finding
    assert text.count('id="evidence-data"') == 1
    assert text.index("<script>") < text.index('id="evidence-data"')
    evidence = embedded(text, "evidence-data")
    assert len(evidence) == len(demo.findings)
    assert evidence[0] == demo.findings.loc[0, "evidence"]
    assert [row[5] for row in rows] == [1 if e else 0 for e in evidence]
    # every link in the data is https; a resource's portal link is the prefix and its id
    assert all(url.startswith("https://") for refs in data["refs"] for _, url in refs)
    assert data["portal"].startswith("https://portal.azure.com/#@") and data["portal"].endswith("/resource")
    # the page does not carry one DOM row per finding: only the static print table of non-pass findings
    assert text.count("<tr>") < len(demo.findings) / 2


def test_finding_ids_are_carried_when_the_page_cannot_derive_them(demo):
    """An id that is not SHA-256 of rule and resource id (a masked report: its resource ids are
    pseudonyms) is carried in the data, every one of them."""
    f = demo.findings.copy()
    f.loc[3, "finding_id"] = "0" * 32
    result = ScanResult(
        meta=demo.meta, findings=f, pack=demo.pack, inventory=demo.inventory, readiness=demo.readiness
    )
    data = html_data.read_blocks(html.render(result))["scan-data"]
    assert data["f"]["id"] == f["finding_id"].tolist()


def test_blocks_are_base64_of_gzip_and_decode_to_their_text():
    parts = [
        "</script><script>alert(1)</script>",
        "a & b <!-- x -->",
        "\u2028 é",
        *("x" * 1000 for _ in range(50)),
    ]
    block = "".join(html_data.packed(parts))
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", block)
    assert base64.b64decode(block)[:2] == b"\x1f\x8b"  # a gzip member
    assert html_data.zlib.decompress(base64.b64decode(block), 31).decode() == "".join(parts)
    assert "".join(html_data.packed(parts)) == block  # no time stamp: the same bytes each time


def test_https_only_links():
    assert html.https("https://learn.microsoft.com/x") == "https://learn.microsoft.com/x"
    for bad in ("http://example.com", "javascript:alert(1)", "data:text/html,x", "https://a b", "", None):
        assert html.https(bad) is None
    # any white space, as str.isspace() sees it, disqualifies a URL
    for code in range(0x110000):
        char = chr(code)
        url = f"https://a{char}b"
        assert (html.https(url) is None) == char.isspace(), hex(code)


def data_blocks(text: str) -> tuple[dict, list]:
    """The findings data block, its findings as rows with each finding's evidence put back in its row
    (under "f"), and the evidence."""
    data = embedded(text)
    evidence = embedded(text, "evidence-data")
    rows = html_data.finding_rows(data)
    assert len(evidence) == len(rows)
    for finding, value in zip(rows, evidence, strict=True):
        assert finding[5] == (1 if value else 0)
        finding[5] = value
    return {**data, "f": rows}, evidence


def test_streamed_page_carries_the_scan_data(demo, tmp_path, monkeypatch):
    """report.html is written in parts, the data slice by slice; decoded, its blocks are `scan_data`
    and the findings' evidence."""
    monkeypatch.setattr(html_data, "CHUNK_ROWS", 7)  # many slices, the last one short
    assert len(demo.findings) % 7
    path = tmp_path / "report.html"
    html.write(demo, path)
    text = path.read_text(encoding="utf-8")
    assert text == html.render(demo)  # the placeholders are random, and gone
    assert "<!--scan-data-" not in text and "<!--evidence-data-" not in text
    assert embedded(text) == json.loads(json.dumps(html_data.scan_data(demo)))
    assert embedded(text, "evidence-data") == demo.findings["evidence"].tolist()
    # the parts: the page around the data, then the data in slices
    parts = list(html.stream(demo))
    assert "".join(parts) == text
    assert len(list(html_data.scan_block(demo))) > len(demo.findings) / 7
    encoded = [p for p in parts if re.fullmatch(r"[A-Za-z0-9+/]+=*", p)]
    assert len(encoded) > 3 and max(map(len, encoded)) < 100_000  # as zlib hands its output on


def test_streamed_data_falls_back_to_cleaning_odd_evidence(demo, tmp_path, monkeypatch):
    """Evidence the engine would not build (NaN, numpy scalars, non-str keys) is cleaned as before."""
    monkeypatch.setattr(html_data, "CHUNK_ROWS", 50)
    f = demo.findings.copy()
    odd = [
        {"size": np.int64(5), "ratio": np.float64(0.5), "flag": np.bool_(True)},
        {"nan": float("nan"), "inf": float("inf"), "na": pd.NA, "nested": [np.int32(1), {"x": np.nan}]},
        {1: "int key", "ok": "text"},
        float("nan"),
    ]
    for i, value in enumerate(odd):
        f.at[60 + i * 3, "evidence"] = value
    result = ScanResult(
        meta=demo.meta,
        findings=f,
        pack=demo.pack,
        inventory=demo.inventory,
        readiness=demo.readiness,
        branding=demo.branding,
    )
    text = html.render(result)
    _, evidence = data_blocks(text)
    assert embedded(text) == json.loads(json.dumps(html_data.scan_data(result)))
    assert evidence[60] == {"size": 5, "ratio": 0.5, "flag": True}
    assert evidence[63] == {"nan": None, "inf": None, "na": None, "nested": [1, {"x": None}]}
    assert evidence[66] == {"1": "int key", "ok": "text"}
    assert evidence[69] is None
    assert evidence[0] == demo.findings.loc[0, "evidence"]


def test_sections_and_cover(demo, demo_file):
    text = demo_file.read_text(encoding="utf-8")
    for anchor in (
        "cover",
        "summary",
        "retirements",
        "plan",
        "findings",
        "resources",
        "manual",
        "rules",
        "calendar",
    ):
        assert f'id="{anchor}"' in text
    assert 'id="coverage"' in text
    assert "Fabrikam Logistics" in text and "Contoso Cloud Advisory" in text
    assert f'src="{LOGO}"' in text
    assert demo.meta.id in text and demo.meta.rules_version in text and demo.meta.tool_version in text
    assert "26 November 2026" in text
    for sub in demo.meta.scope["subscriptions"]:
        assert sub in text
    for item in demo.meta.coverage["inputs"]:
        path, digest = item.rsplit(" sha256:", 1)
        assert digest in text
        assert f"{path.replace(chr(92), '/').rsplit('/', 1)[-1]}" in text
        assert path not in text  # the file name and its digest; the local path in findings.json only
    # every rule in the catalogue, with its sources
    for rule in demo.pack.rules:
        assert f'id="rule-{rule.id}"' in text
        for ref in rule.spec.references:
            assert f'href="{ref.url}"' in text
    # inline SVG charts, drawn server-side
    assert text.count("<svg") >= 5
    assert "How readiness is decided" in text


def test_page_shows_the_readiness_the_scan_decided(demo, demo_file):
    """Each classic resource's badge, the bar and the KPIs are the scan's one readiness result."""
    text = demo_file.read_text(encoding="utf-8")
    data, _ = data_blocks(text)
    shown = {res[0].lower(): data["readiness"][res[6]] for res in html_data.resources(data) if res[6]}
    assert shown == dict(demo.resource_readiness())
    counts = demo.summary()["readiness"]
    for state, label in html.READINESS_LABELS.items():
        assert f"{label} ({counts[state]:,})" in text
    assert f'<span class="kpi-label">Blocked</span><span class="kpi-value">{counts["blocked"]}</span>' in text
    # the catalogue gives each rule's role, and the top blockers are blocking rules
    vm_013 = text[text.index('id="rule-VM-013"') :]
    assert "<span>Migration <strong>blocking</strong></span>" in vm_013[: vm_013.index("</article>")]
    roles = demo.pack.migration_roles
    assert all(roles[b["rule_id"]] == "blocking" for b in html.top_blockers(demo))


def test_manual_checklist_and_print_table(demo, demo_file):
    text = demo_file.read_text(encoding="utf-8")
    manual = demo.findings[demo.findings["status"] == "manual"]
    assert text.count('<input type="checkbox"') == len(manual)
    for rule_id in manual["rule_id"].unique():
        assert f'<a class="rule-id" href="#rule-{rule_id}">{rule_id}</a><h3>' in text
    table = text[text.index('class="data print-table"') :]
    table = table[: table.index("</table>")]
    retire = (demo.findings["status"] == "fail") & (demo.findings["category"] == "retirement")
    assert table.count("<tr>") == 1 + int(((demo.findings["status"] != "pass") & ~retire).sum())
    grouped = text[text.index('class="data print-table print-retire"') :]
    grouped = grouped[: grouped.index("</table>")]
    assert grouped.count("<tr>") == 1 + demo.findings.loc[retire, "rule_id"].nunique()


def test_print_table_gives_way_to_a_note_when_large(demo, monkeypatch):
    monkeypatch.setattr(html_context, "PRINT_LIMIT", 10)
    text = html.render(demo)
    assert 'class="data print-table"' not in text
    assert "more than fit a printed report" in text


def test_hostile_text_is_never_markup(hostile):
    result, path = hostile
    text = path.read_text(encoding="utf-8")
    assert set(HOSTILE) <= set(result.findings["resource_name"])
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert "</script><script>" not in text
    assert script_tags(text) == SCRIPTS  # the JSON blocks and the page script
    assert "javascript:" not in text  # the bad logo is dropped
    # escaped where HTML shows it (cover, checklist, print table, chart labels) ...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in text
    assert "Sub &lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in text
    # ... and intact in the data
    data = embedded(text)
    assert set(HOSTILE) <= {r[1] for r in html_data.resources(data)}
    assert [SUB, HOSTILE_SUB] in data["subs"]


# --- the migration plan -------------------------------------------------------------------------------


def test_plan_section_has_a_card_per_unit_in_order(demo, demo_file):
    text = demo_file.read_text(encoding="utf-8")
    plan = plan_json(demo.plan)
    units = plan["units"]
    section = plan_section(text)
    assert '<a href="#plan">Plan</a>' in text
    assert text.index('id="retirements"') < text.index('id="plan"') < text.index('id="findings"')
    # no card in the HTML: the units are drawn by the page script from the plan-data block
    assert "<article" not in section and "<details" not in section
    assert f'<div id="plan-units" data-count="{len(units)}">' in section
    assert "drawn here by the page script" in section
    details = embedded(text, "plan-data")
    assert len(details["units"]) == len(units) == plan["summary"]["units"]
    cards = details["cards"]
    assert len(cards["rows"]) == len(units)
    assert cards["rules"] == [["blocked", "Blockers"], ["unknown", "Unknown"], ["prep", "Preparation"]]
    typed = demo.plan.units
    for unit, detail, own, card in zip(units, details["units"], typed, cards["rows"], strict=True):
        # the card: a summary, and the unit's details drawn from the plan data when it is opened
        order, name, state, kind, env, sub, location, wave, vms, resources, lock, rules = card
        assert (order, name, location, wave) == (unit["order"], unit["name"], unit["location"], unit["wave"])
        assert cards["states"][state] == [unit["state"], plan_view.STATE_LABELS[unit["state"]]]
        assert cards["kinds"][kind] == plan_view.KIND_LABELS[unit["kind"]]
        environment = unit["environment"] or "unknown"
        assert cards["envs"][env] == [environment, plan_view.ENVIRONMENT_LABELS[environment]]
        assert cards["subs"][sub][0] == unit["subscription_id"]
        assert cards["subs"][sub][1] == html_data.subscription_names(demo).get(
            unit["subscription_id"].lower(), ""
        )
        assert (vms, resources) == (unit["vm_count"], len(unit["resources"]))
        expected = own.downtime.lock_minutes.expected
        assert lock == (plan_view.minutes(expected) if expected else "none")
        assert rules == [
            plan_view.rule_summary(getattr(own, key)) for key in ("blockers", "unknowns", "preparation")
        ]
        for key in ("blockers", "preparation", "unknowns"):
            items = unit[key]
            assert [g[0] for g in detail[key]] == list(dict.fromkeys(i["rule_id"] for i in items))
            named = {n for g in detail[key] for n in g[3]}
            assert named == {i["resource_name"] for i in items if i.get("resource_name")}
        assert detail["dataPlane"] == unit["downtime"]["data_plane"]
        orders = {u["id"]: u["order"] for u in units}
        assert [d[0] for d in detail["deps"]] == [orders[d] for d in unit["depends_on"]]
        assert detail["creates"] == [
            [c["count"], c["type"], c["name"] if c["name_documented"] else None] for c in unit["creates"]
        ]
        assert detail["steps"] == [
            [s["step"], s["note"] or "", s["powershell"] or "", s["cli"] or ""]
            for s in unit["runbook"]["steps"]
        ]
        assert detail["lock"] == plan_view.lock_text(own)
        assert [[r[0], details["types"][r[1]]] for r in detail["res"]] == [
            [r["name"], r["type"]] for r in unit["resources"]
        ]
    # the printed runbooks, once per kind of unit, drawn from the data when the page is printed
    assert "print-table" not in section and '<div id="plan-runbooks">' in section
    kinds = list(dict.fromkeys(u.kind for u in typed))
    assert [rb[0] for rb in details["runbooks"]] == [plan_view.KIND_LABELS[k] for k in kinds]
    for kind, rb in zip(kinds, details["runbooks"], strict=True):
        assert rb[1] == [
            [st.step.capitalize(), st.note or "", st.powershell or "", st.cli or ""]
            for st in demo.plan.runbooks[kind].steps
        ]
        assert rb[2] == [k for k, u in enumerate(typed) if u.kind == kind]
    # summary line, state counts, assumptions, and the FAQ rules once
    assert plan["summary"]["message"] in section
    for state, count in plan["summary"]["by_state"].items():
        assert (
            f'<div class="kpi kpi-ps-{state}"><span class="kpi-label">{plan_view.STATE_LABELS[state]}</span>'
            f'<span class="kpi-value">{count}</span>' in section
        )
    for assumption in plan["assumptions"]:
        assert str(escape(assumption)) in section
    for rule in units[0]["runbook"]["rules"]:
        assert section.count(str(escape(rule))) == 1
    # the quota table: a row group per subscription and region, with its commands
    assert section.count('<tbody class="quota-group">') == len(plan["quota"])
    for q in plan["quota"]:
        for family, cores in q["cores_by_family"].items():
            assert f'<tr><td>{family}</td><td class="num">{cores:,}</td></tr>' in section
        for command in q["check_with"]:
            assert f'<code class="cmd">{command}</code>' in section
    # the executive summary points to the plan
    summary = text[text.index('id="summary"') : text.index('id="retirements"')]
    assert f"<strong>{len(units)}</strong> migration units" in summary


def test_plan_order_diagram_is_inline_svg(demo, demo_file):
    section = plan_section(demo_file.read_text(encoding="utf-8"))
    start = section.index('<svg xmlns="http://www.w3.org/2000/svg"')
    diagram = section[start : section.index("</svg>", start)]
    assert 'class="chart flow"' in diagram
    units = plan_json(demo.plan)["units"]
    # a box per unit (each a link to its card) and per ExpressRoute circuit, a column per wave
    for unit in units:
        assert diagram.count(f'<a href="#unit-{unit["order"]}" class="node">') == 1
    assert diagram.count('href="#plan-expressroute"') == len(plan_json(demo.plan)["expressroute"])
    assert diagram.count('class="lane-title"') == len(plan_json(demo.plan)["waves"])
    # an arrow per storage dependency, to a storage account that migrates later
    edges = sum(len(u["depends_on"]) for u in units)
    assert 0 < diagram.count('class="edge"') <= edges
    assert 'marker-end="url(#flow-arrow)"' in diagram
    # coloured by state, with the legend below
    for state in {u["state"] for u in units}:
        assert f'fill="#{plan_view.STATE_COLORS[state][0]}"' in diagram
    assert "style=" not in diagram


def test_plan_with_hostile_names_is_escaped(plan_estate):
    result, path = plan_estate
    text = path.read_text(encoding="utf-8")
    units = {u["name"]: u for u in plan_json(result.plan)["units"]}
    assert {HOSTILE[0], HOSTILE[2], "stor1"} <= set(units)
    assert units[HOSTILE[0]]["kind"] == "vnet" and units[HOSTILE[2]]["kind"] == "cloud_service"
    assert sorted(units["stor1"]["depends_on"]) == sorted([units[HOSTILE[0]]["id"], units[HOSTILE[2]]["id"]])
    assert "<script>alert" not in text and "<img src=x" not in text and "</script><script>" not in text
    assert script_tags(text) == SCRIPTS
    section = plan_section(text)
    diagram = section[section.index("<svg") : section.index("</svg>")]
    cards = embedded(text, "plan-data")["cards"]["rows"]
    for name in (HOSTILE[0], HOSTILE[2]):
        order = units[name]["order"]
        assert cards[order - 1][:2] == [order, name]  # the card's name, intact in the data
        kind = plan_view.KIND_LABELS[units[name]["kind"]]
        assert [order - 1 in rb[2] for rb in embedded(text, "plan-data")["runbooks"] if rb[0] == kind] == [
            True
        ]
        assert f"#{order} {escape(name)}" in diagram  # the box label (the names are short enough to fit)
    # the details are compressed and base64-encoded, so that no text can close the block, and intact
    # once decoded
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", embedded_text(text, "plan-data"))
    details = embedded(text, "plan-data")["units"][units[HOSTILE[0]]["order"] - 1]
    assert [1, "resource group", f"{HOSTILE[0]}-Migrated"] in details["creates"]  # what Azure creates
    assert f"Move-AzureVirtualNetwork -Validate -VirtualNetworkName '{HOSTILE[0]}'" in [
        s[2] for s in details["steps"]
    ]
    assert HOSTILE[1] in [r[0] for r in details["res"]]
    assert diagram.count('class="edge"') == 2


def test_plan_says_plainly_when_nothing_is_classic(tmp_path):
    export = tmp_path / "export.json"
    export.write_text(json.dumps([row("Microsoft.Compute/virtualMachines", "armvm", {"storageProfile": {}})]))
    result = run_scan(ScanOptions(inputs=(export,), as_of=AS_OF))
    assert plan_json(result.plan)["units"] == []
    text = html.render(result)
    section = plan_section(text)
    assert "No classic resources remain: there is nothing to migrate." in section
    assert "<article" not in section and "<svg" not in section and "runbook" not in section
    assert 'id="plan-data"' not in text


def test_plan_section_without_a_plan(demo):
    bare = ScanResult(
        meta=demo.meta,
        findings=demo.findings,
        pack=demo.pack,
        inventory=demo.inventory,
        readiness=demo.readiness,
    )
    section = plan_section(html.render(bare))
    assert "carries no migration plan" in section


def test_flow_diagram_folds_a_crowded_wave_and_escapes_labels():
    def node(i: int, state: str = "ready") -> svg_flow.Node:
        color = plan_view.STATE_COLORS[state][0]
        return svg_flow.Node(
            f"n{i}", f"#{i} <b>{i}</b>", "VNet", state, color, plan_view.tint(color), f"#unit-{i}"
        )

    crowded = tuple(node(i, "blocked" if i % 5 == 0 else "ready") for i in range(1, 41))
    later = (node(41), node(42))
    lanes = [
        svg_flow.Lane("Wave 2", "VNets & <i>co</i>", "40 units", crowded),
        svg_flow.Lane("Wave 3", "", "", later),
    ]
    edges = [("n1", "n41"), ("n39", "n42"), ("n40", "n42")]  # n39 and n40 are folded: one arrow
    out = str(svg_flow.flow_diagram(lanes, edges, "Order <of> things", max_nodes=12))
    assert out.count('class="node"') == 12 + 2
    assert "+ 29 more" in out and "23 ready · 6 blocked" in out
    assert out.count('class="edge"') == 2
    assert "<b>" not in out and "<i>" not in out and "<of>" not in out
    assert "#1 &lt;b&gt;1&lt;/b&gt;" in out and "VNets &amp; &lt;i&gt;co&lt;/i&gt;" in out
    # wide enough text is cut to its box, with the full text kept as a tooltip
    long = svg_flow.Lane(
        "Wave 1",
        "",
        "",
        (svg_flow.Node("x", "#1 " + "a-very-long-name" * 5, "", "Ready", "27AE60", "FFFFFF"),),
    )
    out = str(svg_flow.flow_diagram([long], [], "t"))
    assert "…</text>" in out and "a-very-long-name" * 5 in out


def test_plan_view_helpers():
    assert plan_view.minutes(20) == "20 min"
    assert plan_view.minutes(120) == "2 h"
    assert plan_view.minutes(213) == "3 h 33 min"
    items = [
        PlanFinding(rule_id, "t", "fail", "high", "blocking", "/r", "r")
        for rule_id in ("VM-001", "VM-004", "VM-001")
    ]
    assert plan_view.rule_summary(items) == "VM-001 ×2, VM-004"
    assert plan_view.tint("000000", 0.5) == "808080"
    assert (
        plan_view.creates_text(
            [
                Creation(type="resource group", name="a-Migrated", count=1, name_documented=True),
                Creation(type="load balancer", name="chosen by the platform", count=2, name_documented=False),
            ]
        )
        == "resource group a-Migrated; 2 × load balancer (name chosen by the platform)"
    )


# --- in the browser -----------------------------------------------------------------------------------


class Watched:
    """A page with its console errors, page errors, requests and dialogs recorded."""

    def __init__(self, browser, path: Path, width: int = 1366) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("#findings-body tr")
        self.page.wait_for_selector("html[data-loaded]")  # the evidence block decoded too
        if self.page.locator("#plan-units").count():  # and the plan's unit cards drawn
            self.page.wait_for_selector("#plan-units[data-drawn]", state="attached")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def rows(self):
        return self.page.locator("#findings-body > tr.frow")

    def type_filter(self, text: str) -> None:
        self.page.fill("#f-text", text)
        self.page.wait_for_timeout(400)  # the filter is debounced

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.requests
        assert all(u.startswith(("file://", "data:")) for u in self.requests), self.requests


@needs_chromium
def test_browser_demo_report(browser, demo, demo_file, tmp_path):
    w = Watched(browser, demo_file)
    page = w.page
    open_count = int((demo.findings["status"] != "pass").sum())
    assert w.rows().count() == min(PAGE_SIZE, open_count)
    assert f"of {open_count:,} findings" in page.inner_text("#f-count")
    assert "Page 1 of" in page.inner_text("#f-pager")

    # paging
    page.click("#f-pager >> text=Next")
    assert "Page 2 of" in page.inner_text("#f-pager")
    assert page.inner_text("#f-count").startswith(f"Showing {PAGE_SIZE + 1}–")

    # free text narrows the rows to one resource
    name = str(demo.findings.loc[demo.findings["status"] == "fail", "resource_name"].iloc[0])
    w.type_filter(name)
    texts = w.rows().locator("td:nth-child(5) .cell-main").all_inner_texts()
    assert 0 < len(texts) < PAGE_SIZE
    assert all(name in t for t in texts), (name, texts)

    # showing passes widens it
    page.click('#findings-app .chip[data-status="pass"]')
    assert w.rows().count() > len(texts)

    # sorting by resource name, both ways
    page.click("#f-reset")
    page.click('.sort[data-sort="res"]')
    names = w.rows().locator("td:nth-child(5) .cell-main").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert page.get_attribute('th:has(.sort[data-sort="res"])', "aria-sort") == "ascending"
    page.click('.sort[data-sort="res"]')
    names = w.rows().locator("td:nth-child(5) .cell-main").all_inner_texts()
    assert names == sorted(names, key=str.lower, reverse=True)

    # a row expands to its details
    page.click('.sort[data-sort="sev"]')
    w.rows().first.click()
    panel = page.locator("#findings-body tr.drow")
    assert panel.count() == 1
    assert "remediation" in panel.inner_text().lower()
    links = panel.locator(".refs a")
    assert links.count() >= 1
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    assert links.first.get_attribute("href").startswith("https://")
    # its evidence, read from the evidence block when a finding is first opened
    finding_id = panel.locator("dt:text-is('Finding id') + dd").inner_text()
    evidence = demo.findings.set_index("finding_id").at[finding_id, "evidence"]
    assert evidence
    assert panel.locator("table.evidence th").all_inner_texts() == list(evidence)

    # ... and leads to the resource's own view with all its verdicts
    panel.locator("text=All verdicts for this resource").click()
    assert page.locator("#res-list > li").count() == 1
    resource_rows = page.locator("#res-list tr.frow").count()
    first_id = demo.findings.loc[0, "resource_id"].lower()
    assert resource_rows == int((demo.findings["resource_id"].str.lower() == first_id).sum())

    # resources view: search, readiness filter
    page.click("#resources >> text=Show all resources")
    page.select_option("#r-state", "1")
    page.wait_for_timeout(50)
    blocked = sum(1 for s in demo.resource_readiness().values() if s == "blocked")
    assert page.locator("#res-list > li").count() == min(blocked, PAGE_SIZE)

    page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("#findings-app").is_visible()
    assert page.locator("#findings .print-table").first.is_visible()
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    assert (tmp_path / "desktop.png").stat().st_size > 0 and (tmp_path / "print.png").stat().st_size > 0
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_rebuilds_resource_ids_and_messages_as_scanned(browser, demo, demo_file):
    """The page stores most resource ids as their parts and messages as rule affixes plus a middle
    (reports/html_tables.py): what it shows is each id and message as the scan has them, for an id
    of the usual form and for one kept whole (a classic administrator has no resource group)."""
    f = demo.findings
    usual = f.loc[f["resource_id"].str.contains("/resourceGroups/") & (f["status"] == "fail"), "resource_id"]
    whole = f.loc[f["resource_id"].str.contains("/classicAdministrators/"), "resource_id"]
    w = Watched(browser, demo_file)
    page = w.page
    page.click('#findings-app .chip[data-status="pass"]')
    for resource_id in (usual.iloc[0], whole.iloc[0]):
        mine = f[f["resource_id"] == resource_id]
        name = str(mine["resource_name"].iloc[0])
        w.type_filter(name)
        rows = w.rows()
        shown = rows.locator("td .clamp").all_inner_texts()
        names = rows.locator("td:nth-child(5) .cell-main").all_inner_texts()
        assert sorted(m for m, n in zip(shown, names, strict=True) if n == name) == sorted(mine["message"])
        rows.filter(has_text=name).first.click()
        shown_id = page.locator("#findings-body tr.drow dt:text-is('Resource id') + dd").inner_text()
        assert shown_id == resource_id
        page.locator("#findings-body tr.frow.open").first.click()
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_hostile_names_are_text(browser, hostile, tmp_path):
    _, path = hostile
    w = Watched(browser, path)
    page = w.page
    page.click('#findings-app .chip[data-status="pass"]')
    for name in HOSTILE:
        w.type_filter(name)
        cells = w.rows().locator("td:nth-child(5) .cell-main").all_inner_texts()
        assert name in cells, (name, cells)  # shown verbatim, as text
        w.rows().first.click()
        assert name in page.locator("#findings-body tr.drow").inner_text()
        w.rows().first.click()
    assert HOSTILE_SUB in page.inner_text("#cover")
    assert HOSTILE[1] in page.inner_text("#cover h1")
    page.fill("#r-text", "alert")
    page.select_option("#r-state", "all")
    page.wait_for_timeout(300)
    listed = page.locator("#res-list .res-head .cell-main").all_inner_texts()
    assert set(HOSTILE) <= set(listed)
    page.locator("#res-list .res-head").first.click()
    assert page.locator("img").count() == 0  # no injected image, and the bad logo was dropped
    assert page.evaluate("document.scripts.length") == len(SCRIPTS)
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_plan_section(browser, demo, demo_file, tmp_path):
    w = Watched(browser, demo_file)
    page = w.page
    units = plan_json(demo.plan)["units"]
    cards = page.locator("#plan article.unit")
    assert cards.count() == len(units)
    assert page.locator("#plan-units > article.unit").count() == len(units)  # the note gave way
    # each card as the server drew it before: classes, id, name as text, state, facts, rule counts
    for k, (unit, own) in enumerate(zip(units, demo.plan.units, strict=True)):
        card = cards.nth(k)
        summaries = [
            plan_view.rule_summary(getattr(own, key)) for key in ("blockers", "unknowns", "preparation")
        ]
        expected_class = f"unit unit-{unit['state']}" + (" unit-has-rules" if any(summaries) else "")
        assert card.get_attribute("class") == expected_class
        assert card.get_attribute("id") == f"unit-{unit['order']}"
        assert card.locator("h4.unit-name").text_content() == unit["name"]
        assert card.locator(".unit-order").text_content() == f"#{unit['order']}"
        assert card.locator(f".ps.ps-{unit['state']}").text_content() == plan_view.STATE_LABELS[unit["state"]]
        facts = card.locator(".unit-facts").evaluate(
            "dl => Array.from(dl.children).map(e => e.tagName + ':' + e.textContent)"
        )
        assert facts[::2] == [
            "DT:" + n for n in ("Subscription", "Location", "Wave", "VMs", "Resources", "Lock")
        ]
        assert facts[5:10:2] == [
            f"DD:{unit['wave']}",
            f"DD:{unit['vm_count']:,}",
            f"DD:{len(unit['resources']):,}",
        ]
        assert unit["subscription_id"] in facts[1]
        shown = card.locator(".unit-rules .ur").all_text_contents()
        labels = ("Blockers", "Unknown", "Preparation")
        assert shown == [f"{label}: {text}" for label, text in zip(labels, summaries, strict=True) if text]
        assert card.locator("details.unit-more").get_attribute("data-unit") == str(k)
    boxes = page.locator("#plan details.unit-more")
    assert boxes.count() == len(units)
    # units start closed, with nothing of their details in the page until opened
    assert page.locator("#plan .unit-more[open]").count() == 0
    assert page.locator("#plan .runbook, #plan .unit-res").count() == 0
    assert page.locator("#plan .unit-facts").first.is_visible()
    first = boxes.first
    first.locator("summary").click()
    assert first.get_attribute("open") is not None
    toggle = first.locator(".runbook-toggle")
    body = first.locator(".runbook-body")
    assert toggle.get_attribute("aria-expanded") == "false" and not body.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and body.is_visible()
    assert "Move-Azure" in body.inner_text()
    assert page.locator("#plan .runbook").count() == 1  # only the opened unit is drawn
    # all at once: every unit open, every runbook expanded; then closed again
    page.click("#units-all")
    assert page.locator("#plan .unit-more[open]").count() == len(units)
    bodies = page.locator("#plan .runbook-body")
    assert bodies.count() == len(units)
    assert all(bodies.nth(i).is_visible() for i in range(len(units)))
    assert page.inner_text("#units-all") == "Close all units"
    page.click("#units-all")
    assert page.locator("#plan .unit-more[open]").count() == 0
    assert page.inner_text("#units-all") == "Open all units"
    # a box of the diagram leads to its unit's card, and opens it
    last = units[-1]
    page.click(f'#plan svg.flow a[href="#unit-{last["order"]}"]')
    assert page.evaluate("location.hash") == f"#unit-{last['order']}"
    assert page.locator(f"#unit-{last['order']} h4").inner_text() == last["name"]
    assert page.locator(f"#unit-{last['order']} .unit-more").get_attribute("open") is not None
    box = page.locator("#plan svg.flow").bounding_box()
    assert box["width"] >= 1000
    page.locator("#plan").screenshot(path=str(tmp_path / "plan.png"))
    assert (tmp_path / "plan.png").stat().st_size > 50_000
    # in a narrow window the diagram keeps its size and scrolls sideways
    page.set_viewport_size({"width": 800, "height": 900})
    assert page.locator("#plan svg.flow").bounding_box()["width"] == box["width"]
    assert page.evaluate("(e => e.scrollWidth > e.clientWidth)(document.querySelector('.plan-flow'))")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("#units-all")
    page.click("#units-all")
    # print: every unit drawn and open, the toggles gone; the runbooks are printed once per kind of
    # unit (test_browser_demo_prints_in_at_most_45_pages), not in each unit
    page.emulate_media(media="print")
    page.wait_for_function(
        f"() => document.querySelectorAll('#plan .unit-more[open]').length === {len(units)}"
    )
    assert not any(bodies.nth(i).is_visible() for i in range(len(units)))
    assert page.locator("#plan .print-runbooks").is_visible()
    assert not page.locator("#plan .runbook-toggle").first.is_visible()
    assert not page.locator("#plan .unit-more > summary").first.is_visible()
    assert page.locator("#plan svg.flow").bounding_box()["width"] <= box["width"]
    # back on screen, the units print opened are closed again
    page.emulate_media(media="screen")
    page.wait_for_function("() => document.querySelectorAll('#plan .unit-more[open]').length === 0")
    w.assert_clean()
    page.close()


def unit_resource_names(page, order: int) -> list[str]:
    # text content: unit cards off screen are not laid out (content-visibility), so have no inner text
    return page.locator(f"#unit-{order} .unit-res li > :first-child").all_text_contents()


@needs_chromium
def test_browser_plan_unit_lists_its_resources(browser, demo, demo_file):
    w = Watched(browser, demo_file)
    page = w.page
    unit = max(plan_json(demo.plan)["units"], key=lambda u: len(u["resources"]))
    assert len(unit["resources"]) > 100
    card = page.locator(f"#unit-{unit['order']}")
    assert card.locator(".unit-res").count() == 0
    card.locator(".unit-more > summary").click()
    names = unit_resource_names(page, unit["order"])
    assert names == [r["name"] for r in unit["resources"]]
    assert (
        card.locator(".unit-res-wrap h5").text_content()
        == f"Resources in this unit ({len(unit['resources'])})"
    )
    # the findings by rule name the resources they hit; the rule ids link to the catalogue
    for item in unit["blockers"] + unit["preparation"] + unit["unknowns"]:
        assert card.locator(f'.plan-rules a.rule-id[href="#rule-{item["rule_id"]}"]').count() == 1
        assert item["resource_name"] in card.locator(".unit-issues").text_content()
    # a resource leads to the resource view with all its verdicts
    card.locator(".unit-res a.res-link").nth(1).click()
    assert page.locator("#res-list > li").count() == 1
    assert page.locator("#res-list .res-head .cell-main").inner_text() == names[1]
    # closing and opening again keeps one drawing
    card.locator(".unit-more > summary").click()
    card.locator(".unit-more > summary").click()
    assert card.locator(".unit-res").count() == 1
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_plan_hostile_names_are_text(browser, plan_estate, tmp_path):
    result, path = plan_estate
    w = Watched(browser, path)
    page = w.page
    names = page.locator("#plan article.unit h4").all_text_contents()
    assert {HOSTILE[0], HOSTILE[2]} <= set(names)
    labels = page.locator("#plan svg.flow text.node-label").all_text_contents()
    assert {f"#{u['order']} {u['name']}" for u in plan_json(result.plan)["units"]} == set(labels)
    page.click("#units-all")
    assert f"-VirtualNetworkName '{HOSTILE[0]}'" in page.text_content("#plan")
    # the VNet unit lists its VMs, one of them named like markup: shown as text
    vnet = next(u for u in plan_json(result.plan)["units"] if u["name"] == HOSTILE[0])
    listed = unit_resource_names(page, vnet["order"])
    assert HOSTILE[1] in listed and listed == [r["name"] for r in vnet["resources"]]
    if any(i["resource_name"] == HOSTILE[1] for i in vnet["blockers"] + vnet["preparation"]):
        assert HOSTILE[1] in page.locator(f"#unit-{vnet['order']} .unit-issues").text_content()
    storage = next(u for u in plan_json(result.plan)["units"] if u["name"] == "stor1")
    followed = page.locator(f"#unit-{storage['order']} .unit-links").text_content()
    assert f"#{vnet['order']} {HOSTILE[0]}" in followed
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == len(SCRIPTS)
    page.emulate_media(media="print")
    page.locator("#plan").screenshot(path=str(tmp_path / "plan-hostile.png"))
    page.emulate_media(media="screen")
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_printing_draws_every_unit(browser, plan_estate, tmp_path):
    """Printing (beforeprint) draws and opens every unit, and closes them again afterwards."""
    result, path = plan_estate
    w = Watched(browser, path)
    page = w.page
    units = plan_json(result.plan)["units"]
    assert page.locator("#plan .unit-res").count() == 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("#plan .unit-more[open]").count() == len(units)
    for unit in units:
        assert unit_resource_names(page, unit["order"]) == [r["name"] for r in unit["resources"]]
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.wait_for_function("() => document.querySelectorAll('#plan .unit-more[open]').length === 0")
    # a PDF carries the lists too (Chromium fires beforeprint for it)
    page.reload()
    page.wait_for_selector("#findings-body tr")
    page.wait_for_selector("#plan-units[data-drawn]", state="attached")
    pdf = page.pdf(path=str(tmp_path / "plan.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    assert page.locator("#plan .unit-res").count() == len(units)
    w.assert_clean()
    page.close()


#: Watches the page as it loads: the unit cards present when the first findings row comes, and
#: whether a frame (requestAnimationFrame, which runs just before a paint) came between that row and
#: the first card.
LOAD_ORDER = """
(() => {
  const seen = window.__order = {
    row: false, cardsAtRow: -1, frameAfterRow: false, card: false, frameBeforeCard: null,
  };
  const watch = new MutationObserver(() => {
    if (!seen.row && document.querySelector('#findings-body tr.frow')) {
      seen.row = true;
      seen.cardsAtRow = document.querySelectorAll('#plan article.unit').length;
      requestAnimationFrame(() => { seen.frameAfterRow = true; });
    }
    if (!seen.card && document.querySelector('#plan article.unit')) {
      seen.card = true;
      seen.frameBeforeCard = seen.frameAfterRow;
    }
    if (seen.row && seen.card) watch.disconnect();
  });
  watch.observe(document, {subtree: true, childList: true});
})();
"""


@needs_chromium
def test_browser_unit_cards_come_after_the_first_findings(browser, demo_file):
    """The findings are drawn first: no unit card is in the page when the first findings row comes,
    and the cards come only after a frame, so the browser can paint the rows before building them."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.add_init_script(LOAD_ORDER)
    page.goto(demo_file.as_uri())
    page.wait_for_selector("#plan-units[data-drawn]", state="attached")
    order = page.evaluate("window.__order")
    assert order["row"] and order["card"]
    assert order["cardsAtRow"] == 0
    assert order["frameBeforeCard"] is True
    assert page.locator("#findings-body tr.frow").count() == PAGE_SIZE
    page.close()


@needs_chromium
def test_browser_unit_in_the_address_is_opened_in_view(browser, demo, demo_file):
    """A report opened at #unit-N (a link from elsewhere, a bookmark) shows that unit, opened, once
    its card is drawn; moving to another #unit-N in the address does the same."""
    from playwright.sync_api import expect

    units = plan_json(demo.plan)["units"]
    last, middle = units[-1], units[len(units) // 2]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(demo_file.as_uri() + f"#unit-{last['order']}")
    card = page.locator(f"#unit-{last['order']}")
    expect(card.locator("details.unit-more")).to_have_attribute("open", "")
    expect(card).to_be_in_viewport()
    assert card.locator(".unit-res li").count() == len(last["resources"])  # its details drawn
    assert page.locator("#plan .unit-more[open]").count() == 1
    page.evaluate(f"location.hash = '#unit-{middle['order']}'")
    other = page.locator(f"#unit-{middle['order']}")
    expect(other.locator("details.unit-more")).to_have_attribute("open", "")
    expect(other).to_be_in_viewport()
    assert errors == []
    page.close()


@needs_chromium
def test_browser_print_asked_before_the_cards_are_drawn(browser, plan_estate):
    """A page that is printing (print media) when the plan data is decoded draws every card and opens
    every unit straight away."""
    result, path = plan_estate
    units = plan_json(result.plan)["units"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.emulate_media(media="print")
    page.goto(path.as_uri())
    page.wait_for_selector("#plan-units[data-drawn]", state="attached")
    assert page.locator("#plan .unit-more[open]").count() == len(units)
    for unit in units:
        assert unit_resource_names(page, unit["order"]) == [r["name"] for r in unit["resources"]]
    # the runbook tables name the units as text
    named = page.locator("#plan-runbooks table.rb-units td.break:nth-child(2)").all_text_contents()
    assert sorted(named) == sorted(u["name"] for u in units) and HOSTILE[0] in named
    assert page.locator("#plan-runbooks ol.rb-steps").count() == len({u["kind"] for u in units})
    page.emulate_media(media="screen")
    page.wait_for_function("() => document.querySelectorAll('#plan .unit-more[open]').length === 0")
    page.close()


def scaled(result: ScanResult, copies: int) -> ScanResult:
    """The demo findings repeated with distinct resource ids (a large estate)."""
    frames = []
    for i in range(copies):
        f = result.findings.copy()
        f["resource_id"] = f["resource_id"] + f"-{i}"
        f["resource_name"] = f["resource_name"] + f"-{i}"
        f["finding_id"] = f["finding_id"].str[:26] + f"{i:06d}"
        frames.append(f)
    big = pd.concat(frames, ignore_index=True)
    return ScanResult(
        meta=result.meta,
        findings=big,
        pack=result.pack,
        inventory=result.inventory,
        readiness=result.readiness,
        branding=result.branding,
    )


@needs_chromium
def test_browser_stays_responsive_at_100k_findings(browser, demo, tmp_path):
    big = scaled(demo, -(-100_000 // len(demo.findings)))
    assert len(big.findings) >= 100_000
    path = tmp_path / "big.html"
    started = time.perf_counter()
    html.write(big, path)
    assert time.perf_counter() - started < 60
    text = path.read_text(encoding="utf-8")
    assert "more than fit a printed report" in text  # no static table of every open finding
    w = Watched(browser, path)
    page = w.page
    assert w.rows().count() == PAGE_SIZE
    # one page of findings plus the static sections; the manual-check list is static and grows with the
    # scale factor (66 manual verdicts x 14 copies since the CSES rules), never with all 100k findings
    assert page.evaluate("document.getElementsByTagName('tr').length") < 1000
    page.click('#findings-app .chip[data-status="pass"]')
    assert f"of {len(big.findings):,} findings" in page.inner_text("#f-count")
    started = time.perf_counter()
    w.type_filter("fab-ftp-01-7 ")
    assert time.perf_counter() - started < 5
    assert 0 < w.rows().count() < PAGE_SIZE
    page.click('.sort[data-sort="msg"]')
    assert w.rows().count() > 0
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_findings_view_order_counts_severity_and_width(browser, demo, demo_file):
    """Blockers and other failures before the retirement rows (grouped per service), verdict counts
    under the other filters, "high and above", and no horizontal scrolling at 820 px."""
    w = Watched(browser, demo_file, width=820)
    page = w.page
    fails = demo.findings.loc[demo.findings["status"] == "fail"]
    roles = demo.pack.migration_roles
    rank = {r.id: html.rule_rank(roles[r.id], r.spec.category) for r in demo.pack.rules}
    first = fails.loc[fails["rule_id"].map(rank) == html.RANK_BLOCKING]
    first = first.loc[first["severity"].isin(["critical", "high"])]
    shown = page.locator("#findings-body > tr.frow td:nth-child(4) .rule-id").all_inner_texts()
    assert len(first) and shown[: len(first)] == list(first["rule_id"])
    assert all(rank[r] != html.RANK_RETIREMENT for r in shown[: len(first)])

    # the last page holds retirement rows, each service (rule) in one run
    page.select_option("#f-sev", "")
    page.click('#findings-app .chip[data-status="unknown"]')
    page.click('#findings-app .chip[data-status="manual"]')
    pages = int(page.inner_text("#f-pager").split("of")[1].split()[0].replace(",", ""))
    seen: list[str] = []
    for _ in range(pages):
        seen += page.locator("#findings-body > tr.frow td:nth-child(4) .rule-id").all_inner_texts()
        if len(seen) < len(fails):
            page.click("#f-pager >> text=Next")
    retire = [r for r in seen if rank[r] == html.RANK_RETIREMENT]
    assert seen[-len(retire) :] == retire  # retirements last
    runs = [r for k, r in enumerate(retire) if k == 0 or retire[k - 1] != r]
    assert len(runs) == len(set(retire))  # grouped per rule

    # verdict counts follow the other filters
    page.click("#f-reset")
    page.select_option("#f-sev", "+1")  # high and above
    levels = demo.findings["severity"].isin(["critical", "high"])
    for status in ("fail", "unknown", "pass"):
        chip = page.inner_text(f'#findings-app .chip[data-status="{status}"] .chip-n')
        assert int(chip.replace(",", "")) == int((levels & (demo.findings["status"] == status)).sum())
    severities = set(page.locator("#findings-body > tr.frow td:nth-child(2)").all_inner_texts())
    assert severities <= {"Critical", "High"} and severities

    # readable at 820 px: nothing wider than the window
    assert page.evaluate("document.documentElement.scrollWidth") <= 820
    wrap = page.locator("#findings-app .table-wrap")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert not page.locator("#findings-table th.c-sub").is_visible()
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_demo_prints_in_at_most_45_pages(browser, demo, demo_file):
    """The runbook once per kind of unit with the units' names in a table, the rule catalogue as one
    table, retirement failures one line per service: every section, in at most 45 A4 pages."""
    w = Watched(browser, demo_file)
    page = w.page
    page.emulate_media(media="print")
    for section in ("summary", "retirements", "plan", "findings", "resources", "manual", "rules", "calendar"):
        assert page.locator(f"section#{section}").is_visible(), section
    kinds = {u["kind"] for u in plan_json(demo.plan)["units"]}
    assert page.locator("#plan .print-runbooks ol.rb-steps").count() == len(kinds)
    assert page.locator("#plan .print-runbooks table.rb-units tbody tr").count() == len(
        plan_json(demo.plan)["units"]
    )
    assert not page.locator("#plan .unit .runbook").first.is_visible()
    assert page.locator("#rules table.rule-index tbody tr").count() == len(demo.pack.rules)
    assert not page.locator("#rules article.rule").first.is_visible()
    assert page.locator("#findings table.print-retire").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 30 < pages <= 45, pages
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_report_passes_axe_core_without_serious_violations(browser, demo, demo_file):
    """WCAG 2.1 AA as axe-core checks it: no serious or critical violation (colour contrast of muted
    text and verdict chips, links told apart from text by more than colour), in the states a reader
    meets: the page as it opens, every plan unit open, a finding's details, the resources list."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    w = Watched(browser, demo_file)
    page = w.page

    def serious() -> list[tuple[str, str, int]]:
        violations = axe.run(page).response["violations"]
        return [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    assert serious() == []
    page.click("#units-all")
    w.rows().first.click()
    page.select_option("#r-state", "all")
    page.locator("#res-list > li").first.locator("button").first.click()
    assert page.locator("#findings-body tr.drow").count() == 1
    assert serious() == []
    w.assert_clean()
    page.close()
