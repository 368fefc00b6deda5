"""report.html with waivers and history: the Waivers and Changes sections, waivers and first/last seen
on findings, the trend chart, hostile waiver text, masked reports, and the page in a browser."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from markupsafe import escape
from report_fixtures import HOSTILE_APPROVER, HOSTILE_OWNER, HOSTILE_TICKET, HOSTILE_WHY, needs_chromium
from test_html import Watched, embedded, embedded_text

from reports import history_view, html, html_data, svg
from reports.json_report import history_json, plain
from scanner.delta import CATEGORIES
from scanner.masking import mask_result
from scanner.model import Delta, DeltaItem, HistoryReport, TrendPoint
from scanner.scan import ScanOptions, run_scan


def section(text: str, anchor: str) -> str:
    start = text.index(f'<section id="{anchor}"')
    return text[start : text.index("</section>", start)]


def nav(text: str) -> list[str]:
    inner = text[text.index('<nav class="topnav') : text.index("</nav>")]
    return re.findall(r'<a href="#([a-z]+)">', inner)


def headings(text: str) -> list[str]:
    return [unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", text)]


@pytest.fixture(scope="module")
def second_html(two_scans) -> str:
    path = two_scans.folder / "second.html"
    html.write(two_scans.second, path)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def first_html(two_scans) -> str:
    return html.render(two_scans.first)


@pytest.fixture(scope="module")
def plain_html() -> str:
    """The demo scanned without --waivers and --history."""
    return html.render(run_scan(ScanOptions(demo=True, as_of=date(2026, 12, 15))))


# --- sections -----------------------------------------------------------------------------------------


def test_sections_are_numbered_and_in_the_navigation(second_html):
    assert nav(second_html) == [
        "summary",
        "changes",
        "retirements",
        "plan",
        "cses",  # the demo has Cloud Services (extended support)
        "findings",
        "resources",
        "manual",
        "waivers",
        "rules",
        "coverage",
    ]
    assert headings(second_html)[:9] == [
        "1. Executive summary",
        "2. Changes since the previous scan",
        "3. Retirements",
        "4. Migration plan",
        "5. Cloud Services (extended support)",
        "6. Findings",
        "7. Resources",
        "8. Manual checklist",
        "9. Waivers",
    ]
    assert "<span>2</span>Changes since the previous scan" in second_html  # the printed contents
    assert "<span>9</span>Waivers" in second_html


def test_without_waivers_and_history_the_sections_are_absent(plain_html):
    assert 'id="changes"' not in plain_html and 'id="waivers"' not in plain_html
    assert "changes" not in nav(plain_html) and "waivers" not in nav(plain_html)
    assert headings(plain_html)[:7] == [
        "1. Executive summary",
        "2. Retirements",
        "3. Migration plan",
        "4. Cloud Services (extended support)",
        "5. Findings",
        "6. Resources",
        "7. Manual checklist",
    ]
    assert 'class="card delta-card"' not in plain_html
    assert '<button type="button" class="sort" data-sort="first"' not in plain_html
    # one line each in the coverage appendix says why
    assert "none: the scan ran without a waivers file" in plain_html
    assert "not recorded: the scan ran without a history database" in plain_html
    data = embedded(plain_html)
    assert data["hist"] is False and data["w"] == [] and data["t"] == []


def test_changes_section_has_the_counts_lists_and_trend(two_scans, second_html):
    result = two_scans.second
    history = history_json(result.history)
    counts = history["delta"]["counts"]
    assert counts["waiver_expired"] == 5 and counts["waived"] == 4 and counts["persisting"] > 500
    changes = section(second_html, "changes")
    assert history["previous_scan_id"] == two_scans.first.meta.id
    assert f"scan <code>{two_scans.first.meta.id}</code>" in changes
    assert "started 26 Nov 2026, 08:00 UTC · as of 2026-11-26" in changes
    tiles = re.findall(
        r'<li class="dt dt-(\w+)[^"]*">.*?'
        r'<span class="dt-n">([\d,]+)</span><span class="dt-label">([^<]+)</span>',
        changes,
        re.S,
    )
    assert [(label, int(n.replace(",", ""))) for _, n, label in tiles] == [
        (history_view.DELTA_LABELS[k], counts[k]) for k in history_view.DELTA_KEYS
    ]
    assert dict((label, tone) for tone, _, label in tiles)["Waiver expired"] == "bad"
    # a list per non-empty category; each item: rule, resource (linked to the resource view), verdicts
    index = html.resource_index(result)
    for key in CATEGORIES:
        items = history["delta"][key]
        if not items:
            assert f'id="changes-{key}"' not in changes
            continue
        block = changes[changes.index(f'id="changes-{key}"') :]
        block = block[: block.index("</table>")]
        rows = re.findall(r"<tr><td>.*?</tr>", block, re.S)
        assert len(rows) == len(items)
        for row, item in zip(rows, items, strict=True):
            res, name = index[item["resource_id"].lower()]
            assert f'href="#rule-{item["rule_id"]}"' in row
            assert f'data-res="{res}"' in row and f">{escape(name)}</a>" in row
            assert f'<span class="st st-{item["old_status"]}">' in row
            assert f'<span class="st st-{item["status"]}">' in row
    # the trend: a chart of both scans with their dates, and a table row per scan (newest first)
    card = changes[changes.index('class="card trend-card"') :]
    chart = card[card.index("<svg") : card.index("</svg>")]  # the screen one (the print one is narrower)
    assert chart.count('<g class="moment">') == 2
    assert ">26 Nov 2026</text>" in chart and ">15 Dec 2026</text>" in chart
    assert "2026-12-15 08:00 UTC · this scan: 563 fail, 32 unknown, 66 manual, 4 waived, 6,918 pass" in chart
    table = card[card.index('class="data trend-table"') :]
    started = re.findall(r'<tr class="[a-z]*"><td class="nowrap">([^<]+)</td>', table)
    assert started == ["15 Dec 2026, 08:00 UTC", "26 Nov 2026, 08:00 UTC"]
    assert '<span class="tag">this scan</span>' in table and '<span class="tag">previous</span>' in table
    assert "tag-warn" not in changes and "<strong>incomplete</strong>" not in changes  # both are complete


def test_summary_carries_the_delta_headline(two_scans, second_html):
    summary = section(second_html, "summary")
    headline = history_view.headline(two_scans.second.history)
    assert headline == (
        "0 new, 0 regressed, 5 waiver expired, 0 resolved, 4 newly waived, 0 unverified; 558 persisting"
    )
    assert f'Since the <a href="#changes">previous scan</a>: {headline}.' in summary
    card = summary[summary.index('class="card delta-card"') :]
    assert '<a class="small" href="#changes">What changed</a>' in card
    assert '<span class="dt-n">5</span><span class="dt-label">Waiver expired</span>' in card
    # and the waivers in one sentence
    assert (
        '<strong>4</strong> findings\n    are <a href="#waivers">waived</a> under 1\n    active waiver;\n'
        "    1 waiver has expired, reopening 2 findings." in summary
    )


def test_first_scan_of_a_scope_says_so(first_html):
    changes = section(first_html, "changes")
    assert "First scan of this scope." in changes
    assert "delta-tiles" not in changes and "<svg" not in changes
    assert "The trend starts with the second scan of this scope." in changes
    assert changes.count('<tr class="current">') == 1
    summary = section(first_html, "summary")
    assert "This is the first scan of this scope in the history database" in summary
    assert "Since the <a" not in summary


def test_waivers_section_lists_active_expired_and_unused(two_scans, second_html):
    waivers = plain(two_scans.second.waivers)
    block = section(second_html, "waivers")
    assert f"<code>{escape(waivers['file'])} sha256:{waivers['sha256']}</code>" in block
    kpis = re.findall(r'<span class="kpi-value">(\d+)</span>\s*<span class="kpi-note">([^<]+)</span>', block)
    assert kpis == [
        ("1", "4 findings waived"),
        ("1", "2 findings reopened"),
        ("1", "match no open finding: remove or fix the target"),
    ]
    for state in ("active", "expired", "unused"):
        group = block[block.index(f'id="waivers-{state}"') :]
        group = group[: group.index("</table>")]
        [w] = waivers[state]
        rows = re.findall(r"<tr(?: class=\"soon\")?><td class=\"num muted\">.*?</tr>", group, re.S)
        assert len(rows) == 1
        row = rows[0]
        assert f'<td class="num muted">{w["entry"]}</td>' in row
        assert f'<td class="break">{escape(w["justification"])}</td>' in row
        assert str(escape(w["owner"])) in row and w["expires"] in row
        assert f"<strong>{w['matched']}</strong>" in row
    expired = block[block.index('id="waivers-expired"') :]
    assert "open again" in expired[: expired.index("</table>")]
    assert "days ago" in expired[: expired.index("</table>")]


def test_an_active_waiver_close_to_expiry_is_flagged(two_scans):
    as_of = (datetime(2027, 3, 31, tzinfo=UTC) - timedelta(days=10)).date().isoformat()
    soon = dataclasses.replace(two_scans.second.meta, as_of=as_of)
    block = section(html.render(dataclasses.replace(two_scans.second, meta=soon)), "waivers")
    active = block[block.index('id="waivers-active"') : block.index('id="waivers-expired"')]
    assert '<tr class="soon">' in active and '<div class="small wv-soon">in 10 days</div>' in active


def test_findings_carry_their_waiver_and_first_and_last_seen(two_scans, second_html):
    result = two_scans.second
    data = embedded(second_html)
    assert data["hist"] is True
    assert data["t"] == sorted(data["t"]) == ["2026-11-26T08:00:00Z", "2026-12-15T08:00:00Z"]
    f = result.findings
    rules, resources = [r[0] for r in data["rules"]], [r[0] for r in html_data.resources(data)]
    for row, (_, finding) in zip(html_data.finding_rows(data), f.iterrows(), strict=True):
        assert (row[8] or html_data.derived_id(rules[row[0]], resources[row[3]])) == finding["finding_id"]
        assert data["t"][row[10]] == finding["first_seen"] and data["t"][row[11]] == finding["last_seen"]
        waiver = finding["waiver"]
        if waiver is None:
            assert row[9] == -1
            continue
        w = data["w"][row[9]]
        assert w[:9] == [
            waiver["state"],
            waiver["rule"],
            waiver["target"],
            waiver["justification"],
            waiver["owner"],
            waiver["expires"],
            waiver["ticket"] or "",
            waiver["approved_by"] or "",
            waiver["entry"],
        ]
        assert (waiver["state"] == "active") == (finding["status"] == "waived")
    assert {w[0] for w in data["w"]} == {"active", "expired"}
    # the column of the findings table
    assert '<button type="button" class="sort" data-sort="first"' in second_html


def test_hostile_waiver_text_is_never_markup(second_html):
    assert "<script>alert" not in second_html and "<img src=x" not in second_html
    assert len(re.findall(r"<script[^>]*>", second_html)) == 4  # plan, data, page script, evidence
    assert " style=" not in second_html  # the CSP allows no inline style
    hrefs = re.findall(r'<a [^>]*href="([^"]*)"', second_html)
    assert all(h.startswith(("#", "https://")) for h in hrefs)
    block = section(second_html, "waivers")
    assert str(escape(HOSTILE_WHY)) in block and str(escape(HOSTILE_APPROVER)) in block
    assert str(escape(HOSTILE_OWNER)) in block and HOSTILE_TICKET in block
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", embedded_text(second_html))
    assert embedded(second_html)["w"][0][3:5] == [HOSTILE_WHY, HOSTILE_OWNER]


def test_incomplete_scan_warns_that_resolved_may_be_unread(two_scans):
    result = two_scans.second
    meta = dataclasses.replace(result.meta, coverage={**result.meta.coverage, "complete": False})
    changes = section(html.render(dataclasses.replace(result, meta=meta)), "changes")
    assert "This scan is incomplete." in changes
    assert "some resolved findings may only not have been read" in changes


def crafted_history(result, items: int) -> HistoryReport:
    """A history whose delta has `items` new findings and a resolved one for a resource gone from the scan."""
    f = result.findings
    rows = [
        {
            "finding_id": fid,
            "rule_id": rule,
            "resource_id": rid,
            "status": "fail",
            "old_status": "absent",
        }
        for fid, rule, rid in zip(
            f["finding_id"][:items], f["rule_id"][:items], f["resource_id"][:items], strict=True
        )
    ]
    gone = {
        "finding_id": "0" * 32,
        "rule_id": "VM-001",
        "resource_id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.ClassicCompute/"
        "virtualMachines/<b>gone</b>",
        "status": "absent",
        "old_status": "fail",
    }
    lists = {k: [] for k in CATEGORIES} | {"new": rows, "resolved": [gone]}
    points = [
        {
            "scan_id": f"scan-{i}",
            "started_at": f"2026-{i + 1:02d}-01T06:00:00Z",
            "as_of": f"2026-{i + 1:02d}-01",
            "complete": i != 2,
            "counts": {"fail": 50 - i, "unknown": 3, "manual": 2, "waived": i, "pass": 900 + i},
        }
        for i in range(10)
    ]
    points[-1]["scan_id"] = result.meta.id
    return HistoryReport(
        scope_key="k" * 32,
        previous_scan_id="scan-8",
        delta=Delta(**{k: tuple(DeltaItem(**i) for i in v) for k, v in lists.items()}, persisting=3),
        trend=tuple(TrendPoint(**p) for p in points),
    )


def test_long_lists_are_capped_with_a_note_and_gone_resources_are_not_linked(two_scans, monkeypatch):
    result = two_scans.second
    monkeypatch.setattr(history_view, "HTML_ITEMS", 10)
    text = html.render(dataclasses.replace(result, history=crafted_history(result, 25)))
    changes = section(text, "changes")
    new = changes[changes.index('id="changes-new"') : changes.index('id="changes-resolved"')]
    assert new.count('class="res-link"') == 10
    assert "Showing the first 10 of 25." in new
    resolved = changes[changes.index('id="changes-resolved"') :]
    resolved = resolved[: resolved.index("</table>")]
    assert "res-link" not in resolved and '<span class="tag">not in this scan</span>' in resolved
    assert "&lt;b&gt;gone&lt;/b&gt;" in resolved and "<b>" not in resolved
    assert '<span class="st st-absent">Not reported</span>' in resolved
    # the trend: the table shows the 12 latest at most (here all 10), the chart all of them;
    # incomplete scans are open circles
    card = changes[changes.index("trend-card") :]
    screen = card[card.index('<div class="screen-only">') : card.index('<div class="print-only">')]
    assert screen.count('<g class="moment">') == 10
    assert screen.count('fill="#FFFFFF" stroke="#1D2433"') == 1
    assert '<span class="tag tag-warn">incomplete</span>' in card
    assert "scan-8" in changes


def test_trend_chart_escapes_and_thins_its_labels():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moments = [
        svg.Moment(start + timedelta(days=i), f"<b>{i}</b> Jan", f"<i>scan {i}</i>") for i in range(40)
    ]
    series = [svg.Series("Fail <x>", "C0392B", tuple(range(40))), svg.Series("Waived", "8E44AD", (1,) * 40)]
    out = str(svg.trend_chart(moments, series, "Trend <of> things"))
    assert "<b>" not in out and "<i>" not in out and "<x>" not in out and "<of>" not in out
    assert "&lt;i&gt;scan 39&lt;/i&gt;" in out and "Trend &lt;of&gt; things" in out
    labels = re.findall(r'class="tick" fill="#5B6475">(&lt;b&gt;\d+&lt;/b&gt; Jan)</text>', out)
    assert 3 < len(labels) < 40  # thinned so that they never overlap
    assert labels[-1] == "&lt;b&gt;39&lt;/b&gt; Jan"  # the latest is always labelled
    assert out.count('<g class="moment">') == 40
    assert str(svg.trend_chart(moments[:1], series, "t", empty="Not yet.")) == '<p class="empty">Not yet.</p>'


def test_masked_report_has_no_portal_links(two_scans):
    masked = mask_result(two_scans.second, b"k" * 32)
    assert masked.meta.scope["masked"] is True
    text = html.render(masked)
    assert "portal.azure" not in text
    data = embedded(text)
    assert data["portal"] == ""  # the page draws no portal link
    assert data["f"]["id"] == masked.findings["finding_id"].tolist()  # of the real ids: carried
    assert "no Azure portal links" in section(text, "coverage")
    # a neutral name and the file's digest: consultants name waivers files after the customer
    assert re.search(r"<code>waivers\.yaml sha256:[0-9a-f]{64}</code>", section(text, "waivers"))
    assert "second.yaml" not in text
    # the unmasked report links every resource
    plain = embedded(html.render(two_scans.second))
    assert plain["portal"].startswith("https://portal.azure.com/")


# --- in the browser -----------------------------------------------------------------------------------


@needs_chromium
def test_browser_changes_waivers_and_findings(browser, two_scans, tmp_path):
    path = two_scans.folder / "second-browser.html"
    html.write(two_scans.second, path)
    w = Watched(browser, path)
    page = w.page
    # a reopened finding: marked in the table, its expired waiver in the details
    w.type_filter("fab-sql-01 VM-003")
    assert w.rows().count() == 1
    assert w.rows().first.locator(".wv-note.wv-expired").inner_text() == "waiver expired"
    w.rows().first.click()
    box = page.locator("#findings-body tr.drow .waiver-box.waiver-expired")
    assert "Waiver expired on 2026-12-01: this finding is open again" in box.inner_text()
    detail = page.locator("#findings-body tr.drow").inner_text()
    assert "First seen\n2026-11-26 08:00 UTC" in detail and "Last seen\n2026-12-15 08:00 UTC" in detail
    # a waived finding whose waiver text is hostile: shown as text
    page.click("#f-reset")
    page.click('#findings-app .chip[data-status="fail"]')
    page.click('#findings-app .chip[data-status="unknown"]')
    page.click('#findings-app .chip[data-status="manual"]')
    assert w.rows().count() == 4
    assert w.rows().first.locator(".wv-note").inner_text() == "until 2027-03-31"
    w.rows().first.click()
    box = page.locator("#findings-body tr.drow .waiver-box.waiver-active")
    text = box.inner_text()
    assert all(t in text for t in (HOSTILE_WHY, HOSTILE_OWNER, HOSTILE_APPROVER, HOSTILE_TICKET))
    assert text.startswith("Waived until 2027-03-31 (106 days left)")
    # the search finds waivers by their text
    page.click("#f-reset")
    w.type_filter("CHG-1042")
    assert w.rows().count() == 2
    # sorting by first seen
    page.click("#f-reset")
    page.click('.sort[data-sort="first"]')
    assert page.get_attribute('th:has(.sort[data-sort="first"])', "aria-sort") == "ascending"
    # a changed finding leads to the resource view
    link = page.locator("#changes a.res-link").first
    name = link.inner_text()
    link.click()
    assert page.locator("#res-list > li").count() == 1
    assert page.locator("#res-list .res-head .cell-main").inner_text() == name
    assert page.evaluate("location.hash") == ""
    # the trend chart has a tooltip per scan
    assert page.locator("#changes .screen-only svg g.moment").count() == 2
    for anchor in ("changes", "waivers"):
        page.locator(f"#{anchor}").screenshot(path=str(tmp_path / f"{anchor}.png"))
        assert (tmp_path / f"{anchor}.png").stat().st_size > 20_000
    page.emulate_media(media="print")
    assert page.locator("#changes .print-only svg").is_visible()
    assert page.locator("#waivers .waiver-table").first.is_visible()
    page.pdf(path=str(tmp_path / "report.pdf"), format="A4", print_background=True)
    w.assert_clean()
    page.close()


@needs_chromium
def test_browser_masked_report_has_no_portal_button(browser, two_scans, tmp_path):
    path = tmp_path / "masked.html"
    html.write(mask_result(two_scans.second, b"k" * 32), path)
    w = Watched(browser, path)
    page = w.page
    w.rows().first.click()
    detail = page.locator("#findings-body tr.drow")
    assert "All verdicts for this resource" in detail.inner_text()
    assert detail.locator("text=Open in the Azure portal").count() == 0
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert hrefs and not [h for h in hrefs if "portal.azure" in h]
    w.assert_clean()
    page.close()
