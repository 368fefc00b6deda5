"""The emulator's REST contract over HTTPS, with `requests`: rows, paging, scoping, quota, faults, the log."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import requests
from emulator import ARG_PATH, ArgEmulator
from emulator_support import ESTATE, SUB, SUB2, SUB3, SUBS, VM_QUERY, VMS, Http


def ids(response: requests.Response) -> list[str]:
    return [r["id"] for r in response.json()["data"]]


def details(response: requests.Response) -> list[str]:
    return [d["code"] for d in response.json()["error"].get("details", [])]


# -- rows ------------------------------------------------------------------------------------------
def test_classic_vm_query_returns_rows_as_objects(http):
    r = http.post()
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert list(body) == ["totalRecords", "count", "resultTruncated", "facets", "data"]
    assert body["totalRecords"] == body["count"] == len(VMS)
    assert body["resultTruncated"] == "false"
    assert body["facets"] == []
    assert "$skipToken" not in body
    assert ids(r) == [vm["id"] for vm in VMS]
    first = body["data"][0]
    assert first["type"] == "microsoft.classiccompute/virtualmachines"
    assert first["properties"] == VMS[0]["properties"]  # a JSON object, not a string
    assert first["tags"] == {}
    assert first["sku"] is None
    assert first["zones"] is None


def test_types_are_lower_cased_and_json_columns_parsed(http):
    r = http.post("resources | where name == 'armvm' | project id, type, zones, properties")
    (row,) = r.json()["data"]
    assert row["type"] == "microsoft.compute/virtualmachines"
    assert row["zones"] == ["1"]
    assert row["properties"] == {"hardwareProfile": {}}


def test_each_table_holds_its_rows(http):
    def types(table: str) -> set[str]:
        return {row["type"] for row in http.post(f"{table} | project id, type").json()["data"]}

    assert types("recoveryservicesresources") == {
        "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems"
    }
    assert types("authorizationresources") == {"microsoft.authorization/roleassignments"}
    assert types("resourcecontainers") == {"microsoft.resources/subscriptions"}
    assert "microsoft.recoveryservices/vaults" in types("resources")  # the vault itself is in resources


def test_kql_computes_on_the_server(http):
    r = http.post(
        "resources | where type =~ 'microsoft.classiccompute/virtualmachines' "
        "| extend size = tostring(properties.hardwareProfile.size), "
        "vnet = properties.networkProfile.virtualNetwork "
        "| summarize n = count(), noVnet = countif(isnull(vnet)) by size, subscriptionId "
        "| order by subscriptionId asc"
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert [d["n"] for d in data] == [3, 2, 1]
    assert data[0] == {"size": "Standard_D2", "subscriptionId": SUB, "n": 3, "noVnet": 1}


def test_table_result_format(http):
    r = http.post(
        "resources | where type =~ 'microsoft.classiccompute/virtualmachines' "
        "| project id, name, properties, n = 1, on = true | order by id asc | take 2",
        options={"resultFormat": "table"},
    )
    data = r.json()["data"]
    assert data["columns"] == [
        {"name": "id", "type": "string"},
        {"name": "name", "type": "string"},
        {"name": "properties", "type": "object"},
        {"name": "n", "type": "integer"},
        {"name": "on", "type": "boolean"},
    ]
    assert data["rows"][0][:2] == [VMS[0]["id"], VMS[0]["name"]]
    assert data["rows"][0][2] == VMS[0]["properties"]


# -- paging ----------------------------------------------------------------------------------------
def test_paging_with_skip_tokens_returns_every_row_once_in_id_order(http):
    seen: list[str] = []
    tokens: list[str] = []
    options: dict = {"$top": 2}
    for _ in range(10):
        body = http.post(options=options).json()
        assert body["totalRecords"] == len(VMS)
        assert body["count"] == len(body["data"]) <= 2
        seen += [row["id"] for row in body["data"]]
        token = body.get("$skipToken")
        if not token:
            break
        assert token not in tokens
        tokens.append(token)
        options = {"$skipToken": token}
    assert seen == [vm["id"] for vm in VMS]
    assert len(tokens) == 2  # 6 rows, pages of 2


def test_skip_and_top_override_the_token(http):
    first = http.post(options={"$top": 2}).json()
    r = http.post(options={"$skipToken": first["$skipToken"], "$top": 3, "$skip": 1})
    assert ids(r) == [vm["id"] for vm in VMS[1:4]]
    assert ids(http.post(options={"$skip": 4})) == [vm["id"] for vm in VMS[4:]]


@pytest.mark.parametrize("top", [0, 1001, "5", True])
def test_invalid_top_is_refused(http, top):
    r = http.post(options={"$top": top})
    assert r.status_code == 400
    assert "InvalidQuery" in details(r)


def test_skip_token_is_bound_to_query_and_scope(http):
    token = http.post(subscriptions=[SUB, SUB2], options={"$top": 1}).json()["$skipToken"]
    ok = http.post(subscriptions=[SUB2.upper(), SUB], options={"$skipToken": token})
    assert ok.status_code == 200  # same scope, other order and case
    other_query = http.post(VM_QUERY + " ", subscriptions=[SUB, SUB2], options={"$skipToken": token})
    other_scope = http.post(subscriptions=[SUB], options={"$skipToken": token})
    made_up = http.post(subscriptions=[SUB, SUB2], options={"$skipToken": "bm90IGEgdG9rZW4="})
    for r in (other_query, other_scope, made_up):
        assert r.status_code == 400
        assert details(r) == ["InvalidSkipToken"]


def test_queries_that_limit_rows_are_not_paged(http):
    r = http.post("resources | project id, name | take 5", options={"$top": 2})
    body = r.json()
    assert body["count"] == 2
    assert body["resultTruncated"] == "true"
    assert "$skipToken" not in body


def test_queries_without_id_are_not_paged(http):
    body = http.post("resources | project name", options={"$top": 2}).json()
    assert body["resultTruncated"] == "true"
    assert "$skipToken" not in body
    small = http.post("resources | summarize n = count() by subscriptionId", options={"$top": 5}).json()
    assert small["resultTruncated"] == "false"


# -- scoping ---------------------------------------------------------------------------------------
def test_subscription_scoping_is_case_insensitive_and_applies_before_summarize(http):
    r = http.post(subscriptions=[SUB2.upper()])
    assert {row["name"] for row in r.json()["data"]} == {"vm-b1", "vm-b2"}
    summary = http.post("resources | summarize n = count()", subscriptions=[SUB3]).json()["data"]
    assert summary == [{"n": 2}]  # the row spelling the subscription id in upper case is in scope
    assert http.post(subscriptions=[SUB3.upper()]).status_code == 200


def test_joins_see_scoped_tables(http):
    r = http.post(
        "Resources | where type =~ 'microsoft.classiccompute/virtualmachines' | project id, subscriptionId "
        "| join kind=inner (ResourceContainers | where type =~ 'microsoft.resources/subscriptions' "
        "| project subscriptionId, subName = name) on subscriptionId | project id, subName | order by id asc",
        subscriptions=[SUB],
    )
    assert r.status_code == 200, r.text
    assert {row["subName"] for row in r.json()["data"]} == {"Sub 1"}
    assert len(r.json()["data"]) == 3


def test_management_group_scoping(http):
    r = http.post(management_groups=["MG-AB"])
    assert {row["subscriptionId"].lower() for row in r.json()["data"]} == {SUB, SUB2}
    unknown = http.post(management_groups=["mg-nope"])
    assert unknown.status_code == 403
    assert unknown.json()["error"]["code"] == "AuthorizationFailed"
    both = http.post(subscriptions=[SUB], management_groups=["mg-ab"])
    assert both.status_code == 400


def test_tenant_scope_is_every_visible_subscription():
    with ArgEmulator(ESTATE, visible_subscriptions=[SUB, SUB3]) as emu:
        client = Http(emu)
        r = client.post("resources | distinct sub = tolower(subscriptionId) | order by sub asc")
        assert [row["sub"] for row in r.json()["data"]] == [SUB, SUB3]
        hidden = client.post(subscriptions=[SUB2])
        assert hidden.status_code == 403
        assert f"/subscriptions/{SUB2}" in hidden.json()["error"]["message"]
        client.close()


def test_tenant_subscription_limit():
    with ArgEmulator(ESTATE, tenant_subscription_limit=2, management_groups={"all": SUBS}) as emu:
        client = Http(emu)
        r = client.post("resources | distinct subscriptionId | order by subscriptionId asc")
        assert r.headers["x-ms-tenant-subscription-limit-hit"] == "true"
        assert [row["subscriptionId"].lower() for row in r.json()["data"]] == sorted(SUBS)[:2]
        assert client.post(management_groups=["all"]).headers["x-ms-tenant-subscription-limit-hit"] == "true"
        explicit = client.post(subscriptions=list(SUBS))
        assert "x-ms-tenant-subscription-limit-hit" not in explicit.headers
        assert len(explicit.json()["data"]) == len(VMS)
        client.close()


# -- quota -----------------------------------------------------------------------------------------
def test_quota_headers_count_down_then_429_without_retry_after(fresh_http):
    remaining = []
    for _ in range(5):
        r = fresh_http.post("resources | project id | take 1")
        assert r.status_code == 200
        remaining.append(int(r.headers["x-ms-user-quota-remaining"]))
        assert r.headers["x-ms-user-quota-resets-after"] == "00:00:01"  # 0.5 s rounded up
    assert remaining == [4, 3, 2, 1, 0]
    r = fresh_http.post("resources | project id | take 1")
    assert r.status_code == 429
    assert "Retry-After" not in r.headers
    assert r.headers["x-ms-user-quota-remaining"] == "0"
    error = r.json()["error"]
    assert error["code"] == "RateLimiting"
    assert error["message"].startswith("Please provide below info when asking for support")
    assert error["details"][0]["code"] == "RateLimiting"
    assert error["details"][0]["message"].startswith("Client application has been throttled")
    # Another user has their own quota; the throttled one gets a new window when it resets.
    assert fresh_http.post("resources | take 1", token="token-2").status_code == 200
    time.sleep(0.55)
    assert fresh_http.post("resources | take 1").headers["x-ms-user-quota-remaining"] == "4"


def test_missing_or_malformed_authorization_is_401(fresh_http, emu):
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}):
        r = fresh_http.post(token=None, headers=headers)
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "AuthenticationFailed"
    assert fresh_http.post().headers["x-ms-user-quota-remaining"] == "4"  # 401s cost no quota


# -- request validation ----------------------------------------------------------------------------
def test_content_type_other_than_json_is_500(fresh_http):
    r = fresh_http.session.post(
        fresh_http.emu.url,
        data=json.dumps({"query": "resources"}),
        headers={"Authorization": "Bearer t", "Content-Type": "text/plain"},
        timeout=10,
    )
    assert r.status_code == 500


def test_api_version_is_required_and_checked(http):
    assert http.post(api_version=None).json()["error"]["code"] == "MissingApiVersionParameter"
    assert http.post(api_version="2099-01-01").json()["error"]["code"] == "InvalidApiVersionParameter"
    assert http.post(api_version="2024-04-01").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "resources | wherex type == 'x'",  # does not parse
        "resources | extend k = bag_keys(properties)",  # not supported by duckdb-kql
        "securityresources | take 1",  # a table the emulator does not serve
        "resources | where nosuchcolumn == 1",
        ".show tables",
        "database('__estate').resources | take 1",
        "",
    ],
)
def test_invalid_queries_are_400_invalid_query(http, query):
    r = http.post(query)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "BadRequest"
    assert details(r)[0] in ("InvalidQuery", "InvalidRequestContent")


def test_malformed_body_is_400(http):
    assert http.post(body=["not", "an", "object"]).status_code == 400
    assert http.post(body={"query": "resources", "options": {"resultFormat": "csv"}}).status_code == 400
    assert http.post(body={"query": "resources", "subscriptions": SUB}).status_code == 400


def test_other_methods_and_paths_are_refused_and_logged(shared_emu, http):
    shared_emu.clear_log()
    assert http.request("GET", ARG_PATH + "?api-version=2021-03-01").status_code == 405
    assert http.request("DELETE", f"/subscriptions/{SUB}").status_code == 404
    assert http.request("PATCH", "/").status_code == 404
    assert (
        http.request(
            "POST", f"/subscriptions/{SUB}/providers/Microsoft.ClassicStorage/x/listKeys"
        ).status_code
        == 404
    )
    log = shared_emu.requests
    assert [(e["method"], e["status"]) for e in log] == [
        ("GET", 405),
        ("DELETE", 404),
        ("PATCH", 404),
        ("POST", 404),
    ]


# -- faults ----------------------------------------------------------------------------------------
def test_fail_next(fresh_http, emu):
    emu.fail_next(503, count=2)
    assert [fresh_http.post().status_code for _ in range(3)] == [503, 503, 200]
    emu.fail_next(429)
    r = fresh_http.post(token="other")
    assert r.status_code == 429
    assert r.json()["error"]["details"][0]["code"] == "RateLimiting"
    emu.fail_next(500, code="Custom", message="boom", headers={"Retry-After": "1"})
    r = fresh_http.post(token="other")
    assert (r.status_code, r.json()["error"]["code"], r.headers["Retry-After"]) == (500, "Custom", "1")
    assert r.headers["x-ms-user-quota-remaining"] == "3"  # a failed query still counted


def test_slow_next_and_latency(emu):
    client = Http(emu)
    emu.slow_next(0.3)
    start = time.monotonic()
    assert client.post().status_code == 200
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    client.post()
    assert time.monotonic() - start < 0.3
    emu.slow_next(0.3)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.post(timeout=0.1)
    client.close()
    with ArgEmulator(ESTATE, latency_seconds=0.15) as slow:
        other = Http(slow)
        start = time.monotonic()
        assert other.post(token=None).status_code == 401  # every response is delayed
        assert other.post().status_code == 200
        assert time.monotonic() - start >= 0.3
        other.close()


def test_reset_connection_on_page(fresh_http, emu):
    emu.reset_connection_on_page(2)
    first = fresh_http.post(options={"$top": 2}).json()
    follow = {"$skipToken": first["$skipToken"]}
    with pytest.raises(requests.exceptions.ConnectionError):
        fresh_http.post(options=follow)
    second = fresh_http.post(options=follow)  # the token still works after the reset
    assert ids(second) == [vm["id"] for vm in VMS[2:4]]
    assert [e.get("fault") for e in emu.requests] == [None, "reset page 2", None]
    assert [e["status"] for e in emu.requests] == [200, None, 200]


def test_deny_subscription(fresh_http, emu):
    emu.deny_subscription(SUB2.upper())
    r = fresh_http.post(subscriptions=[SUB, SUB2])
    assert r.status_code == 403
    error = r.json()["error"]
    assert error["code"] == "AuthorizationFailed"
    assert "'Microsoft.ResourceGraph/resources/read'" in error["message"]
    assert f"'/subscriptions/{SUB2}'" in error["message"]
    tenant = fresh_http.post("resources | distinct sub = tolower(subscriptionId)")
    assert {row["sub"] for row in tenant.json()["data"]} == {SUB, SUB3}
    mg = fresh_http.post("resources | distinct subscriptionId", management_groups=["mg-ab"])
    assert {row["subscriptionId"] for row in mg.json()["data"]} == {SUB}
    emu.allow_subscription(SUB2)
    assert fresh_http.post(subscriptions=[SUB2]).status_code == 200


def test_payload_too_large(fresh_http, emu):
    emu.payload_too_large_above(2)
    r = fresh_http.post(options={"$top": 3})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "BadRequest"
    detail = r.json()["error"]["details"][0]
    assert detail["code"] == "ResponsePayloadTooLarge"
    assert "has exceeded the limit of 16777216" in detail["message"]
    assert fresh_http.post().status_code == 400  # default $top 1000 is above 2 too
    assert fresh_http.post(options={"$top": 2}).status_code == 200
    emu.payload_too_large_above(None)
    assert fresh_http.post().status_code == 200


def test_real_payload_size_check():
    with ArgEmulator(ESTATE, max_payload_bytes=3000) as emu:
        client = Http(emu)
        big = client.post()
        assert big.status_code == 400
        assert details(big) == ["ResponsePayloadTooLarge"]
        assert "limit of 3000" in big.json()["error"]["details"][0]["message"]
        assert client.post(options={"$top": 1}).status_code == 200
        client.close()


# -- the log, concurrency, shutdown ------------------------------------------------------------------
def test_request_log_records_everything_but_the_token(fresh_http, emu, tmp_path):
    fresh_http.post(subscriptions=[SUB], options={"$top": 1}, token="secret-token")
    fresh_http.request("GET", "/metadata/endpoints")
    entry, other = emu.requests
    assert entry["method"] == "POST"
    assert entry["path"] == ARG_PATH
    assert entry["params"] == {"api-version": "2021-03-01"}
    assert entry["body"] == {"query": VM_QUERY, "subscriptions": [SUB], "options": {"$top": 1}}
    assert entry["status"] == 200
    assert entry["time"].endswith("Z")
    assert "authorization" not in {h.lower() for h in entry["headers"]}
    assert entry["authenticated"] is True
    assert (other["method"], other["status"]) == ("GET", 404)
    path = tmp_path / "log.jsonl"
    emu.write_log(path)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["method"] for line in lines] == ["POST", "GET"]
    assert "secret-token" not in path.read_text()


def test_concurrent_requests_are_scoped_independently(http):
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def run(sub: str) -> None:
        try:
            client = Http(http.emu)
            for _ in range(3):
                r = client.post("resources | summarize n = count()", subscriptions=[sub])
                results[sub] = r.json()["data"][0]["n"]
            client.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in SUBS for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert results == {SUB: 6, SUB2: 2, SUB3: 2}


def test_stop_is_prompt_and_idempotent():
    emu = ArgEmulator(ESTATE)
    client = Http(emu)
    assert client.post().status_code == 200  # leaves an idle keep-alive connection open
    port = emu.port
    start = time.monotonic()
    emu.stop()
    emu.stop()
    assert time.monotonic() - start < 2
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    client.close()
