"""The `classic-scan` command line: a thin layer over scanner.scan and the rule pack.

Exit codes (DESIGN.md): 0 done; 2 usage or unreadable input; 3 findings at or above --fail-on;
4 scan incomplete (takes precedence over 3); 1 unexpected error. Logs go to stderr, results to files.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml

import scanner
from scanner import memory
from scanner.errors import InputError, ScanError, terminal_safe
from scanner.textfile import read_text_file

app = typer.Typer(
    name="classic-scan",
    help="Read-only readiness and compliance scanner for Azure classic (ASM) resources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List, show and validate rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

T = TypeVar("T")
EXIT_FINDINGS = 3
EXIT_INCOMPLETE = 4
FAIL_ON = ("critical", "high", "medium", "low")


def exit_for_findings(findings: Any, fail_on: str | None) -> int:
    """3 when a `fail` at or above `fail_on` remains (waived findings are not `fail`), else 0."""
    if fail_on is None:
        return 0
    levels = FAIL_ON[: FAIL_ON.index(fail_on) + 1]
    hits = findings[(findings["status"] == "fail") & findings["severity"].isin(levels)]
    if len(hits):
        log(f"{len(hits)} failing finding(s) at or above {fail_on}: exit {EXIT_FINDINGS}")
        return EXIT_FINDINGS
    return 0


_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Options shared by `scan` (live mode) and `collect`.
SubscriptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--subscription", "-s", help="Subscription id to read; repeatable, or @FILE with one id per line."
    ),
]
ManagementGroupOpt = Annotated[
    list[str] | None, typer.Option("--management-group", help="Management group to read; repeatable.")
]
TenantOpt = Annotated[str | None, typer.Option("--tenant", help="Tenant id or domain for authentication.")]
AuthOpt = Annotated[str, typer.Option("--auth", help="Credential: default, cli, env, msi, workload, device.")]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--arm-endpoint",
        help="ARM endpoint override (proxy, private endpoint, tests); also CLASSIC_SCAN_ARM_ENDPOINT.",
    ),
]
ArmDetailsOpt = Annotated[
    bool,
    typer.Option(
        "--arm-details",
        help="Also read, with GET requests only, classic VMs (agent and extensions), the "
        "Microsoft.ClassicInfrastructureMigrate registration and ARM usages from Resource Manager.",
    ),
]


def _subscriptions(values: list[str] | None) -> tuple[str, ...]:
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


def _live_options(
    subscription: list[str] | None,
    management_group: list[str] | None,
    tenant: str | None,
    cloud: str | None,
    auth: str,
    arm_endpoint: str | None,
    arm_details: bool = False,
) -> Any:
    from scanner.auth import AUTH_KINDS
    from scanner.live import LiveOptions
    from scanner.sources.graph import LiveScope

    subs = _subscriptions(subscription)
    groups = tuple(dict.fromkeys(g.strip() for g in management_group or [] if g.strip()))
    if subs and groups:
        raise InputError("use either --subscription or --management-group, not both")
    if auth not in AUTH_KINDS:
        raise InputError(f"--auth: {auth!r} is not one of {', '.join(AUTH_KINDS)}")
    if cloud is not None and cloud not in ("public", "usgov", "china"):
        raise InputError(f"--cloud: {cloud!r} is not one of public, usgov, china")
    return LiveOptions(
        scope=LiveScope(subscriptions=subs, management_groups=groups),
        auth=auth,
        tenant=tenant,
        cloud=cloud or "public",
        arm_endpoint=arm_endpoint,
        arm_details=arm_details,
    )


def log(message: str) -> None:
    typer.echo(f"classic-scan: {terminal_safe(message)}", err=True)


def _guard(fn: Callable[[], T]) -> T:
    """Run `fn`; turn known errors into one line on stderr and their exit code."""
    try:
        return fn()
    except ScanError as exc:
        typer.echo(f"classic-scan: error: {terminal_safe(str(exc))}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("classic-scan: interrupted; no report was replaced", err=True)
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if os.environ.get("CLASSIC_SCAN_DEBUG"):
            traceback.print_exc()
        typer.echo(
            f"classic-scan: unexpected error: {type(exc).__name__}: {terminal_safe(str(exc))} "
            "(set CLASSIC_SCAN_DEBUG=1 for details)",
            err=True,
        )
        raise typer.Exit(1) from None


def _parse_as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of: {text!r} is not a date in YYYY-MM-DD form") from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"classic-scan {scanner.__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Read-only readiness and compliance scanner for Azure classic (ASM) resources."""


