"""`--config FILE`: every `scan` option in a TOML file, for unattended runs.

```toml
# /etc/classic-scan/contoso.toml  (keys are the option names: `prepared_by` or `prepared-by`)
subscription = ["0b1c…", "@contoso-subscriptions.txt"]
auth = "msi"
out = "reports/contoso"            # relative paths are relative to this file's folder
format = ["xlsx", "html", "json"]  # or "xlsx,html,json"
history = "state/contoso.sqlite"
waivers = "contoso-waivers.yaml"
fail_on = "high"
customer = "Contoso Ltd"
```

The options may also sit under a `[scan]` table (then nothing else may be at the top level), so a
file can be shared with other tools. Keys are validated by a pydantic model (`ScanConfig`, as rules
are by theirs): an unknown key, a value of the wrong type, a file that is not TOML (with its line and
column) -> InputError naming the file and the key (exit code 2). Value checks that need the rest of
the scan (is the format known, does the file exist) stay with the command line, exactly as for the
flags.

`load_config` returns the values keyed by the `scan()` parameter names (PARAM_NAMES: `input` ->
`inputs`, `format` -> `formats`, `rules` -> `rules_dirs`, else the option name with underscores),
in the types the CLI would have produced: paths as `Path` (relative to the config file's folder,
`~` expanded), lists as lists, `format` as one comma-separated string, `as_of` as `YYYY-MM-DD` text.

The command line hands these values to click as the `scan` command's `default_map`: a flag given
on the command line wins, the config fills the rest, defaults apply last (`merge` states the same
for plain dicts). A list given on the command line replaces the config's list (no
concatenation). The source of the scan is chosen as a whole: `--input` or `--demo` on the command
line drops the config's `input`/`demo` and its live-only options (`subscription`,
`management_group`, `save_snapshot`, `arm_details`), so `classic-scan scan --config prod.toml --input snap/`
re-scans a snapshot with the production settings. Likewise `--subscription` or
`--management-group` on the command line drops the config's scope (both keys) and its offline source
(`input`, `demo`): the scan is then a live scan of that scope.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from scanner.auth import AUTH_KINDS
from scanner.clouds import CLOUD_NAMES, Cloud
from scanner.errors import InputError
from scanner.limits import MAX_DEPTH, depth_exceeds
from scanner.textfile import decode_text

P = TypeVar("P", bound=PurePath)

_KIND_NAMES = {
    "str": "a string",
    "bool": "true or false",
    "path": "a path (string)",
    "paths": "a path or a list of paths",
    "strs": "a string or a list of strings",
    "subscriptions": "a subscription id, @FILE, or a list of them",
    "format": "a format name, a comma-separated string or a list of names",
    "date": "a date (2026-12-31, quoted or not)",
}


def _as(kind: str, choices: tuple[str, ...] = ()) -> BeforeValidator:
    """The validator of one kind of key: TOML value -> the value the CLI would have produced; paths
    relative to the config file's folder (validation context `base`)."""

    def convert(raw: Any, info: ValidationInfo) -> Any:
        base = info.context["base"] if info.context else Path()
        return _convert(kind, raw, base, choices)

    return BeforeValidator(convert)


