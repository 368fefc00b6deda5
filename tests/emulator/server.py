"""A local Azure Resource Graph: the ARG REST contract over HTTPS on 127.0.0.1, for the tests.

    with ArgEmulator(rows) as emu:
        client = ResourceGraphClient(credential, base_url=emu.base_url, connection_verify=emu.ca_bundle)
        ...
        assert all(r["method"] == "POST" for r in emu.requests)

It serves `POST /providers/Microsoft.ResourceGraph/resources?api-version=...` and executes the KQL it
receives with duckdb-kql over the estate's rows (see `estate.py`), scoped to the request's
subscriptions / management groups / the caller's visible subscriptions. Results are paged with
opaque `$skipToken`s bound to the query and scope; the per-user quota is enforced with ARG's headers
and 429 `RateLimiting` bodies (no `Retry-After`); faults are injected on request (`faults.py`).
Every request, whatever its method or path, is recorded in `requests` (without the Authorization
header) so tests can assert that a client only ever POSTs to the ARG path.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import re
import secrets
import shutil
import socket
import socketserver
import ssl
import struct
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

from .arm import ArmEstate
from .estate import EstateDatabase, QueryError, QueryTimeout, Result
from .faults import STATUS_CODES, Failure, Faults
from .quota import QuotaState, QuotaTracker

#: The one path the emulator serves (ARM paths are case-insensitive).
ARG_PATH = "/providers/Microsoft.ResourceGraph/resources"
#: api-versions of the ARG `resources` operation (stable and preview).
API_VERSIONS = frozenset(
    {
        "2018-09-01-preview",
        "2019-04-01",
        "2020-04-01-preview",
        "2021-03-01",
        "2021-06-01-preview",
        "2022-10-01",
        "2024-04-01",
    }
)
DEFAULT_API_VERSION = "2021-03-01"
MAX_TOP = 1000
MAX_BODY_BYTES = 4 * 1024 * 1024
#: ARG does not page a query that limits its own rows.
_LIMITING = re.compile(r"\|\s*(take|limit|sample|sample-distinct)\b", re.IGNORECASE)
_SUPPORT = "Please provide below info when asking for support: timestamp = {ts}, correlationId = {cid}."
_INVALID_QUERY = (
    "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the "
    "error before retrying."
)
_THROTTLED = (
    "Client application has been throttled and should not attempt to repeat the request until an amount "
    "of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help."
)
_CLIENT_ID = "00000000-0000-0000-0000-00000000e111"
_WWW_AUTHENTICATE = (
    'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", '
    "error_description=\"The authentication failed because of missing 'Authorization' header.\""
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _support_message() -> str:
    return _SUPPORT.format(ts=_now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"), cid=uuid.uuid4())


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An ARM/ARG error body: {"error": {"code", "message", "details"?}}."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def throttled_body() -> dict[str, Any]:
    return error_body("RateLimiting", _support_message(), [{"code": "RateLimiting", "message": _THROTTLED}])


def invalid_query_body(reason: str) -> dict[str, Any]:
    return error_body(
        "BadRequest",
        _support_message(),
        [{"code": "InvalidQuery", "message": f"{_INVALID_QUERY} ({reason})"}],
    )


def payload_too_large_body(size: int, limit: int) -> dict[str, Any]:
    return error_body(
        "BadRequest",
        _support_message(),
        [
            {
                "code": "ResponsePayloadTooLarge",
                "message": f"Response payload size is {size}, and has exceeded the limit of {limit}. "
                "Please consider querying less data at a time and make paginated call if needed.",
            }
        ],
    )


def authorization_failed_body(scope: str) -> dict[str, Any]:
    return error_body(
        "AuthorizationFailed",
        f"The client '{_CLIENT_ID}' with object id '{_CLIENT_ID}' does not have authorization to perform "
        f"action 'Microsoft.ResourceGraph/resources/read' over scope '{scope}' or the scope is invalid. "
        "If access was recently granted, please refresh your credentials.",
    )


class _Reply(Exception):
    """Raised to answer a request early with an error."""

    def __init__(self, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


@dataclass
class _Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    """Send nothing and reset the connection."""
    delay: float = 0.0
    """Extra delay (slow_next), on top of the emulator's latency."""


