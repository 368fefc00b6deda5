"""tests/emulator/serve.py as .ci/run starts it: a script run from outside the checkout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVE = Path(__file__).resolve().parents[1] / "emulator" / "serve.py"


def test_the_emulator_script_starts_from_outside_the_checkout(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    state = tmp_path / "state"
    proc = subprocess.Popen(
        [sys.executable, str(SERVE), str(state)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Waiting for a file, not timing anything: the loop ends as soon as it appears or the script exits.
        while not (state / "env.sh").exists() and proc.poll() is None:
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()[1]
        text = (state / "env.sh").read_text(encoding="utf-8")
        assert "CLASSIC_SCAN_ARM_ENDPOINT=https://127.0.0.1:" in text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
