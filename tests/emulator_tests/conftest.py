"""Fixtures for the emulator's own tests."""

from __future__ import annotations

import pytest
from emulator import ArgEmulator
from emulator_support import ESTATE, SUB, SUB2, Http


@pytest.fixture(scope="module")
def shared_emu():
    """A read-only emulator shared by a module's tests (huge quota; no faults armed on it)."""
    with ArgEmulator(ESTATE, management_groups={"mg-ab": [SUB, SUB2]}, quota=10_000) as emu:
        yield emu


@pytest.fixture
def http(shared_emu):
    client = Http(shared_emu)
    yield client
    client.close()


@pytest.fixture
def emu():
    """A fresh emulator per test (for quota and faults): 5 queries per 0.5 s window."""
    with ArgEmulator(ESTATE, management_groups={"mg-ab": [SUB, SUB2]}, quota=5, window_seconds=0.5) as fresh:
        yield fresh
    assert not fresh.errors, fresh.errors


@pytest.fixture
def fresh_http(emu):
    client = Http(emu)
    yield client
    client.close()
