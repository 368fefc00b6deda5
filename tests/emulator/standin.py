"""A stand-in `az` for subprocess tests: tokens for AzureCliCredential and a blob container on local disk.

`write_fake_az(bin_dir)` writes an executable `az` that answers
  - `az account get-access-token ...` like the real CLI (a fixed token; `--tenant` is honoured);
  - `az storage blob exists|download|upload --name N [--file F] ...` against the folder
    $FAKE_AZ_BLOBS (one file per blob name), as the samples keep their history database;
Every call is appended (one line of arguments) to $FAKE_AZ_CALLS when set. A subcommand named in
$FAKE_AZ_FAIL (space-separated, e.g. "download") fails with exit code 1 and an error on stderr,
as the real CLI does when the network or the permission is missing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOKEN = "fake-cli-token-0123456789"

_SCRIPT = r"""
import json, os, shutil, sys
from pathlib import Path

args = sys.argv[1:]
calls = os.environ.get("FAKE_AZ_CALLS")
if calls:
    with open(calls, "a", encoding="utf-8") as f:
        f.write(" ".join(args) + "\n")

def option(name):
    return args[args.index(name) + 1] if name in args else None

if args[:2] == ["account", "get-access-token"]:
    print(json.dumps(TOKEN_PAYLOAD | {"tenant": option("--tenant") or "home-tenant"}))
    sys.exit(0)
if args[:2] == ["storage", "blob"] and len(args) > 2:
    action = args[2]
    if action in os.environ.get("FAKE_AZ_FAIL", "").split():
        print(f"ERROR: stand-in az: storage blob {action} failed (injected)", file=sys.stderr)
        sys.exit(1)
    blob = Path(os.environ["FAKE_AZ_BLOBS"]) / option("--name")
    if action == "exists":
        print("true" if blob.exists() else "false")
        sys.exit(0)
    if action == "download":
        if not blob.exists():
            print("ERROR: The specified blob does not exist. ErrorCode:BlobNotFound", file=sys.stderr)
            sys.exit(1)
        shutil.copyfile(blob, option("--file"))
        sys.exit(0)
    if action == "upload":
        blob.parent.mkdir(parents=True, exist_ok=True)
        if blob.exists() and "--overwrite" not in args:
            print("ERROR: The specified blob already exists. ErrorCode:BlobAlreadyExists", file=sys.stderr)
            sys.exit(1)
        shutil.copyfile(option("--file"), blob)
        sys.exit(0)
print("ERROR: stand-in az does not know: " + " ".join(args), file=sys.stderr)
sys.exit(2)
"""


def write_fake_az(bin_dir: Path, token: str = TOKEN) -> Path:
    """Write the stand-in `az` into `bin_dir` (created) and return its path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "accessToken": token,
        "expiresOn": "2099-01-01 00:00:00.000000",
        "expires_on": 4070908800,
        "subscription": "11111111-1111-1111-1111-111111111111",
        "tokenType": "Bearer",
    }
    script = bin_dir / "az"
    script.write_text(
        f"#!{sys.executable}\nTOKEN_PAYLOAD = {json.dumps(payload)}\n{_SCRIPT}",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script
