"""Small pieces every renderer shares: portal links, colours, labels."""

from __future__ import annotations

from urllib.parse import quote

from scanner.model import ScanResult

PORTALS = {
    "public": "https://portal.azure.com",
    "usgov": "https://portal.azure.us",
    "china": "https://portal.azure.cn",
}

#: Severity colours (background, text) used by the HTML and the workbook.
SEVERITY_COLORS: dict[str, tuple[str, str]] = {
    "critical": ("7B1E2B", "FFFFFF"),
    "high": ("C0392B", "FFFFFF"),
    "medium": ("E67E22", "1F1F1F"),
    "low": ("F1C40F", "1F1F1F"),
    "info": ("5D8AA8", "FFFFFF"),
}
STATUS_COLORS: dict[str, tuple[str, str]] = {
    "fail": ("C0392B", "FFFFFF"),
    "unknown": ("7F8C8D", "FFFFFF"),
    "manual": ("2E86C1", "FFFFFF"),
    "waived": ("8E44AD", "FFFFFF"),
    "pass": ("27AE60", "FFFFFF"),
}


def portal_url(resource_id: str, cloud: str, tenant_id: str | None = None) -> str:
    """Azure portal link to a resource (ids are ASCII paths; anything odd is percent-encoded)."""
    base = PORTALS.get(cloud, PORTALS["public"])
    tenant = f"@{quote(tenant_id, safe='')}" if tenant_id else ""
    return f"{base}/#{tenant}/resource{quote(resource_id, safe='/-_.~')}"


def tenant_of(result: ScanResult) -> str | None:
    """The single tenant of the scan, when there is exactly one."""
    tenants = result.meta.scope.get("tenant_ids") or []
    return str(tenants[0]) if len(tenants) == 1 else None