class ScanConfig(BaseModel):
    """Every key a config file may carry (option names with underscores; `-` is read as `_`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    input: Annotated[list[Path] | None, _as("paths")] = None
    demo: Annotated[bool | None, _as("bool")] = None
    out: Annotated[Path | None, _as("path")] = None
    format: Annotated[str | None, _as("format")] = None
    as_of: Annotated[str | None, _as("date")] = None
    rules: Annotated[list[Path] | None, _as("paths")] = None
    cloud: Annotated[Cloud | None, _as("str", CLOUD_NAMES)] = None
    customer: Annotated[str | None, _as("str")] = None
    prepared_by: Annotated[str | None, _as("str")] = None
    logo: Annotated[Path | None, _as("path")] = None
    subscription: Annotated[list[str] | None, _as("subscriptions")] = None
    management_group: Annotated[list[str] | None, _as("strs")] = None
    tenant: Annotated[str | None, _as("str")] = None
    auth: Annotated[str | None, _as("str", AUTH_KINDS)] = None
    arm_endpoint: Annotated[str | None, _as("str")] = None
    arm_details: Annotated[bool | None, _as("bool")] = None
    save_snapshot: Annotated[Path | None, _as("path")] = None
    waivers: Annotated[Path | None, _as("path")] = None
    history: Annotated[Path | None, _as("path")] = None
    fail_on: Annotated[str | None, _as("str")] = None
    mask: Annotated[bool | None, _as("bool")] = None
    compress: Annotated[bool | None, _as("bool")] = None


#: Config key -> `scan()` parameter name (the same but for three).
PARAM_NAMES: dict[str, str] = {
    key: {"input": "inputs", "format": "formats", "rules": "rules_dirs"}.get(key, key)
    for key in ScanConfig.model_fields
}
#: Every key a config file may carry.
OPTIONS: tuple[str, ...] = tuple(PARAM_NAMES)

#: Parameters that choose the source; given on the command line, they replace the config's.
SOURCE_PARAMS = frozenset({"inputs", "demo"})
#: Parameters that only apply to live scans (dropped from the config when the CLI picks files).
LIVE_ONLY_PARAMS = frozenset({"subscription", "management_group", "save_snapshot", "arm_details"})
#: Parameters that choose the live scope; given on the command line, they replace the config's.
SCOPE_PARAMS = frozenset({"subscription", "management_group"})


def load_config(path: Path) -> dict[str, Any]:
    """Read and validate a config file; values keyed by `scan()` parameter names (see module doc)."""
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"--config {path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"--config {path}: is a directory, not a TOML file") from None
    except OSError as exc:
        raise InputError(f"--config {path}: cannot read: {exc.strerror}") from None
    try:  # a byte-order mark or CRLF line endings, as Windows editors and PowerShell write them, are fine
        data = tomllib.loads(decode_text(raw_bytes, f"--config {path}"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"--config {path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"--config {path}: nested too deeply") from None
    if depth_exceeds(data):
        raise InputError(f"--config {path}: nested deeper than {MAX_DEPTH} levels")

    table: Mapping[str, Any] = data
    where = ""
    if "scan" in data and isinstance(data["scan"], dict):
        others = sorted(k for k in data if k != "scan")
        if others:
            raise InputError(
                f"--config {path}: key {others[0]!r} outside the [scan] table; "
                "put every option under [scan], or none"
            )
        table, where = data["scan"], "scan."

    written: dict[str, str] = {}  # key with underscores -> as written in the file
    for raw_key in table:
        key = raw_key.replace("-", "_")
        if key in written:
            raise InputError(f"--config {path}: {where + raw_key!r} repeats {where + written[key]!r}")
        written[key] = raw_key
    values = {key.replace("-", "_"): value for key, value in table.items()}
    try:
        config = ScanConfig.model_validate(values, context={"base": path.parent})
    except ValidationError as exc:
        raise InputError(f"--config {path}: {_first_problem(exc, written, where)}") from None
    return {PARAM_NAMES[key]: value for key, value in config.model_dump(exclude_unset=True).items()}


def _first_problem(exc: ValidationError, written: dict[str, str], where: str) -> str:
    """The problem of the key that comes first in the file, as one line naming the key."""
    order = {key: i for i, key in enumerate(written)}
    error = min(exc.errors(), key=lambda e: order.get(str(e["loc"][0]) if e["loc"] else "", len(order)))
    key = str(error["loc"][0]) if error["loc"] else ""
    shown = repr(where + written.get(key, key))
    if error["type"] == "extra_forbidden":
        hint = "" if key != "config" else " (a config file cannot name another)"
        return f"unknown key {shown}{hint}; known keys: {', '.join(sorted(OPTIONS))}"
    return f"{shown} {error['msg']}"


def _convert(kind: str, raw: Any, base: Path, choices: tuple[str, ...]) -> Any:
    def fail(got: str) -> PydanticCustomError:
        # The whole line as the template, without context: pydantic formats nothing in it.
        return PydanticCustomError("config_value", f"must be {_KIND_NAMES[kind]}, not {got}")

    def text(item: Any, where: str = "") -> str:
        if not isinstance(item, str):
            raise fail(_toml_type(item) + where)
        if not item.strip():
            raise fail("an empty string" + where)
        return item

    def texts() -> list[str]:
        if not isinstance(raw, list):
            return [text(raw)]
        if not raw:
            raise fail("an empty list")
        return [text(item, f" (item {i})") for i, item in enumerate(raw, start=1)]

    readers: dict[str, Callable[[], Any]] = {
        "bool": lambda: raw if isinstance(raw, bool) else None,
        "date": lambda: _date(raw),
        "str": lambda: text(raw),
        "path": lambda: _path(text(raw), base),
        "paths": lambda: [_path(item, base) for item in texts()],
        "subscriptions": lambda: [_subscription(item, base) for item in texts()],
        "format": lambda: ",".join(p.strip() for item in texts() for p in item.split(",") if p.strip()),
        "strs": texts,
    }
    value = readers[kind]()
    if value is None:  # a bool or a date that is not one
        raise fail(repr(raw) if kind == "date" and isinstance(raw, str) else _toml_type(raw))
    if choices:
        value = value.lower()  # enum values are case-insensitive, as on the command line
        if value not in choices:
            raise PydanticCustomError("config_choice", f"is {value!r}; choose from {', '.join(choices)}")
    return value


def _path(text: str, base: Path) -> Path:
    return path_from_config(base, text)


def path_from_config(base: P, text: str) -> P:
    """`text` as a path of `base`'s flavour (drive letters and backslashes on Windows), `~` expanded,
    relative to `base` unless absolute."""
    path = type(base)(text)
    if isinstance(path, Path):
        path = path.expanduser()
    return path if path.is_absolute() else base / path


def _subscription(text: str, base: Path) -> str:
    """A subscription id as is; `@FILE` relative to the config file's folder."""
    return f"@{_path(text[1:], base)}" if text.startswith("@") else text


