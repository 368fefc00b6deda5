"""The emulator's data: an estate's rows in DuckDB, one table per ARG table, and KQL run over a scope.

Rows are loaded once into schema `__estate` (with a hidden lower-cased subscription column). Each query
runs on its own DuckDB cursor where temporary views named after the four ARG tables show only the
rows of the request's subscriptions, so every operator of the query (`summarize`, `join`, ...) sees
scoped data. The KQL is translated by duckdb-kql (`to_sql`, with the fixed ARG schema so `join` works
for any spelling of a table name) and executed on that cursor, bounded by a timeout.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import duckdb_kql
import pandas as pd

#: The ARG tables the emulator serves.
TABLES: tuple[str, ...] = (
    "resources",
    "recoveryservicesresources",
    "authorizationresources",
    "resourcecontainers",
)
STRING_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
)
JSON_COLUMNS: tuple[str, ...] = ("sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation")
COLUMNS: tuple[str, ...] = STRING_COLUMNS + JSON_COLUMNS

_BASE = "__estate"
_SCOPE = "__scope"
_TABLE_WORDS = re.compile(r"\b(" + "|".join(TABLES) + r")\b", re.IGNORECASE)
#: KQL that would reach past the scoped views (another "database") or is not a query.
_FORBIDDEN = re.compile(r"\b(database|cluster|externaldata|external_table)\s*\(", re.IGNORECASE)
_LEADING_COMMENTS = re.compile(r"^(\s*//[^\n]*\n)*\s*")


class QueryError(Exception):
    """The query is invalid: it does not parse, uses an unsupported construct, or fails in DuckDB."""


class QueryTimeout(Exception):
    """The query ran longer than the emulator's query timeout."""


def table_for_type(arg_type: str) -> str:
    """The ARG table a row of this type lives in (as ARG places it).

    Recovery Services *children* (backup items, jobs, policies, ...) are in `recoveryservicesresources`;
    the vault itself is an ordinary `resources` row. Role assignments, role definitions and classic
    administrators are in `authorizationresources`; subscriptions, resource groups and management
    groups in `resourcecontainers`. Everything else is a `resources` row, including ARM child
    resources such as VM extensions (`microsoft.compute/virtualmachines/extensions`), virtual network
    gateways and Application Insights components.
    """
    t = arg_type.lower()
    if t.startswith("microsoft.recoveryservices/vaults/") or t.startswith(
        "microsoft.recoveryservices/locations/"
    ):
        return "recoveryservicesresources"
    if t.startswith("microsoft.authorization/"):
        return "authorizationresources"
    if t in (
        "microsoft.resources/subscriptions",
        "microsoft.resources/subscriptions/resourcegroups",
        "microsoft.management/managementgroups",
    ):
        return "resourcecontainers"
    return "resources"


def split_rows(
    rows: Iterable[Mapping[str, Any]] | Mapping[str, Iterable[Mapping[str, Any]]],
) -> dict[str, list[Mapping[str, Any]]]:
    """Rows per ARG table: a mapping table -> rows is taken as is, a flat iterable is routed by type."""
    out: dict[str, list[Mapping[str, Any]]] = {t: [] for t in TABLES}
    if isinstance(rows, Mapping):
        for table, table_rows in rows.items():
            key = str(table).lower()
            if key not in out:
                raise ValueError(f"unknown ARG table {table!r}; the emulator serves {', '.join(TABLES)}")
            out[key].extend(table_rows)
        return out
    for row in rows:
        out[table_for_type(str(row.get("type") or ""))].append(row)
    return out


