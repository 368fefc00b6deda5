"""Sources yield a Snapshot: raw ARG rows per dataset (ARG table)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from scanner.snapshot import Snapshot


class Source(Protocol):
    """Anything that can produce a snapshot of raw rows."""

    def read(self) -> Snapshot: ...


DEMO_ESTATE = Path(__file__).resolve().parent.parent / "demo" / "estate"
