"""Rule metadata schema and pack loading (bundled pack plus --rules DIR packs).

A rule file is validated in two steps: the metadata against `RuleSpec` (closed vocabularies,
length limits, id pattern), then its conditions, columns and templates against the inventory
column catalogue, by compiling it. Both steps raise InputError naming the file.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scanner.engine.conditions import Compiled, ConditionError, compile_condition
from scanner.engine.fields import field_column
from scanner.engine.retirements import RetirementCalendar
from scanner.errors import InputError
from scanner.inventory.columns import TABLES
from scanner.limits import load_yaml
from scanner.model import SEVERITIES, Category, Migration, Severity

__all__ = ["SEVERITIES", "Rule", "RulePack", "RuleSpec", "load_pack", "load_rule", "validate_dir"]

RETIREMENT_PLACEHOLDERS = frozenset({"service", "retire_date", "days", "when"})
RETIREMENTS_FILE = "retirements.yaml"


class Reference(BaseModel):
    """A source for a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=3, max_length=200)
    url: str = Field(pattern=r"^https://\S+$", max_length=500)


class RuleSpec(BaseModel):
    """The metadata and logic of one rule, as written in its YAML file."""

    # Enum fields hold their plain string values, so findings carry exactly the strings the YAML has.
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)
    id: str = Field(pattern=r"^[A-Z]{2,6}-\d{3}$")
    title: str = Field(min_length=5, max_length=120)
    severity: Severity | None = None
    migration: Migration | None = None
    category: Category
    target: str
    verdict: Literal["fail", "manual"] = "fail"
    where: dict[str, Any] | None = None
    requires: tuple[str, ...] = ()
    condition: dict[str, Any] | None = None
    manual_when: dict[str, Any] | None = None
    """Rows where this condition holds get `manual` (the scan did not read what the check needs)."""
    evidence: tuple[str, ...] = ()
    message: str = Field(min_length=5, max_length=500)
    pass_message: str | None = Field(default=None, max_length=500)
    manual_message: str | None = Field(default=None, max_length=500)
    rationale: str = Field(min_length=20, max_length=1000)
    remediation: str = Field(min_length=20, max_length=2000)
    verification: tuple[str, ...] = ()
    references: tuple[Reference, ...] = Field(min_length=1)
    retirement: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RuleSpec:
        if self.severity is None and self.retirement is None:
            raise ValueError("severity is required (only retirement rules take it from the calendar)")
        if self.severity is not None and self.retirement is not None:
            raise ValueError("a retirement rule takes its severity from the calendar: remove severity")
        if (self.verdict == "manual" or self.manual_when is not None) and not self.verification:
            raise ValueError("a manual rule needs verification steps")
        if self.manual_message is not None and self.manual_when is None:
            raise ValueError("manual_message needs manual_when")
        if self.target not in TABLES:
            raise ValueError(f"unknown target table {self.target!r}")
        return self


@dataclass(frozen=True)
class Rule:
    """A validated, compiled rule."""

    spec: RuleSpec
    """The metadata as written."""
    condition: Compiled | None
    """Compiled condition (None: every applicable row matches)."""
    where: Compiled | None
    """Compiled applicability filter (None: every row of the target)."""
    fields: tuple[str, ...]
    """Columns the condition and `requires` read; recorded as evidence with `spec.evidence`."""
    origin: str
    """File the rule came from (for messages)."""
    manual_when: Compiled | None = None
    """Compiled `manual_when` (None: no row turns manual)."""

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def migration(self) -> str:
        """The rule's migration role; a custom rule that does not declare one plays none."""
        return self.spec.migration or "none"


@dataclass(frozen=True)
class RulePack:
    """Every rule of a scan and the calendar its retirement rules use."""

    rules: tuple[Rule, ...]
    """Rules ordered by id."""
    calendar: RetirementCalendar
    """Retirement entries (bundled plus custom)."""
    version: str
    """Pack version: a digest of the rule files, stable across runs."""

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id.upper() == rule_id.upper()), None)

    @property
    def migration_roles(self) -> dict[str, str]:
        """Rule id -> its migration role (blocking, preparation or none)."""
        return {r.id: r.migration for r in self.rules}


def bundled_dir() -> Path:
    return Path(str(resources.files("rules")))


