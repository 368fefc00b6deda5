"""The retirement calendar's per-cloud dates are keyed by the one Cloud enum."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from scanner.clouds import Cloud
from scanner.engine.retirements import Retirement

ENTRY = {
    "service": "Classic alerts",
    "date": "2021-05-31",
    "announcement": "Classic alerts retire",
    "source": "https://learn.microsoft.com/azure/azure-monitor/alerts/monitoring-classic-retirement",
}


def test_dates_by_cloud_keys_are_clouds_and_unknown_names_fall_back():
    entry = Retirement.model_validate({**ENTRY, "dates_by_cloud": {"usgov": "2024-02-29"}})
    assert list(entry.dates_by_cloud) == [Cloud.USGOV]
    assert type(next(iter(entry.dates_by_cloud))) is Cloud
    assert entry.date_for(Cloud.USGOV) == entry.date_for("usgov") == date(2024, 2, 29)
    assert entry.date_for(Cloud.CHINA) == date(2021, 5, 31)
    assert entry.date_for("AzureStackHub") == date(2021, 5, 31)  # a snapshot's unknown cloud


def test_an_unknown_cloud_in_the_calendar_is_one_line_naming_the_known_ones():
    with pytest.raises(ValidationError) as info:
        Retirement.model_validate({**ENTRY, "dates_by_cloud": {"mars": "2030-01-01", "usgov": "2024-02-29"}})
    assert "unknown cloud(s) mars; use public, usgov, china" in str(info.value)
