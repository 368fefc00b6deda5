"""The Resource Graph client: one POST per call through the SDK's pipeline, and the query text helpers.

Each request goes through the SDK client's pipeline (`ResourceGraphClient._send_request`: its
api-version, credential and ARM authentication policy); the response body is parsed with
`json.loads` in the worker thread, dropping secret keys as it is parsed, instead of being
deserialised into the SDK's models. The pipeline is built without azure-mgmt-core's
resource-provider auto-registration policy (it would register a provider — a write — on some 409s),
without its retry policy (pacing and retries live in QuotaPacer, used by sources/graph.py) and
without the content-decode policy (it only parses bodies for the model deserialiser, which is not used).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scanner.limits import MAX_DEPTH, depth_exceeds
from scanner.redact import SECRET_KEYS, may_hold_secret, redact
from scanner.sources.pipeline import arm_policies

ARG_PATH = "/providers/Microsoft.ResourceGraph/resources"
_TABLE_LINE = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*$")
_TYPE_NAME = re.compile(r"^[a-z0-9][a-z0-9./_-]*$")


@dataclass(frozen=True)
class LiveScope:
    """What to read: the tenant (both empty), listed subscriptions, or management groups."""

    subscriptions: tuple[str, ...] = ()
    """Subscription ids (lower-cased)."""
    management_groups: tuple[str, ...] = ()
    """Management group names."""

    @property
    def kind(self) -> str:
        if self.management_groups:
            return "management_groups"
        return "subscriptions" if self.subscriptions else "tenant"


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    skip_token: str | None
    truncated: bool
    headers: dict[str, str]
    secrets_removed: bool = False
    """The rows were parsed without secret keys (else the source strips them)."""
    total: int | None = None
    """totalRecords: the rows of the whole query (all pages)."""
    received: float | None = None
    """time.monotonic() when the response had arrived (before its body was parsed)."""


def split_query(query: str, groups: Sequence[Sequence[str]]) -> list[str]:
    """`query` as one query per group of types plus one for every other type; together their rows
    are exactly the rows of `query`, and no row is in two of them.

    Each adds `| where type in~ (...)` (the last `| where type !in~ (...)`) right after the table
    name, so a query that does not start with a bare table name line is returned unsplit."""
    lines = query.split("\n")
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or text.startswith("//"):
            continue
        every = [t for group in groups for t in group]
        if not every or not _TABLE_LINE.match(line) or not all(_TYPE_NAME.match(t) for t in every):
            return [query]
        clauses = [f"| where type in~ ({_kql_strings(group)})" for group in groups if group]
        clauses.append(f"| where type !in~ ({_kql_strings(every)})")
        return ["\n".join([*lines[: i + 1], clause, *lines[i + 1 :]]) for clause in clauses]
    return [query]


def _kql_strings(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _without_secrets(obj: dict[str, Any]) -> dict[str, Any]:
    """json.loads object_hook: drops secret keys from every object as it is parsed (strip_secrets)."""
    for key in [k for k in obj if k.lower() in SECRET_KEYS]:
        del obj[key]
    return obj


class ArgClient:
    """One POST to ARG per call, through the SDK client's pipeline; returns rows and headers or raises.

    Errors are raised as the SDK's operation raises them: 401 `ClientAuthenticationError`, 404 / 409 /
    304 their azure-core errors, any other status but 200 `HttpResponseError` with the ARM error body
    (code and details) parsed; a 200 whose body is not a JSON object `DecodeError`."""

    def __init__(self, credential: Any, endpoint: str, token_scope: str, timeout: float = 60.0) -> None:
        from azure.mgmt.resourcegraph import ResourceGraphClient

        pipeline = arm_policies(credential, token_scope)
        self._client = ResourceGraphClient(
            credential, base_url=endpoint, credential_scopes=[token_scope], policies=pipeline
        )
        self._api_version = str(self._client._config.api_version)
        self._timeout = timeout

    def post(
        self, query: str, scope: LiveScope, subscriptions: list[str] | None, top: int, skip_token: str | None
    ) -> Page:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            DecodeError,
            HttpResponseError,
            ResourceExistsError,
            ResourceNotFoundError,
            ResourceNotModifiedError,
            map_error,
        )
        from azure.core.rest import HttpRequest
        from azure.mgmt.core.exceptions import ARMErrorFormat

        # The body the SDK's QueryRequest serialises to (same keys, same order, same defaults).
        body: dict[str, Any] = {}
        if subscriptions:
            body["subscriptions"] = list(subscriptions)
        if scope.management_groups:
            body["managementGroups"] = list(scope.management_groups)
        body["query"] = query
        options: dict[str, Any] = {}
        if skip_token:
            options["$skipToken"] = skip_token
        options.update({"$top": top, "resultFormat": "objectArray", "allowPartialScopes": False})
        body["options"] = options
        request = HttpRequest(
            "POST",
            ARG_PATH,
            params={"api-version": self._api_version},
            json=body,
            headers={"Accept": "application/json"},
        )
        response = self._client._send_request(
            request, connection_timeout=min(self._timeout, 20.0), read_timeout=self._timeout
        )
        received = time.monotonic()
        if response.status_code != 200:
            error_map = {
                401: ClientAuthenticationError,
                404: ResourceNotFoundError,
                409: ResourceExistsError,
                304: ResourceNotModifiedError,
            }
            map_error(status_code=response.status_code, response=response, error_map=error_map)
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        try:
            document = json.loads(response.content, object_hook=_without_secrets)
        except ValueError as exc:
            raise DecodeError(message=f"JSON is invalid: {exc}", response=response, error=exc) from None
        except RecursionError:
            raise DecodeError(
                message=f"rows nested deeper than {MAX_DEPTH} levels", response=response
            ) from None
        if not isinstance(document, dict):
            raise DecodeError(message="the response is not a JSON object", response=response)
        data = document.get("data")
        if isinstance(data, list) and any(depth_exceeds(row) for row in data):
            raise DecodeError(message=f"rows nested deeper than {MAX_DEPTH} levels", response=response)
        if isinstance(data, list) and may_hold_secret(response.content):
            data = redact(data)
        token = document.get("$skipToken")
        total = document.get("totalRecords")
        return Page(
            rows=[r for r in data if isinstance(r, dict)] if isinstance(data, list) else [],
            skip_token=str(token) if token else None,
            truncated=str(document.get("resultTruncated")).lower() == "true",
            headers=dict(response.headers),
            secrets_removed=True,
            total=total if isinstance(total, int) and not isinstance(total, bool) else None,
            received=received,
        )


def error_codes(exc: Any) -> list[str]:
    """The ARG error code and its details' codes."""
    codes: list[str] = []
    error = getattr(exc, "error", None)
    if error is not None:
        codes.append(str(getattr(error, "code", "") or ""))
        for detail in getattr(error, "details", None) or []:
            codes.append(str(getattr(detail, "code", "") or ""))
    try:
        body = exc.response.json() if exc.response is not None else {}
    except Exception:
        body = {}
    err = body.get("error", {}) if isinstance(body, dict) else {}
    if isinstance(err, dict):
        codes.append(str(err.get("code", "")))
        codes.extend(str(d.get("code", "")) for d in err.get("details") or [] if isinstance(d, dict))
    return [c for c in codes if c]


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
