"""Secrets in raw ARG rows, removed before a row is kept in memory or written anywhere.

`redact(row)` returns a copy of a raw row (or any nested value) without:

- ExpressRoute `authorizationKey` / `serviceKey` and connection `sharedKey` values (the keys go);
- query strings of URIs (`https://acct.blob.core.windows.net/c/pkg.cspkg?sv=…&sig=…`): a SAS token is
  a bearer credential; the scheme, host and path stay and the query becomes `?[redacted]`;
- credentials inside connection strings and bare SAS tokens (`AccountKey=…`, `Password=…`, `sig=…`);
- the service configuration of a Cloud Services (extended support) (`properties.configuration`, the
  .cscfg XML): its setting values can hold storage keys, connection strings and passwords. The string
  is dropped whole; what the rules need is kept beside it as `configurationSummary`
  (`osFamily`, `osVersion` and per role its `name`, `instances` and `settingNames`). Nothing else of the
  document is kept (no setting value, certificate, comment or network configuration). A document that
  is not a plain .cscfg (a DTD or entity declaration, unparsable text, another root element) leaves no
  summary: the rules that need it are then `unknown`.

`may_hold_secret(text)` is the cheap test on a row's JSON text that lets most rows skip the walk.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

#: Keys whose values are secrets and are dropped at any depth (compared lower-cased).
SECRET_KEYS = frozenset({"authorizationkey", "servicekey", "sharedkey"})
#: What a removed value is replaced with.
REDACTED = "[redacted]"
#: Keys holding a .cscfg document (Cloud Services (extended support) `properties.configuration`).
CONFIGURATION_KEYS = frozenset({"configuration"})
#: Where the kept parts of a .cscfg go, beside the dropped document.
SUMMARY_KEY = "configurationSummary"
#: Root element of a service configuration (the .cscfg schema).
_CSCFG_ROOT = "ServiceConfiguration"
#: Declarations that could make a parser expand text (entities, DTDs): such a document is not parsed.
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

_URI_QUERY = re.compile(r"""(\b[a-z][a-z0-9+.-]*://[^\s?#"'<>]*)\?[^\s#"'<>]*""", re.IGNORECASE)
_CREDENTIAL = re.compile(
    r"""\b(accountkey|sharedaccesskey|sharedaccesssignature|password|pwd|sig|signature|"""
    r"""access_token|client_secret)=[^;&\s"'<>]*""",
    re.IGNORECASE,
)
_TRIGGER = r"""authorizationkey|servicekey|sharedkey|configuration|\?[^"\s]*=|[a-z_]=[^\s"]|\\u"""
_TRIGGER_TEXT = re.compile(_TRIGGER, re.IGNORECASE)
_TRIGGER_BYTES = re.compile(_TRIGGER.encode(), re.IGNORECASE)


def may_hold_secret(text: str | bytes) -> bool:
    """Whether JSON `text` could hold anything `redact` removes (a secret key name, a URI query, a
    `name=value` pair, the word configuration, or an escape that could spell one of them)."""
    if isinstance(text, bytes):
        return _TRIGGER_BYTES.search(text) is not None
    return _TRIGGER_TEXT.search(text) is not None


def redact(value: Any) -> Any:
    """A copy of `value` without the secrets listed in the module doc, at any depth."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            folded = str(key).lower()
            if folded in SECRET_KEYS:
                continue
            if folded in CONFIGURATION_KEYS and isinstance(item, str):
                summary = summarise_configuration(item)
                if summary is not None:
                    out[SUMMARY_KEY] = redact(summary)
            elif folded == "properties" and isinstance(item, str) and item.lstrip().startswith("{"):
                out[key] = redact(_json_object(item))
            else:
                out[key] = redact(item)
        return out
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    """`text` with URI query strings and credential values replaced by [redacted]."""
    if "=" not in text:
        return text
    text = _URI_QUERY.sub(lambda m: f"{m.group(1)}?{REDACTED}", text)
    return _CREDENTIAL.sub(lambda m: f"{m.group(1)}={REDACTED}", text)


def _json_object(text: str) -> Any:
    """`properties` kept as JSON text by some exports: parsed, so the walk reaches what it holds; text
    that is not a JSON object stays text (and is redacted as text)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return text
    return value if isinstance(value, dict) else text


def parse_configuration(text: str) -> ET.Element | None:
    """The root element of a .cscfg document, parsed with the standard library; None when it declares
    a DTD or an entity (refused before parsing, so nothing can expand), does not parse, or is not a
    ServiceConfiguration."""
    if _DECLARATION.search(text):
        return None
    try:
        root = ET.fromstring(text.strip().lstrip("\ufeff"))
    except (ET.ParseError, ValueError):
        return None
    return root if _local(root.tag) == _CSCFG_ROOT else None


def summarise_configuration(text: str) -> dict[str, Any] | None:
    """What the rules need from a .cscfg (see the module doc); None when it is not a plain .cscfg.
    Setting values, certificates and everything else in the document are never read out."""
    root = parse_configuration(text)
    if root is None:
        return None
    roles: list[dict[str, Any]] = []
    for role in root:
        if _local(role.tag) != "Role":
            continue
        count = next((c.get("count") for c in role if _local(c.tag) == "Instances"), None)
        settings = [
            str(s.get("name"))
            for block in role
            if _local(block.tag) == "ConfigurationSettings"
            for s in block
            if _local(s.tag) == "Setting" and s.get("name")
        ]
        roles.append(
            {
                "name": role.get("name") or "",
                "instances": int(count) if count is not None and count.strip().isdigit() else None,
                "settingNames": settings,
            }
        )
    return {"osFamily": root.get("osFamily"), "osVersion": root.get("osVersion"), "roles": roles}


def _local(tag: Any) -> str:
    """An element's name without its namespace ('{urn:x}Role' -> 'Role'); '' for comments and PIs."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
