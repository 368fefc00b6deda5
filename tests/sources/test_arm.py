"""The ARM details reader: its pipeline, throttling, retries, denial and links to other hosts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from arg_rows import SUB, SUB2, classic_vm, cloud_service
from emulator import StaticTokenCredential

from scanner.auth import CLOUDS
from scanner.snapshot import Snapshot
from scanner.sources.arm import (
    ArmClient,
    ArmDetailsReader,
    ArmReadFailed,
    ArmResponse,
    ArmTargets,
    RetryLimits,
    read_details,
    targets,
)
from scanner.sources.events import ArmRead, ArmReadsPlanned, ProgressEvent

ENDPOINT = "https://127.0.0.1:9"


def make_client() -> ArmClient:
    return ArmClient(StaticTokenCredential(), ENDPOINT, CLOUDS["public"].token_scope, timeout=2)


def test_the_pipeline_keeps_the_token_on_its_host_and_never_registers_providers():
    from azure.core.pipeline import policies
    from azure.mgmt.core.policies import ARMAutoResourceProviderRegistrationPolicy

    client = make_client()
    kinds = [type(p._policy if hasattr(p, "_policy") else p) for p in client._client._pipeline._impl_policies]
    assert policies.RedirectPolicy in kinds
    assert policies.SensitiveHeaderCleanupPolicy in kinds
    # Cleanup must run after the authentication policy has set the header on a redirected request.
    auth = next(i for i, k in enumerate(kinds) if k.__name__ == "ARMChallengeAuthenticationPolicy")
    assert kinds.index(policies.SensitiveHeaderCleanupPolicy) > auth
    assert ARMAutoResourceProviderRegistrationPolicy not in kinds
    assert policies.RetryPolicy not in kinds


def test_links_to_another_host_are_refused_before_any_request():
    client = make_client()
    for url in ("https://evil.example/subscriptions/x", "http://127.0.0.1:9/x", "https://127.0.0.1:10/x"):
        with pytest.raises(ArmReadFailed, match="another host"):
            client.get(url)


class FakeClient:
    """Answers GETs from a function of the URL; records them."""

    def __init__(self, answer: Callable[[str], ArmResponse]) -> None:
        self.answer = answer
        self.urls: list[str] = []
        self.real = make_client()

    def url(self, path: str, api_version: str) -> str:
        return self.real.url(path, api_version)

    def get(self, url: str) -> ArmResponse:
        if not self.real.same_host(url):
            raise ArmReadFailed("failed", "refused a link to another host")
        self.urls.append(url)
        return self.answer(url)


PROVIDER_ONLY = ArmTargets(vms={}, subscriptions=(SUB,), regions=())


def run(
    answer: Callable[[str], ArmResponse], what: ArmTargets = PROVIDER_ONLY
) -> tuple[Any, Any, list[float]]:
    waits: list[float] = []
    reader = ArmDetailsReader(FakeClient(answer), workers=2, limits=RetryLimits(), sleep=waits.append)  # type: ignore[arg-type]
    rows, details = reader.read(what)
    return rows, details, waits


def registered(url: str) -> ArmResponse:
    return ArmResponse(
        200, {}, {"id": f"/subscriptions/{SUB}/providers/x", "registrationState": "Registered"}
    )


def test_429_waits_retry_after_then_reads():
    answers = iter(
        [ArmResponse(429, {"Retry-After": "7"}, None), ArmResponse(429, {"retry-after": "3"}, None)]
    )

    def answer(url: str) -> ArmResponse:
        return next(answers, None) or registered(url)

    rows, details, waits = run(answer)
    assert waits == [7.0, 3.0]
    assert details["throttled"] == 2 and details["reads"][SUB]["provider"] == "read"
    assert rows["arm_providers"][0]["registrationState"] == "Registered"


def test_5xx_backs_off_and_gives_up_after_the_bound():
    rows, details, waits = run(lambda url: ArmResponse(503, {}, None))
    assert len(waits) == RetryLimits().max_transient
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert details["reads"][SUB]["provider"].startswith("failed: HTTP 503")
    assert rows["arm_providers"] == []
    assert details["issues"] and SUB in details["issues"][0]


def test_endless_throttling_fails_the_read_instead_of_hanging():
    _, details, waits = run(lambda url: ArmResponse(429, {"Retry-After": "1"}, None))
    assert len(waits) == RetryLimits().max_throttled
    assert details["reads"][SUB]["provider"].startswith("failed: throttled")


def test_403_is_denied_without_retries():
    body = {"error": {"code": "AuthorizationFailed", "message": "no"}}
    _, details, waits = run(lambda url: ArmResponse(403, {}, body))
    assert waits == []
    assert details["reads"][SUB]["provider"] == "denied: HTTP 403 AuthorizationFailed"


def test_few_remaining_reads_slow_the_next_request_down():
    def answer(url: str) -> ArmResponse:
        return ArmResponse(200, {"x-ms-ratelimit-remaining-subscription-reads": "5"}, registered(url).body)

    _, details, waits = run(answer)
    assert details["lowest_remaining_subscription_reads"] == 5
    assert waits and waits[0] > 0


def test_a_next_link_to_another_host_fails_the_list():
    vm_id = f"/subscriptions/{SUB}/resourceGroups/cs1/providers/Microsoft.ClassicCompute/virtualMachines/vm1"

    def answer(url: str) -> ArmResponse:
        return ArmResponse(200, {}, {"value": [], "nextLink": "https://attacker.example/next?api-version=1"})

    what = ArmTargets(vms={SUB: frozenset({vm_id.lower()})}, subscriptions=(), regions=())
    rows, details, _ = run(answer, what)
    assert details["reads"][SUB]["classic_vms"].startswith("failed: refused a link to another host")
    assert rows["arm_classic_vms"] == []


def test_targets_come_from_the_classic_rows_arg_returned():
    rows = [classic_vm("vm1", "cs1"), cloud_service("cs1"), cloud_service("cs2", sub=SUB2)]
    snap = Snapshot(rows={"resources": rows}, collected=frozenset({"resources"}))
    got = targets(snap)
    assert got.vms == {SUB: frozenset({rows[0]["id"].lower()})}
    assert got.subscriptions == (SUB, SUB2)
    assert got.regions == ((SUB, "westeurope"), (SUB2, "westeurope"))


def test_read_details_marks_the_snapshot_incomplete_when_a_read_fails():
    snap = Snapshot(
        rows={"resources": [cloud_service("cs1")]},
        collected=frozenset({"resources"}),
        manifest={"coverage": {"complete": True, "issues": []}},
    )
    client = FakeClient(lambda url: ArmResponse(403, {}, {"error": {"code": "AuthorizationFailed"}}))
    out = read_details(snap, client, workers=1)  # type: ignore[arg-type]
    assert out.issues and all(SUB in i for i in out.issues)
    assert out.manifest["coverage"]["complete"] is False
    assert {"arm_classic_vms", "arm_providers", "arm_usages"} <= out.collected


CSES_ID = f"/subscriptions/{SUB}/resourceGroups/web-Migrated/providers/Microsoft.Compute/cloudServices/web"
CSES_ONLY = ArmTargets(vms={}, subscriptions=(), regions=(), cloud_services={SUB: (CSES_ID,)})
CSCFG_TEXT = (
    '<ServiceConfiguration osFamily="7" osVersion="*"><Role name="Web"><Instances count="2" />'
    '<ConfigurationSettings><Setting name="Key" value="VALUE-NOT-KEPT" /></ConfigurationSettings></Role>'
    "</ServiceConfiguration>"
)


def cloud_service_body(url: str) -> ArmResponse:
    body = {
        "id": CSES_ID.replace("web-Migrated", "WEB-MIGRATED"),  # ARM may spell the id's case its own way
        "name": "web",
        "type": "Microsoft.Compute/cloudServices",
        "properties": {"configuration": CSCFG_TEXT, "roleProfile": {"roles": []}},
    }
    return ArmResponse(200, {}, body)


def test_a_cloud_service_is_read_with_its_own_api_version_and_kept_without_its_cscfg():
    rows, details, _ = run(cloud_service_body, CSES_ONLY)
    assert details["reads"][SUB]["cloud_services"] == "read"
    assert details["api_versions"]["cloud_services"] == "2022-09-04"
    [row] = rows["arm_cloud_services"]
    assert row["properties"]["configurationSummary"] == {
        "osFamily": "7",
        "osVersion": "*",
        "roles": [{"name": "Web", "instances": 2, "settingNames": ["Key"]}],
    }
    assert "VALUE-NOT-KEPT" not in str(rows) and "configuration" not in row["properties"]


def test_a_throttled_cloud_service_get_waits_and_reads():
    answers = iter(
        [ArmResponse(429, {"Retry-After": "4"}, None), ArmResponse(429, {"Retry-After": "2"}, None)]
    )

    def answer(url: str) -> ArmResponse:
        assert "/cloudServices/web?api-version=2022-09-04" in url
        return next(answers, None) or cloud_service_body(url)

    rows, details, waits = run(answer, CSES_ONLY)
    assert waits == [4.0, 2.0] and details["throttled"] == 2
    assert details["reads"][SUB]["cloud_services"] == "read" and len(rows["arm_cloud_services"]) == 1


def test_a_cloud_service_answer_about_another_resource_is_not_kept():
    def answer(url: str) -> ArmResponse:
        return ArmResponse(200, {}, {"id": "/subscriptions/x/other", "properties": {}})

    rows, details, _ = run(answer, CSES_ONLY)
    assert rows["arm_cloud_services"] == []
    assert details["reads"][SUB]["cloud_services"] == (
        "failed for 1 cloud service(s): web: failed: the response is not that cloud service"
    )
    assert details["issues"]


def test_only_cloud_service_ids_are_requested_and_each_subscription_is_recorded_once():
    odd = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/cloudServices/web/../x"
    what = ArmTargets(vms={}, subscriptions=(), regions=(), cloud_services={SUB: (CSES_ID, odd)})
    events: list[ProgressEvent] = []
    client = FakeClient(cloud_service_body)
    reader = ArmDetailsReader(client, workers=2, sleep=lambda s: None, progress=events.append)
    _, details = reader.read(what)
    assert len(client.urls) == 1 and "/cloudServices/web?" in client.urls[0]
    assert [e.what for e in events if isinstance(e, ArmRead)] == ["cloud_services"]
    assert details["reads"][SUB]["cloud_services"].startswith(
        "failed for 1 cloud service(s): x: failed: not a"
    )


def test_targets_list_the_cloud_services_arg_returned():
    cses = {
        "id": CSES_ID,
        "type": "microsoft.compute/cloudservices",
        "subscriptionId": SUB,
        "location": "westeurope",
    }
    snap = Snapshot(
        rows={"resources": [cses, {**cses, "id": CSES_ID.upper()}]}, collected=frozenset({"resources"})
    )
    got = targets(snap)
    assert got.cloud_services == {SUB: (CSES_ID,)}
    # A cloud service alone asks ARM nothing about classic resources.
    assert got.subscriptions == () and got.regions == ()


def test_the_announced_read_count_is_the_number_of_reads_recorded():
    what = ArmTargets(
        vms={},
        subscriptions=(SUB,),
        regions=(),
        cloud_services={SUB: (CSES_ID, CSES_ID.replace("/web", "/api"))},
    )
    events: list[ProgressEvent] = []

    def answer(url: str) -> ArmResponse:
        return cloud_service_body(url) if "cloudServices" in url else registered(url)

    reader = ArmDetailsReader(FakeClient(answer), sleep=lambda s: None, progress=events.append)
    reader.read(what)
    announced = next(e.reads for e in events if isinstance(e, ArmReadsPlanned))
    assert announced == len([e for e in events if isinstance(e, ArmRead)]) == 2
