"""The KQL queries of the live source: one file per ARG table, pasteable into Resource Graph Explorer."""

from __future__ import annotations

from importlib import resources

from scanner.snapshot import DATASETS

#: A cheap first query: proves the endpoint, the credential and read access, and lists the
#: subscriptions the credential can see (for per-subscription coverage).
PREFLIGHT = (
    "resourcecontainers\n"
    "| where type =~ 'microsoft.resources/subscriptions'\n"
    "| project id, name, subscriptionId, tenantId\n"
    "| order by id asc"
)


def query_text(dataset: str) -> str:
    """The KQL of one dataset (ARG table)."""
    if dataset not in DATASETS:
        raise KeyError(dataset)
    return resources.files(__package__).joinpath(f"{dataset}.kql").read_text(encoding="utf-8")


def all_queries() -> dict[str, str]:
    return {name: query_text(name) for name in DATASETS}
