"""The retirement calendar (rules/retirements.yaml) and how close a date is to --as-of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner.clouds import CLOUD_NAMES, Cloud
from scanner.errors import InputError

_URL = r"^https://\S+$"


class AlternativeDate(BaseModel):
    """Another date a source gives for the same retirement."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    date: dt.date
    source: str = Field(pattern=_URL)
    note: str = Field(default="", max_length=500)


class Retirement(BaseModel):
    """One retired or retiring service."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    service: str = Field(min_length=3, max_length=120)
    date: dt.date
    announcement: str = Field(min_length=3, max_length=500)
    source: str = Field(pattern=_URL)
    notes: str = Field(default="", max_length=1500)
    alternative_dates: tuple[AlternativeDate, ...] = ()
    dates_by_cloud: Mapping[Cloud, dt.date] = Field(default_factory=dict)

    @field_validator("dates_by_cloud", mode="before")
    @classmethod
    def _known_clouds(cls, value: object) -> object:
        # Before the enum check, for one line that lists every unknown name and the known ones.
        unknown = sorted(str(k) for k in value if k not in CLOUD_NAMES) if isinstance(value, dict) else []
        if unknown:
            raise ValueError(f"unknown cloud(s) {', '.join(unknown)}; use {', '.join(CLOUD_NAMES)}")
        return value

    def date_for(self, cloud: Cloud | str) -> dt.date:
        # A snapshot may name a cloud this version does not know: the entry's general date then.
        return self.dates_by_cloud.get(Cloud(cloud), self.date) if cloud in CLOUD_NAMES else self.date


class RetirementCalendar:
    """Retirement entries by key, and the severity a date implies relative to --as-of."""

    def __init__(self, entries: Mapping[str, Retirement]) -> None:
        self.entries = dict(entries)

    @classmethod
    def from_mapping(cls, data: object, origin: str) -> RetirementCalendar:
        if not isinstance(data, dict):
            raise InputError(f"{origin}: expected a mapping of retirement keys")
        entries = {}
        for key, value in data.items():
            try:
                entries[str(key)] = Retirement.model_validate(value)
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                raise InputError(f"{origin}: {key}.{where}: {err['msg']}") from None
        return cls(entries)

    def merged(self, other: RetirementCalendar, origin: str) -> RetirementCalendar:
        clash = sorted(set(self.entries) & set(other.entries))
        if clash:
            raise InputError(
                f"{origin}: retirement keys already defined by the bundled pack: {', '.join(clash)}"
            )
        return RetirementCalendar({**self.entries, **other.entries})

    @staticmethod
    def severity(retire_date: dt.date, as_of: dt.date) -> str:
        """critical once past (or on) the date; high within 180 days; medium within 365; else low."""
        days = (retire_date - as_of).days
        if days <= 0:
            return "critical"
        if days <= 180:
            return "high"
        if days <= 365:
            return "medium"
        return "low"

    @staticmethod
    def describe(retire_date: dt.date, as_of: dt.date) -> tuple[int, str]:
        """(days, phrase): days overdue or remaining and a phrase for messages."""
        days = (retire_date - as_of).days
        if days < 0:
            return -days, f"retired {retire_date.isoformat()}, {-days} days ago"
        if days == 0:
            return 0, f"retires today ({retire_date.isoformat()})"
        return days, f"retires {retire_date.isoformat()}, in {days} days"
