"""Small pieces every renderer shares: portal links, colours, labels."""

from __future__ import annotations

from urllib.parse import quote

from scanner.model import ScanResult

PORTALS = {
    "public": "https://portal.azure.com",
    "usgov": "https://portal.azure.us",
    "china": "https://portal.azure.cn",
}

#: Severity colours (background, text) used by the HTML and the workbook. Each colour is also used as
#: text on white, so each has at least WCAG 2.1 AA's 4.5:1 contrast both ways (on white, and with its text).
SEVERITY_COLORS: dict[str, tuple[str, str]] = {
    "critical": ("7B1E2B", "FFFFFF"),
    "high": ("C0392B", "FFFFFF"),
    "medium": ("A84300", "FFFFFF"),
    "low": ("8A6D00", "FFFFFF"),
    "info": ("3F6E8C", "FFFFFF"),
}
STATUS_COLORS: dict[str, tuple[str, str]] = {
    "fail": ("C0392B", "FFFFFF"),
    "unknown": ("5F6B6D", "FFFFFF"),
    "manual": ("1F6FA3", "FFFFFF"),
    "waived": ("8E44AD", "FFFFFF"),
    "pass": ("1E7E45", "FFFFFF"),
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
