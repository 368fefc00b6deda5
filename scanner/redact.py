"""Secrets in raw ARG rows, removed before a row is kept in memory or written anywhere.

`redact(row)` returns a copy of a raw row (or any nested value) without:

- ExpressRoute `authorizationKey` / `serviceKey` and connection `sharedKey` values (the keys go);
- query strings of URIs (`https://acct.blob.core.windows.net/c/pkg.cspkg?sv=…&sig=…`): a SAS token is
  a bearer credential; the scheme, host and path stay and the query becomes `?[redacted]`;
- credentials inside connection strings and bare SAS tokens (`AccountKey=…`, `SharedAccessKey=…`,
  `Password=…`, `sig=…`);
- setting values in a Cloud Services (extended support) `configuration` (the .cscfg XML): storage
  keys and connection strings live there. Setting names, role names, instance counts, `osFamily`,
  `osVersion`, certificates' thumbprints and everything else stay. A configuration that is not
  plain XML (a DTD, unparsable text) is dropped whole.

`may_hold_secret(text)` is the cheap test on a row's JSON text that lets most rows skip the walk.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

#: Keys whose values are secrets and are dropped at any depth (compared lower-cased).
SECRET_KEYS = frozenset({"authorizationkey", "servicekey", "sharedkey"})
#: What a removed value is replaced with.
REDACTED = "[redacted]"
#: Keys holding a .cscfg document (Cloud Services (extended support) `properties.configuration`).
CONFIGURATION_KEYS = frozenset({"configuration"})

_URI_QUERY = re.compile(r"""(\b[a-z][a-z0-9+.-]*://[^\s?#"'<>]*)\?[^\s#"'<>]*""", re.IGNORECASE)
_CREDENTIAL = re.compile(
    r"""\b(accountkey|sharedaccesskey|sharedaccesssignature|password|pwd|sig|signature|"""
    r"""access_token|client_secret)=[^;&\s"'<>]*""",
    re.IGNORECASE,
)
_TRIGGER = r"""authorizationkey|servicekey|sharedkey|configuration|\?[^"\s]*=|[a-z_]=[^\s"]|\\u"""
_TRIGGER_TEXT = re.compile(_TRIGGER, re.IGNORECASE)
_TRIGGER_BYTES = re.compile(_TRIGGER.encode(), re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


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
                out[key] = redact_configuration(item)
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


def parse_configuration(text: str) -> Any:
    """The root element of a .cscfg document, parsed without entities, DTDs or network; None when it is
    not plain XML."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(_XML_DECLARATION.sub("", text).encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None or root.getroottree().docinfo.doctype:
        return None
    return root


def redact_configuration(text: str) -> str:
    """A .cscfg document with every setting's value replaced (see the module doc); REDACTED when it
    is not plain XML."""
    if not text.strip():
        return text
    root = parse_configuration(text)
    if root is None:
        return REDACTED
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            if etree.QName(name).localname.lower() == "value":
                element.set(name, REDACTED)
            else:
                element.set(name, redact_text(element.get(name) or ""))
        if element.text and element.text.strip():
            element.text = REDACTED
        if element.tail and element.tail.strip():
            element.tail = REDACTED
    return str(etree.tostring(root, encoding="unicode"))
