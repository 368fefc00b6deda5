"""The `classic-scan` command line: a thin layer over scanner.scan and the rule pack.

Exit codes (DESIGN.md): 0 done; 2 usage or unreadable input; 3 findings at or above --fail-on;
4 scan incomplete (takes precedence over 3); 1 unexpected error. Messages go to stderr (one
`classic-scan: error: ...` line for every error, typer's usage errors included), results to files,
or to stdout with `--out -`.

This module declares the commands and their options; the frame (error lines, exit codes) is
scanner/cli_base.py, shared options and their checks scanner/cli_options.py, and the scan
command's work scanner/cli_scan.py.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

import scanner
from reports import FORMATS
from scanner import memory
from scanner.cli_base import CONTEXT, Command, Group, configure_streams, feedback_for, guard
from scanner.cli_options import (
    EXIT_INCOMPLETE,
    ArmDetailsOpt,
    AuthOpt,
    EndpointOpt,
    ManagementGroupOpt,
    QuietOpt,
    RulesOpt,
    SubscriptionOpt,
    TenantOpt,
    VerboseOpt,
    choice,
    live_options,
)
from scanner.cli_options import subscriptions as _subscriptions  # noqa: F401  (tests import it here)
from scanner.cli_scan import config_defaults, scan_command, settled_options
from scanner.errors import InputError
from scanner.wording import counted

app = typer.Typer(
    name="classic-scan",
    cls=Group,
    help="Read-only readiness and compliance scanner for Azure classic (ASM) resources.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
    rich_markup_mode=None,  # plain help: flags without `<bool>`, option values named by their metavar
)
rules_app = typer.Typer(
    help="List, show and validate rules.",
    no_args_is_help=True,
    context_settings=CONTEXT,
    rich_markup_mode=None,
)
app.add_typer(rules_app, name="rules")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"classic-scan {scanner.__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Read-only readiness and compliance scanner for Azure classic (ASM) resources."""


# Click rewraps help paragraphs; \b keeps the lines of the one that follows as they are.
SCAN_EPILOG = """\
\b
Examples:
  classic-scan scan --demo                      # no Azure needed
  classic-scan scan -s SUBSCRIPTION_ID --fail-on high
  classic-scan scan -i export.json -f html,xlsx --customer Contoso --logo logo.png
  classic-scan scan -i snapshot/ -f md -o - >> "$GITHUB_STEP_SUMMARY"
  classic-scan scan --config contoso.toml --history h.sqlite --waivers w.yaml

\b
Exit codes:
  0  done
  1  unexpected error
  2  usage or unreadable input (one error line, nothing written)
  3  a fail at or above --fail-on remains
  4  the scan is incomplete (something could not be read); wins over 3
"""


