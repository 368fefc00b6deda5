"""stderr feedback: a rich progress line on a terminal, numbered plain lines elsewhere, nothing with -q."""

from __future__ import annotations

import io

from scanner.feedback import Feedback


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
        progress("start", {"queries": 2})
        progress("page", {"rows": 1000})
        progress("query", {"dataset": "resources", "rows": 1000})
        assert feedback._progress is not None
        task = feedback._progress.tasks[0]
        assert task.description == "collecting: 1/2 queries, 1 pages, 1000 rows"
