"""What the command line tells the user on stderr while it works.

Three kinds of line: information ("read 87 rows", "wrote report.html"), silenced by --quiet;
warnings (an incomplete scan, an expired waiver), always shown; and stages (reading, evaluating,
writing each report). On a terminal the stages are one rich progress line that updates in place,
with the information printed above it; otherwise each stage is a plain numbered line, so a
scheduler's log shows where a long scan is. --quiet shows no stage at all.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

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

PREFIX = "classic-scan: "


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

    def collection(self) -> Callable[[str, dict[str, Any]], None] | None:
        """The progress callback of a live collection: plain lines off a terminal, the stage's text on
        one, None with --quiet."""
        from scanner.progress import ProgressPrinter

        if self.quiet:
            return None
        if self._console is None:
            return ProgressPrinter(self.stream)
        counts = ProgressPrinter(io.StringIO())  # counts only: the progress line shows them

        def update(event: str, data: dict[str, Any]) -> None:
            counts(event, data)
            throttled = f", throttled {counts.throttled}" if counts.throttled else ""
            self.describe(
                f"collecting: {counts.done}/{counts.total} queries, {counts.pages} pages, "
                f"{counts.rows} rows{throttled}"
            )

        return update


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