@app.command(cls=Command, epilog=SCAN_EPILOG, context_settings=CONTEXT)
def scan(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            metavar="PATH",
            help="Snapshot directory or ARG export (JSON, JSON Lines, CSV). Repeatable.",
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Scan the bundled demo estate (no Azure needed).")
    ] = False,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Output directory, or - for stdout (with one format: json, csv or md).",
        ),
    ] = Path("classic-scan-report"),
    formats: Annotated[
        str,
        typer.Option("--format", "-f", metavar="LIST", help=f"Comma-separated: {','.join(FORMATS)}."),
    ] = "xlsx,html,json,csv",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Evaluate dates against YYYY-MM-DD (default: today)."),
    ] = None,
    rules_dirs: Annotated[
        list[Path] | None,
        typer.Option("--rules", metavar="DIR", help="Directory of custom rules. Repeatable."),
    ] = None,
    cloud: Annotated[
        str | None,
        typer.Option(
            "--cloud", metavar="CLOUD", help="public, usgov or china (default: the snapshot's, else public)."
        ),
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", metavar="NAME", help="Customer name for report covers.")
    ] = None,
    prepared_by: Annotated[
        str | None, typer.Option("--prepared-by", metavar="NAME", help="Author or firm for report covers.")
    ] = None,
    logo: Annotated[
        Path | None,
        typer.Option(
            "--logo",
            metavar="FILE",
            help="Logo image (PNG, JPEG, GIF or SVG, at most 1 MB) for report.html and report.xlsx.",
        ),
    ] = None,
    subscription: SubscriptionOpt = None,
    management_group: ManagementGroupOpt = None,
    tenant: TenantOpt = None,
    auth: AuthOpt = "default",
    arm_endpoint: EndpointOpt = None,
    arm_details: ArmDetailsOpt = False,
    save_snapshot: Annotated[
        Path | None,
        typer.Option(
            "--save-snapshot", metavar="DIR", help="Also write what a live scan read to this directory."
        ),
    ] = None,
    waivers: Annotated[
        Path | None,
        typer.Option(
            "--waivers", metavar="FILE", help="Waivers file (YAML): justified, expiring exceptions."
        ),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            metavar="FILE",
            help="History database (SQLite): first/last seen and delta per scope.",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="SEVERITY",
            help="Exit 3 when a fail at or above this severity remains: critical, high, "
            "medium or low (waived findings do not count).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="TOML file with scan options; command-line flags win.",
            is_eager=True,  # its values are the defaults of the options parsed after it
            callback=config_defaults,
        ),
    ] = None,
    mask: Annotated[
        bool,
        typer.Option(
            "--mask/--no-mask",
            help="Replace subscription/tenant ids and resource names with stable pseudonyms in every report "
            "(key: CLASSIC_SCAN_MASK_KEY).",
        ),
    ] = False,
    compress: Annotated[
        bool,
        typer.Option(
            "--compress/--no-compress",
            help="Write findings.json.gz and findings.csv.gz (gzip) instead of the plain files.",
        ),
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Scan classic resources (live from Resource Graph, or --input files, or --demo) and write reports."""
    feedback = feedback_for(ctx, quiet, verbose)

    def run() -> int:
        with feedback.logs():  # what the pipeline logs becomes this command's stderr lines
            return scan_command(settled_options(ctx), feedback)

    raise typer.Exit(guard(run, feedback.verbose))


@app.command(cls=Command, context_settings=CONTEXT)
def collect(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Snapshot directory to write.")],
    subscription: SubscriptionOpt = None,
    management_group: ManagementGroupOpt = None,
    tenant: TenantOpt = None,
    cloud: Annotated[
        str | None, typer.Option("--cloud", metavar="CLOUD", help="public, usgov or china.")
    ] = None,
    auth: AuthOpt = "default",
    arm_endpoint: EndpointOpt = None,
    arm_details: ArmDetailsOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Only collect a snapshot from Resource Graph (for offline scans and evidence)."""
    from scanner.engine.rules import load_pack
    from scanner.live import LiveSource
    from scanner.snapshot import check_target

    feedback = feedback_for(ctx, quiet, verbose)

    def run() -> int:
        live = live_options(
            subscription, management_group, tenant, cloud, auth, arm_endpoint, arm_details, feedback.verbose
        )
        check_target(out)  # before any query: a folder we may not replace is refused up front
        source = LiveSource(live, feedback.collection(), save_to=out, rules_version=load_pack().version)
        collecting = feedback.stage("collecting", plain_line=False)
        with memory.watch(), feedback.logs(), feedback.stages(1), collecting:
            snapshot = source.read()
        rows = sum(len(r) for r in snapshot.rows.values())
        feedback.info(f"wrote snapshot {out} ({counted(rows, 'row')})")
        for issue in snapshot.issues:
            feedback.warn(f"incomplete: {issue}")
        return EXIT_INCOMPLETE if snapshot.issues else 0

    raise typer.Exit(guard(run, feedback.verbose))


@app.command(cls=Command, context_settings=CONTEXT)
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier findings.json.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later findings.json.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the delta as JSON.")] = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="CHANGE",
            help="Exit 3 when findings fail now that did not before: new (absent, unknown or manual "
            "before), regressed (passed before), or any (also waiver expired or removed).",
        ),
    ] = None,
) -> None:
    """Print what changed between two scans (categories: see the README's History and diff)."""
    from scanner.delta import FAIL_ON as DIFF_FAIL_ON
    from scanner.delta import diff_outcome

    def run() -> tuple[str, int]:
        return diff_outcome(old, new, as_json, choice("--fail-on", fail_on, tuple(DIFF_FAIL_ON)))

    text, code = guard(run)
    typer.echo(text, nl=False)
    raise typer.Exit(code)


@rules_app.command("list", cls=Command, context_settings=CONTEXT)
def rules_list(rules_dirs: RulesOpt = None) -> None:
    """List every rule: id, severity, category, target, title."""
    from scanner.engine.rules import load_pack

    pack = guard(lambda: load_pack(tuple(rules_dirs or ())))
    for rule in pack.rules:
        spec = rule.spec
        severity = spec.severity or "calendar"
        typer.echo(f"{spec.id:<9} {severity:<9} {spec.category:<15} {spec.target:<18} {spec.title}")


@rules_app.command("show", cls=Command, context_settings=CONTEXT)
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="Rule id, e.g. VM-001.")],
    rules_dirs: RulesOpt = None,
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

    typer.echo(yaml.safe_dump(guard(run), sort_keys=False, allow_unicode=True, width=100).rstrip())


@rules_app.command("validate", cls=Command, context_settings=CONTEXT)
def rules_validate(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Custom rule pack directory.")],
) -> None:
    """Validate a custom rule pack exactly as a scan would load it."""
    from scanner.engine.rules import validate_dir

    rules = guard(lambda: validate_dir(directory))
    typer.echo(f"{directory}: {counted(len(rules), 'rule')} valid: {', '.join(r.id for r in rules)}")


@rules_app.command("columns", cls=Command, context_settings=CONTEXT)
def rules_columns(
    table: Annotated[str | None, typer.Argument(metavar="TABLE", help="Only this inventory table.")] = None,
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

    guard(run)


def main() -> None:
    """Console-script entry point."""
    configure_streams()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("classic-scan: interrupted", err=True)
        sys.exit(130)
