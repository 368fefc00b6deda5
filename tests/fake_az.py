"""A stand-in `az` for AzureCliCredential: answers `az account get-access-token` like the real CLI.

AzureCliCredential runs `/bin/sh -c "az ..."` on Linux and macOS and `cmd /c "az ..."` on Windows, so
both an executable `az` script and an `az.cmd` batch file are written; each prints the same JSON.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path


def install_fake_az(bin_dir: Path, token: str, subscription: str) -> Path:
    """Write the stand-in into `bin_dir` (put it first on PATH); returns the POSIX script."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    answer = bin_dir / "az-token.json"
    answer.write_text(
        json.dumps(
            {
                "accessToken": token,
                "expiresOn": "2099-01-01 00:00:00.000000",
                "expires_on": 4070908800,
                "subscription": subscription,
                "tenant": "t",
                "tokenType": "Bearer",
            }
        )
    )
    script = bin_dir / "az"
    script.write_text(f"#!/bin/sh\ncat '{answer}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    (bin_dir / "az.cmd").write_text(f'@type "{answer}"\r\n')
    return script
