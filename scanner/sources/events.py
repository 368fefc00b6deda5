"""Progress events of a live collection: what the sources report while they read, typed.

The sources only describe what happened (a page of rows arrived, a request was throttled);
scanner/feedback.py decides how it looks on stderr. A callback receives one event at a time,
from any worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class QueriesPlanned:
    """The collection starts: this many queries (dataset x subscription batch) follow."""

    queries: int


@dataclass(frozen=True)
class PageRead:
    """One page of a query arrived (preflight pages included)."""

    rows: int


@dataclass(frozen=True)
class Throttled:
    """Resource Graph answered 429; the request is retried after `wait` seconds."""

    wait: float


@dataclass(frozen=True)
class QueryDone:
    """Every chain of one query (dataset x batch) is done."""

    dataset: str
    rows: int


@dataclass(frozen=True)
class ArmReadsPlanned:
    """--arm-details starts: this many GETs (subscription lists, providers, region usages) follow."""

    reads: int


@dataclass(frozen=True)
class ArmRead:
    """One ARM detail read ended, with its outcome (`read ...`, `denied`, `failed: ...`)."""

    subscription: str
    what: str
    region: str | None
    status: str


@dataclass(frozen=True)
class ArmThrottled:
    """Resource Manager asked to wait (Retry-After) before the next read."""

    wait: float


ProgressEvent = QueriesPlanned | PageRead | Throttled | QueryDone | ArmReadsPlanned | ArmRead | ArmThrottled
Progress = Callable[[ProgressEvent], None]


def ignore(event: ProgressEvent) -> None:
    """The callback of a collection nobody watches."""