@dataclass(frozen=True)
class _Scope:
    kind: str
    """"subscriptions", "managementGroups" or "tenant"."""
    key: tuple[str, ...]
    """The requested scope, normalized (a skip token is valid only for the same key)."""
    subscriptions: tuple[str, ...]
    """The subscriptions the query runs over (lower-cased, sorted)."""
    include_unscoped: bool
    limit_hit: bool


@dataclass(frozen=True)
class _Token:
    query: str
    scope_key: tuple[str, ...]
    offset: int
    top: int
    page: int
    """The page number this token asks for (the first page is 1)."""


class ArgEmulator:
    """A local ARG over HTTPS (127.0.0.1, ephemeral port), started on construction; a context manager.

    Args:
        rows: the estate: ARG rows (routed to their table by `type`) or a mapping table -> rows.
        visible_subscriptions: what the caller can see (tenant scope and explicit requests); default:
            every subscription in the estate. A request naming another one gets 403.
        management_groups: management group name -> its subscriptions.
        quota, window_seconds: per-user (bearer token) query quota per window.
        latency_seconds: added to every response (simulated service latency).
        tenant_subscription_limit: at tenant / management-group scope, only the first N visible
            subscriptions (sorted) are queried and `x-ms-tenant-subscription-limit-hit: true` is set.
        max_payload_bytes: a page whose JSON is larger gets 400 `ResponsePayloadTooLarge`.
        query_timeout_seconds: a query running longer is interrupted (504).
        socket_timeout_seconds: TLS handshake, request reads and idle keep-alive connections.
        arm: ARM GETs to serve too (`--arm-details`, arm.py); by default only the ARG POST is served.
    """

    def __init__(
        self,
        rows: Iterable[Mapping[str, Any]] | Mapping[str, Iterable[Mapping[str, Any]]],
        *,
        visible_subscriptions: Iterable[str] | None = None,
        management_groups: Mapping[str, Iterable[str]] | None = None,
        quota: int = 15,
        window_seconds: float = 5.0,
        latency_seconds: float = 0.0,
        tenant_subscription_limit: int = 10_000,
        max_payload_bytes: int = 16 * 1024 * 1024,
        query_timeout_seconds: float = 30.0,
        socket_timeout_seconds: float = 10.0,
        arm: ArmEstate | None = None,
    ) -> None:
        self.db = EstateDatabase(rows, query_timeout=query_timeout_seconds)
        self.arm = arm
        """ARM GETs under /subscriptions/ (tests/emulator/arm.py); None: only ARG is served."""
        self.visible_subscriptions: frozenset[str] = (
            frozenset(s.lower() for s in visible_subscriptions)
            if visible_subscriptions is not None
            else self.db.subscriptions
        )
        self.management_groups: dict[str, frozenset[str]] = {
            name.lower(): frozenset(s.lower() for s in subs)
            for name, subs in (management_groups or {}).items()
        }
        self.quota = QuotaTracker(quota, window_seconds)
        self.faults = Faults()
        self.latency_seconds = latency_seconds
        self.tenant_subscription_limit = tenant_subscription_limit
        self.max_payload_bytes = max_payload_bytes
        self.socket_timeout_seconds = socket_timeout_seconds
        self.errors: list[str] = []
        """Unexpected exceptions inside the emulator (a test may assert it stays empty)."""

        self._log: list[dict[str, Any]] = []
        self._log_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._results: OrderedDict[tuple[Any, ...], Result] = OrderedDict()
        self._tokens: OrderedDict[str, _Token] = OrderedDict()
        self._stopping = threading.Event()
        self._stopped = False
        self._active = 0
        self._active_cond = threading.Condition()

        self._tmpdir = Path(tempfile.mkdtemp(prefix="arg-emulator-"))
        try:
            ca = trustme.CA()
            cert = ca.issue_cert("127.0.0.1", "localhost")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            cert.configure_cert(context)
            self._ca_bundle = self._tmpdir / "ca.pem"
            ca.cert_pem.write_to_path(str(self._ca_bundle))
            self._server = _Server(("127.0.0.1", 0), self, context)
        except BaseException:
            self.db.close()
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"arg-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- public surface ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """https://127.0.0.1:PORT (the `base_url` of ResourceGraphClient)."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The full ARG query URL with the default api-version."""
        return f"{self.base_url}{ARG_PATH}?api-version={DEFAULT_API_VERSION}"

    @property
    def ca_bundle(self) -> str:
        """Path of a PEM file with the emulator's CA certificate (REQUESTS_CA_BUNDLE / connection_verify)."""
        return str(self._ca_bundle)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The request log (a copy): one dict per request, in arrival order of their responses."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def write_log(self, path: str | Path) -> None:
        """Write the request log as JSON Lines."""
        text = "".join(json.dumps(entry, sort_keys=True, default=str) + "\n" for entry in self.requests)
        Path(path).write_text(text, encoding="utf-8")

    def fail_next(
        self,
        status: int = 503,
        count: int = 1,
        *,
        code: str | None = None,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """The next `count` queries fail with `status` (see Faults.fail_next)."""
        self.faults.fail_next(status, count, code=code, message=message, headers=headers)

    def slow_next(self, seconds: float, count: int = 1) -> None:
        self.faults.slow_next(seconds, count)

    def reset_connection_on_page(self, page: int, count: int = 1) -> None:
        self.faults.reset_connection_on_page(page, count)

    def deny_subscription(self, *subscriptions: str) -> None:
        self.faults.deny_subscription(*subscriptions)

    def allow_subscription(self, *subscriptions: str) -> None:
        self.faults.allow_subscription(*subscriptions)

    def payload_too_large_above(self, top: int | None) -> None:
        self.faults.payload_too_large_above(top)

    def clear_faults(self) -> None:
        self.faults.clear()

    def stop(self) -> None:
        """Shut the server down: no new connections, open ones closed, in-flight requests given 5 s."""
        with self._state_lock:
            if self._stopped:
                return
            self._stopped = True
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5.0)
        with self._active_cond:
            self._active_cond.wait_for(lambda: self._active == 0, timeout=5.0)
        self.db.close()
        shutil.rmtree(self._tmpdir, ignore_errors=True)

    def __enter__(self) -> ArgEmulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- plumbing used by the handler --------------------------------------------------------------
    def _enter_request(self) -> None:
        with self._active_cond:
            self._active += 1

    def _leave_request(self) -> None:
        with self._active_cond:
            self._active -= 1
            self._active_cond.notify_all()

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _record(self, entry: dict[str, Any]) -> None:
        with self._log_lock:
            self._log.append(entry)

    def _error(self, text: str) -> None:
        with self._log_lock:
            self.errors.append(text)

    # -- the service ------------------------------------------------------------------------------
    def respond(
        self, method: str, target: str, headers: Message, body: bytes, entry: dict[str, Any]
    ) -> _Response:
        """The response to one request; fills `entry` (the log record) with what it learnt."""
        split = urlsplit(target)
        params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        token = _bearer(headers)
        quota_headers = self.quota.peek(token).headers() if token else {}
        if self.arm is not None and method == "GET" and split.path.lower().startswith("/subscriptions/"):
            if token is None:
                return _json_response(
                    401,
                    error_body("AuthenticationFailed", "No bearer token."),
                    {"WWW-Authenticate": _WWW_AUTHENTICATE},
                )
            status, arm_body, arm_headers = self.arm.respond(split.path, params, self.base_url)
            return _json_response(status, arm_body, arm_headers)
        if split.path.lower() != ARG_PATH.lower():
            return _json_response(
                404,
                error_body(
                    "NotFound", f"The emulator serves only POST {ARG_PATH}; got {method} {split.path}."
                ),
                quota_headers,
            )
        if method != "POST":
            return _json_response(
                405,
                error_body(
                    "MethodNotAllowed", f"The requested resource does not support http method '{method}'."
                ),
                {**quota_headers, "Allow": "POST"},
            )
        if token is None:
            return _json_response(
                401,
                error_body(
                    "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing or is not a bearer token.",
                ),
                {"WWW-Authenticate": _WWW_AUTHENTICATE},
            )
        state = self.quota.consume(token)
        if not state.allowed:
            entry["throttled"] = True
            return _json_response(429, throttled_body(), state.headers())
        try:
            return self._query(headers, params, body, state, entry)
        except _Reply as reply:
            return _json_response(reply.status, reply.body, {**state.headers(), **reply.headers})

    def _query(
        self,
        headers: Message,
        params: Mapping[str, str],
        body: bytes,
        state: QuotaState,
        entry: dict[str, Any],
    ) -> _Response:
        failure = self.faults.take_failure()
        if failure is not None:
            entry["fault"] = f"fail {failure.status}"
            raise _Reply(failure.status, _failure_body(failure), failure.headers)
        delay = self.faults.take_delay()
        if delay:
            entry["fault"] = f"slow {delay:g}s"

        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise _Reply(
                500,
                error_body(
                    "InternalServerError",
                    f"Encountered internal server error ({_support_message()}) "
                    f"[emulator: Content-Type {content_type or 'missing'!r} is not application/json]",
                ),
            )
        api_version = params.get("api-version")
        if not api_version:
            raise _Reply(
                400,
                error_body(
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.",
                ),
            )
        if api_version not in API_VERSIONS:
            raise _Reply(
                400,
                error_body(
                    "InvalidApiVersionParameter",
                    f"The api-version '{api_version}' is invalid. The supported versions are "
                    f"'{','.join(sorted(API_VERSIONS))}'.",
                ),
            )
        request = _parse_body(body)
        query = request["query"]
        options = _options(request.get("options"))
        scope = self._scope(request)
        entry["scope"] = scope.kind
        entry["scope_subscriptions"] = len(scope.subscriptions)

        # Page: the first (no token) or the one a token asks for; $top / $skip override the token's.
        skip_token = options.get("$skipToken")
        if skip_token is not None:
            with self._state_lock:
                held = self._tokens.get(skip_token)
            if held is None or held.query != query or held.scope_key != scope.key:
                raise _Reply(
                    400,
                    error_body(
                        "BadRequest",
                        _support_message(),
                        [
                            {
                                "code": "InvalidSkipToken",
                                "message": "The $skipToken is invalid, expired, or was not issued for this "
                                "query and scope. Send it with the same query and scopes as the request "
                                "that returned it.",
                            }
                        ],
                    ),
                )
            top = options.get("$top", held.top)
            offset = options.get("$skip", held.offset)
            page = held.page
        else:
            top = options.get("$top", MAX_TOP)
            offset = options.get("$skip", 0)
            page = 1
        entry["page"] = page

        if self.faults.take_reset(page):
            entry["fault"] = f"reset page {page}"
            return _Response(0, reset=True, delay=delay)

        result = self._result(query, scope, fresh=skip_token is None)
        limiting = bool(_LIMITING.search(query))
        pageable = not limiting and "id" in result.columns and any(t != "object" for t in result.types)
        if limiting:
            offset = 0  # ARG ignores $skip on a query with take/limit
        rows = result.page(offset, offset + top)
        more = offset + len(rows) < len(result)
        next_token = _new_token() if more and pageable else None
        payload: dict[str, Any] = {
            "totalRecords": len(result),
            "count": len(rows),
            "resultTruncated": "true" if more and not pageable else "false",
            "facets": [],
            "data": _format(result, rows, options.get("resultFormat", "objectArray")),
        }
        if next_token is not None:
            payload["$skipToken"] = next_token
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        if self.faults.payload_too_large(top):
            entry["fault"] = f"payload too large at $top {top}"
            raise _Reply(
                400,
                payload_too_large_body(max(len(data), self.max_payload_bytes + 1), self.max_payload_bytes),
            )
        if len(data) > self.max_payload_bytes:
            raise _Reply(400, payload_too_large_body(len(data), self.max_payload_bytes))
        if next_token is not None:
            with self._state_lock:
                self._tokens[next_token] = _Token(query, scope.key, offset + len(rows), top, page + 1)
                while len(self._tokens) > 10_000:
                    self._tokens.popitem(last=False)
        extra = dict(state.headers())
        if scope.limit_hit:
            extra["x-ms-tenant-subscription-limit-hit"] = "true"
        entry["rows"] = len(rows)
        return _Response(200, data, {"Content-Type": "application/json; charset=utf-8", **extra}, delay=delay)

    def _scope(self, request: Mapping[str, Any]) -> _Scope:
        subs = _string_list(request.get("subscriptions"), "subscriptions")
        groups = _string_list(request.get("managementGroups"), "managementGroups")
        denied = self.faults.denied
        if subs and groups:
            raise _Reply(
                400,
                error_body(
                    "BadRequest",
                    "Specify either subscriptions or managementGroups, not both.",
                    [
                        {
                            "code": "InvalidRequestContent",
                            "message": "Both subscriptions and managementGroups given.",
                        }
                    ],
                ),
            )
        if subs:
            lowered = sorted({s.strip().lower() for s in subs})
            for sub in lowered:
                if sub in denied or sub not in self.visible_subscriptions:
                    raise _Reply(403, authorization_failed_body(f"/subscriptions/{sub}"))
            return _Scope("subscriptions", ("subscriptions", *lowered), tuple(lowered), False, False)
        if groups:
            pool: set[str] = set()
            lowered = sorted({g.strip().lower() for g in groups})
            for group in lowered:
                members = self.management_groups.get(group)
                if members is None:
                    raise _Reply(
                        403,
                        authorization_failed_body(
                            f"/providers/Microsoft.Management/managementGroups/{group}"
                        ),
                    )
                pool.update(members)
            chosen, hit = self._limit(pool & self.visible_subscriptions - denied)
            return _Scope("managementGroups", ("managementGroups", *lowered), chosen, False, hit)
        chosen, hit = self._limit(self.visible_subscriptions - denied)
        return _Scope("tenant", ("tenant",), chosen, True, hit)

    def _limit(self, subscriptions: Iterable[str]) -> tuple[tuple[str, ...], bool]:
        ordered = sorted(subscriptions)
        if len(ordered) > self.tenant_subscription_limit:
            return tuple(ordered[: self.tenant_subscription_limit]), True
        return tuple(ordered), False

    def _result(self, query: str, scope: _Scope, *, fresh: bool) -> Result:
        key = (query, scope.subscriptions, scope.include_unscoped)
        if not fresh:
            with self._state_lock:
                cached = self._results.get(key)
                if cached is not None:
                    self._results.move_to_end(key)
                    return cached
        try:
            result = self.db.run(query, scope.subscriptions, include_unscoped=scope.include_unscoped)
        except QueryError as exc:
            raise _Reply(400, invalid_query_body(str(exc))) from None
        except QueryTimeout as exc:
            raise _Reply(504, error_body("GatewayTimeout", f"The query timed out: {exc}")) from None
        with self._state_lock:
            self._results[key] = result
            self._results.move_to_end(key)
            while len(self._results) > 64:
                self._results.popitem(last=False)
        return result


