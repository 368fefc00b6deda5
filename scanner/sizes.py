"""Classic VM sizes -> the ARM size, vCPU count and ARM quota family they land on.

Sources: the previous-generation and Cloud Services size tables
(https://learn.microsoft.com/azure/virtual-machines/sizes-previous-gen,
https://learn.microsoft.com/azure/cloud-services/cloud-services-sizes-specs). The classic names
ExtraSmall..ExtraLarge are the A0..A4 sizes; quota families are the names `az vm list-usage` reports.

The A-series v1 (Standard_A0..A7, Basic_A0..A4), where ExtraSmall..A7 land, retired on 31 August 2024;
Microsoft's retirement page asks for a resize to the Av2-series
(https://learn.microsoft.com/azure/virtual-machines/av1-series-retirement). `resize_target` picks the Av2
size with the same vCPU count and at least the memory (the m variants for the memory-heavy A5..A7).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArmSize:
    """Where a classic size lands in ARM."""

    arm_size: str
    """ARM size name."""
    cores: int
    """vCPUs counted against quota."""
    family: str
    """ARM quota family (as in `az vm list-usage`)."""


def _series(family: str, pattern: str, cores: dict[str, int]) -> dict[str, ArmSize]:
    return {pattern.format(n).lower(): ArmSize(pattern.format(n), c, family) for n, c in cores.items()}


_D = {"1": 1, "2": 2, "3": 4, "4": 8, "11": 2, "12": 4, "13": 8, "14": 16}
_DV2 = {**_D, "5": 16, "15": 20}
_G = {"1": 2, "2": 4, "3": 8, "4": 16, "5": 32}

SIZES: dict[str, ArmSize] = {
    **{
        classic.lower(): ArmSize(arm, cores, "standardA0_A7Family")
        for classic, arm, cores in (
            ("ExtraSmall", "Standard_A0", 1),
            ("Small", "Standard_A1", 1),
            ("Medium", "Standard_A2", 2),
            ("Large", "Standard_A3", 4),
            ("ExtraLarge", "Standard_A4", 8),
            ("A5", "Standard_A5", 2),
            ("A6", "Standard_A6", 4),
            ("A7", "Standard_A7", 8),
        )
    },
    **_series(
        "standardA0_A7Family",
        "Standard_A{}",
        {"0": 1, "1": 1, "2": 2, "3": 4, "4": 8, "5": 2, "6": 4, "7": 8},
    ),
    **_series("standardA8_A11Family", "A{}", {"8": 8, "9": 16, "10": 8, "11": 16}),
    **_series("standardA8_A11Family", "Standard_A{}", {"8": 8, "9": 16, "10": 8, "11": 16}),
    **_series("basicAFamily", "Basic_A{}", {"0": 1, "1": 1, "2": 2, "3": 4, "4": 8}),
    **_series("standardDFamily", "Standard_D{}", _D),
    **_series("standardDv2Family", "Standard_D{}_v2", _DV2),
    **_series("standardDSFamily", "Standard_DS{}", _D),
    **_series("standardDSv2Family", "Standard_DS{}_v2", _DV2),
    **_series("standardGFamily", "Standard_G{}", _G),
    **_series("standardGSFamily", "Standard_GS{}", _G),
    **_series(
        "standardAv2Family", "Standard_A{}_v2", {"1": 1, "2": 2, "4": 4, "8": 8, "2m": 2, "4m": 4, "8m": 8}
    ),
    **_series("standardFFamily", "Standard_F{}", {"1": 1, "2": 2, "4": 4, "8": 8, "16": 16}),
    **_series("standardFSFamily", "Standard_F{}s", {"1": 1, "2": 2, "4": 4, "8": 8, "16": 16}),
}


def arm_size(classic_size: str | None) -> ArmSize | None:
    """The ARM landing size of a classic size name, or None when unknown."""
    if not classic_size:
        return None
    return SIZES.get(classic_size.strip().lower())


#: Retired A-series v1 landing size (lower-cased) -> the Av2 size to resize to.
_AV2_TARGETS: dict[str, str] = {
    **{
        f"standard_a{n}": f"Standard_A{t}_v2"
        for n, t in enumerate(("1", "1", "2", "4", "8", "2m", "4m", "8m"))
    },
    **{f"basic_a{n}": f"Standard_A{t}_v2" for n, t in enumerate(("1", "1", "2", "4", "8"))},
}


def resize_target(size: ArmSize) -> ArmSize | None:
    """The current size to resize a retired A-series v1 landing size to; None when not retired."""
    target = _AV2_TARGETS.get(size.arm_size.lower())
    return SIZES[target.lower()] if target else None
