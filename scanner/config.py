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
file can be shared with other tools. Keys are validated: an unknown key, a value of the wrong type,
a file that is not TOML (with its line and column) -> InputError naming the file and the key
(exit code 2). Value checks that need the rest of the scan (is the format known, does the file
exist) stay with the command line, exactly as for the flags.

`load_config` returns the values keyed by the `scan()` parameter names (PARAM_NAMES: `input` ->
`inputs`, `format` -> `formats`, `rules` -> `rules_dirs`, else the option name with underscores),
in the types the CLI would have produced: paths as `Path` (relative to the config file's folder,
`~` expanded), lists as lists, `format` as one comma-separated string, `as_of` as `YYYY-MM-DD` text.

`merge(cli_values, explicit, config)`: a flag given on the command line wins, the config fills the
rest, defaults apply last. A list given on the command line replaces the config's list (no
concatenation). The source of the scan is chosen as a whole: `--input` or `--demo` on the command
line drops the config's `input`/`demo` and its live-only options (`subscription`,
`management_group`, `save_snapshot`, `arm_details`), so `classic-scan scan --config prod.toml --input snap/`
re-scans a snapshot with the production settings. Likewise `--subscription` or
`--management-group` on the command line drops the config's scope (both keys) and its offline source
(`input`, `demo`): the scan is then a live scan of that scope.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, TypeVar

from scanner.auth import AUTH_KINDS, CLOUDS
from scanner.errors import InputError
from scanner.limits import MAX_DEPTH, depth_exceeds
from scanner.textfile import decode_text

P = TypeVar("P", bound=PurePath)


@dataclass(frozen=True)
class OptionSpec:
    """How one config key is checked and converted."""

    kind: str
    """str, bool, path, paths, strs, format or date."""
    param: str
    """The `scan()` parameter it fills."""
    choices: tuple[str, ...] = ()
    """Allowed values of a str option (empty: any)."""


def _spec(kind: str, param: str, choices: tuple[str, ...] = ()) -> OptionSpec:
    return OptionSpec(kind, param, choices)


#: Every key a config file may carry (option names with underscores), and how it is read.
OPTIONS: dict[str, OptionSpec] = {
    "input": _spec("paths", "inputs"),
    "demo": _spec("bool", "demo"),
    "out": _spec("path", "out"),
    "format": _spec("format", "formats"),
    "as_of": _spec("date", "as_of"),
    "rules": _spec("paths", "rules_dirs"),
    "cloud": _spec("str", "cloud", tuple(CLOUDS)),
    "customer": _spec("str", "customer"),
    "prepared_by": _spec("str", "prepared_by"),
    "logo": _spec("path", "logo"),
    "subscription": _spec("subscriptions", "subscription"),
    "management_group": _spec("strs", "management_group"),
    "tenant": _spec("str", "tenant"),
    "auth": _spec("str", "auth", AUTH_KINDS),
    "arm_endpoint": _spec("str", "arm_endpoint"),
    "arm_details": _spec("bool", "arm_details"),
    "save_snapshot": _spec("path", "save_snapshot"),
    "waivers": _spec("path", "waivers"),
    "history": _spec("path", "history"),
    "fail_on": _spec("str", "fail_on"),
    "mask": _spec("bool", "mask"),
    "compress": _spec("bool", "compress"),
}
#: Config key -> `scan()` parameter name.
PARAM_NAMES: dict[str, str] = {key: spec.param for key, spec in OPTIONS.items()}

#: Parameters that choose the source; given on the command line, they replace the config's.
SOURCE_PARAMS = frozenset({"inputs", "demo"})
#: Parameters that only apply to live scans (dropped from the config when the CLI picks files).
LIVE_ONLY_PARAMS = frozenset({"subscription", "management_group", "save_snapshot", "arm_details"})
#: Parameters that choose the live scope; given on the command line, they replace the config's.
SCOPE_PARAMS = frozenset({"subscription", "management_group"})

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

    base = path.parent
    values: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for raw_key, raw in table.items():
        key = raw_key.replace("-", "_")
        spec = OPTIONS.get(key)
        if spec is None:
            hint = "" if key != "config" else " (a config file cannot name another)"
            raise InputError(
                f"--config {path}: unknown key {where + raw_key!r}{hint}; "
                f"known keys: {', '.join(sorted(OPTIONS))}"
            )
        if key in seen:
            raise InputError(f"--config {path}: {where + raw_key!r} repeats {where + seen[key]!r}")
        seen[key] = raw_key
        values[spec.param] = _convert(path, f"{where}{raw_key}", spec, raw, base)
    return values


def _convert(path: Path, key: str, spec: OptionSpec, raw: Any, base: Path) -> Any:
    def fail(got: str) -> InputError:
        return InputError(f"--config {path}: {key!r} must be {_KIND_NAMES[spec.kind]}, not {got}")

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

    value: Any
    if spec.kind == "bool":
        if not isinstance(raw, bool):
            raise fail(_toml_type(raw))
        value = raw
    elif spec.kind == "date":
        value = _date(raw)
        if value is None:
            raise fail(repr(raw) if isinstance(raw, str) else _toml_type(raw))
    elif spec.kind == "str":
        value = text(raw)
    elif spec.kind == "path":
        value = _path(text(raw), base)
    elif spec.kind == "paths":
        value = [_path(item, base) for item in texts()]
    elif spec.kind == "subscriptions":
        value = [_subscription(item, base) for item in texts()]
    elif spec.kind == "format":
        value = ",".join(part.strip() for item in texts() for part in item.split(",") if part.strip())
    else:
        value = texts()
    if spec.choices and isinstance(value, str):
        value = value.lower()  # enum values are case-insensitive, as on the command line
    if spec.choices and value not in spec.choices:
        raise InputError(f"--config {path}: {key!r} is {value!r}; choose from {', '.join(spec.choices)}")
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


def merge(cli_values: Mapping[str, Any], explicit: set[str], config: Mapping[str, Any]) -> dict[str, Any]:
    """The effective options: `cli_values` (every parameter, as the CLI parsed it, defaults included)
    overridden by `config` except where the parameter is in `explicit` (given on the command line);
    source and scope are chosen as a whole (module doc). Keys are `scan()` parameter names."""
    dropped: set[str] = set()
    if explicit & SOURCE_PARAMS:
        dropped |= SOURCE_PARAMS
        if any(cli_values.get(p) for p in SOURCE_PARAMS):  # an offline source chosen on the command line
            dropped |= LIVE_ONLY_PARAMS
    if explicit & SCOPE_PARAMS:  # a live scope chosen on the command line: a live scan of that scope
        dropped |= SCOPE_PARAMS | SOURCE_PARAMS
    merged = dict(cli_values)
    for param, value in config.items():
        if param not in explicit and param not in dropped:
            merged[param] = value
    return merged
