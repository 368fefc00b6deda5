"""Options shared by the commands, and their checks: choices, subscription ids, the live options,
dates, and the exit code for findings at or above --fail-on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scanner.clouds import CLOUD_NAMES, Cloud
from scanner.errors import InputError
from scanner.feedback import Feedback
from scanner.textfile import read_text_file
from scanner.wording import counted

if TYPE_CHECKING:
    from scanner.live import LiveOptions

EXIT_FINDINGS = 3
EXIT_INCOMPLETE = 4
FAIL_ON = ("critical", "high", "medium", "low")


def exit_for_findings(findings: Any, fail_on: str | None, feedback: Feedback | None = None) -> int:
    """3 when a `fail` at or above `fail_on` remains (waived findings are not `fail`), else 0."""
    if fail_on is None:
        return 0
    levels = FAIL_ON[: FAIL_ON.index(fail_on) + 1]
    hits = findings[(findings["status"] == "fail") & findings["severity"].isin(levels)]
    if len(hits):
        (feedback or Feedback()).warn(
            f"{counted(len(hits), 'failing finding')} at or above {fail_on}: exit {EXIT_FINDINGS}"
        )
        return EXIT_FINDINGS
    return 0


def choice(option: str, value: str | None, choices: Sequence[str]) -> str | None:
    """`value` lower-cased when it is one of `choices` (enum values are case-insensitive)."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered not in choices:
        raise InputError(f"{option}: {value!r} is not one of {', '.join(choices)}")
    return lowered


_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Options shared by `scan` (live mode) and `collect`.
SubscriptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--subscription",
        "-s",
        metavar="ID",
        help="Subscription id to read; repeatable, or @FILE with one id per line.",
    ),
]
ManagementGroupOpt = Annotated[
    list[str] | None,
    typer.Option("--management-group", metavar="NAME", help="Management group to read; repeatable."),
]
TenantOpt = Annotated[
    str | None, typer.Option("--tenant", metavar="TENANT", help="Tenant id or domain for authentication.")
]
AuthOpt = Annotated[
    str,
    typer.Option("--auth", metavar="KIND", help="Credential: default, cli, env, msi, workload or device."),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--arm-endpoint",
        metavar="URL",
        help="ARM endpoint override (proxy, private endpoint, tests); also CLASSIC_SCAN_ARM_ENDPOINT.",
    ),
]
ArmDetailsOpt = Annotated[
    bool,
    typer.Option(
        "--arm-details",
        help="Also read, with GET requests only, classic VMs (agent and extensions), Cloud Services "
        "(extended support), the Microsoft.ClassicInfrastructureMigrate registration and ARM usages from "
        "Resource Manager.",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only warnings and errors on stderr: no progress, no notes.")
]
VerboseOpt = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="More detail on stderr (the traceback of an unexpected error)."),
]
RulesOpt = Annotated[
    list[Path] | None, typer.Option("--rules", metavar="DIR", help="Also load this custom pack. Repeatable.")
]


def subscriptions(values: list[str] | None) -> tuple[str, ...]:
    ids: list[str] = []
    for value in values or []:
        if value.startswith("@"):
            lines = read_text_file(Path(value[1:]), f"--subscription {value}").splitlines()
            ids.extend(line.split("#")[0].strip() for line in lines)
        else:
            ids.extend(part.strip() for part in value.split(","))
    ids = [i for i in ids if i]
    bad = [i for i in ids if not _GUID.match(i)]
    if bad:
        raise InputError(f"--subscription: {bad[0]!r} is not a subscription id (GUID)")
    return tuple(dict.fromkeys(i.lower() for i in ids))


def live_options(
    subscription: list[str] | None,
    management_group: list[str] | None,
    tenant: str | None,
    cloud: str | None,
    auth: str,
    arm_endpoint: str | None,
    arm_details: bool = False,
    verbose: bool = False,
) -> LiveOptions:
    from scanner.auth import AUTH_KINDS
    from scanner.live import LiveOptions
    from scanner.sources.graph import LiveScope

    subs = subscriptions(subscription)
    groups = tuple(dict.fromkeys(g.strip() for g in management_group or [] if g.strip()))
    if subs and groups:
        raise InputError("use either --subscription or --management-group, not both")
    return LiveOptions(
        scope=LiveScope(subscriptions=subs, management_groups=groups),
        auth=choice("--auth", auth, AUTH_KINDS) or "default",
        tenant=tenant,
        cloud=Cloud(choice("--cloud", cloud, CLOUD_NAMES) or Cloud.PUBLIC),
        arm_endpoint=arm_endpoint,
        arm_details=arm_details,
        verbose=verbose,
    )


def parse_as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of: {text!r} is not a date in YYYY-MM-DD form") from None
