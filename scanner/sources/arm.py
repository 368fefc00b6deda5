"""ARM details (`--arm-details`): read-only GETs for what Resource Graph does not carry.

After the ARG collection, and only when asked, the scanner reads from Resource Manager:

- classic VMs, listed per subscription that has classic VMs in ARG
  (`/subscriptions/{s}/providers/Microsoft.ClassicCompute/virtualMachines`), with one GET per VM whose
  list entry lacks `instanceView` or `extensions` (guest agent and extension state);
- every Cloud Service (extended support) ARG listed, one GET each (CloudServices_Get, api-version
  2022-09-04 of the CloudserviceRP REST reference): the configuration, role, OS, network and extension
  profiles, which ARG may leave out. The .cscfg is reduced before the row is kept (scanner.redact);
- the registration of `Microsoft.ClassicInfrastructureMigrate` per subscription with classic resources;
- compute and network usages and limits per subscription and region with classic resources.

Every request is a GET through azure-mgmt-core's ARMPipelineClient, built with an explicit policy list:
redirects are followed by azure-core's RedirectPolicy and SensitiveHeaderCleanupPolicy drops the bearer
token when a redirect changes host; a `nextLink` on another host than the endpoint is refused before it
is requested. The pipeline has neither azure-mgmt-core's resource-provider auto-registration policy (it
registers providers: a write) nor azure-core's retry policy: throttling and retries live here. ARM
throttles per subscription (429 with `Retry-After`, remaining reads in
`x-ms-ratelimit-remaining-subscription-reads`), not per user as ARG does.

A read that is denied (401/403) or still fails after the bounded retries is recorded per subscription
(and region) in the manifest's `arm_details`; the rules that need it stay `unknown` and the scan is
incomplete.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scanner.snapshot import Snapshot, strip_secrets
from scanner.sources.events import ArmRead, ArmReadsPlanned, ArmThrottled, Progress, ignore
from scanner.sources.pacing import header
from scanner.sources.pipeline import arm_policies

CLASSIC_VM_TYPE = "microsoft.classiccompute/virtualmachines"
CLOUD_SERVICE_ES_TYPE = "microsoft.compute/cloudservices"
MIGRATE_PROVIDER = "Microsoft.ClassicInfrastructureMigrate"
#: Snapshot datasets written by the ARM reads (absent from a snapshot collected without them).
ARM_DATASETS: tuple[str, ...] = ("arm_classic_vms", "arm_cloud_services", "arm_providers", "arm_usages")
#: api-version per operation (recorded in the manifest). ClassicCompute's newest is 2017-04-01;
#: Cloud Services (extended support): CloudserviceRP stable 2022-09-04 (REST reference, Cloud Services - Get).
API_VERSIONS: dict[str, str] = {
    "classic_vms": "2017-04-01",
    "cloud_services": "2022-09-04",
    "provider": "2022-09-01",
    "compute_usages": "2024-07-01",
    "network_usages": "2024-05-01",
}
PATHS: dict[str, str] = {
    "classic_vms": "/subscriptions/{subscription}/providers/Microsoft.ClassicCompute/virtualMachines",
    "cloud_services": (
        "/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/Microsoft.Compute/cloudServices/"
        "{name}"
    ),
    "provider": "/subscriptions/{subscription}/providers/" + MIGRATE_PROVIDER,
    "compute_usages": "/subscriptions/{subscription}/providers/Microsoft.Compute/locations/{region}/usages",
    "network_usages": "/subscriptions/{subscription}/providers/Microsoft.Network/locations/{region}/usages",
}
USAGE_TYPES = {
    "compute_usages": "microsoft.compute/locations/usages",
    "network_usages": "microsoft.network/locations/usages",
}
PROVIDER_TYPE = "microsoft.resources/providers"
#: Below this many remaining subscription reads, requests to that subscription slow down.
LOW_READS = 25
RATE_HEADER = "x-ms-ratelimit-remaining-subscription-reads"
#: The id of a Cloud Service (extended support) as ARG gives it; anything else is not requested.
_CLOUD_SERVICE_ID = re.compile(
    r"^/subscriptions/[^/?#]+/resourceGroups/[^/?#]+/providers/Microsoft\.Compute/cloudServices/[^/?#]+$",
    re.IGNORECASE,
)


class ArmReadFailed(Exception):
    """A GET that was denied or still failed after the bounded retries."""

    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        """"denied" or "failed"."""


@dataclass(frozen=True)
class ArmResponse:
    status: int
    headers: dict[str, str]
    body: Any
    """The parsed JSON body (None when it is not JSON)."""


@dataclass(frozen=True)
class RetryLimits:
    """How long the ARM reads keep trying."""

    max_throttled: int = 6
    """429s in a row for one request before it fails."""
    max_transient: int = 4
    """5xx, 408 or connection errors in a row for one request before it fails."""
    max_wait: float = 60.0
    """Longest single wait (a larger Retry-After is capped)."""
    backoff: float = 0.5
    """First back-off after a 5xx; doubles per attempt."""


class ArmClient:
    """GET only, through azure-mgmt-core's ARM pipeline; returns status, headers and parsed body."""

    def __init__(self, credential: Any, endpoint: str, token_scope: str, timeout: float = 60.0) -> None:
        from azure.mgmt.core import ARMPipelineClient

        pipeline = arm_policies(credential, token_scope)
        self.endpoint = endpoint.rstrip("/")
        self._host = (urlsplit(self.endpoint).hostname or "").lower(), urlsplit(self.endpoint).port
        self._client: Any = ARMPipelineClient(base_url=self.endpoint, policies=pipeline)
        self._timeout = timeout

    def url(self, path: str, api_version: str) -> str:
        return f"{self.endpoint}{path}?api-version={api_version}"

    def same_host(self, url: str) -> bool:
        split = urlsplit(url)
        return split.scheme == "https" and ((split.hostname or "").lower(), split.port) == self._host

    def get(self, url: str) -> ArmResponse:
        from azure.core.rest import HttpRequest

        if not self.same_host(url):
            raise ArmReadFailed("failed", f"refused a link to another host: {urlsplit(url).hostname}")
        request = HttpRequest("GET", url, headers={"Accept": "application/json"})
        response = self._client.send_request(
            request, connection_timeout=min(self._timeout, 20.0), read_timeout=self._timeout
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        return ArmResponse(response.status_code, dict(response.headers), body)


@dataclass(frozen=True)
class ArmTargets:
    """What to read, derived from the ARG rows (ARG stays the source of which resources exist)."""

    vms: Mapping[str, frozenset[str]]
    """Subscription -> lower-cased ids of its classic VMs."""
    subscriptions: tuple[str, ...]
    """Subscriptions with classic resources (provider registration)."""
    regions: tuple[tuple[str, str], ...]
    """(subscription, region) pairs with classic resources (usages)."""
    cloud_services: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Subscription -> ids (as ARG gave them) of its Cloud Services (extended support)."""


def targets(snapshot: Snapshot) -> ArmTargets:
    vms: dict[str, set[str]] = {}
    cloud_services: dict[str, dict[str, str]] = {}
    subs: set[str] = set()
    regions: set[tuple[str, str]] = set()
    for row in snapshot.rows.get("resources", []):
        kind = str(row.get("type") or "").lower()
        if kind == CLOUD_SERVICE_ES_TYPE and row.get("id"):
            if row.get("subscriptionId"):
                ids = cloud_services.setdefault(str(row["subscriptionId"]).lower(), {})
                ids.setdefault(str(row["id"]).lower(), str(row["id"]))
            continue
        if not kind.startswith("microsoft.classic"):
            continue
        sub = str(row.get("subscriptionId") or "").lower()
        if not sub:
            continue
        subs.add(sub)
        if row.get("location"):
            regions.add((sub, str(row["location"]).lower()))
        if kind == CLASSIC_VM_TYPE:
            vms.setdefault(sub, set()).add(str(row["id"]).lower())
    return ArmTargets(
        vms={s: frozenset(ids) for s, ids in sorted(vms.items())},
        cloud_services={s: tuple(ids[k] for k in sorted(ids)) for s, ids in sorted(cloud_services.items())},
        subscriptions=tuple(sorted(subs)),
        regions=tuple(sorted(regions)),
    )


@dataclass
class _State:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {n: [] for n in ARM_DATASETS})
    reads: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: int = 0
    throttled: int = 0
    retries: int = 0
    lowest_remaining_reads: int | None = None
    unanswered: dict[str, int] = field(default_factory=dict)
    """Subscription -> its cloud services whose GET has not finished yet."""
    failed: dict[str, list[str]] = field(default_factory=dict)
    """Subscription -> '<cloud service>: <status>' per failed GET."""


class ArmDetailsReader:
    """Runs the ARM reads for a set of targets with bounded concurrency; returns datasets + manifest part."""

    def __init__(
        self,
        client: ArmClient,
        workers: int = 4,
        limits: RetryLimits | None = None,
        progress: Progress | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.workers = max(1, workers)
        self.limits = limits or RetryLimits()
        self.progress = progress or ignore
        self.sleep = sleep
        self._lock = threading.Lock()
        self._state = _State()

    def read(self, what: ArmTargets) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
        """(rows per ARM dataset, the manifest's `arm_details`)."""
        self._state = state = _State()
        tasks: list[Callable[[], None]] = []
        tasks += [partial(self._classic_vms, sub, ids) for sub, ids in what.vms.items()]
        state.unanswered = {sub: len(ids) for sub, ids in what.cloud_services.items() if ids}
        tasks += [
            partial(self._cloud_service, sub, rid) for sub, ids in what.cloud_services.items() for rid in ids
        ]
        tasks += [partial(self._provider, sub) for sub in what.subscriptions]
        tasks += [
            partial(self._usages, sub, region, op)
            for sub, region in what.regions
            for op in ("compute_usages", "network_usages")
        ]
        # One recorded read per list, provider, region usage and subscription of cloud services.
        per_resource = sum(len(ids) for ids in what.cloud_services.values())
        self.progress(ArmReadsPlanned(len(tasks) - per_resource + len(state.unanswered)))
        with ThreadPoolExecutor(max_workers=min(self.workers, max(1, len(tasks)))) as pool:
            for future in [pool.submit(task) for task in tasks]:
                future.result()
        for rows in state.rows.values():
            rows.sort(key=lambda r: str(r.get("id", "")).lower())
        issues = [
            f"ARM details: subscription {sub}: {what_}: {status}"
            for sub, reads in sorted(state.reads.items())
            for what_, status in _flat_reads(reads)
            if status != "read"
        ]
        details = {
            "api_versions": dict(API_VERSIONS),
            "paths": dict(PATHS),
            "requests": state.requests,
            "throttled": state.throttled,
            "retries": state.retries,
            "lowest_remaining_subscription_reads": state.lowest_remaining_reads,
            "reads": {s: state.reads[s] for s in sorted(state.reads)},
            "issues": issues,
        }
        return state.rows, details

    # -- the reads ---------------------------------------------------------------------------------
    def _classic_vms(self, sub: str, known: frozenset[str]) -> None:
        path = PATHS["classic_vms"].format(subscription=sub)
        try:
            listed = self._paged(sub, self.client.url(path, API_VERSIONS["classic_vms"]))
        except ArmReadFailed as exc:
            self._record(sub, "classic_vms", _status(exc))
            return
        failed: list[str] = []
        rows: list[dict[str, Any]] = []
        for item in listed:
            rid = str(item.get("id") or "")
            if rid.lower() not in known:
                continue  # not in Resource Graph: ARG decides which resources exist
            if not _complete_vm(item):
                try:
                    got = self._get(sub, self.client.url(rid, API_VERSIONS["classic_vms"]))
                except ArmReadFailed as exc:
                    failed.append(f"{item.get('name') or rid}: {_status(exc)}")
                    rows.append(item)
                    continue
                if isinstance(got, dict) and got.get("id"):
                    item = got
            rows.append(item)
        with self._lock:
            self._state.rows["arm_classic_vms"].extend(strip_secrets(r) for r in rows if r.get("type"))
        status = "read" if not failed else f"failed for {len(failed)} VM(s): {'; '.join(sorted(failed))}"
        self._record(sub, "classic_vms", status)

    def _cloud_service(self, sub: str, rid: str) -> None:
        """One GET of a Cloud Service (extended support); the subscription's status is recorded when
        its last cloud service is answered."""
        row: dict[str, Any] | None = None
        failure = ""
        try:
            if not _CLOUD_SERVICE_ID.match(rid):
                raise ArmReadFailed("failed", "not a cloud service id")
            body = self._get(sub, self.client.url(rid, API_VERSIONS["cloud_services"]))
            if not (
                isinstance(body, dict)
                and str(body.get("id") or "").lower() == rid.lower()
                and isinstance(body.get("properties"), dict)
            ):
                raise ArmReadFailed("failed", "the response is not that cloud service")
            # Reduced here, before it is kept: the .cscfg never stays in memory (scanner.redact).
            row = strip_secrets({**body, "type": str(body.get("type") or CLOUD_SERVICE_ES_TYPE)})
        except ArmReadFailed as exc:
            failure = f"{rid.rstrip('/').rsplit('/', 1)[-1]}: {_status(exc)}"
        with self._lock:
            if row is not None:
                self._state.rows["arm_cloud_services"].append(row)
            else:
                self._state.failed.setdefault(sub, []).append(failure)
            self._state.unanswered[sub] -= 1
            last = self._state.unanswered[sub] == 0
            failed = sorted(self._state.failed.get(sub, []))
        if last:
            status = (
                "read" if not failed else f"failed for {len(failed)} cloud service(s): {'; '.join(failed)}"
            )
            self._record(sub, "cloud_services", status)

    def _provider(self, sub: str) -> None:
        path = PATHS["provider"].format(subscription=sub)
        try:
            body = self._get(sub, self.client.url(path, API_VERSIONS["provider"]))
        except ArmReadFailed as exc:
            self._record(sub, "provider", _status(exc))
            return
        state = body.get("registrationState") if isinstance(body, dict) else None
        if not isinstance(state, str):
            self._record(sub, "provider", "failed: the response has no registrationState")
            return
        row = {
            "id": str(body.get("id") or path),
            "type": PROVIDER_TYPE,
            "subscriptionId": sub,
            "namespace": str(body.get("namespace") or MIGRATE_PROVIDER),
            "registrationState": state,
        }
        with self._lock:
            self._state.rows["arm_providers"].append(row)
        self._record(sub, "provider", "read")

    def _usages(self, sub: str, region: str, op: str) -> None:
        path = PATHS[op].format(subscription=sub, region=region)
        try:
            items = self._paged(sub, self.client.url(path, API_VERSIONS[op]))
        except ArmReadFailed as exc:
            self._record(sub, op, _status(exc), region)
            return
        rows = []
        for item in items:
            name = item.get("name")
            value = name.get("value") if isinstance(name, dict) else name
            if not isinstance(value, str) or not value:
                continue
            rows.append(
                {
                    "id": f"{path}/{value}",
                    "type": USAGE_TYPES[op],
                    "subscriptionId": sub,
                    "location": region,
                    "name": value,
                    "localizedName": name.get("localizedValue") if isinstance(name, dict) else None,
                    "currentValue": item.get("currentValue"),
                    "limit": item.get("limit"),
                    "unit": item.get("unit"),
                }
            )
        with self._lock:
            self._state.rows["arm_usages"].extend(rows)
        self._record(sub, op, "read", region)

    # -- requests ----------------------------------------------------------------------------------
    def _paged(self, sub: str, url: str) -> list[dict[str, Any]]:
        """Every item of an ARM list, following nextLink (same host only)."""
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        seen: set[str] = set()
        while next_url:
            if next_url in seen:
                raise ArmReadFailed("failed", "the list's nextLink repeats itself")
            seen.add(next_url)
            body = self._get(sub, next_url)
            if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                raise ArmReadFailed("failed", "the response is not an ARM list ({value: [...]})")
            items.extend(v for v in body["value"] if isinstance(v, dict))
            link = body.get("nextLink")
            next_url = _with_api_version(str(link), url) if link else None
        return items

    def _get(self, sub: str, url: str) -> Any:
        """One GET with ARM's throttling and bounded retries; the parsed body of a 200."""
        from azure.core.exceptions import ServiceRequestError, ServiceResponseError

        throttled = transient = 0
        while True:
            self._count(requests=1)
            try:
                response = self.client.get(url)
            except (ServiceRequestError, ServiceResponseError) as exc:
                transient += 1
                if transient > self.limits.max_transient:
                    raise ArmReadFailed("failed", f"connection failed {transient} times: {exc}") from None
                self._count(retries=1)
                self.sleep(min(self.limits.max_wait, self.limits.backoff * 2 ** (transient - 1)))
                continue
            self._note_remaining(response.headers)
            status = response.status
            if status == 200:
                return response.body
            if status == 429:
                throttled += 1
                self._count(throttled=1, retries=1)
                if throttled > self.limits.max_throttled:
                    raise ArmReadFailed("failed", f"throttled {throttled} times in a row")
                wait = _retry_after(response.headers, self.limits.backoff * 2 ** (throttled - 1))
                self.progress(ArmThrottled(min(wait, self.limits.max_wait)))
                self.sleep(min(wait, self.limits.max_wait))
                continue
            if status in (401, 403):
                raise ArmReadFailed("denied", f"HTTP {status} {_error_code(response.body)}".strip())
            if status in (408, 500, 502, 503, 504) or status > 504:
                transient += 1
                if transient > self.limits.max_transient:
                    raise ArmReadFailed("failed", f"HTTP {status} after {transient} attempts")
                self._count(retries=1)
                wait = _retry_after(response.headers, self.limits.backoff * 2 ** (transient - 1))
                self.sleep(min(wait, self.limits.max_wait))
                continue
            raise ArmReadFailed("failed", f"HTTP {status} {_error_code(response.body)}".strip())

    def _note_remaining(self, headers: Mapping[str, str]) -> None:
        value = header(headers, RATE_HEADER)
        if value is None or not value.strip().isdigit():
            return
        remaining = int(value.strip())
        with self._lock:
            low = self._state.lowest_remaining_reads
            self._state.lowest_remaining_reads = remaining if low is None else min(low, remaining)
        if remaining < LOW_READS:
            # Spread what is left of the subscription's read budget instead of running into 429s.
            self.sleep(min(self.limits.max_wait, (LOW_READS - remaining) * 0.2))

    def _count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self._state, name, getattr(self._state, name) + value)

    def _record(self, sub: str, what: str, status: str, region: str | None = None) -> None:
        with self._lock:
            reads = self._state.reads.setdefault(sub, {})
            if region is None:
                reads[what] = status
            else:
                reads.setdefault(what, {})[region] = status
        self.progress(ArmRead(sub, what, region, status))


def _flat_reads(reads: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for what, status in sorted(reads.items()):
        if isinstance(status, dict):
            for region, value in sorted(status.items()):
                yield f"{what} in {region}", str(value)
        else:
            yield what, str(status)


def _status(exc: ArmReadFailed) -> str:
    return f"{exc.status}: {exc}"


def _complete_vm(item: Mapping[str, Any]) -> bool:
    props = item.get("properties")
    return isinstance(props, dict) and "instanceView" in props and "extensions" in props


def _with_api_version(link: str, first: str) -> str:
    """A nextLink, with the first request's api-version when the link carries none."""
    if "api-version" in parse_qs(urlsplit(link).query):
        return link
    version = parse_qs(urlsplit(first).query).get("api-version", [""])[0]
    return f"{link}{'&' if '?' in link else '?'}api-version={version}"


def _retry_after(headers: Mapping[str, str], default: float) -> float:
    value = header(headers, "Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default


def _error_code(body: Any) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code") or "") if isinstance(error, dict) else ""


def read_details(
    snapshot: Snapshot,
    client: ArmClient,
    workers: int = 4,
    progress: Progress | None = None,
) -> Snapshot:
    """`snapshot` with the ARM datasets added, `arm_details` in its manifest and any failed read in its
    issues (the scan is then incomplete)."""
    reader = ArmDetailsReader(client, workers=workers, progress=progress)
    rows, details = reader.read(targets(snapshot))
    manifest = dict(snapshot.manifest)
    manifest["arm_details"] = details
    coverage = dict(manifest.get("coverage") or {})
    issues = [*snapshot.issues, *details["issues"]]
    if coverage:
        coverage["issues"] = [*(coverage.get("issues") or []), *details["issues"]]
        coverage["complete"] = bool(coverage.get("complete", True)) and not details["issues"]
        manifest["coverage"] = coverage
    queries = dict(manifest.get("queries") or {})
    queries.update(
        {
            "arm_classic_vms": f"GET {PATHS['classic_vms']}?api-version={API_VERSIONS['classic_vms']}",
            "arm_cloud_services": (
                f"GET {PATHS['cloud_services']}?api-version={API_VERSIONS['cloud_services']}"
            ),
            "arm_providers": f"GET {PATHS['provider']}?api-version={API_VERSIONS['provider']}",
            "arm_usages": (
                f"GET {PATHS['compute_usages']}?api-version={API_VERSIONS['compute_usages']}\n"
                f"GET {PATHS['network_usages']}?api-version={API_VERSIONS['network_usages']}"
            ),
        }
    )
    manifest["queries"] = queries
    return Snapshot(
        rows={**snapshot.rows, **rows},
        collected=snapshot.collected | frozenset(ARM_DATASETS),
        manifest=manifest,
        sources=snapshot.sources,
        issues=tuple(issues),
    )