@app.command()
def scan(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input", "-i", help="Snapshot directory or ARG export (JSON, JSON Lines, CSV). Repeatable."
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Scan the bundled demo estate (no Azure needed).")
    ] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("classic-scan-report"),
    formats: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated: xlsx,html,json,csv.")
    ] = "xlsx,html,json,csv",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate dates against YYYY-MM-DD (default: today).")
    ] = None,
    rules_dirs: Annotated[
        list[Path] | None, typer.Option("--rules", help="Directory of custom rules. Repeatable.")
    ] = None,
    cloud: Annotated[
        str | None,
        typer.Option("--cloud", help="public, usgov or china (default: the snapshot's, else public)."),
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Customer name for report covers.")
    ] = None,
    prepared_by: Annotated[
        str | None, typer.Option("--prepared-by", help="Author or firm for report covers.")
    ] = None,
    logo: Annotated[
        Path | None,
        typer.Option("--logo", help="Logo image (PNG, JPEG, GIF or SVG, at most 1 MB) for reports."),
    ] = None,
    subscription: SubscriptionOpt = None,
    management_group: ManagementGroupOpt = None,
    tenant: TenantOpt = None,
    auth: AuthOpt = "default",
    arm_endpoint: EndpointOpt = None,
    arm_details: ArmDetailsOpt = False,
    save_snapshot: Annotated[
        Path | None,
        typer.Option("--save-snapshot", help="Also write what a live scan read to this directory."),
    ] = None,
    waivers: Annotated[
        Path | None, typer.Option("--waivers", help="Waivers file (YAML): justified, expiring exceptions.")
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="History database (SQLite): first/last seen and delta per scope."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 3 when a fail at or above this severity remains: critical, high, "
            "medium or low (waived findings do not count).",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML file with scan options; command-line flags win.")
    ] = None,
    mask: Annotated[
        bool,
        typer.Option(
            "--mask/--no-mask",
            help="Replace subscription/tenant ids and resource names with stable pseudonyms in every report "
            "(key: CLASSIC_SCAN_MASK_KEY).",
        ),
    ] = False,
) -> None:
    """Scan classic resources (live from Resource Graph, or --input files, or --demo) and write reports."""

    def run() -> int:
        values = dict(ctx.params)
        if config is not None:
            from scanner.config import load_config, merge

            explicit = {
                name
                for name in values
                if (source := ctx.get_parameter_source(name)) is not None
                and source.name in ("COMMANDLINE", "ENVIRONMENT")
            }
            values = merge(values, explicit, load_config(config))
        return _scan_command(values)

    raise typer.Exit(_guard(run))


def _scan_command(o: dict[str, Any]) -> int:
    """The scan command once options are merged with --config: validate, scan, mask, write, exit code."""
    from reports import parse_formats, write_reports
    from scanner.branding import load_branding
    from scanner.masking import KEY_ENV, key_source, mask_key, mask_result
    from scanner.progress import ProgressPrinter
    from scanner.scan import ScanOptions, run_scan

    inputs, demo, cloud, fail_on = o["inputs"], o["demo"], o["cloud"], o["fail_on"]
    if demo and inputs:
        raise InputError("use either --demo or --input, not both")
    offline = bool(demo or inputs)
    if offline and (o["subscription"] or o["management_group"] or o["save_snapshot"]):
        raise InputError("--subscription, --management-group and --save-snapshot apply to live scans only")
    if offline and o.get("arm_details"):
        raise InputError("--arm-details applies to live scans only (a snapshot keeps what was read)")
    if cloud is not None and cloud not in ("public", "usgov", "china"):
        raise InputError(f"--cloud: {cloud!r} is not one of public, usgov, china")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise InputError(f"--fail-on: {fail_on!r} is not one of {', '.join(FAIL_ON)}")
    if o["mask"] and KEY_ENV in os.environ:
        mask_key(os.environ, {})  # a bad key stops the run before anything is read
    live = (
        None
        if offline
        else _live_options(
            o["subscription"],
            o["management_group"],
            o["tenant"],
            cloud,
            o["auth"],
            o["arm_endpoint"],
            bool(o.get("arm_details")),
        )
    )
    wanted = parse_formats(o["formats"])
    options = ScanOptions(
        inputs=tuple(inputs or ()),
        demo=demo,
        as_of=_parse_as_of(o["as_of"]),
        rules_dirs=tuple(o["rules_dirs"] or ()),
        cloud=cloud,
        branding=load_branding(o["customer"], o["prepared_by"], o["logo"]),
        live=live,
        save_snapshot=o["save_snapshot"],
        waivers=o["waivers"],
        history=o["history"],
    )
    with memory.watch():
        result = run_scan(options, log=log, progress=ProgressPrinter() if live else None)
        report = result
        if o["mask"]:
            report = mask_result(result, mask_key(os.environ, result.meta.scope))
            log(f"masked identifiers in the reports (key from {key_source(os.environ)})")
        for path in write_reports(report, o["out"], wanted):
            log(f"wrote {path}")
    _log_outcome(result)
    if not result.complete:
        for issue in result.meta.coverage.get("issues", []):
            log(f"incomplete: {issue}")
        return EXIT_INCOMPLETE
    return exit_for_findings(result.findings, fail_on)


