"""The live source: Azure Resource Graph, read-only, paced, paged, with honest coverage.

One query per ARG table (scanner/queries/*.kql), run over subscription batches of at most 300
(tenant scope sends no list; management-group scope sends the groups). Pages of 1000 rows follow
`$skipToken`; a `ResponsePayloadTooLarge` halves `$top` and goes on. A table with many rows
(`resources`) is read as a few independent `$skipToken` chains, each the same query narrowed to a
group of types (`| where type in~ (...)`, the last chain every other type), so that its pages run
concurrently instead of one after the other; the chains' rows are exactly the query's rows. Pages of
every chain and batch run concurrently, paced by one QuotaPacer. A subscription that is denied is
isolated by splitting its batch; what could not be read after the bounded retries is recorded in
the coverage (the scan is then incomplete, exit 4) while the rest completes.

The requests themselves (one POST through the SDK's pipeline, parsed without secrets) are
sources/arg_client.py's; this module paces, pages, splits and accounts for them.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from scanner.errors import InputError, ScanError
from scanner.queries import PREFLIGHT, all_queries
from scanner.snapshot import DATASETS, Snapshot, strip_secrets

# Re-exported: the client and its types are part of this source's interface (tests, bench, live.py).
from scanner.sources.arg_client import ARG_PATH as ARG_PATH
from scanner.sources.arg_client import ArgClient as ArgClient
from scanner.sources.arg_client import LiveScope as LiveScope
from scanner.sources.arg_client import Page as Page
from scanner.sources.arg_client import error_codes, first_line
from scanner.sources.arg_client import split_query as split_query
from scanner.sources.events import PageRead, Progress, QueriesPlanned, QueryDone, Throttled, ignore
from scanner.sources.pacing import QuotaPacer, Slot

BATCH_SIZE = 300
PAGE_SIZE = 1000
LIMIT_HIT_HEADER = "x-ms-tenant-subscription-limit-hit"

#: Datasets read as several `$skipToken` chains that run concurrently: one chain per group of
#: types, and one for every other type. Sized on the types that dominate classic estates (classic
#: and ARM VMs, storage, public IPs and load balancers); a group with no rows costs one query.
SPLIT_TYPES: dict[str, tuple[tuple[str, ...], ...]] = {
    "resources": (
        ("microsoft.classiccompute/virtualmachines",),
        ("microsoft.compute/virtualmachines",),
        ("microsoft.storage/storageaccounts", "microsoft.classicstorage/storageaccounts"),
        ("microsoft.network/publicipaddresses", "microsoft.network/loadbalancers"),
    ),
}
#: With this many subscription batches or more, the batches already run side by side: no split.
SPLIT_MAX_BATCHES = 3


class PreflightError(InputError):
    """The endpoint, the credential or read access failed before the scan started (exit 2)."""


class _Denied(Exception):
    pass


class _PayloadTooLarge(Exception):
    pass


class QueryFailed(ScanError):
    """A request that still failed after the bounded retries."""


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
        self.progress = progress or ignore
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
            slot: Slot = self.pacer.acquire()
            try:
                page = self.client.post(query, self.scope, subs, top, token)
            except ClientAuthenticationError as exc:
                raise PreflightError(f"authentication failed: {first_line(exc)}") from None
            except HttpResponseError as exc:
                response: Any = exc.response
                headers = dict(response.headers) if response is not None else {}
                self.pacer.record(headers, slot)
                status, codes = exc.status_code or 0, error_codes(exc)
                if status == 429 or "RateLimiting" in codes:
                    throttles += 1
                    self._count(stats, throttled=1, retries=1)
                    if throttles > policy.max_throttle_retries:
                        raise QueryFailed(f"throttled {throttles} times in a row") from None
                    self.progress(Throttled(self.pacer.throttled_response(headers, throttles)))
                    continue
                if "ResponsePayloadTooLarge" in codes:
                    raise _PayloadTooLarge() from None
                if status == 403 or "AuthorizationFailed" in codes:
                    raise _Denied(first_line(exc)) from None
                if status in (408, 500, 502, 503, 504) or status > 504:
                    transients += 1
                    self._count(stats, retries=1)
                    if transients > policy.max_transient_retries:
                        raise QueryFailed(f"HTTP {status} after {transients} attempts") from None
                    self.pacer.backoff(transients)
                    continue
                raise QueryFailed(f"HTTP {status} {'/'.join(codes)}: {first_line(exc)}") from None
            except (ServiceRequestError, ServiceResponseError) as exc:
                self.pacer.release(slot)
                transients += 1
                self._count(stats, retries=1)
                if transients > policy.max_transient_retries:
                    raise QueryFailed(
                        f"connection failed after {transients} attempts: {first_line(exc)}"
                    ) from None
                self.pacer.backoff(transients)
                continue
            else:
                # The quota slot ends when the response arrived, not when its body had been parsed.
                age = time.monotonic() - page.received if page.received is not None else 0.0
                self.pacer.record(page.headers, slot, age=age)
            finally:
                self.pacer.release(slot)  # whatever else happened, the request is over
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
            got.extend(page.rows if page.secrets_removed else [strip_secrets(r) for r in page.rows])
            self._count(stats, pages=1, rows=len(page.rows))
            self.progress(PageRead(len(page.rows)))
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
        state = _Collection(
            stats={name: QueryStats() for name in DATASETS},
            denied={s for s in self.scope.subscriptions if s not in visible},
        )
        chains: list[_Chain] = []
        for name in DATASETS:
            groups = SPLIT_TYPES.get(name, ()) if len(batches) < SPLIT_MAX_BATCHES else ()
            parts = split_query(queries[name], groups)
            for b, batch in enumerate(batches):
                unit = state.new_unit(name, len(parts))
                for i, text in enumerate(parts):
                    part = f"part {i + 1}/{len(parts)}" if len(parts) > 1 else ""
                    chains.append(_Chain(name, text, part, batch, unit, (b, i), PAGE_SIZE))
        self.progress(QueriesPlanned(len(state.units)))
        self._run_chains(chains, state)

        stats = state.stats
        status: dict[str, str] = {sub: "read" for sub in visible}
        for sub in state.denied:
            status[sub] = "denied"
        for sub in state.failed:
            status[sub] = "failed"
        issues = [f"subscription {s}: no read access" for s in sorted(state.denied)]
        issues += [
            f"subscription {s}: {', '.join(sorted(state.failed[s]))} could not be read"
            for s in sorted(state.failed)
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
        manifest = {"coverage": coverage, "queries": queries}
        return Snapshot(
            rows=state.rows_by_dataset(),
            collected=frozenset(DATASETS),
            manifest=manifest,
            sources=(),
            issues=tuple(issues),
        )

    def _run_chains(self, chains: list[_Chain], state: _Collection) -> None:
        """Every chain to its end, one page per task, on `workers` threads. The next task is the page
        of the chain with the most pages left (by the `totalRecords` its last page showed), so the
        longest chains do not end up paging alone at the end; equals go first come, first served."""
        ready: list[tuple[int, int, _Chain]] = []
        order = itertools.count()
        cond = threading.Condition()
        busy = 0
        errors: list[BaseException] = []

        def push(chain: _Chain) -> None:
            heapq.heappush(ready, (-chain.pages_left(), next(order), chain))

        def worker() -> None:
            nonlocal busy
            while True:
                with cond:
                    while not ready and busy and not errors:
                        cond.wait()
                    if errors or not ready:
                        cond.notify_all()
                        return
                    chain = heapq.heappop(ready)[2]
                    busy += 1
                try:
                    more = self._step(chain, state)
                except BaseException as exc:
                    more = []
                    with cond:
                        errors.append(exc)
                with cond:
                    for nxt in more:
                        push(nxt)
                    busy -= 1
                    cond.notify_all()

        for chain in chains:
            push(chain)
        threads = [
            threading.Thread(target=worker, name=f"arg-worker-{i}", daemon=True)
            for i in range(max(1, min(self.workers, len(chains))))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def _step(self, chain: _Chain, state: _Collection) -> list[_Chain]:
        """One page of `chain`; returns what is left to do (the chain again, two halves, or nothing)."""
        stats = state.stats[chain.dataset]
        try:
            page = self._post(chain.query, chain.batch, chain.top, chain.token, stats)
        except _PayloadTooLarge:
            if chain.top == 1:
                return self._chain_failed(
                    chain, state, QueryFailed("a single row exceeds the response size limit")
                )
            chain.top = max(1, chain.top // 2)
            self._count(stats, top_reductions=1)
            return [chain]
        except _Denied:
            batch = chain.batch
            if not batch or len(batch) == 1:
                with self._lock:
                    state.denied.update(batch or [])
                self._chain_done(chain, state, [])
                return []
            # Isolate the denied subscription: the chain restarts as two chains over half the batch.
            half = len(batch) // 2
            with self._lock:
                state.units[chain.unit].chains += 1
            return [chain.restart(batch[:half], 0), chain.restart(batch[half:], 1)]
        except QueryFailed as exc:
            return self._chain_failed(chain, state, exc)
        rows = page.rows if page.secrets_removed else [strip_secrets(r) for r in page.rows]
        chain.rows.extend(rows)
        chain.total = page.total
        self._count(stats, pages=1, rows=len(rows))
        self.progress(PageRead(len(rows)))
        if page.truncated and not page.skip_token:
            with self._lock:
                stats.truncated = True
        if page.skip_token:
            chain.token = page.skip_token
            return [chain]
        self._chain_done(chain, state, chain.rows)
        return []

    def _chain_failed(self, chain: _Chain, state: _Collection, exc: QueryFailed) -> list[_Chain]:
        label = "scope" if chain.batch is None else f"{len(chain.batch)} subscriptions"
        detail = f"{chain.part}: {exc}" if chain.part else str(exc)
        with self._lock:
            state.stats[chain.dataset].failed_batches.append(f"{label}: {detail}")
            for sub in chain.batch or []:
                state.failed.setdefault(sub, set()).add(chain.dataset)
        self._chain_done(chain, state, [])
        return []

    def _chain_done(self, chain: _Chain, state: _Collection, rows: list[dict[str, Any]]) -> None:
        """Keep a finished chain's rows; report the query (dataset x batch) once its last chain is done."""
        with self._lock:
            state.results.append((chain.dataset, chain.order, rows))
            unit = state.units[chain.unit]
            unit.chains -= 1
            unit.rows += len(rows)
            finished = unit.chains == 0
        if finished:
            self.progress(QueryDone(unit.dataset, unit.rows))

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


