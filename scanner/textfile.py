"""Reading small text files written on any platform: UTF-8 with or without a byte-order mark, UTF-16
with one (what Windows PowerShell 5.1 writes with `>` or `Out-File`), CRLF or LF line endings."""

from __future__ import annotations

import codecs
from pathlib import Path

from scanner.errors import InputError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: The first two bytes of every gzip file (RFC 1952).
GZIP_MAGIC = b"\x1f\x8b"


def decode_text(data: bytes, what: str) -> str:
    """`data` as text with LF line endings; InputError naming `what` if it is neither UTF-8 nor UTF-16."""
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{what}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: Path, what: str) -> str:
    """Read `path` with decode_text; InputError naming `what` when it cannot be read."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{what}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{what}: cannot read: {exc.strerror}") from None
    return decode_text(data, what)


def is_gzip(path: Path) -> bool:
    """Whether `path` starts like a gzip file (its name may say otherwise); OSError if unreadable."""
    with path.open("rb") as fh:
        return fh.read(len(GZIP_MAGIC)) == GZIP_MAGIC