def _date(raw: Any) -> str | None:
    """A TOML date or a YYYY-MM-DD string as ISO text; None for anything else."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw.isoformat()
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            return None
    return None


def _toml_type(raw: Any) -> str:
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, int | float):
        return "a number"
    if isinstance(raw, str):
        return "a string"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, dict):
        return "a table"
    if isinstance(raw, datetime):
        return "a date-time"
    if isinstance(raw, date):
        return "a date"
    return type(raw).__name__


def unchosen(values: Mapping[str, Any], explicit: set[str]) -> set[str]:
    """Parameters whose config value does not apply: the command line (`explicit`, with `values` as
    parsed) chose the source or the scope as a whole (module doc)."""
    dropped: set[str] = set()
    if explicit & SOURCE_PARAMS:
        dropped |= SOURCE_PARAMS
        if any(values.get(p) for p in explicit & SOURCE_PARAMS):  # an offline source on the command line
            dropped |= LIVE_ONLY_PARAMS
    if explicit & SCOPE_PARAMS:  # a live scope chosen on the command line: a live scan of that scope
        dropped |= SCOPE_PARAMS | SOURCE_PARAMS
    return dropped - explicit


def merge(cli_values: Mapping[str, Any], explicit: set[str], config: Mapping[str, Any]) -> dict[str, Any]:
    """The effective options: `cli_values` (every parameter, as the CLI parsed it, defaults included)
    overridden by `config` except where the parameter is in `explicit` (given on the command line)
    or `unchosen`. Keys are `scan()` parameter names. The CLI gets the same through click's
    `default_map`; this is the rule on plain dicts."""
    dropped = unchosen(cli_values, explicit)
    merged = dict(cli_values)
    for param, value in config.items():
        if param not in explicit and param not in dropped:
            merged[param] = value
    return merged
