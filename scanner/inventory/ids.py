"""Resource ids: parsing and the normalised keys every join goes through.

ARG ids differ in case between tables (`/Subscriptions/...` vs `/subscriptions/...`), and classic
ids sometimes carry an empty resource group (`/resourceGroups//providers/...` or
`/resourceGroups/providers/...`). A key is the lower-cased id with the resource-group segment
normalised, so the same resource always gets the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)"
    r"(?:/resourcegroups/(?P<rg>[^/]*))?"
    r"/providers/(?P<ns>[^/]+)/(?P<rest>.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedId:
    """The parts of an ARM-style resource id."""

    subscription_id: str
    """Subscription GUID, lower-cased."""
    resource_group: str
    """Resource group name as written ('' when empty or absent)."""
    resource_type: str
    """Lower-cased `namespace/type[/subtype...]` of the resource itself."""
    name: str
    """Last name segment, as written."""
    top_type: str
    """Lower-cased `namespace/type` of the top-level resource (differs from resource_type for children)."""
    top_name: str
    """Name of the top-level resource, as written."""


def parse_id(resource_id: str) -> ParsedId | None:
    """Parse `/subscriptions/s/resourceGroups/g/providers/ns/type/name[/sub/name...]`."""
    text = resource_id.strip().rstrip("/")
    if text.lower().startswith("/subscriptions/") and "/resourcegroups/providers/" in text.lower():
        i = text.lower().index("/resourcegroups/providers/")
        text = text[:i] + "/resourceGroups//providers/" + text[i + len("/resourcegroups/providers/") :]
    m = _ID.match(text)
    if not m:
        return None
    parts = m.group("rest").split("/")
    types = [m.group("ns").lower(), *(p.lower() for p in parts[0::2])]
    return ParsedId(
        subscription_id=m.group("sub").lower(),
        resource_group=m.group("rg") or "",
        resource_type="/".join(types),
        name=parts[-1] if len(parts) % 2 == 0 else "",
        top_type="/".join(types[:2]),
        top_name=parts[1] if len(parts) > 1 else "",
    )


def resource_key(resource_id: str | None) -> str | None:
    """The join key of an id: lower-cased, with the resource group normalised."""
    if not resource_id:
        return None
    text = resource_id.strip().rstrip("/").lower()
    text = text.replace("/resourcegroups/providers/", "/resourcegroups//providers/")
    return text


def name_key(subscription_id: str | None, resource_type: str, name: str | None) -> str | None:
    """A key by subscription, type and name, for classic resources whose names are unique per type.

    Used where a reference carries only a name or an id whose resource group differs from the
    resource's own row.
    """
    if not subscription_id or not name:
        return None
    return f"{subscription_id.lower()}|{resource_type.lower()}|{name.lower()}"


def name_key_of_id(resource_id: str | None) -> str | None:
    """`name_key` of the resource an id points to (for a child id, of its top-level parent)."""
    if not resource_id:
        return None
    parsed = parse_id(resource_id)
    if parsed is None:
        return None
    return name_key(parsed.subscription_id, parsed.top_type, parsed.top_name)
