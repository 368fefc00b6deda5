"""Replacement of identifiers in text for --mask: whole tokens, e-mail addresses, opaque pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from typing import Any

from scanner.masking_names import (
    HASH_CHARS,
    NAME_CHARS,
    PLATFORM_SUFFIXES,
    Pseudonyms,
    first_token,
    fold,
    format_pseudonym,
)

EMAIL_DOMAIN = "masked.invalid"
"""Domain of masked e-mail addresses (.invalid is reserved: never a real address)."""

#: An e-mail address in any form seen in tenant data: guest UPNs (`name_domain#EXT#@tenant…`), hosts
#: without a dot, URL-encoded `%40`, non-ASCII local parts. Broad on purpose: masking too much is safe.
EMAIL = re.compile(
    r"""[^\s@<>()\[\]{},;:"'`/\\|=&?!*]+(?:@|%40)[^\s@<>()\[\]{},;:"'`/\\|=&?!*%]+""", re.IGNORECASE
)


class Masker:
    """Replaces identifiers in values and text with their pseudonyms (memoised per string)."""

    def __init__(self, pseudonyms: Pseudonyms, key: bytes, keep_keys: frozenset[str] = frozenset()) -> None:
        self.pseudonyms = pseudonyms
        self.key = key
        self.keep_keys = keep_keys
        self._memo: dict[str, str] = {}

    def text(self, value: str) -> str:
        """A whole value: its pseudonym when it is an identifier, else its text with identifiers replaced."""
        done = self._memo.get(value)
        if done is None:
            exact = self.pseudonyms.get(value.strip()) if value.strip() else None
            if exact is not None:
                done = value.replace(value.strip(), exact)
            else:
                done = self._replace_emails_and_tokens(value)
            self._memo[value] = done
        return done

    def value(self, value: Any) -> Any:
        """A nested value: strings masked, lists and dicts element-wise; other values as they are.

        A dict key is replaced only when it is itself an identifier (a subscription id keying the
        coverage), never token-wise, and never when it is a column name (evidence keys)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self._key(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.value(v) for v in value)
        return value

    def _key(self, key: Any) -> Any:
        if not isinstance(key, str) or key in self.keep_keys:
            return key
        exact = self.pseudonyms.get(key)
        return exact if exact is not None else key

    def email(self, address: str) -> str:
        normal = fold(address.replace("%40", "@"))
        digest = hmac.new(self.key, b"email\0" + normal.encode(), hashlib.sha256).hexdigest()
        return f"user-{digest[:HASH_CHARS]}@{EMAIL_DOMAIN}"

    def opaque(self, kind: str, value: str) -> str:
        """A pseudonym for a string that is no known identifier (a waiver's regex or justification)."""
        digest = hmac.new(self.key, kind.encode() + b"\0" + fold(value.strip()).encode(), hashlib.sha256)
        return format_pseudonym(kind, digest.hexdigest()[:HASH_CHARS])

    def _replace_emails_and_tokens(self, text: str) -> str:
        if "@" not in text and "%40" not in text:
            return self._replace_tokens(text)
        out: list[str] = []
        last = 0
        for match in EMAIL.finditer(text):
            address = match.group(0).rstrip(".")  # a sentence's full stop is not part of the address
            out.append(self._replace_tokens(text[last : match.start()]))
            out.append(self.email(address))
            last = match.start() + len(address)
        out.append(self._replace_tokens(text[last:]))
        return "".join(out)

    def _replace_tokens(self, text: str) -> str:
        """Replace known values that stand as whole tokens, longest first, left to right."""
        p = self.pseudonyms
        if not text or not p.mapping:
            return text
        folded = fold(text)
        n = len(text)
        ends = [j for j in range(1, n + 1) if j == n or text[j] not in NAME_CHARS or _suffix_at(folded, j)]
        out: list[str] = []
        last = 0
        i = 0
        while i < n:
            if i > 0 and text[i - 1] in NAME_CHARS:
                i += 1
                continue
            head = first_token(folded[i : i + p.max_length + 1])
            if head not in p.first_tokens and _strip_suffix(head) not in p.first_tokens:
                i += 1
                continue
            lo = bisect_left(ends, i + 1)
            hi = bisect_right(ends, i + p.max_length)
            for k in range(hi - 1, lo - 1, -1):
                j = ends[k]
                replacement = p.mapping.get(folded[i:j])
                if replacement is not None:
                    out.append(text[last:i])
                    out.append(replacement)
                    last = i = j
                    break
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)


def _suffix_at(folded: str, j: int) -> bool:
    """Whether a platform suffix starts at `j` and ends the token there."""
    for suffix in PLATFORM_SUFFIXES:
        end = j + len(suffix)
        if folded.startswith(suffix, j) and (end == len(folded) or folded[end] not in NAME_CHARS):
            return True
    return False


def _strip_suffix(token: str) -> str:
    for suffix in PLATFORM_SUFFIXES:
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token
