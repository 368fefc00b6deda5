"""The live source against the local ARG emulator: scope, paging, pacing, faults, coverage, read-only."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from arg_rows import SUB, SUB2, classic_storage, classic_vm, cloud_service, er_circuit_with_keys, row
from emulator import ARG_PATH, ArgEmulator, StaticTokenCredential

from scanner.auth import CLOUDS
from scanner.queries import query_text
from scanner.sources import DEMO_ESTATE, graph
from scanner.sources.events import PageRead, ProgressEvent, QueriesPlanned, QueryDone
from scanner.sources.graph import ArgClient, GraphSource, LiveScope, PreflightError
from scanner.sources.pacing import QuotaPacer, RetryPolicy

SUB3 = "cccccccc-3333-4333-8333-33333333333c"
FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, default_window=0.2, max_wait=2.0)
RESOURCE_PARTS = graph.split_query(query_text("resources"), graph.SPLIT_TYPES["resources"])


def subscription_row(sub: str, name: str) -> dict:
    out = row("Microsoft.Resources/subscriptions", name, {"state": "Enabled"}, sub=sub, location="")
    out.update(id=f"/subscriptions/{sub}", resourceGroup="")
    return out


def estate() -> list[dict]:
    rows = [classic_vm(f"vm-a{i}", "csa", sub=SUB) for i in range(1, 8)]
    rows += [cloud_service("csa", sub=SUB), classic_storage("stor1", sub=SUB)]
    rows += [classic_vm("vm-b1", "csb", sub=SUB2), cloud_service("csb", sub=SUB2)]
    rows += [classic_vm("vm-c1", "csc", sub=SUB3)]
    rows.append(er_circuit_with_keys("er1", sub=SUB2))
    rows.append(row("Microsoft.Web/sites", "not-read", {}, sub=SUB))  # filtered out server-side
    rows += [subscription_row(s, f"Sub {i}") for i, s in enumerate((SUB, SUB2, SUB3), 1)]
    return rows


@pytest.fixture
def emu(monkeypatch):
    with ArgEmulator(estate(), management_groups={"mg-ab": [SUB, SUB2]}, quota=100) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        yield server
        assert not server.errors, server.errors


def source(emu: ArgEmulator, scope: LiveScope | None = None, **kwargs) -> GraphSource:
    client = ArgClient(StaticTokenCredential(), emu.base_url, CLOUDS["public"].token_scope, timeout=10)
    pacer = QuotaPacer(FAST, rng=random.Random(7))
    return GraphSource(client, scope or LiveScope(), pacer=pacer, **kwargs)


def names(snapshot, dataset: str = "resources") -> list[str]:
    return sorted(r["name"] for r in snapshot.rows[dataset])


def assert_read_only(emu: ArgEmulator) -> None:
    assert emu.requests
    for entry in emu.requests:
        assert (entry["method"], entry["path"]) == ("POST", ARG_PATH)


def test_tenant_scope_reads_every_dataset_and_only_posts(emu):
    snap = source(emu).read()
    assert names(snap) == sorted(
        ["csa", "csb", "er1", "stor1", *(f"vm-a{i}" for i in range(1, 8)), "vm-b1", "vm-c1"]
    )
    assert names(snap, "resourcecontainers") == ["Sub 1", "Sub 2", "Sub 3"]
    cov = snap.manifest["coverage"]
    assert cov["complete"] is True
    assert {s: v["status"] for s, v in cov["subscriptions"].items()} == {
        SUB: "read",
        SUB2: "read",
        SUB3: "read",
    }
    # one page per chain: `resources` is read as one chain per type group and one for the rest
    assert cov["queries"]["resources"]["pages"] == len(RESOURCE_PARTS)
    assert cov["queries"]["authorizationresources"]["pages"] == 1
    assert set(snap.manifest["queries"]) == {
        "resources",
        "recoveryservicesresources",
        "authorizationresources",
        "resourcecontainers",
    }
    assert_read_only(emu)
    assert all(
        entry["headers"].get("Content-Type", "").startswith("application/json")
        for entry in emu.requests
        if "Content-Type" in entry["headers"]
    )


def test_secrets_never_leave_the_source(emu):
    snap = source(emu).read()
    assert "SECRET" not in json.dumps(snap.rows)


def test_paging_follows_skip_tokens(emu, monkeypatch):
    monkeypatch.setattr(graph, "PAGE_SIZE", 3)
    snap = source(emu).read()
    assert len(snap.rows["resources"]) == 13
    assert len({r["id"].lower() for r in snap.rows["resources"]}) == 13
    # 9 classic VMs: 3 pages in their chain; one page in each of the 4 other chains
    assert snap.manifest["coverage"]["queries"]["resources"]["pages"] == 7
    tokens = [e for e in emu.requests if (e.get("body") or {}).get("options", {}).get("$skipToken")]
    assert len(tokens) == 2


def test_subscription_batches(emu, monkeypatch):
    monkeypatch.setattr(graph, "BATCH_SIZE", 1)
    snap = source(emu, LiveScope(subscriptions=(SUB, SUB3))).read()
    assert "vm-b1" not in names(snap)
    assert {"vm-a1", "vm-c1"} <= set(names(snap))
    bodies = [e["body"] for e in emu.requests if e["body"]]
    assert all(len(b.get("subscriptions") or []) <= 1 for b in bodies)


def test_management_group_scope(emu):
    snap = source(emu, LiveScope(management_groups=("mg-ab",))).read()
    assert "vm-c1" not in names(snap)
    assert {"vm-a1", "vm-b1"} <= set(names(snap))
    assert all(e["body"].get("managementGroups") == ["mg-ab"] for e in emu.requests if e["body"])


def test_denied_subscription_is_isolated_and_reported(emu):
    emu.deny_subscription(SUB2)
    snap = source(emu, LiveScope(subscriptions=(SUB, SUB2, SUB3))).read()
    cov = snap.manifest["coverage"]
    assert cov["complete"] is False
    assert cov["subscriptions"][SUB2]["status"] == "denied"
    assert cov["subscriptions"][SUB]["status"] == "read"
    assert {"vm-a1", "vm-c1"} <= set(names(snap))
    assert "vm-b1" not in names(snap)
    assert any(SUB2 in issue for issue in snap.issues)


def test_transient_errors_and_dropped_connections_are_retried(emu):
    emu.fail_next(status=503, count=2)
    emu.reset_connection_on_page(1, count=1)
    snap = source(emu).read()
    assert snap.manifest["coverage"]["complete"] is True
    retries = sum(q["retries"] for q in snap.manifest["coverage"]["queries"].values())
    assert retries >= 3
    assert len(snap.rows["resources"]) == 13


def test_payload_too_large_halves_top(emu):
    emu.payload_too_large_above(250)
    snap = source(emu).read()
    stats = snap.manifest["coverage"]["queries"]["resources"]
    assert stats["top_reductions"] >= 1
    assert len(snap.rows["resources"]) == 13
    tops = [e["body"]["options"]["$top"] for e in emu.requests if e["status"] == 200 and e["body"]]
    assert max(tops[1:]) <= 250


def test_throttling_waits_for_the_quota_and_completes(monkeypatch):
    with ArgEmulator(estate(), quota=2, window_seconds=0.4) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        snap = source(server, workers=4).read()
        statuses = [e["status"] for e in server.requests]
    assert snap.manifest["coverage"]["complete"] is True
    assert len(snap.rows["resources"]) == 13
    assert statuses.count(200) == 4 + len(RESOURCE_PARTS)  # preflight + one page per table (chain)
    # the pacer reads the quota headers (and waits for an answer after each reset): no 429 storm
    assert statuses.count(429) <= 1


def test_persistent_failure_is_recorded_not_hidden(emu):
    emu.fail_next(status=500, count=1000)
    with pytest.raises(PreflightError, match="not reachable or failing"):
        source(emu).read()


def test_failed_dataset_leaves_an_incomplete_snapshot(emu, monkeypatch):
    src = source(emu)
    src.preflight()  # succeeds; every later request fails
    emu.fail_next(status=502, count=1000)
    monkeypatch.setattr(src, "preflight", lambda: {SUB: "Sub 1", SUB2: "Sub 2", SUB3: "Sub 3"})
    snap = src.read()
    cov = snap.manifest["coverage"]
    assert cov["complete"] is False
    assert all(q["failed_batches"] for name, q in cov["queries"].items() if name != "preflight")
    assert snap.issues


def test_preflight_errors_are_one_line(emu):
    emu.deny_subscription(SUB)
    with pytest.raises(PreflightError, match="no read access"):
        source(emu, LiveScope(subscriptions=(SUB,))).read()


def test_unreachable_endpoint(monkeypatch):
    client = ArgClient(
        StaticTokenCredential(), "https://127.0.0.1:9", CLOUDS["public"].token_scope, timeout=2
    )
    src = GraphSource(
        client, LiveScope(), pacer=QuotaPacer(RetryPolicy(max_transient_retries=1, backoff_base=0.01))
    )
    with pytest.raises(PreflightError) as err:
        src.read()
    assert "\n" not in str(err.value)


def test_credential_failure(emu):
    from azure.core.exceptions import ClientAuthenticationError

    class Broken(StaticTokenCredential):
        def get_token(self, *scopes, **kwargs):
            raise ClientAuthenticationError("no token for you")

    client = ArgClient(Broken(), emu.base_url, CLOUDS["public"].token_scope)
    with pytest.raises(PreflightError, match="authentication failed"):
        GraphSource(client, LiveScope(), pacer=QuotaPacer(FAST)).read()


def test_tenant_subscription_limit_switches_to_batches(monkeypatch):
    with ArgEmulator(estate(), tenant_subscription_limit=2) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        src = source(server)
        snap = src.read()
        bodies = [e["body"] for e in server.requests if e["body"]]
    assert src.limit_hit
    assert any(b.get("subscriptions") for b in bodies[1:])
    assert any("limit" in issue for issue in snap.issues)


def test_demo_estate_through_the_emulator_matches_the_offline_scan(monkeypatch, tmp_path):
    from emulator import load_estate

    from scanner.sources.files import FilesSource

    with ArgEmulator(load_estate(Path(DEMO_ESTATE))) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        live = source(server).read()
    offline = FilesSource((Path(DEMO_ESTATE),)).read()
    live_ids = {r["id"].lower() for rows in live.rows.values() for r in rows}
    offline_ids = {r["id"].lower() for rows in offline.rows.values() for r in rows}
    assert live_ids <= offline_ids
    # everything a rule reads comes back live; what the queries filter out is not read by any rule
    from scanner.inventory import build_inventory

    live_inv, offline_inv = build_inventory(live), build_inventory(offline)
    for table in (
        "classic_vm",
        "cloud_service",
        "classic_storage",
        "classic_vnet",
        "classic_admin",
        "er_circuit",
        "er_connection",
        "arm_vm",
        "public_ip",
        "load_balancer",
        "alert_rule",
    ):
        assert len(live_inv.table(table)) == len(offline_inv.table(table)), table
    # only backup items of classic VMs are queried: those are the ones BK rules read
    classic_items = offline_inv.table("backup_item")["is_classic_vm"].astype(bool)
    assert len(live_inv.table("backup_item")) == int(classic_items.sum())


def test_slow_responses_time_out_and_are_retried(emu):
    client = ArgClient(StaticTokenCredential(), emu.base_url, CLOUDS["public"].token_scope, timeout=0.5)
    src = GraphSource(client, LiveScope(), pacer=QuotaPacer(FAST, rng=random.Random(3)))
    emu.slow_next(1.5, count=1)
    snap = src.read()
    assert snap.manifest["coverage"]["complete"] is True
    assert snap.manifest["coverage"]["queries"]["preflight"]["retries"] == 1


# -- the split, concurrent chains and the direct (no model) post path ----------------------------------


def test_split_query_partitions_by_type_and_keeps_unsplittable_queries():
    parts = graph.split_query("// c\nresources\n| where a\n| order by id asc", [("t1", "t2"), ("t3",)])
    assert parts == [
        "// c\nresources\n| where type in~ ('t1', 't2')\n| where a\n| order by id asc",
        "// c\nresources\n| where type in~ ('t3')\n| where a\n| order by id asc",
        "// c\nresources\n| where type !in~ ('t1', 't2', 't3')\n| where a\n| order by id asc",
    ]
    assert graph.split_query("resources | where a", [("t1",)]) == ["resources | where a"]
    assert graph.split_query("let x = 1;\nresources", [("t1",)]) == ["let x = 1;\nresources"]
    assert graph.split_query("resources\n| take 3", []) == ["resources\n| take 3"]
    assert graph.split_query("resources", [("it's",)]) == ["resources"]  # not a plain type name
    # the shipped file stays as it is (pasteable); the split only adds a line after the table name
    for part in RESOURCE_PARTS:
        assert part.replace(part.splitlines()[3] + "\n", "", 1) == query_text("resources")


def _rows_by_id(snap) -> dict[str, list[str]]:
    return {name: [json.dumps(r, sort_keys=True) for r in rows] for name, rows in snap.rows.items()}


@pytest.mark.parametrize("page_size", [1000, 7])
def test_split_chains_return_exactly_the_rows_of_the_single_query(monkeypatch, page_size):
    from emulator import load_estate

    monkeypatch.setattr(graph, "PAGE_SIZE", page_size)
    estate_rows = load_estate(Path(DEMO_ESTATE))
    estate_rows["resources"] = [*estate_rows["resources"], *estate()]  # odd types and a circuit too
    with ArgEmulator(estate_rows, quota=10_000) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        split = source(server).read()
        split_bodies = [e["body"]["query"] for e in server.requests if e["body"]]
        monkeypatch.setattr(graph, "SPLIT_TYPES", {})
        single = source(server).read()
    assert len(split.rows["resources"]) > 300
    # identical rows, in the same (id) order, whichever chain or page they came from
    assert _rows_by_id(split) == _rows_by_id(single)
    ids = [r["id"].lower() for r in split.rows["resources"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(set(split.manifest["queries"][n].splitlines()) for n in split.manifest["queries"])
    assert split.manifest["queries"] == single.manifest["queries"]  # the manifest keeps the .kql text
    assert {q for q in split_bodies if q.startswith("//")} >= set(RESOURCE_PARTS)
    cov_split, cov_single = split.manifest["coverage"], single.manifest["coverage"]
    assert cov_split["complete"] and cov_single["complete"]
    for name in ("resources", "authorizationresources"):
        assert cov_split["queries"][name]["rows"] == cov_single["queries"][name]["rows"]
    # at most one partial page more per chain
    pages = cov_split["queries"]["resources"]["pages"]
    assert pages <= cov_single["queries"]["resources"]["pages"] + len(RESOURCE_PARTS) - 1


def test_the_quota_is_never_exceeded_in_any_window(monkeypatch):
    """ARG's real quota (15 per 5 s) and more pages than one window allows: no 429, and no 5-second
    window of the emulator's arrival times holds more than 15 requests, although answers come quickly."""
    from datetime import datetime

    from emulator import load_estate

    monkeypatch.setattr(graph, "PAGE_SIZE", 25)
    with ArgEmulator(load_estate(Path(DEMO_ESTATE)), quota=15, window_seconds=5.0) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        client = ArgClient(StaticTokenCredential(), server.base_url, CLOUDS["public"].token_scope)
        snap = GraphSource(client, LiveScope(), workers=6).read()
        log = server.requests
    assert snap.manifest["coverage"]["complete"] is True
    assert snap.manifest["coverage"]["throttled"] == 0
    assert [e["status"] for e in log].count(429) == 0
    times = sorted(datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp() for e in log)
    assert len(times) > 20
    for i in range(len(times) - 15):
        assert times[i + 15] - times[i] >= 5.0, f"16 requests within {times[i + 15] - times[i]:.3f} s"
    # ... and it does not wait much longer than the quota needs (one window per 15 requests)
    assert times[-1] - times[0] < 5.0 * ((len(times) - 1) // 15) + 2.0


def test_a_429_on_the_direct_post_path_is_waited_out_and_retried(monkeypatch):
    with ArgEmulator(estate(), quota=100, window_seconds=1.0) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        server.fail_next(status=429, count=1)  # ARG's RateLimiting body, no Retry-After
        snap = source(server).read()
        statuses = [e["status"] for e in server.requests]
    assert statuses[:2] == [429, 200]
    cov = snap.manifest["coverage"]
    assert cov["complete"] is True
    assert cov["throttled"] == 1
    assert cov["queries"]["preflight"]["throttled"] == 1
    assert len(snap.rows["resources"]) == 13


def test_payload_too_large_on_one_chain_halves_only_its_top(emu):
    emu.payload_too_large_above(5)
    snap = source(emu).read()
    stats = snap.manifest["coverage"]["queries"]["resources"]
    assert len(snap.rows["resources"]) == 13
    assert stats["top_reductions"] >= 1
    assert snap.manifest["coverage"]["complete"] is True
    ok = [e for e in emu.requests if e["status"] == 200 and e["body"]]
    assert all(e["body"]["options"]["$top"] <= 5 for e in ok[1:])
    assert [e["status"] for e in emu.requests].count(400) >= 1


def test_post_parses_the_body_without_secrets(emu):
    client = ArgClient(StaticTokenCredential(), emu.base_url, CLOUDS["public"].token_scope)
    page = client.post(
        "resources | where type =~ 'microsoft.network/expressroutecircuits' | order by id asc",
        LiveScope(),
        None,
        1000,
        None,
    )
    (circuit,) = page.rows
    assert page.secrets_removed
    assert "SECRET" not in json.dumps(circuit)
    assert circuit["properties"]["allowClassicOperations"] is True
    assert circuit["properties"]["authorizations"][0]["properties"] == {"authorizationUseStatus": "InUse"}
    assert page.headers["x-ms-user-quota-remaining"]
    assert page.skip_token is None and page.truncated is False


def test_secrets_are_stripped_per_page_from_any_client(emu):
    """A client whose pages still carry keys (not parsed by ArgClient): stripped page by page."""
    real = ArgClient(StaticTokenCredential(), emu.base_url, CLOUDS["public"].token_scope)

    class Leaky:
        def post(self, query, scope, subscriptions, top, skip_token):
            page = real.post(query, scope, subscriptions, top, skip_token)
            rows = [dict(r) for r in page.rows]
            for r in rows:
                if r.get("type") == "microsoft.network/expressroutecircuits":
                    r["properties"] = {**r["properties"], "serviceKey": "SECRET-SERVICE-KEY"}
            return graph.Page(rows, page.skip_token, page.truncated, page.headers)

    snap = GraphSource(Leaky(), LiveScope(), pacer=QuotaPacer(FAST)).read()  # type: ignore[arg-type]
    assert "er1" in names(snap)
    assert "SECRET" not in json.dumps(snap.rows)


def test_progress_counts_queries_per_dataset_not_per_chain(emu):
    events: list[ProgressEvent] = []
    snap = source(emu, progress=events.append).read()
    assert [e for e in events if isinstance(e, QueriesPlanned)] == [QueriesPlanned(4)]
    done = {e.dataset: e.rows for e in events if isinstance(e, QueryDone)}
    assert done == {name: len(rows) for name, rows in snap.rows.items()}
    pages = [e.rows for e in events if isinstance(e, PageRead)]
    assert sum(pages) == sum(len(rows) for rows in snap.rows.values()) + 3  # + the preflight's rows
    assert len(pages) == 1 + 3 + len(RESOURCE_PARTS)


def test_a_subscription_denied_after_the_preflight_is_isolated_in_every_chain(emu, monkeypatch):
    src = source(emu, LiveScope(subscriptions=(SUB, SUB2, SUB3)))
    visible = src.preflight()
    emu.deny_subscription(SUB2)  # e.g. the role assignment was removed during the scan
    monkeypatch.setattr(src, "preflight", lambda: visible)
    snap = src.read()
    cov = snap.manifest["coverage"]
    assert cov["subscriptions"][SUB2]["status"] == "denied"
    assert cov["subscriptions"][SUB]["status"] == cov["subscriptions"][SUB3]["status"] == "read"
    assert set(names(snap)) == {"csa", "stor1", "vm-c1", *(f"vm-a{i}" for i in range(1, 8))}
    assert any(SUB2 in issue for issue in snap.issues)
    assert cov["complete"] is False


def test_a_failed_chain_is_named_in_the_coverage(emu, monkeypatch):
    src = source(emu)
    visible = src.preflight()
    monkeypatch.setattr(src, "preflight", lambda: visible)
    real_post = src._post

    def post(query, subs, top, token, stats):
        if "microsoft.compute/virtualmachines')" in query:
            raise graph.QueryFailed("HTTP 502 after 6 attempts")
        return real_post(query, subs, top, token, stats)

    monkeypatch.setattr(src, "_post", post)
    snap = src.read()
    cov = snap.manifest["coverage"]
    assert cov["complete"] is False
    assert cov["queries"]["resources"]["failed_batches"] == [
        f"scope: part 2/{len(RESOURCE_PARTS)}: HTTP 502 after 6 attempts"
    ]
    assert "resources: the query failed for the whole tenant scope" in snap.issues
    assert len(snap.rows["resources"]) == 13  # nothing of that type in the estate: the rest is there


def test_the_pipeline_has_no_policy_that_can_write_or_retry():
    from azure.core.pipeline.policies import RetryPolicy as SdkRetryPolicy
    from azure.mgmt.core.policies import ARMAutoResourceProviderRegistrationPolicy

    client = ArgClient(StaticTokenCredential(), "https://127.0.0.1:9", CLOUDS["public"].token_scope)
    policies = [getattr(p, "_policy", p) for p in client._client._client._pipeline._impl_policies]
    names_ = [type(p).__name__ for p in policies]
    assert "ARMChallengeAuthenticationPolicy" in names_
    forbidden = (ARMAutoResourceProviderRegistrationPolicy, SdkRetryPolicy)
    assert not any(isinstance(p, forbidden) for p in policies)


def test_rows_nested_too_deep_fail_their_query_not_the_scan(monkeypatch):
    deep: object = "deep"
    for _ in range(70):
        deep = {"t": deep}
    vm = classic_vm("vm-deep", "csa", sub=SUB)
    vm["tags"] = deep
    with ArgEmulator(
        [vm, cloud_service("csa", sub=SUB), subscription_row(SUB, "Sub 1")], quota=100
    ) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        snap = source(server).read()
    coverage = snap.manifest["coverage"]
    assert coverage["complete"] is False
    assert snap.issues
    assert "nested deeper than 64 levels" in json.dumps(coverage)
    assert all(r["name"] != "vm-deep" for r in snap.rows["resources"])
