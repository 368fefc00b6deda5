"""Text reports written plain or gzip-compressed (`--compress`), chosen by the file name.

The gzip stream is written as the text is produced, so a compressed findings.json never exists in
memory whole, compressed or not. Its header carries no file name and a zero modification time, so
two scans that produce the same text produce the same bytes (archives can deduplicate and compare
them by hash).
"""

from __future__ import annotations

import contextlib
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

SUFFIX = ".gz"
#: zlib level 6 (gzip's own default): within a few per cent of level 9's size at a third of its time.
LEVEL = 6


def is_compressed(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIX)


@contextlib.contextmanager
def open_text(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """`path` opened for writing UTF-8 text; gzip-compressed (deterministically) when it ends in .gz."""
    if not is_compressed(path):
        with path.open("w", encoding="utf-8", newline=newline) as fh:
            yield fh
        return
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=LEVEL, mtime=0) as packed,
        io.TextIOWrapper(packed, encoding="utf-8", newline=newline, write_through=False) as fh,
    ):
        yield fh