def load_estate(directory: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Rows per table from a directory of `<table>.jsonl` files (a snapshot or the demo estate)."""
    base = Path(directory)
    out: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        path = base / f"{table}.jsonl"
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            out[table] = [json.loads(line) for line in lines if line.strip()]
    return out


@dataclass(frozen=True)
class Result:
    """A query's full result: column names, their ARG column types, and the rows as DuckDB gave them.

    Values are converted to what ARG returns (JSON parsed, datetimes as ISO text, ...) only for the
    rows a page serves (`page`), so a large result costs little until it is read.
    """

    columns: tuple[str, ...]
    types: tuple[str, ...]
    """ARG column types: string, integer, number, boolean, object, datetime."""
    raw: list[tuple[Any, ...]]
    converters: tuple[Callable[[Any], Any], ...]

    def __len__(self) -> int:
        return len(self.raw)

    def page(self, start: int, stop: int) -> list[tuple[Any, ...]]:
        """Rows [start:stop] as ARG returns them."""
        convs = self.converters
        return [tuple(conv(v) for conv, v in zip(convs, row, strict=True)) for row in self.raw[start:stop]]

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """Every row as ARG returns it."""
        return self.page(0, len(self.raw))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class EstateDatabase:
    """One in-memory DuckDB database holding the estate; runs KQL over a set of subscriptions."""

    def __init__(
        self,
        rows: Iterable[Mapping[str, Any]] | Mapping[str, Iterable[Mapping[str, Any]]],
        *,
        query_timeout: float = 30.0,
    ) -> None:
        self.query_timeout = query_timeout
        self._lock = threading.Lock()
        self._sql_cache: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()
        tables = split_rows(rows)
        self.subscriptions: frozenset[str] = frozenset(
            str(r.get("subscriptionId") or "").lower()
            for table_rows in tables.values()
            for r in table_rows
            if r.get("subscriptionId")
        )
        self.row_counts = {t: len(v) for t, v in tables.items()}
        self._con = duckdb_kql.connect()
        self._con.execute(f"CREATE SCHEMA {_BASE}")
        for table, table_rows in tables.items():
            self._load(table, table_rows)
        # Nothing but the loaded tables is reachable from a query: no Python variables, no files.
        self._con.execute("SET python_enable_replacements = false")
        self._con.execute("SET enable_external_access = false")

    def _load(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        defs = [f"{_quote(c)} VARCHAR" for c in STRING_COLUMNS] + [f"{_quote(c)} JSON" for c in JSON_COLUMNS]
        self._con.execute(f"CREATE TABLE {_BASE}.{table} ({', '.join(defs)}, __sub VARCHAR)")
        if not rows:
            return
        frame: dict[str, list[Any]] = {}
        for c in STRING_COLUMNS:
            frame[c] = [None if r.get(c) is None else str(r.get(c)) for r in rows]
        # ARG returns types lower-cased.
        frame["type"] = [None if v is None else v.lower() for v in frame["type"]]
        for c in JSON_COLUMNS:
            frame[c] = [None if r.get(c) is None else json.dumps(r.get(c)) for r in rows]
        frame["__sub"] = [(v or "").lower() for v in frame["subscriptionId"]]
        df = pd.DataFrame(frame, dtype=object)
        self._con.register("__load", df)
        try:
            select = ", ".join(
                [f"CAST({_quote(c)} AS VARCHAR)" for c in STRING_COLUMNS]
                + [f"CAST({_quote(c)} AS JSON)" for c in JSON_COLUMNS]
                + ["CAST(__sub AS VARCHAR)"]
            )
            self._con.execute(f"INSERT INTO {_BASE}.{table} SELECT {select} FROM __load")
        finally:
            self._con.unregister("__load")

    def close(self) -> None:
        with self._lock:
            self._con.close()

    # -- translation -----------------------------------------------------------------------------
    def translate(self, kql: str) -> tuple[str, dict[str, Any]]:
        """DuckDB SQL (and its parameters) for `kql`; QueryError if it is not a valid ARG query."""
        with self._lock:
            cached = self._sql_cache.get(kql)
            if cached is not None:
                self._sql_cache.move_to_end(kql)
                return cached
        if not kql.strip():
            raise QueryError("the query is empty")
        if _LEADING_COMMENTS.sub("", kql, count=1).startswith("."):
            raise QueryError("control commands are not supported by Azure Resource Graph")
        if _FORBIDDEN.search(kql):
            raise QueryError(
                "database(), cluster() and external data are not supported by Azure Resource Graph"
            )
        # The schema is what `join`, `lookup`, `union` and aliased `mv-expand` need; ARG's table names
        # are case-insensitive, so every spelling used in the query is listed.
        schema: dict[str, list[str]] = {t: list(COLUMNS) for t in TABLES}
        for word in _TABLE_WORDS.findall(kql):
            schema[word] = list(COLUMNS)
        try:
            translated = duckdb_kql.to_sql(kql, schema=schema, allow_write=False)
        except duckdb_kql.KqlError as exc:
            raise QueryError(str(exc)) from None
        except Exception as exc:  # a translator crash is still "this query cannot be run"
            raise QueryError(f"{type(exc).__name__}: {exc}") from None
        if translated.unbound:
            raise QueryError(f"unbound query parameters: {', '.join(translated.unbound)}")
        result = (str(translated), dict(translated.parameters))
        with self._lock:
            self._sql_cache[kql] = result
            while len(self._sql_cache) > 256:
                self._sql_cache.popitem(last=False)
        return result

    # -- execution -------------------------------------------------------------------------------
    def run(self, kql: str, subscriptions: Iterable[str], *, include_unscoped: bool = False) -> Result:
        """Run `kql` over the rows of `subscriptions` (lower-cased ids) only.

        `include_unscoped` also shows rows without a subscription (tenant-level rows, tenant scope only).
        """
        sql, params = self.translate(kql)
        subs = sorted({s.lower() for s in subscriptions})
        with self._lock:
            cur = self._con.cursor()
        timer = threading.Timer(self.query_timeout, cur.interrupt)
        try:
            cur.execute("SET TimeZone = 'UTC'")
            cur.execute(f"CREATE TEMP TABLE {_SCOPE} (sub VARCHAR)")
            if subs:
                cur.execute(f"INSERT INTO {_SCOPE} SELECT unnest(CAST(? AS VARCHAR[]))", [subs])
            cols = ", ".join(_quote(c) for c in COLUMNS)
            unscoped = "TRUE" if include_unscoped else "FALSE"
            for table in TABLES:
                cur.execute(
                    f"CREATE TEMP VIEW {table} AS SELECT {cols} FROM {_BASE}.{table} "
                    f"WHERE __sub IN (SELECT sub FROM temp.{_SCOPE}) OR (__sub = '' AND {unscoped})"
                )
            timer.start()
            rel = cur.sql(sql, params=params) if params else cur.sql(sql)
            if rel is None:
                raise QueryError("the query produced no result set")
            rel, arg_types = _json_ready(rel)
            columns = tuple(rel.columns)
            raw = rel.fetchall()
        except duckdb.InterruptException:
            raise QueryTimeout(f"the query ran longer than {self.query_timeout:g} s") from None
        except duckdb.Error as exc:
            raise QueryError(str(exc).strip()) from None
        finally:
            timer.cancel()
            cur.close()
        converters = tuple(_converter(t) for t in arg_types)
        return Result(columns, tuple(t for t, _ in arg_types), raw, converters)


def _json_ready(rel: duckdb.DuckDBPyRelation) -> tuple[duckdb.DuckDBPyRelation, list[tuple[str, str]]]:
    """The relation with nested columns (LIST/STRUCT/MAP/ARRAY) as JSON; (ARG, DuckDB) type per column."""
    kinds: list[tuple[str, str]] = []
    exprs: list[str] = []
    nested = False
    for name, typ in zip(rel.columns, rel.types, strict=True):
        type_id = str(typ.id)
        text = str(typ)
        if type_id in ("list", "struct", "map", "array", "union"):
            exprs.append(f"CAST(to_json({_quote(name)}) AS JSON) AS {_quote(name)}")
            kinds.append(("object", "JSON"))
            nested = True
            continue
        exprs.append(_quote(name))
        kinds.append((_arg_type(type_id, text), text))
    if nested:
        rel = rel.project(", ".join(exprs))
    return rel, kinds


def _arg_type(type_id: str, text: str) -> str:
    if text == "JSON":
        return "object"
    if type_id in ("boolean",):
        return "boolean"
    if type_id in (
        "tinyint",
        "smallint",
        "integer",
        "bigint",
        "hugeint",
        "utinyint",
        "usmallint",
        "uinteger",
        "ubigint",
        "uhugeint",
    ):
        return "integer"
    if type_id in ("float", "double", "decimal"):
        return "number"
    if type_id.startswith("timestamp") or type_id == "date":
        return "datetime"
    return "string"


def _converter(kind: tuple[str, str]) -> Callable[[Any], Any]:
    arg_type, duck_type = kind
    if duck_type == "JSON":
        return _from_json
    if arg_type == "string" and duck_type == "VARCHAR":
        return _identity
    return _plain


def _identity(value: Any) -> Any:
    return value


def _from_json(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(value) if isinstance(value, str) else _plain(value)


def _plain(value: Any) -> Any:
    """A JSON-serializable value as ARG would give it."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, decimal.Decimal):
        return _plain(float(value))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%dT00:00:00.0000000Z")
    if isinstance(value, dt.timedelta):
        return _timespan(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _timespan(value: dt.timedelta) -> str:
    """KQL's timespan text: [-][d.]hh:mm:ss[.fffffff]."""
    ticks = (value.days * 86_400 + value.seconds) * 10_000_000 + value.microseconds * 10
    sign = "-" if ticks < 0 else ""
    ticks = abs(ticks)
    seconds, frac = divmod(ticks, 10_000_000)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    if days:
        text = f"{days}.{text}"
    if frac:
        text += f".{frac:07d}"
    return sign + text
