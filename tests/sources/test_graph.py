"""The live source against the local ARG emulator: scope, paging, pacing, faults, coverage, read-only."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from arg_rows import SUB, SUB2, classic_storage, classic_vm, cloud_service, row
from emulator import ARG_PATH, ArgEmulator, StaticTokenCredential

from scanner.auth import CLOUDS
from scanner.sources import DEMO_ESTATE, graph
from scanner.sources.graph import ArgClient, GraphSource, LiveScope, PreflightError
from scanner.sources.pacing import QuotaPacer, RetryPolicy

SUB3 = "cccccccc-3333-4333-8333-33333333333c"
FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, default_window=0.2, max_wait=2.0)


def subscription_row(sub: str, name: str) -> dict:
    out = row("Microsoft.Resources/subscriptions", name, {"state": "Enabled"}, sub=sub, location="")
    out.update(id=f"/subscriptions/{sub}", resourceGroup="")
    return out


def estate() -> list[dict]:
    rows = [classic_vm(f"vm-a{i}", "csa", sub=SUB) for i in range(1, 8)]
    rows += [cloud_service("csa", sub=SUB), classic_storage("stor1", sub=SUB)]
    rows += [classic_vm("vm-b1", "csb", sub=SUB2), cloud_service("csb", sub=SUB2)]
    rows += [classic_vm("vm-c1", "csc", sub=SUB3)]
    rows.append(
        row(
            "Microsoft.Network/expressRouteCircuits",
            "er1",
            {
                "allowClassicOperations": True,
                "serviceKey": "SECRET-SERVICE-KEY",
                "authorizations": [
                    {
                        "name": "a1",
                        "properties": {
                            "authorizationKey": "SECRET-AUTH-KEY",
                            "authorizationUseStatus": "InUse",
                        },
                    }
                ],
            },
            sub=SUB2,
        )
    )
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
    assert cov["queries"]["resources"]["pages"] == 1
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
    assert snap.manifest["coverage"]["queries"]["resources"]["pages"] == 5
    tokens = [e for e in emu.requests if (e.get("body") or {}).get("options", {}).get("$skipToken")]
    assert tokens


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
    assert statuses.count(200) == 5  # preflight + one page per table
    # the pacer reads the quota headers: at most a handful of 429s, never a storm
    assert statuses.count(429) <= 4


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
