"""Report branding from the command line: customer, author and an embedded logo."""

from __future__ import annotations

import base64
from pathlib import Path

from scanner.errors import InputError
from scanner.model import Branding

MAX_LOGO_BYTES = 1_000_000
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def load_branding(customer: str | None, prepared_by: str | None, logo: Path | None) -> Branding:
    """Validate the branding options; the logo becomes a data URI (PNG, JPEG, GIF or SVG, ≤ 1 MB)."""
    return Branding(
        customer=_one_line("--customer", customer),
        prepared_by=_one_line("--prepared-by", prepared_by),
        logo_data_uri=_logo(logo) if logo else "",
    )


def _one_line(option: str, value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > 200 or "\n" in text:
        raise InputError(f"{option}: give one line of at most 200 characters")
    return text


def _logo(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"--logo {path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_LOGO_BYTES:
        raise InputError(f"--logo {path}: larger than {MAX_LOGO_BYTES // 1000} kB")
    mime = next((m for sig, m in _SIGNATURES if data.startswith(sig)), None)
    if mime is None and path.suffix.lower() == ".svg" and b"<svg" in data[:2000].lower():
        mime = "image/svg+xml"
    if mime is None:
        raise InputError(f"--logo {path}: not a PNG, JPEG, GIF or SVG image")
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