# -- request helpers -------------------------------------------------------------------------------
def _bearer(headers: Message) -> str | None:
    value = headers.get("Authorization") or ""
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _bad_request(message: str, code: str = "InvalidRequestContent") -> _Reply:
    return _Reply(400, error_body("BadRequest", _support_message(), [{"code": code, "message": message}]))


def _parse_body(body: bytes) -> dict[str, Any]:
    try:
        request = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad_request(f"The request content was invalid and could not be deserialized: {exc}") from None
    if not isinstance(request, dict):
        raise _bad_request("The request content must be a JSON object (QueryRequest).")
    query = request.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _bad_request("The 'query' property is required and must be a non-empty string.")
    return request


def _options(raw: Any) -> dict[str, Any]:
    """Validated options: $top (1..1000), $skip (>= 0), $skipToken, resultFormat."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _bad_request("'options' must be an object.")
    out: dict[str, Any] = {}
    top = raw.get("$top")
    if top is not None:
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
            raise _Reply(
                400,
                invalid_query_body(f"the $top option must be an integer from 1 to {MAX_TOP}, got {top!r}"),
            )
        out["$top"] = top
    skip = raw.get("$skip")
    if skip is not None:
        if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
            raise _Reply(
                400, invalid_query_body(f"the $skip option must be a non-negative integer, got {skip!r}")
            )
        out["$skip"] = skip
    token = raw.get("$skipToken")
    if token is not None:
        if not isinstance(token, str) or not token:
            raise _bad_request("'$skipToken' must be a non-empty string.", "InvalidSkipToken")
        out["$skipToken"] = token
    fmt = raw.get("resultFormat")
    if fmt is not None:
        if not isinstance(fmt, str) or fmt.lower() not in ("objectarray", "table"):
            raise _bad_request(f"'resultFormat' must be 'objectArray' or 'table', got {fmt!r}.")
        out["resultFormat"] = "table" if fmt.lower() == "table" else "objectArray"
    return out


def _string_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad_request(f"'{name}' must be an array of strings.")
    return [v for v in value if v.strip()]


def _new_token() -> str:
    raw = json.dumps({"$id": secrets.token_hex(16)}).encode()
    return base64.b64encode(raw).decode("ascii")


def _format(result: Result, rows: list[tuple[Any, ...]], fmt: str) -> Any:
    if fmt == "table":
        return {
            "columns": [{"name": n, "type": t} for n, t in zip(result.columns, result.types, strict=True)],
            "rows": [list(r) for r in rows],
        }
    return [dict(zip(result.columns, r, strict=True)) for r in rows]


def _failure_body(failure: Failure) -> dict[str, Any]:
    if failure.status == 429 and failure.code in (None, "RateLimiting") and failure.message is None:
        return throttled_body()
    code = failure.code or STATUS_CODES.get(failure.status, "Error")
    message = failure.message or f"Injected failure (HTTP {failure.status}). {_support_message()}"
    return error_body(code, message)


def _json_response(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> _Response:
    data = json.dumps(body, separators=(",", ":")).encode()
    return _Response(status, data, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


# -- HTTP plumbing ---------------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: ArgEmulator, context: ssl.SSLContext) -> None:
        self.emulator = emulator
        self.context = context
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (getfqdn), which can stall offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def finish_request(self, request: Any, client_address: Any) -> None:
        emulator = self.emulator
        emulator._enter_request()
        try:
            request.settimeout(emulator.socket_timeout_seconds)
            # Headers and body are separate writes: without this, Nagle + delayed ACK add ~40 ms.
            with contextlib.suppress(OSError):
                request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                tls = self.context.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                return
            with self._connections_lock:
                self._connections.add(tls)
            try:
                _Handler(tls, client_address, self)
            except OSError:
                pass
            finally:
                with self._connections_lock:
                    self._connections.discard(tls)
                with contextlib.suppress(OSError):
                    tls.close()
        finally:
            emulator._leave_request()

    def handle_error(self, request: Any, client_address: Any) -> None:
        import traceback

        self.emulator._error(traceback.format_exc())

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ArgEmulator/1.0"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the emulator keeps its own log

    def __getattr__(self, name: str) -> Callable[[], None]:
        # Every method (GET, PUT, DELETE, PATCH, ... and unknown ones) reaches one dispatcher, so every
        # request is answered by the emulator and recorded.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        received = dt.datetime.now(dt.UTC)
        split = urlsplit(self.path)
        entry: dict[str, Any] = {
            "time": received.isoformat().replace("+00:00", "Z"),
            "method": self.command,
            "path": split.path,
            "query": split.query,
            "params": {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()},
            "headers": {k: v for k, v in self.headers.items() if k.lower() != "authorization"},
            "authenticated": _bearer(self.headers) is not None,
            "body": None,
            "status": None,
        }
        try:
            body = self._read_body()
        except _Reply as reply:
            entry["status"] = reply.status
            emulator._record(entry)
            self.close_connection = True
            self._send(_json_response(reply.status, reply.body))
            return
        entry["body_bytes"] = len(body)
        if body:
            try:
                entry["body"] = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                entry["body_text"] = body[:65536].decode("utf-8", "replace")
        try:
            response = emulator.respond(self.command, self.path, self.headers, body, entry)
        except Exception as exc:
            import traceback

            emulator._error(traceback.format_exc())
            response = _json_response(
                500, error_body("InternalServerError", f"emulator error: {type(exc).__name__}: {exc}")
            )
        emulator._sleep(emulator.latency_seconds + response.delay)
        entry["status"] = None if response.reset else response.status
        entry["elapsed_ms"] = round((dt.datetime.now(dt.UTC) - received).total_seconds() * 1000, 1)
        emulator._record(entry)
        if response.reset:
            self._reset()
            return
        self._send(response)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length")
        if not length_text:
            return b""
        try:
            length = int(length_text)
        except ValueError:
            raise _Reply(400, error_body("BadRequest", "Invalid Content-Length.")) from None
        if length < 0 or length > MAX_BODY_BYTES:
            raise _Reply(
                413, error_body("RequestEntityTooLarge", f"The request body exceeds {MAX_BODY_BYTES} bytes.")
            )
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _Reply(400, error_body("BadRequest", "Invalid chunked encoding.")) from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise _Reply(
                    413,
                    error_body("RequestEntityTooLarge", f"The request body exceeds {MAX_BODY_BYTES} bytes."),
                )
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _send(self, response: _Response) -> None:
        try:
            self.send_response(response.status)
            headers = {
                "x-ms-request-id": str(uuid.uuid4()),
                "x-ms-correlation-request-id": str(uuid.uuid4()),
                **response.headers,
            }
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _reset(self) -> None:
        """Drop the connection without a response (a TCP reset)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
