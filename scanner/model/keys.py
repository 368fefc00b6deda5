"""Resource ids compared without case, coded once per distinct id.

Findings name each resource many times (5.6 findings per resource at the 100k bench estate), so
lower-casing every row's id made a copy of the id column per caller (~110 MB at 550k findings, the
scan's and the report stage's peak memory, bench/RESULTS.md). Here each distinct id is lower-cased
once and the rows get codes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd


def resource_keys(ids: pd.Series[Any]) -> tuple[npt.NDArray[np.intp], pd.Index[Any]]:
    """Per row the code of its lower-cased id, and the distinct lower-cased ids in the order they
    first appear (the codes and order `pd.factorize(ids.astype(str).str.lower())` gives)."""
    raw_codes, distinct = pd.factorize(ids.astype(str), sort=False)
    key_codes, keys = pd.factorize(pd.Index(distinct).str.lower(), sort=False)
    codes: npt.NDArray[np.intp] = np.asarray(key_codes, dtype=np.intp)[raw_codes]
    return codes, pd.Index(keys)


def first_rows(codes: npt.NDArray[np.intp], count: int) -> npt.NDArray[np.intp]:
    """For codes 0..count-1, each present, the row where each first appears."""
    found, rows = np.unique(codes, return_index=True)
    if len(found) != count:
        raise ValueError("codes must cover 0..count-1")
    return np.asarray(rows, dtype=np.intp)
