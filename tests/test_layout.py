"""The runtime packages stay readable (issue 16): no module above 600 lines. (That they import
nothing from tools/, tests/ or bench/ is tests/demo/test_regenerate.py's check.)"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_PACKAGES = ("scanner", "reports")
MAX_LINES = 600


def _runtime_modules() -> list[Path]:
    return sorted(p for package in RUNTIME_PACKAGES for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _runtime_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_runtime_module_is_short(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concern"
