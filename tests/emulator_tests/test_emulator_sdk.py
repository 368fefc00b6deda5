"""The real azure-mgmt-resourcegraph client against the emulator (static token, never a real identity)."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceResponseError
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
from emulator import ARG_PATH, ArgEmulator, StaticTokenCredential
from emulator_support import ESTATE, SUB, SUB2, SUB3, VM_QUERY, VMS

SCOPE = "https://management.azure.com/.default"


def make_client(emu: ArgEmulator, credential: StaticTokenCredential | None = None) -> ResourceGraphClient:
    return ResourceGraphClient(
        credential or StaticTokenCredential(),
        base_url=emu.base_url,
        connection_verify=emu.ca_bundle,
        credential_scopes=[SCOPE],
        retry_total=0,  # the faults must surface, not be retried by azure-core
        use_env_settings=False,  # no proxy / CA bundle from the environment
    )


def with_headers(client: ResourceGraphClient, request: QueryRequest) -> tuple[dict[str, str], Any]:
    return client.resources(
        request,
        cls=lambda pipeline_response, deserialized, _: (
            pipeline_response.http_response.headers,
            deserialized,
        ),
    )


@pytest.fixture
def sdk(emu):
    credential = StaticTokenCredential()
    client = make_client(emu, credential)
    client.credential = credential  # for the assertions below
    yield client
    client.close()


def test_classic_vm_query_returns_objects(sdk, emu):
    response = sdk.resources(QueryRequest(query=VM_QUERY))
    assert response.total_records == response.count == len(VMS)
    assert response.result_truncated == "false"
    assert response.skip_token is None
    assert [row["id"] for row in response.data] == [vm["id"] for vm in VMS]
    assert response.data[0]["properties"] == VMS[0]["properties"]
    assert sdk.credential.scopes == [(SCOPE,)]
    (entry,) = emu.requests
    assert entry["method"] == "POST"
    assert entry["path"] == ARG_PATH
    assert entry["params"] == {"api-version": "2021-03-01"}
    assert entry["headers"]["Content-Type"] == "application/json"
    assert "azsdk-python-mgmt-resourcegraph" in entry["headers"]["User-Agent"]


def test_paging_with_top_2_and_skip_tokens(sdk, emu):
    request = QueryRequest(query=VM_QUERY, options=QueryRequestOptions(top=2, result_format="objectArray"))
    rows: list[dict] = []
    while True:
        response = sdk.resources(request)
        rows.extend(response.data)
        if not response.skip_token:
            break
        request.options.skip_token = response.skip_token
    assert [r["id"] for r in rows] == [vm["id"] for vm in VMS]
    assert len(emu.requests) == 3
    assert emu.requests[1]["body"]["options"]["$skipToken"]


def test_subscription_and_management_group_scoping(sdk):
    by_sub = sdk.resources(QueryRequest(query=VM_QUERY, subscriptions=[SUB3]))
    assert [r["name"] for r in by_sub.data] == ["vm-c1"]
    by_mg = sdk.resources(QueryRequest(query=VM_QUERY, management_groups=["mg-ab"]))
    assert {r["subscriptionId"] for r in by_mg.data} == {SUB, SUB2}


def test_quota_headers_and_429(sdk):
    request = QueryRequest(query="resources | project id | take 1")
    remaining = [int(with_headers(sdk, request)[0]["x-ms-user-quota-remaining"]) for _ in range(5)]
    assert remaining == [4, 3, 2, 1, 0]
    with pytest.raises(HttpResponseError) as caught:
        sdk.resources(request)
    assert caught.value.status_code == 429
    assert caught.value.error.code == "RateLimiting"
    assert "Retry-After" not in caught.value.response.headers
    assert caught.value.response.headers["x-ms-user-quota-resets-after"] == "00:00:01"


def test_tenant_limit_header():
    with ArgEmulator(ESTATE, tenant_subscription_limit=1) as emu:
        client = make_client(emu)
        headers, response = with_headers(client, QueryRequest(query=VM_QUERY))
        assert headers["x-ms-tenant-subscription-limit-hit"] == "true"
        assert {r["subscriptionId"] for r in response.data} == {SUB}
        client.close()


def test_faults_surface_as_sdk_errors():
    emu = ArgEmulator(ESTATE, quota=100)
    sdk = make_client(emu)
    request = QueryRequest(query=VM_QUERY, options=QueryRequestOptions(top=2))
    emu.fail_next(503)
    with pytest.raises(HttpResponseError) as caught:
        sdk.resources(request)
    assert caught.value.status_code == 503

    emu.deny_subscription(SUB2)
    with pytest.raises(HttpResponseError) as caught:
        sdk.resources(QueryRequest(query=VM_QUERY, subscriptions=[SUB2]))
    assert caught.value.status_code == 403
    assert caught.value.error.code == "AuthorizationFailed"

    emu.payload_too_large_above(1)
    with pytest.raises(HttpResponseError) as caught:
        sdk.resources(request)
    assert [d.code for d in caught.value.error.details] == ["ResponsePayloadTooLarge"]
    emu.payload_too_large_above(None)

    emu.reset_connection_on_page(2)
    first = sdk.resources(request)
    request.options.skip_token = first.skip_token
    with pytest.raises(ServiceResponseError):
        sdk.resources(request)
    assert len(sdk.resources(request).data) == 2

    emu.fail_next(401)
    with pytest.raises(ClientAuthenticationError):
        sdk.resources(request)

    with pytest.raises(HttpResponseError) as caught:
        sdk.resources(QueryRequest(query="resources | wherex"))
    assert caught.value.status_code == 400
    assert caught.value.error.details[0].code == "InvalidQuery"
    sdk.close()
    emu.stop()
    assert not emu.errors


def test_only_posts_to_the_arg_path(sdk, emu):
    sdk.resources(QueryRequest(query=VM_QUERY, subscriptions=[SUB]))
    sdk.resources(QueryRequest(query="resourcecontainers | project id, name"))
    assert {(e["method"], e["path"]) for e in emu.requests} == {("POST", ARG_PATH)}
