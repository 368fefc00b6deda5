"""The memory budget of a run: how much it may use, and a watch that stops it cleanly beyond that.

A scan runs unattended on inputs nobody sized. Two guards keep it from taking the machine down:
the files source refuses, before reading, an input whose estimated peak exceeds the budget
(`sources.files.check_memory`), and `watch` samples the process's resident memory while it runs and
interrupts it with a one-line error (exit 2) when the budget is exceeded anyway. Reports are staged
and the history is one transaction, so an interrupted run leaves the previous outputs as they were.

Memory figures come from psutil on every platform (Linux, macOS, Windows); on Linux a container's
cgroup limit, when /sys/fs/cgroup is there, lowers the budget further.
"""

from __future__ import annotations

import _thread
import contextlib
import functools
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import psutil

from scanner.errors import InputError

LIMIT_ENV = "CLASSIC_SCAN_MEMORY_LIMIT"
#: Share of the memory available at start that a run may use when no limit is set.
AVAILABLE_SHARE = 0.8
#: Seconds between two samples of the resident memory.
SAMPLE_SECONDS = 0.1
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
CGROUP_ROOT = Path("/sys/fs/cgroup")


class MemoryBudgetError(InputError):
    """The run reached its memory budget and was stopped."""


def parse_size(text: str) -> int:
    """`1610612736`, `1536M`, `1.5G`, `1.5GiB` -> bytes; InputError otherwise."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text.lower())
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"{LIMIT_ENV}: {text!r} is not a size (bytes, or a number with K, M, G or T)")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def limit() -> int | None:
    """The budget in bytes: CLASSIC_SCAN_MEMORY_LIMIT if set, else 80 % of the memory available to
    this process (the lower of the machine's available memory and its cgroup's free allowance), plus
    what the process already holds. None where neither can be read."""
    override = os.environ.get(LIMIT_ENV)
    if override:
        return parse_size(override)
    free = [f for f in (available(), _cgroup_free()) if f is not None]
    if not free:
        return None
    return resident() + int(min(free) * AVAILABLE_SHARE)


@functools.cache
def _this_process() -> psutil.Process:
    return psutil.Process()


def resident() -> int:
    """Resident memory of this process in bytes (the working set on Windows); 0 if it cannot be read."""
    try:
        return int(_this_process().memory_info().rss)
    except (psutil.Error, OSError):
        return 0


def available() -> int | None:
    """Memory the machine can give without swapping (MemAvailable on Linux), in bytes."""
    try:
        return int(psutil.virtual_memory().available)
    except (psutil.Error, OSError, RuntimeError):
        return None


def describe(size: int) -> str:
    return f"{size / 2**30:.1f} GiB" if size >= 2**30 else f"{size / 2**20:.0f} MiB"


def origin() -> str:
    """Where the budget comes from, for messages."""
    return (
        f"set by {LIMIT_ENV}"
        if os.environ.get(LIMIT_ENV)
        else f"80 % of available memory; {LIMIT_ENV} sets it"
    )


class _BudgetReached(BaseException):
    """Raised in the main thread by the watch; a BaseException so no `except Exception` swallows it."""


@contextlib.contextmanager
def watch(budget: int | None = None) -> Iterator[None]:
    """Stop the run with MemoryBudgetError when its resident memory exceeds the budget.

    The sampler thread cannot raise in the main thread directly: it simulates Ctrl-C
    (`_thread.interrupt_main`, which every platform supports), and the SIGINT handler installed here
    raises `_BudgetReached` when the budget is the cause, or does what the previous handler did when
    it is a real Ctrl-C. Does nothing off the main thread or where resident memory cannot be read."""
    budget = limit() if budget is None else budget
    if budget is None or threading.current_thread() is not threading.main_thread() or not resident():
        yield
        return
    reached: list[int] = []
    finished: list[bool] = []
    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if reached:
            if not finished:  # a sample taken as the run ended does not undo its outputs
                raise _BudgetReached
            return
        _chain(previous, signum, frame)

    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(SAMPLE_SECONDS):
            used = resident()
            if used > budget:
                reached.append(used)
                _thread.interrupt_main(signal.SIGINT)
                return

    signal.signal(signal.SIGINT, on_interrupt)
    sampler = threading.Thread(target=sample, name="classic-scan-memory-watch", daemon=True)
    sampler.start()
    try:
        yield
    except _BudgetReached:
        raise MemoryBudgetError(
            f"stopped: memory use reached {describe(reached[0])}, over the budget of {describe(budget)} "
            f"({origin()}); scan fewer subscriptions at a time, or raise the budget on a larger machine. "
            "No report was replaced"
        ) from None
    finally:
        finished.append(True)
        stop.set()
        try:
            sampler.join()
        finally:
            signal.signal(signal.SIGINT, previous)  # runs a pending simulated Ctrl-C first, with our handler


def _chain(
    previous: Callable[[int, FrameType | None], object] | int | None, signum: int, frame: FrameType | None
) -> None:
    """What SIGINT did before the watch: the previous Python handler, nothing if ignored, else Ctrl-C."""
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        raise KeyboardInterrupt


def _cgroup_free() -> int | None:
    """What the container's memory limit still allows (Linux cgroup v2, then v1); None without a
    limit, and on systems without cgroups (macOS, Windows)."""
    if not CGROUP_ROOT.is_dir():
        return None
    for limit_file, usage_file in (
        ("memory.max", "memory.current"),
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes"),
    ):
        try:
            cap = (CGROUP_ROOT / limit_file).read_text(encoding="ascii").strip()
            used = int((CGROUP_ROOT / usage_file).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if cap.isdigit() and int(cap) < 2**60:  # "max" or a huge number: no limit
            return max(int(cap) - used, 0)
    return None
