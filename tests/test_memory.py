"""The memory budget: sizes, the running watch, and a 1 GB input that must fail cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scanner import memory
from scanner.cli import app
from scanner.errors import InputError

#: The performance issue's memory target for a whole run.
TARGET = int(1.5 * 2**30)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1610612736", 1610612736),
        ("1536M", 1536 * 2**20),
        ("1.5G", TARGET),
        ("1.5GiB", TARGET),
        ("64k", 65536),
    ],
)
def test_sizes(text, size):
    assert memory.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "abc", "-1G", "0", "1.5X", "G"])
def test_bad_sizes_are_one_line_input_errors(text):
    with pytest.raises(InputError, match="CLASSIC_SCAN_MEMORY_LIMIT") as err:
        memory.parse_size(text)
    assert "\n" not in str(err.value)


def test_the_default_budget_leaves_the_machine_room(monkeypatch):
    monkeypatch.delenv(memory.LIMIT_ENV, raising=False)
    budget = memory.limit()
    assert budget is not None  # psutil reads it on every platform
    assert memory.resident() < budget < memory.resident() + memory.available()  # type: ignore[operator]


def test_the_watch_stops_a_run_that_outgrows_its_budget():
    ballast: list[bytearray] = []

    def grow() -> None:
        for _ in range(200):  # up to 2 GB, in steps the sampler sees
            ballast.append(bytearray(10 * 2**20))
            time.sleep(0.02)

    with pytest.raises(memory.MemoryBudgetError) as err, memory.watch(memory.resident() + 64 * 2**20):
        grow()
    assert "over the budget of" in str(err.value)
    assert len(ballast) < 200
    assert "\n" not in str(err.value)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is put back


def test_the_watch_is_silent_within_the_budget():
    with memory.watch(memory.resident() + 2**30):
        time.sleep(3 * memory.SAMPLE_SECONDS)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_scan_over_budget_stops_cleanly_and_keeps_the_previous_reports(tmp_path, monkeypatch):
    runner = CliRunner()
    out = tmp_path / "out"
    first = runner.invoke(app, ["scan", "--demo", "--out", str(out), "--format", "json,csv"])
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import scanner.scan as scan_mod

    build = scan_mod.build_inventory

    def bloated(snapshot):  # a scan that grows past its budget after the input check passed
        ballast = [bytearray(10 * 2**20)]
        for _ in range(200):
            ballast.append(bytearray(10 * 2**20))
            time.sleep(0.02)
        return build(snapshot)

    monkeypatch.setattr(scan_mod, "build_inventory", bloated)
    monkeypatch.setenv(memory.LIMIT_ENV, str(memory.resident() + 128 * 2**20))
    result = runner.invoke(app, ["scan", "--demo", "--out", str(out), "--format", "json,csv"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("classic-scan: error")]
    assert len(lines) == 1 and "over the budget" in lines[0] and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no partial or replaced file


@pytest.mark.skipif(sys.platform == "win32", reason="measures the peak with the POSIX resource module")
def test_a_1gb_input_fails_cleanly_within_the_memory_target(tmp_path):
    """Issue 8: a 1 GB input either completes within 1.5 GB or fails cleanly. At about 9 bytes of
    memory per input byte a 1 GB estate cannot fit, so the scan must refuse it before reading."""
    big = tmp_path / "estate.jsonl"
    line = json.dumps(
        {
            "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
            "Microsoft.ClassicCompute/virtualMachines/vm",
            "type": "microsoft.classiccompute/virtualmachines",
            "name": "vm",
            "location": "westeurope",
            "subscriptionId": "00000000-0000-0000-0000-000000000001",
            "resourceGroup": "rg",
            "properties": {"padding": "x" * 900},
        }
    )
    block = ((line + "\n") * (2**20 // (len(line) + 1))).encode()
    with big.open("wb") as fh:
        while fh.tell() < 2**30:
            fh.write(block)
    out, peak = tmp_path / "out", tmp_path / "peak"
    code = (
        "import resource, sys\n"
        "from scanner.cli import main\n"
        "try:\n    main()\n"
        "finally:\n"
        f"    open({str(peak)!r}, 'w').write(\n"
        "        str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))\n"
    )
    env = {**os.environ, memory.LIMIT_ENV: str(TARGET)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, "scan", "--input", str(big), "--out", str(out)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
    finally:
        big.unlink()  # pytest keeps recent temporary folders: do not leave 1 GB behind
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "of memory and the budget is 1.5 GiB" in done.stderr
    assert "Traceback" not in done.stderr
    assert int(Path(peak).read_text()) < TARGET
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".classic-scan")]


def test_ctrl_c_during_the_watch_is_still_an_interrupt():
    with pytest.raises(KeyboardInterrupt), memory.watch(memory.resident() + 2**30):
        signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_ctrl_c_stays_ignored_under_the_watch():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with memory.watch(memory.resident() + 2**30):
            signal.raise_signal(signal.SIGINT)  # nohup'd or backgrounded runs ignore SIGINT: keep doing so
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_watch_needs_no_posix_signal(monkeypatch):
    """Windows has no SIGUSR1: the watch interrupts through SIGINT, which every platform has."""
    monkeypatch.delattr(signal, "SIGUSR1")
    ballast: list[bytearray] = []

    def grow() -> None:
        for _ in range(200):
            ballast.append(bytearray(10 * 2**20))
            time.sleep(0.02)

    with pytest.raises(memory.MemoryBudgetError), memory.watch(memory.resident() + 32 * 2**20):
        grow()
    assert len(ballast) < 200


def test_a_cgroup_limit_lowers_the_budget(tmp_path, monkeypatch):
    monkeypatch.delenv(memory.LIMIT_ENV, raising=False)
    (tmp_path / "memory.max").write_text(f"{3 * 2**30}\n")
    (tmp_path / "memory.current").write_text(f"{2 * 2**30}\n")
    monkeypatch.setattr(memory, "CGROUP_ROOT", tmp_path)
    monkeypatch.setattr(memory, "available", lambda: 64 * 2**30)
    assert memory.limit() == memory.resident() + int(2**30 * memory.AVAILABLE_SHARE)


def test_without_cgroups_the_budget_is_the_available_memory(tmp_path, monkeypatch):
    monkeypatch.delenv(memory.LIMIT_ENV, raising=False)
    monkeypatch.setattr(memory, "CGROUP_ROOT", tmp_path / "absent")  # macOS, Windows
    monkeypatch.setattr(memory, "available", lambda: 10 * 2**30)
    assert memory.limit() == memory.resident() + int(10 * 2**30 * memory.AVAILABLE_SHARE)
