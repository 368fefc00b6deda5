"""The live source: Azure Resource Graph, read-only, paced, paged, with honest coverage.

One query per ARG table (scanner/queries/*.kql), run over subscription batches of at most 300
(tenant scope sends no list; management-group scope sends the groups). Pages of 1000 rows follow
`$skipToken`; a `ResponsePayloadTooLarge` halves `$top` and goes on. Batches and pages run
concurrently, paced by one QuotaPacer. A subscription that is denied is isolated by splitting its
batch; what could not be read after the bounded retries is recorded in the coverage (the scan is
then incomplete, exit 4) while the rest completes.

The SDK client is built without azure-mgmt-core's resource-provider auto-registration policy (it
would register a provider — a write — on some 409s) and without its retry policy (pacing and
retries live in QuotaPacer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from scanner.errors import InputError, ScanError
from scanner.queries import PREFLIGHT, all_queries
from scanner.snapshot import DATASETS, Snapshot, strip_secrets
from scanner.sources.pacing import QuotaPacer

BATCH_SIZE = 300
PAGE_SIZE = 1000
LIMIT_HIT_HEADER = "x-ms-tenant-subscription-limit-hit"
Progress = Callable[[str, dict[str, Any]], None]


class PreflightError(InputError):
    """The endpoint, the credential or read access failed before the scan started (exit 2)."""


class _Denied(Exception):
    pass


class _PayloadTooLarge(Exception):
    pass


class QueryFailed(ScanError):
    """A request that still failed after the bounded retries."""


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


@dataclass
class QueryStats:
    """Per-dataset coverage counters."""

    rows: int = 0
    pages: int = 0
    retries: int = 0
    throttled: int = 0
    top_reductions: int = 0
    truncated: bool = False
    failed_batches: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "pages": self.pages,
            "retries": self.retries,
            "throttled": self.throttled,
            "top_reductions": self.top_reductions,
            "truncated": self.truncated,
            "failed_batches": list(self.failed_batches),
        }


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    skip_token: str | None
    truncated: bool
    headers: dict[str, str]


class ArgClient:
    """One POST to ARG per call, through the SDK; returns rows and headers or raises."""

    def __init__(self, credential: Any, endpoint: str, token_scope: str, timeout: float = 60.0) -> None:
        from azure.core.pipeline import policies
        from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy
        from azure.mgmt.resourcegraph import ResourceGraphClient

        pipeline = [
            policies.RequestIdPolicy(),
            policies.HeadersPolicy(),
            policies.UserAgentPolicy(sdk_moniker="classic-scanner"),
            policies.ProxyPolicy(),
            policies.ContentDecodePolicy(),
            policies.RedirectPolicy(),
            ARMChallengeAuthenticationPolicy(credential, token_scope),
            policies.CustomHookPolicy(),
            ARMHttpLoggingPolicy(),
        ]
        self._client = ResourceGraphClient(
            credential, base_url=endpoint, credential_scopes=[token_scope], policies=pipeline
        )
        self._timeout = timeout

    def post(
        self, query: str, scope: LiveScope, subscriptions: list[str] | None, top: int, skip_token: str | None
    ) -> Page:
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

        options = QueryRequestOptions(top=top, skip_token=skip_token, result_format="objectArray")
        request = QueryRequest(
            query=query,
            subscriptions=subscriptions or None,
            management_groups=list(scope.management_groups) or None,
            options=options,
        )
        captured: dict[str, Any] = {}

        def keep(pipeline_response: Any, deserialized: Any, _: Any) -> Any:
            captured["headers"] = dict(pipeline_response.http_response.headers)
            return deserialized

        response = self._client.resources(
            request, cls=keep, connection_timeout=min(self._timeout, 20.0), read_timeout=self._timeout
        )
        data: list[Any] = response.data if isinstance(response.data, list) else []
        return Page(
            rows=[r for r in data if isinstance(r, dict)],
            skip_token=response.skip_token or None,
            truncated=str(response.result_truncated).lower() == "true",
            headers=captured.get("headers", {}),
        )


class GraphSource:
    """Collects the four datasets for a scope into a Snapshot with coverage."""

    def __init__(
        self,
        client: ArgClient,
        scope: LiveScope,
        pacer: QuotaPacer | None = None,
        workers: int = 4,
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.scope = scope
        self.pacer = pacer or QuotaPacer()
        self.workers = max(1, workers)
        self.progress = progress or (lambda event, data: None)
        self._lock = threading.Lock()
        self.limit_hit = False
        self.preflight_stats = QueryStats()

    # -- one request with retries ------------------------------------------------------------------
    def _post(
        self, query: str, subs: list[str] | None, top: int, token: str | None, stats: QueryStats | None
    ) -> Page:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ServiceRequestError,
            ServiceResponseError,
        )

        throttles = transients = 0
        policy = self.pacer.policy
        while True:
            self.pacer.acquire()
            try:
                page = self.client.post(query, self.scope, subs, top, token)
            except ClientAuthenticationError as exc:
                raise PreflightError(f"authentication failed: {_first_line(exc)}") from None
            except HttpResponseError as exc:
                response: Any = exc.response
                headers = dict(response.headers) if response is not None else {}
                self.pacer.record(headers)
                status, codes = exc.status_code or 0, _error_codes(exc)
                if status == 429 or "RateLimiting" in codes:
                    throttles += 1
                    self._count(stats, throttled=1, retries=1)
                    if throttles > policy.max_throttle_retries:
                        raise QueryFailed(f"throttled {throttles} times in a row") from None
                    self.progress("throttled", {"wait": self.pacer.throttled_response(headers, throttles)})
                    continue
                if "ResponsePayloadTooLarge" in codes:
                    raise _PayloadTooLarge() from None
                if status == 403 or "AuthorizationFailed" in codes:
                    raise _Denied(_first_line(exc)) from None
                if status in (408, 500, 502, 503, 504) or status > 504:
                    transients += 1
                    self._count(stats, retries=1)
                    if transients > policy.max_transient_retries:
                        raise QueryFailed(f"HTTP {status} after {transients} attempts") from None
                    self.pacer.backoff(transients)
                    continue
                raise QueryFailed(f"HTTP {status} {'/'.join(codes)}: {_first_line(exc)}") from None
            except (ServiceRequestError, ServiceResponseError) as exc:
                transients += 1
                self._count(stats, retries=1)
                if transients > policy.max_transient_retries:
                    raise QueryFailed(
                        f"connection failed after {transients} attempts: {_first_line(exc)}"
                    ) from None
                self.pacer.backoff(transients)
                continue
            self.pacer.record(page.headers)
            if str(page.headers.get(LIMIT_HIT_HEADER, "")).lower() == "true":
                self.limit_hit = True
            return page

    def _count(self, stats: QueryStats | None, **increments: int) -> None:
        if stats is None:
            return
        with self._lock:
            for name, value in increments.items():
                setattr(stats, name, getattr(stats, name) + value)

    # -- preflight ---------------------------------------------------------------------------------
    def preflight(self) -> dict[str, str]:
        """One cheap query; returns visible subscription id -> display name. PreflightError on failure.

        Listed subscriptions go in batches; a denied one is isolated by splitting its batch, and only
        a scope in which nothing at all can be read stops the scan."""
        subs = list(self.scope.subscriptions)
        batches: list[list[str] | None] = (
            [subs[i : i + BATCH_SIZE] for i in range(0, len(subs), BATCH_SIZE)] if subs else [None]
        )
        visible: dict[str, str] = {}
        try:
            for batch in batches:
                visible.update(self._preflight_batch(batch))
        except QueryFailed as exc:
            raise PreflightError(f"Resource Graph is not reachable or failing: {exc}") from None
        if not visible:
            raise PreflightError("the credential can see no subscription in this scope (no read access?)")
        return visible

    def _preflight_batch(self, batch: list[str] | None) -> dict[str, str]:
        try:
            rows = self._paged(PREFLIGHT, batch, self.preflight_stats)
        except _Denied as exc:
            if not batch or len(batch) == 1:
                if not batch:
                    raise PreflightError(f"no read access: {exc}") from None
                return {}
            half = len(batch) // 2
            return {**self._preflight_batch(batch[:half]), **self._preflight_batch(batch[half:])}
        found = {str(r.get("subscriptionId") or "").lower(): str(r.get("name") or "") for r in rows}
        found.pop("", None)
        return found

    def _paged(self, query: str, batch: list[str] | None, stats: QueryStats) -> list[dict[str, Any]]:
        """Every page of one query over one batch; halves $top when a response would be too large."""
        top = PAGE_SIZE
        token: str | None = None
        got: list[dict[str, Any]] = []
        while True:
            try:
                page = self._post(query, batch, top, token, stats)
            except _PayloadTooLarge:
                if top == 1:
                    raise QueryFailed("a single row exceeds the response size limit") from None
                top = max(1, top // 2)
                self._count(stats, top_reductions=1)
                continue
            got.extend(page.rows)
            self._count(stats, pages=1, rows=len(page.rows))
            self.progress("page", {"rows": len(page.rows)})
            if page.truncated and not page.skip_token:
                with self._lock:
                    stats.truncated = True
            if not page.skip_token:
                return got
            token = page.skip_token

    # -- collection --------------------------------------------------------------------------------
    def read(self) -> Snapshot:
        visible = self.preflight()
        batches = self._batches(visible)
        queries = all_queries()
        stats = {name: QueryStats() for name in DATASETS}
        status: dict[str, str] = {sub: "read" for sub in visible}
        denied: set[str] = {s for s in self.scope.subscriptions if s not in visible}
        failed: dict[str, set[str]] = {}
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
        tasks = [(name, batch) for name in DATASETS for batch in batches]
        self.progress("start", {"queries": len(tasks)})

        def run(task: tuple[str, list[str] | None]) -> None:
            name, batch = task
            got, bad_subs, denied_subs = self._run_batch(name, queries[name], batch, stats[name])
            with self._lock:
                rows[name].extend(got)
                denied.update(denied_subs)
                for sub in bad_subs:
                    failed.setdefault(sub, set()).add(name)
            self.progress("query", {"dataset": name, "rows": len(got)})

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            list(pool.map(run, tasks))
        for sub in denied:
            status[sub] = "denied"
        for sub in failed:
            status[sub] = "failed"
        issues = [f"subscription {s}: no read access" for s in sorted(denied)]
        issues += [
            f"subscription {s}: {', '.join(sorted(failed[s]))} could not be read" for s in sorted(failed)
        ]
        issues += [f"{n}: the query result was truncated" for n, st in stats.items() if st.truncated]
        issues += [
            f"{n}: the query failed for the whole {self.scope.kind} scope"
            for n, st in stats.items()
            if any(b.startswith("scope:") for b in st.failed_batches)
        ]
        if self.limit_hit:
            issues.append(
                "tenant subscription limit hit at tenant scope; results cover the listed subscriptions"
            )
        coverage = {
            "complete": not issues,
            "scope": self.scope.kind,
            "subscriptions": {s: {"status": status[s], "name": visible.get(s, "")} for s in sorted(status)},
            "queries": {n: st.as_dict() for n, st in {"preflight": self.preflight_stats, **stats}.items()},
            "throttled": self.pacer.throttled,
            "issues": issues,
        }
        clean = {name: [strip_secrets(r) for r in found] for name, found in rows.items()}
        manifest = {"coverage": coverage, "queries": queries}
        return Snapshot(
            rows=clean, collected=frozenset(DATASETS), manifest=manifest, sources=(), issues=tuple(issues)
        )

    def _batches(self, visible: dict[str, str]) -> list[list[str] | None]:
        if self.scope.kind == "management_groups":
            return [None]
        if self.scope.kind == "tenant" and not self.limit_hit:
            return [None]
        subs = (
            sorted(visible)
            if self.scope.kind == "tenant"
            else [s for s in self.scope.subscriptions if s in visible]
        )
        return [subs[i : i + BATCH_SIZE] for i in range(0, len(subs), BATCH_SIZE)]

    def _run_batch(
        self, name: str, query: str, batch: list[str] | None, stats: QueryStats
    ) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        """Rows of one dataset for one batch; returns (rows, failed subscriptions, denied subscriptions)."""
        try:
            return self._paged(query, batch, stats), [], []
        except _Denied:
            if not batch or len(batch) == 1:
                return [], [], list(batch or [])
            half = len(batch) // 2
            left = self._run_batch(name, query, batch[:half], stats)
            right = self._run_batch(name, query, batch[half:], stats)
            return left[0] + right[0], left[1] + right[1], left[2] + right[2]
        except QueryFailed as exc:
            label = "scope" if batch is None else f"{len(batch)} subscriptions"
            with self._lock:
                stats.failed_batches.append(f"{label}: {exc}")
            return [], list(batch or []), []


def _error_codes(exc: Any) -> list[str]:
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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