def _log_outcome(result: Any) -> None:
    log("verdicts: " + ", ".join(f"{k} {v}" for k, v in result.summary()["by_status"].items()))
    delta = result.history.get("delta")
    if delta:
        log("since the previous scan: " + ", ".join(f"{k} {v}" for k, v in delta.get("counts", {}).items()))
    for waiver in result.waivers.get("expired", []):
        reopened = f", {waiver.get('matched')} finding(s) reopened" if waiver.get("matched") else ""
        what = f"{waiver.get('rule')} {waiver.get('target')}"
        log(f"expired waiver: {what} (expired {waiver.get('expires')}{reopened})")
    for waiver in result.waivers.get("unused", []):
        log(f"unused waiver: {waiver.get('rule')} {waiver.get('target')} matches no finding")


@app.command()
def collect(
    out: Annotated[Path, typer.Option("--out", "-o", help="Snapshot directory to write.")],
    subscription: SubscriptionOpt = None,
    management_group: ManagementGroupOpt = None,
    tenant: TenantOpt = None,
    cloud: Annotated[str | None, typer.Option("--cloud", help="public, usgov or china.")] = None,
    auth: AuthOpt = "default",
    arm_endpoint: EndpointOpt = None,
    arm_details: ArmDetailsOpt = False,
) -> None:
    """Only collect a snapshot from Resource Graph (for offline scans and evidence)."""
    from scanner.engine.rules import load_pack
    from scanner.live import collect as collect_live
    from scanner.live import save
    from scanner.progress import ProgressPrinter
    from scanner.snapshot import check_target

    def run() -> int:
        live = _live_options(subscription, management_group, tenant, cloud, auth, arm_endpoint, arm_details)
        check_target(out)  # before any query: a folder we may not replace is refused up front
        with memory.watch():
            snapshot = collect_live(live, ProgressPrinter())
            save(snapshot, out, load_pack().version)
        log(f"wrote snapshot {out} ({sum(len(r) for r in snapshot.rows.values())} rows)")
        for issue in snapshot.issues:
            log(f"incomplete: {issue}")
        return EXIT_INCOMPLETE if snapshot.issues else 0

    raise typer.Exit(_guard(run))


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier findings.json.")],
    new: Annotated[Path, typer.Argument(help="The later findings.json.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the delta as JSON.")] = False,
) -> None:
    """Print what changed between two scans: new, resolved, regressed, waiver-expired, persisting."""
    from scanner.delta import diff_command

    typer.echo(_guard(lambda: diff_command(old, new, as_json)), nl=False)


@rules_app.command("list")
def rules_list(
    rules_dirs: Annotated[
        list[Path] | None, typer.Option("--rules", help="Also load this custom pack.")
    ] = None,
) -> None:
    """List every rule: id, severity, category, target, title."""
    from scanner.engine.rules import load_pack

    pack = _guard(lambda: load_pack(tuple(rules_dirs or ())))
    for rule in pack.rules:
        spec = rule.spec
        severity = spec.severity or "calendar"
        typer.echo(f"{spec.id:<9} {severity:<9} {spec.category:<15} {spec.target:<18} {spec.title}")


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. VM-001.")],
    rules_dirs: Annotated[
        list[Path] | None, typer.Option("--rules", help="Also load this custom pack.")
    ] = None,
) -> None:
    """Show one rule in full."""
    from scanner.engine.rules import load_pack

    def run() -> dict[str, Any]:
        pack = load_pack(tuple(rules_dirs or ()))
        rule = pack.get(rule_id)
        if rule is None:
            raise InputError(f"no rule {rule_id!r}; see 'classic-scan rules list'")
        data = rule.spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        if rule.spec.retirement:
            data["retirement_entry"] = pack.calendar.entries[rule.spec.retirement].model_dump(mode="json")
        return data

    typer.echo(yaml.safe_dump(_guard(run), sort_keys=False, allow_unicode=True, width=100).rstrip())


@rules_app.command("validate")
def rules_validate(directory: Annotated[Path, typer.Argument(help="Custom rule pack directory.")]) -> None:
    """Validate a custom rule pack exactly as a scan would load it."""
    from scanner.engine.rules import validate_dir

    rules = _guard(lambda: validate_dir(directory))
    typer.echo(f"{directory}: {len(rules)} rule(s) valid: {', '.join(r.id for r in rules)}")


@rules_app.command("columns")
def rules_columns(
    table: Annotated[str | None, typer.Argument(help="Only this inventory table.")] = None,
) -> None:
    """List the inventory tables and columns rules can use."""
    from scanner.inventory.columns import TABLES

    def run() -> None:
        if table is not None and table not in TABLES:
            raise InputError(f"no table {table!r}; tables: {', '.join(TABLES)}")
        for name, spec in TABLES.items():
            if table not in (None, name):
                continue
            typer.echo(f"{name}: {spec.doc}")
            for col in spec.all_columns:
                typer.echo(f"  {col.name:<28} {col.kind:<5} {col.doc}")

    _guard(run)


def _configure_streams() -> None:
    """A console on a legacy code page (cp1252, cp437) cannot encode every character of tenant names
    or paths: print an escape for those instead of failing with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main() -> None:
    """Console-script entry point."""
    _configure_streams()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("classic-scan: interrupted", err=True)
        sys.exit(130)
