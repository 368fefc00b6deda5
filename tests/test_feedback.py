"""stderr feedback: a rich progress line on a terminal, numbered plain lines elsewhere, nothing with -q."""

from __future__ import annotations

import io
import logging

from scanner.feedback import Feedback
from scanner.sources.events import (
    ArmRead,
    ArmReadsPlanned,
    ArmThrottled,
    PageRead,
    QueriesPlanned,
    QueryDone,
    Throttled,
)


def run_stages(feedback: Feedback) -> None:
    with feedback.stages(3):
        with feedback.stage("reading and evaluating", plain_line=False):
            feedback.info("read 1 row from 1 file")
        with feedback.stage("writing report.xlsx"):
            feedback.describe("writing report.xlsx: Findings sheet")
        with feedback.stage("writing report.html"):
            feedback.warn("incomplete: x")


def test_terminal_shows_the_stages_on_a_rich_progress_line():
    stream = io.StringIO()
    run_stages(Feedback(stream=stream, terminal=True))
    text = stream.getvalue()
    assert "\x1b[" in text  # the line is redrawn in place
    assert "writing report.xlsx" in text
    assert "classic-scan: read 1 row from 1 file" in text and "classic-scan: incomplete: x" in text
    assert "[2/3]" not in text


def test_off_a_terminal_each_stage_is_one_numbered_line():
    stream = io.StringIO()
    run_stages(Feedback(stream=stream, terminal=False))
    assert stream.getvalue().splitlines() == [
        "classic-scan: read 1 row from 1 file",
        "classic-scan: [2/3] writing report.xlsx",
        "classic-scan: [3/3] writing report.html",
        "classic-scan: incomplete: x",
    ]


def test_quiet_shows_warnings_only():
    for terminal in (True, False):
        stream = io.StringIO()
        run_stages(Feedback(quiet=True, stream=stream, terminal=terminal))
        assert stream.getvalue().strip().endswith("classic-scan: incomplete: x")
        assert "read 1 row" not in stream.getvalue() and "writing" not in stream.getvalue()
    assert Feedback(quiet=True).collection() is None


def test_live_collection_counts_update_the_stage_on_a_terminal():
    stream = io.StringIO()
    feedback = Feedback(stream=stream, terminal=True)
    with feedback.stages(1), feedback.stage("collecting", plain_line=False):
        progress = feedback.collection()
        assert progress is not None
        progress(QueriesPlanned(2))
        progress(PageRead(1000))
        progress(QueryDone("resources", 1000))
        assert feedback._progress is not None
        task = feedback._progress.tasks[0]
        assert task.description == "collecting: 1/2 queries, 1 pages, 1000 rows"


def test_terminal_counts_throttling_on_the_stage_line_and_prints_no_plain_line():
    stream = io.StringIO()
    feedback = Feedback(stream=stream, terminal=True)
    with feedback.stages(1), feedback.stage("collecting", plain_line=False):
        progress = feedback.collection()
        assert progress is not None
        for event in (QueriesPlanned(1), Throttled(2.0), PageRead(5), QueryDone("resources", 5)):
            progress(event)
        assert feedback._progress is not None
        assert feedback._progress.tasks[0].description == (
            "collecting: 1/1 queries, 1 pages, 5 rows, throttled 1"
        )
    assert "query 1/1 done" not in stream.getvalue()


def test_off_a_terminal_each_query_and_arm_read_is_one_line():
    stream = io.StringIO()
    feedback = Feedback(stream=stream, terminal=False)
    progress = feedback.collection()
    assert progress is not None
    events = [
        QueriesPlanned(2),
        PageRead(1),
        QueryDone("resources", 1),
        Throttled(1.0),
        QueryDone("resourcecontainers", 0),
        ArmReadsPlanned(2),
        ArmThrottled(1.25),
        ArmRead("sub-1", "provider", None, "read"),
        ArmRead("sub-1", "compute_usages", "westeurope", "denied"),
    ]
    for event in events:
        progress(event)
    assert stream.getvalue().splitlines() == [
        "classic-scan: query 1/2 done: resources (1 row)",
        "classic-scan: query 2/2 done: resourcecontainers (0 rows)",
        "classic-scan: ARM details: 2 reads (GET)",
        "classic-scan: ARM throttled: waiting 1.2 s (Retry-After)",
        "classic-scan: ARM read 1/2: provider of sub-1: read",
        "classic-scan: ARM read 2/2: compute_usages of sub-1 in westeurope: denied",
    ]


def test_pipeline_log_records_become_feedback_lines_while_routed():
    log = logging.getLogger("classic_scan.scan")
    for quiet, expected in (
        (False, ["classic-scan: read 3 rows", "classic-scan: bad \\x1b[31m name"]),
        (True, ["classic-scan: bad \\x1b[31m name"]),
    ):
        stream = io.StringIO()
        feedback = Feedback(quiet=quiet, stream=stream, terminal=False)
        with feedback.logs():
            log.info("read %d rows", 3)
            log.warning("bad \x1b[31m name")  # control characters escaped, as every line
        log.warning("after the command: not ours")
        assert stream.getvalue().splitlines() == expected
    assert logging.getLogger("classic_scan").handlers == []
