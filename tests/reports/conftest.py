"""Fixtures of the report tests (their helpers are in report_fixtures)."""

from __future__ import annotations

import pytest
from report_fixtures import CHROMIUM, CHROMIUM_ARGS, TwoScans, two_scans_in


@pytest.fixture(scope="session")
def two_scans(tmp_path_factory: pytest.TempPathFactory) -> TwoScans:
    """The demo scanned twice into one history database, each time with a waivers file."""
    return two_scans_in(tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
