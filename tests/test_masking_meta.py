"""--mask of the scan metadata (scanner.masking_meta): every ScanMeta field has a decision, and one
that has none stops masking instead of reaching a report unmasked."""

from __future__ import annotations

import dataclasses

import pytest

from scanner.errors import ScanError
from scanner.masking_meta import MASKED_META_FIELDS, PLAIN_META_FIELDS, mask_meta
from scanner.masking_names import Identifiers
from scanner.masking_text import Masker
from scanner.model import ScanMeta

KEY = bytes(range(32))
SUB = "3b9e6d2a-41c7-4f85-a0d3-8e2c5f7b1a94"


def meta(**changes: object) -> ScanMeta:
    plain = {name: "x" for name in PLAIN_META_FIELDS}
    return dataclasses.replace(
        ScanMeta(**plain, scope={"subscriptions": [SUB]}, coverage={"issues": [f"{SUB}: denied"]}),
        **changes,
    )


def masker() -> Masker:
    found = Identifiers()
    found.add(SUB, "sub")
    return Masker(found.pseudonyms(KEY), KEY)


def test_every_meta_field_has_a_masking_decision():
    assert PLAIN_META_FIELDS.isdisjoint(MASKED_META_FIELDS)
    assert {f.name for f in dataclasses.fields(ScanMeta)} == PLAIN_META_FIELDS | MASKED_META_FIELDS


def test_scope_and_coverage_are_masked_and_marked():
    m = masker()
    shown = mask_meta(meta(), m)
    pseudonym = m.text(SUB)
    assert shown.scope == {"subscriptions": [pseudonym], "masked": True}
    assert shown.coverage == {"issues": [f"{pseudonym}: denied"]}
    assert shown.id == "x"


def test_a_meta_field_masking_does_not_know_is_refused():
    @dataclasses.dataclass(frozen=True)
    class Extended(ScanMeta):
        operator: str = ""

    plain = {name: "x" for name in PLAIN_META_FIELDS}
    extended = Extended(**plain, scope={}, coverage={}, operator="ana@contoso.example")
    with pytest.raises(ScanError, match="operator"):
        mask_meta(extended, masker())
