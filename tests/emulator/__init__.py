"""A local Azure Resource Graph emulator for the tests (HTTPS on 127.0.0.1, KQL run by duckdb-kql).

from emulator import ArgEmulator, StaticTokenCredential

with ArgEmulator(rows, quota=15, window_seconds=5.0) as emu:
    client = ResourceGraphClient(StaticTokenCredential(), base_url=emu.base_url,
                                 connection_verify=emu.ca_bundle,
                                 credential_scopes=["https://management.azure.com/.default"])
"""

from __future__ import annotations

from .arm import ArmEstate, usage
from .credential import StaticTokenCredential
from .estate import COLUMNS, TABLES, QueryError, load_estate, split_rows, table_for_type
from .faults import Faults
from .quota import QuotaTracker, format_resets_after
from .server import API_VERSIONS, ARG_PATH, DEFAULT_API_VERSION, ArgEmulator

__all__ = [
    "API_VERSIONS",
    "ARG_PATH",
    "COLUMNS",
    "DEFAULT_API_VERSION",
    "TABLES",
    "ArgEmulator",
    "ArmEstate",
    "Faults",
    "QueryError",
    "QuotaTracker",
    "StaticTokenCredential",
    "format_resets_after",
    "load_estate",
    "split_rows",
    "table_for_type",
    "usage",
]
