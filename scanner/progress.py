"""Progress of a live collection on stderr: one updating line on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from scanner.wording import counted


class ProgressPrinter:
    """A `Progress` callback for GraphSource: counts queries, pages, rows and throttling."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._lock = threading.Lock()
        self.total = self.done = self.pages = self.rows = self.throttled = 0
        self.arm_total = self.arm_done = 0

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        with self._lock:
            if event == "start":
                self.total = int(data.get("queries", 0))
            elif event == "page":
                self.pages += 1
                self.rows += int(data.get("rows", 0))
            elif event == "throttled":
                self.throttled += 1
            elif event in ("arm_start", "arm_read", "arm_throttled"):
                self._arm(event, data)
                return
            elif event == "query":
                self.done += 1
                if not self.tty:
                    name, rows = data.get("dataset"), data.get("rows")
                    self._line(
                        f"query {self.done}/{self.total} done: {name} ({counted(int(rows or 0), 'row')})"
                    )
            if self.tty:
                self._bar()

    def _bar(self) -> None:
        width = 24
        filled = int(width * self.done / self.total) if self.total else 0
        bar = "#" * filled + "-" * (width - filled)
        text = (
            f"\rclassic-scan: [{bar}] {self.done}/{self.total} queries, {self.pages} pages, "
            f"{self.rows} rows, throttled {self.throttled}"
        )
        self.stream.write(text)
        if self.total and self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()

    def _arm(self, event: str, data: dict[str, Any]) -> None:
        """ARM details (--arm-details): one read per subscription list, provider or region usages."""
        if event == "arm_start":
            self.arm_total = int(data.get("reads", 0))
            self._line(f"ARM details: {self.arm_total} reads (GET)")
            return
        if event == "arm_throttled":
            self.throttled += 1
            if not self.tty:
                self._line(f"ARM throttled: waiting {float(data.get('wait', 0)):.1f} s (Retry-After)")
            return
        self.arm_done += 1
        where = f" in {data['region']}" if data.get("region") else ""
        text = (
            f"ARM read {self.arm_done}/{self.arm_total}: {data.get('what')} of {data.get('subscription')}"
            f"{where}: {data.get('status')}"
        )
        if not self.tty or not str(data.get("status", "")).startswith("read"):
            self._line(text)
        else:
            self.stream.write(f"\rclassic-scan: {text[:110]:<110}")
            if self.arm_done == self.arm_total:
                self.stream.write("\n")
            self.stream.flush()

    def _line(self, text: str) -> None:
        self.stream.write(f"classic-scan: {text}\n")
        self.stream.flush()
