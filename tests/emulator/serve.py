"""Run the ARG emulator as a process, for checks outside pytest (.ci/run scans from the installed wheel).

    python tests/emulator/serve.py STATE_DIR &

serves a small classic estate on https://127.0.0.1:PORT, writes a stand-in `az` to STATE_DIR/bin and,
once it listens, STATE_DIR/env.sh: `export` lines for CLASSIC_SCAN_ARM_ENDPOINT, REQUESTS_CA_BUNDLE
and PATH, after which `classic-scan scan --auth cli` reaches it. Runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]


def small_estate() -> list[dict[str, Any]]:
    """Two subscriptions, classic VMs in cloud services, an ExpressRoute circuit with keys to drop."""
    from arg_rows import SUB, SUB2, classic_vm, cloud_service, er_circuit_with_keys, row

    rows = [
        classic_vm("vm1", "cs1"),
        cloud_service("cs1"),
        classic_vm("vm2", "cs2", sub=SUB2),
        cloud_service("cs2", sub=SUB2),
        er_circuit_with_keys("er1"),
    ]
    for sub, name in ((SUB, "Prod"), (SUB2, "Dev")):
        sub_row = row("Microsoft.Resources/subscriptions", name, {}, sub=sub, location="")
        sub_row.update(id=f"/subscriptions/{sub}", resourceGroup="")
        rows.append(sub_row)
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: serve.py STATE_DIR", file=sys.stderr)
        return 2
    # Run as a script from anywhere (.ci/run starts it outside the checkout): `emulator` and `arg_rows`
    # live in tests/, and arg_rows builds its rows with the `tests.rowfactory` package of the checkout.
    sys.path[:0] = [str(TESTS), str(TESTS.parent)]
    from emulator import ArgEmulator
    from emulator.standin import write_fake_az

    state = Path(argv[0]).resolve()
    state.mkdir(parents=True, exist_ok=True)
    bin_dir = write_fake_az(state / "bin").parent
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with ArgEmulator(small_estate(), quota=100) as emu:
        env = {
            "CLASSIC_SCAN_ARM_ENDPOINT": emu.base_url,
            "REQUESTS_CA_BUNDLE": emu.ca_bundle,
        }
        lines = [f"export {k}={shlex.quote(v)}" for k, v in env.items()]
        lines.append(f'export PATH={shlex.quote(str(bin_dir))}:"$PATH"')
        partial = state / "env.sh.partial"
        partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
        partial.replace(state / "env.sh")  # appears whole, once the emulator listens
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
