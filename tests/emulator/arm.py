"""The ARM GETs of `--arm-details`, served by the emulator next to ARG (tests only).

    arm = ArmEstate(classic_vms=[...ARM classic VM objects...], providers={sub: "Registered"},
                    usages={(sub, "westeurope"): [usage(...), ...]})
    with ArgEmulator(rows, arm=arm) as emu: ...

Serves, for GET only:
- `/subscriptions/{s}/providers/Microsoft.ClassicCompute/virtualMachines` (a list paged with `nextLink`;
  `list_omits` drops property keys from list entries, as the real list may omit the instance view);
- `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ClassicCompute/virtualMachines/{name}`;
- `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/cloudServices/{name}` (a Cloud
  Service (extended support) from `cloud_services`; 404 ResourceNotFound for any other name);
- `/subscriptions/{s}/providers/Microsoft.ClassicInfrastructureMigrate` (provider registration);
- `/subscriptions/{s}/providers/Microsoft.{Compute|Network}/locations/{region}/usages` (paged).
Every answer carries `x-ms-ratelimit-remaining-subscription-reads`; `throttle_next` answers 429 with
`Retry-After`; `deny_subscription` answers 403 `AuthorizationFailed` for everything under it, `deny`
for one resource id.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

API_VERSION_REQUIRED = "MissingApiVersionParameter"
_LIST = re.compile(r"^/subscriptions/([^/]+)/providers/microsoft\.classiccompute/virtualmachines$")
_ITEM = re.compile(
    r"^/subscriptions/([^/]+)/resourcegroups/[^/]+/providers/microsoft\.classiccompute/virtualmachines/[^/]+$"
)
_CLOUD_SERVICE = re.compile(
    r"^/subscriptions/([^/]+)/resourcegroups/[^/]+/providers/microsoft\.compute/cloudservices/[^/]+$"
)
_PROVIDER = re.compile(r"^/subscriptions/([^/]+)/providers/([^/]+)$")
_USAGES = re.compile(
    r"^/subscriptions/([^/]+)/providers/microsoft\.(compute|network)/locations/([^/]+)/usages$"
)


def usage(name: str, current: int, limit: int, localized: str | None = None) -> dict[str, Any]:
    """One usage entry as Microsoft.Compute / Microsoft.Network list it."""
    return {
        "name": {"value": name, "localizedValue": localized or name},
        "currentValue": current,
        "limit": limit,
        "unit": "Count",
    }


def network_usage_names() -> tuple[str, ...]:
    return ("NetworkInterfaces", "PublicIPAddresses", "LoadBalancers", "NetworkSecurityGroups")


class ArmEstate:
    """What the emulator's ARM side knows, and its faults."""

    def __init__(
        self,
        classic_vms: Iterable[Mapping[str, Any]] = (),
        *,
        cloud_services: Iterable[Mapping[str, Any]] = (),
        providers: Mapping[str, str] | None = None,
        usages: Mapping[tuple[str, str], Iterable[Mapping[str, Any]]] | None = None,
        page_size: int = 2,
        list_omits: Iterable[str] = (),
        reads_budget: int = 12_000,
    ) -> None:
        self.vms: dict[str, dict[str, Any]] = {
            str(v["id"]).lower(): copy.deepcopy(dict(v)) for v in classic_vms
        }
        self.cloud_services: dict[str, dict[str, Any]] = {
            str(c["id"]).lower(): copy.deepcopy(dict(c)) for c in cloud_services
        }
        self.providers = {k.lower(): v for k, v in (providers or {}).items()}
        self.usages: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for (sub, region), items in (usages or {}).items():
            for item in items:
                name = str(item["name"]["value"])
                side = "network" if name in network_usage_names() else "compute"
                self.usages.setdefault((sub.lower(), region.lower(), side), []).append(dict(item))
        self.page_size = page_size
        self.list_omits = frozenset(list_omits)
        self.denied: set[str] = set()
        self.denied_ids: set[str] = set()
        self._reads: dict[str, int] = {}
        self._budget = reads_budget
        self._throttle = 0
        self._retry_after = "1"
        self._lock = threading.Lock()

    def deny_subscription(self, *subscriptions: str) -> None:
        self.denied.update(s.lower() for s in subscriptions)

    def deny(self, *resource_ids: str) -> None:
        """GETs of these resources answer 403 AuthorizationFailed (a role scoped below the subscription)."""
        self.denied_ids.update(r.lower() for r in resource_ids)

    def throttle_next(self, count: int = 1, retry_after: str = "1") -> None:
        """The next `count` ARM GETs get 429 with this Retry-After."""
        with self._lock:
            self._throttle, self._retry_after = count, retry_after

    def respond(
        self, path: str, params: Mapping[str, str], base_url: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(status, JSON body, headers) for one GET under /subscriptions/."""
        lowered = path.lower().rstrip("/")
        sub = lowered.split("/")[2] if lowered.count("/") >= 2 else ""
        headers = {"x-ms-ratelimit-remaining-subscription-reads": str(self._spend(sub))}
        with self._lock:
            if self._throttle > 0:
                self._throttle -= 1
                return (
                    429,
                    _error("TooManyRequests", "The request is being throttled."),
                    {
                        **headers,
                        "Retry-After": self._retry_after,
                    },
                )
        if "api-version" not in params:
            return 400, _error(API_VERSION_REQUIRED, "The api-version query parameter is required."), headers
        if sub in self.denied or lowered in self.denied_ids:
            message = (
                "The client does not have authorization to perform action 'read' over scope "
                f"'/subscriptions/{sub}' or the scope is invalid."
            )
            return 403, _error("AuthorizationFailed", message), headers
        start = int(params.get("$skiptoken", "0") or 0)
        if match := _LIST.match(lowered):
            vms = [self._listed(v) for k, v in sorted(self.vms.items()) if k.split("/")[2] == match.group(1)]
            return 200, self._page(vms, start, path, params, base_url), headers
        if _ITEM.match(lowered):
            vm = self.vms.get(lowered)
            if vm is None:
                return 404, _error("ResourceNotFound", f"The resource '{path}' was not found."), headers
            return 200, copy.deepcopy(vm), headers
        if _CLOUD_SERVICE.match(lowered):
            service = self.cloud_services.get(lowered)
            if service is None:
                return 404, _error("ResourceNotFound", f"The resource '{path}' was not found."), headers
            return 200, copy.deepcopy(service), headers
        if match := _USAGES.match(lowered):
            items = self.usages.get((match.group(1), match.group(3), match.group(2)), [])
            return 200, self._page(items, start, path, params, base_url), headers
        if (match := _PROVIDER.match(lowered)) and match.group(2) == "microsoft.classicinfrastructuremigrate":
            state = self.providers.get(match.group(1), "NotRegistered")
            body = {
                "id": f"/subscriptions/{match.group(1)}/providers/Microsoft.ClassicInfrastructureMigrate",
                "namespace": "Microsoft.ClassicInfrastructureMigrate",
                "registrationState": state,
                "registrationPolicy": "RegistrationRequired",
                "resourceTypes": [{"resourceType": "classicInfrastructureResources", "locations": []}],
            }
            return 200, body, headers
        return 404, _error("NotFound", f"The emulator does not serve GET {path}."), headers

    def _spend(self, sub: str) -> int:
        with self._lock:
            left = self._reads.get(sub, self._budget) - 1
            self._reads[sub] = left
            return max(0, left)

    def _listed(self, vm: Mapping[str, Any]) -> dict[str, Any]:
        item = copy.deepcopy(dict(vm))
        props = item.get("properties")
        if isinstance(props, dict):
            for key in self.list_omits:
                props.pop(key, None)
        return item

    def _page(
        self, items: list[dict[str, Any]], start: int, path: str, params: Mapping[str, str], base_url: str
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"value": items[start : start + self.page_size]}
        if start + self.page_size < len(items):
            version = params["api-version"]
            body["nextLink"] = f"{base_url}{path}?api-version={version}&$skiptoken={start + self.page_size}"
        return body


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