def load_pack(extra_dirs: tuple[Path, ...] = ()) -> RulePack:
    """Load the bundled pack and any custom packs; InputError on the first problem."""
    rules, calendar, digest = _load_dir(bundled_dir(), None)
    for rule in rules:
        # The bundled pack is the reference: every rule of it says what it means for the migration.
        if rule.spec.migration is None:
            raise InputError(f"{rule.origin}: migration is required (blocking, preparation or none)")
    for directory in extra_dirs:
        more, more_calendar, more_digest = _load_dir(directory, calendar)
        calendar = (
            calendar.merged(more_calendar, str(directory / RETIREMENTS_FILE)) if more_calendar else calendar
        )
        clash = sorted({r.id for r in more} & {r.id for r in rules})
        if clash:
            raise InputError(f"{directory}: rule ids already in the bundled pack: {', '.join(clash)}")
        rules.extend(more)
        digest.update(more_digest.digest())
    for rule in rules:
        if rule.spec.retirement and rule.spec.retirement not in calendar.entries:
            raise InputError(
                f"{rule.origin}: retirement {rule.spec.retirement!r} is not in {RETIREMENTS_FILE}"
            )
    return RulePack(tuple(sorted(rules, key=lambda r: r.id)), calendar, digest.hexdigest()[:12])


def validate_dir(directory: Path) -> list[Rule]:
    """Validate a custom pack exactly as a scan would load it."""
    pack = load_pack((directory,))
    bundled = {r.id for r in load_pack().rules}
    return [r for r in pack.rules if r.id not in bundled]


def _load_dir(
    directory: Path, base_calendar: RetirementCalendar | None
) -> tuple[list[Rule], RetirementCalendar, Any]:
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory of rules")
    digest = hashlib.sha256()
    calendar = RetirementCalendar({})
    calendar_file = directory / RETIREMENTS_FILE
    if calendar_file.is_file():
        calendar = RetirementCalendar.from_mapping(_read_yaml(calendar_file), str(calendar_file))
        digest.update(_lf_bytes(calendar_file))
    files = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p != calendar_file)
    rules = []
    seen: dict[str, Path] = {}
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + _lf_bytes(path))
        rule = load_rule(path)
        if rule.id in seen:
            raise InputError(f"{path}: duplicate rule id {rule.id} (also in {seen[rule.id]})")
        seen[rule.id] = path
        rules.append(rule)
    if not rules and base_calendar is not None:
        raise InputError(f"{directory}: no rule files (*.yaml) found")
    return rules, calendar, digest


def _lf_bytes(path: Path) -> bytes:
    """A rule file's bytes with LF line endings: a pack checked out or edited on Windows (CRLF) has the
    same version as on Linux."""
    return path.read_bytes().replace(b"\r\n", b"\n")


def _read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: not valid YAML: {first}") from None


def load_rule(path: Path) -> Rule:
    """Load, validate and compile one rule file."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of rule fields")
    try:
        spec = RuleSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "rule"
        raise InputError(f"{path}: {where}: {err['msg']}") from None
    if path.stem != spec.id:
        raise InputError(f"{path}: id {spec.id} does not match the file name")
    area = spec.id.split("-")[0].lower()
    if path.parent.name.lower() != area:
        raise InputError(f"{path}: rule {spec.id} must be in a folder named {area}/")
    table = TABLES[spec.target]
    try:
        condition, cond_fields = (
            compile_condition(spec.condition, table) if spec.condition is not None else (None, [])
        )
        where_fn = compile_condition(spec.where, table, "where")[0] if spec.where is not None else None
        manual_fn, manual_fields = (
            compile_condition(spec.manual_when, table, "manual_when")
            if spec.manual_when is not None
            else (None, [])
        )
    except ConditionError as exc:
        raise InputError(f"{path}: {exc}") from None
    for name in (*spec.requires, *spec.evidence):
        if field_column(table, name) is None:
            raise InputError(f"{path}: table {table.name} has no column {name!r}")
    extras = RETIREMENT_PLACEHOLDERS if spec.retirement else frozenset()
    templates = (
        ("message", spec.message),
        ("pass_message", spec.pass_message),
        ("manual_message", spec.manual_message),
    )
    for label, template in templates:
        for placeholder in template_fields(template or ""):
            if placeholder not in extras and field_column(table, placeholder) is None:
                raise InputError(f"{path}: {label} uses {{{placeholder}}}, not a column of {table.name}")
    fields = tuple(dict.fromkeys([*spec.requires, *cond_fields, *manual_fields]))
    return Rule(
        spec=spec, condition=condition, where=where_fn, fields=fields, origin=str(path), manual_when=manual_fn
    )


def template_fields(template: str) -> list[str]:
    """Placeholder names of a message template; InputError-friendly ValueError on bad syntax."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name]
    except ValueError as exc:
        raise InputError(f"bad message template {template!r}: {exc}") from None
