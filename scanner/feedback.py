"""What the command line tells the user on stderr while it works.

Three kinds of line: information ("read 87 rows", "wrote report.html"), silenced by --quiet;
warnings (an incomplete scan, an expired waiver), always shown; and stages (reading, evaluating,
writing each report). On a terminal the stages are one rich progress line that updates in place,
with the information printed above it; otherwise each stage is a plain numbered line, so a
scheduler's log shows where a long scan is. --quiet shows no stage at all.

The pipeline does not know about any of this: it logs to the `classic_scan` logger hierarchy
(INFO: information, WARNING and above: warnings), and the command line routes those records here
(`Feedback.logs`). A live collection reports typed progress events (scanner/sources/events.py),
which `Feedback.collection` turns into the query counts on the progress line, or into one plain
line per finished query and per ARM read off a terminal.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from scanner.errors import terminal_safe
from scanner.sources.events import (
    ArmRead,
    ArmReadsPlanned,
    ArmThrottled,
    PageRead,
    ProgressEvent,
    QueriesPlanned,
    QueryDone,
    Throttled,
)
from scanner.wording import counted

PREFIX = "classic-scan: "
#: The root of the loggers the pipeline writes to (`classic_scan.scan`, ...).
LOGGER = "classic_scan"


class Feedback:
    """Messages and stage progress on one stream (stderr by default)."""

    def __init__(
        self,
        quiet: bool = False,
        verbose: bool = False,
        stream: TextIO | None = None,
        terminal: bool | None = None,
    ) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = _is_terminal(self.stream) if terminal is None else terminal
        self._console = (
            Console(file=self.stream, force_terminal=True, highlight=False, soft_wrap=True)
            if self.terminal
            else None
        )
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._total = 0
        self._done = 0

    def info(self, message: str) -> None:
        """A line the user may want; not shown with --quiet."""
        if not self.quiet:
            self._emit(message)

    def warn(self, message: str) -> None:
        """A line the user must see, even with --quiet."""
        self._emit(message)

    def _emit(self, message: str) -> None:
        message = terminal_safe(message)  # tenant names may carry control characters or bidi overrides
        if self._console is not None:
            self._console.print(PREFIX + message, markup=False)
        else:
            self.stream.write(PREFIX + message + "\n")
            self.stream.flush()

    @contextlib.contextmanager
    def stages(self, total: int) -> Iterator[None]:
        """Announce that `total` stages follow; on a terminal, show the progress line until the end."""
        self._total, self._done = total, 0
        if self.quiet or self._console is None:
            yield
            return
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._progress, self._task = progress, progress.add_task("", total=total)
        try:
            with progress:
                yield
        finally:
            self._progress = self._task = None

    @contextlib.contextmanager
    def stage(self, description: str, plain_line: bool = True) -> Iterator[None]:
        """One stage of those announced by `stages` (works, silently, outside `stages` too).
        `plain_line=False`: no line off a terminal, for a stage that logs its own lines, so that bad
        input stays one error line."""
        self._done += 1
        if not self.quiet:
            if self._progress is not None and self._task is not None:
                self._progress.update(self._task, description=description, refresh=True)
            elif self._total and plain_line:
                self._emit(f"[{self._done}/{self._total}] {description}")
        yield
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def describe(self, description: str) -> None:
        """Replace the current stage's text on the terminal's progress line (nothing elsewhere)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=description)

    @contextlib.contextmanager
    def logs(self) -> Iterator[None]:
        """While inside, records of the `classic_scan` loggers are this Feedback's lines: INFO as
        information (silenced by --quiet), WARNING and above as warnings."""
        logger = logging.getLogger(LOGGER)
        handler = _FeedbackHandler(self)
        level, propagate = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the lines are ours: not again through a root handler
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate

    def collection(self) -> Callable[[ProgressEvent], None] | None:
        """The progress callback of a live collection: plain lines off a terminal, the stage's text on
        one, None with --quiet."""
        if self.quiet:
            return None
        if self._console is None:
            return CollectionCounts(self._emit)
        counts = CollectionCounts()  # counts only: the progress line shows them

        def update(event: ProgressEvent) -> None:
            counts(event)
            throttled = f", throttled {counts.throttled}" if counts.throttled else ""
            self.describe(
                f"collecting: {counts.done}/{counts.total} queries, {counts.pages} pages, "
                f"{counts.rows} rows{throttled}"
            )

        return update


class _FeedbackHandler(logging.Handler):
    def __init__(self, feedback: Feedback) -> None:
        super().__init__(logging.INFO)
        self.feedback = feedback

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            self.feedback.warn(message)
        else:
            self.feedback.info(message)


class CollectionCounts:
    """Counts a live collection's queries, pages, rows and throttling from its progress events; with
    `line`, also says when each query and each ARM read is done (events come from worker threads)."""

    def __init__(self, line: Callable[[str], None] | None = None) -> None:
        self._line = line or (lambda text: None)
        self._lock = threading.Lock()
        self.total = self.done = self.pages = self.rows = self.throttled = 0
        self.arm_total = self.arm_done = 0

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            match event:
                case QueriesPlanned(queries):
                    self.total = queries
                case PageRead(rows):
                    self.pages += 1
                    self.rows += rows
                case Throttled():
                    self.throttled += 1
                case QueryDone(dataset, rows):
                    self.done += 1
                    self._line(f"query {self.done}/{self.total} done: {dataset} ({counted(rows, 'row')})")
                case ArmReadsPlanned(reads):
                    self.arm_total = reads
                    self._line(f"ARM details: {reads} reads (GET)")
                case ArmThrottled(wait):
                    self.throttled += 1
                    self._line(f"ARM throttled: waiting {wait:.1f} s (Retry-After)")
                case ArmRead(subscription, what, region, status):
                    self.arm_done += 1
                    where = f"{what} of {subscription}" + (f" in {region}" if region else "")
                    self._line(f"ARM read {self.arm_done}/{self.arm_total}: {where}: {status}")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