@dataclass
class _Chain:
    """One `$skipToken` chain: a query (or one part of a split query) over one batch."""

    dataset: str
    query: str
    part: str
    """"part i/n" when the dataset's query is split, else empty."""
    batch: list[str] | None
    unit: int
    """Index of the (dataset, batch) query this chain belongs to."""
    order: tuple[int, ...]
    """Where its rows go among the dataset's chains (before sorting by id)."""
    top: int
    token: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None
    """Rows of the whole chain, as its last page said (totalRecords)."""

    def pages_left(self) -> int:
        """Pages still to read, by the last totalRecords; a chain not yet started is taken to have 2."""
        if self.total is None:
            return 2
        return max(1, math.ceil((self.total - len(self.rows)) / max(1, self.top)))

    def restart(self, batch: list[str], half: int) -> _Chain:
        """The same chain from its first page over part of the batch (its rows so far are dropped)."""
        return _Chain(self.dataset, self.query, self.part, batch, self.unit, (*self.order, half), PAGE_SIZE)


@dataclass
class _Unit:
    """One dataset over one batch, as progress reports it: done when its last chain is done."""

    dataset: str
    chains: int
    rows: int = 0


@dataclass
class _Collection:
    """What the chains of one read() share (guarded by GraphSource._lock)."""

    stats: dict[str, QueryStats]
    denied: set[str]
    failed: dict[str, set[str]] = field(default_factory=dict)
    units: list[_Unit] = field(default_factory=list)
    results: list[tuple[str, tuple[int, ...], list[dict[str, Any]]]] = field(default_factory=list)

    def new_unit(self, dataset: str, chains: int) -> int:
        self.units.append(_Unit(dataset, chains))
        return len(self.units) - 1

    def rows_by_dataset(self) -> dict[str, list[dict[str, Any]]]:
        """Each dataset's rows sorted by lower-cased id, as a snapshot stores them (chains finish in any
        order; ties keep the chains' fixed order, so the result does not depend on timing)."""
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
        for dataset, _, rows in sorted(self.results, key=lambda r: (r[0], r[1])):
            out[dataset].extend(rows)
        for rows in out.values():
            rows.sort(key=lambda r: str(r.get("id", "")).lower())
        return out
