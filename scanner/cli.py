"""The `classic-scan` command line: a thin layer over scanner.scan and the rule pack.

Exit codes (DESIGN.md): 0 done; 2 usage or unreadable input; 3 findings at or above --fail-on;
4 scan incomplete (takes precedence over 3); 1 unexpected error. Messages go to stderr (one
`classic-scan: error: ...` line for every error, typer's usage errors included), results to files,
or to stdout with `--out -`.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
import yaml
from typer.core import TyperArgument, TyperCommand, TyperGroup

import scanner
from scanner import memory
from scanner.errors import InputError, ScanError, terminal_safe
from scanner.feedback import Feedback
from scanner.outputs import silence_stdout
from scanner.textfile import read_text_file
from scanner.wording import counted


class _Group(TyperGroup):
    """The root command: every usage error as one `classic-scan: error:` line (exit 2), and a reader
    that stops reading stdout (`classic-scan rules list | head -1`) ends the command quietly."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            sys.exit(0)
        except UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else self._command_path(args)
            message = " ".join(exc.format_message().split()).rstrip(".")
            _error_exit(f"{message} (see '{where} --help')", exc.exit_code)
        except ClickException as exc:
            _error_exit(" ".join(exc.format_message().split()), exc.exit_code)
        except typer.Abort:
            _error_exit("interrupted", 130, prefix="")
        sys.exit(code if isinstance(code, int) else 0)

    def _command_path(self, args: Sequence[str] | None) -> str:
        """The command a usage error without a context is about, from the arguments."""
        path: list[str] = ["classic-scan"]
        group: TyperGroup = self
        for arg in sys.argv[1:] if args is None else args:
            command = group.commands.get(arg) if not arg.startswith("-") else None
            if command is None:
                if arg.startswith("-"):
                    continue
                break
            path.append(arg)
            if not isinstance(command, TyperGroup):
                break
            group = command
        return " ".join(path)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(0) from None


class _Command(TyperCommand):
    """Arguments shown by their metavar alone: `diff [OPTIONS] OLD NEW`, not `{OLD} {NEW}`, and
    `OLD  The earlier findings.json.`, not `OLD <path>`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = _no_type  # type: ignore[method-assign]

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(param.display_name_raw if param.required else f"[{param.display_name_raw}]")
        return pieces


def _no_type(ctx: Any) -> None:
    return None


def _error_exit(message: str, code: int, prefix: str = "error: ") -> NoReturn:
    typer.echo(f"classic-scan: {prefix}{message}", err=True)
    sys.exit(code)


_CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="classic-scan",
    cls=_Group,
    help="Read-only readiness and compliance scanner for Azure classic (ASM) resources.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings=_CONTEXT,
    rich_markup_mode=None,  # plain help: flags without `<bool>`, option values named by their metavar
)
rules_app = typer.Typer(
    help="List, show and validate rules.",
    no_args_is_help=True,
    context_settings=_CONTEXT,
    rich_markup_mode=None,
)
app.add_typer(rules_app, name="rules")

T = TypeVar("T")
EXIT_FINDINGS = 3
EXIT_INCOMPLETE = 4
FAIL_ON = ("critical", "high", "medium", "low")
CLOUD_NAMES = ("public", "usgov", "china")


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
        help="Also read, with GET requests only, classic VMs (agent and extensions), the "
        "Microsoft.ClassicInfrastructureMigrate registration and ARM usages from Resource Manager.",
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
    verbose: bool = False,
) -> Any:
    from scanner.auth import AUTH_KINDS
    from scanner.live import LiveOptions
    from scanner.sources.graph import LiveScope

    subs = _subscriptions(subscription)
    groups = tuple(dict.fromkeys(g.strip() for g in management_group or [] if g.strip()))
    if subs and groups:
        raise InputError("use either --subscription or --management-group, not both")
    return LiveOptions(
        scope=LiveScope(subscriptions=subs, management_groups=groups),
        auth=choice("--auth", auth, AUTH_KINDS) or "default",
        tenant=tenant,
        cloud=choice("--cloud", cloud, CLOUD_NAMES) or "public",
        arm_endpoint=arm_endpoint,
        arm_details=arm_details,
        verbose=verbose,
    )


def _feedback(ctx: typer.Context, quiet: bool = False, verbose: bool = False) -> Feedback:
    """The command's Feedback: its own -q/-v, or the ones given before the command name."""
    root = ctx.find_root().params
    return Feedback(quiet=quiet or bool(root.get("quiet")), verbose=verbose or bool(root.get("verbose")))


def _guard(fn: Callable[[], T], verbose: bool = False) -> T:
    """Run `fn`; turn known errors into one line on stderr and their exit code (an unexpected error
    also prints its traceback with --verbose or CLASSIC_SCAN_DEBUG=1)."""
    try:
        return fn()
    except ScanError as exc:
        typer.echo(f"classic-scan: error: {terminal_safe(str(exc))}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("classic-scan: interrupted; no report was replaced", err=True)
        raise typer.Exit(130) from None
    except (typer.Exit, BrokenPipeError):
        raise
    except Exception as exc:
        if verbose or os.environ.get("CLASSIC_SCAN_DEBUG"):
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


@app.command(cls=_Command, epilog=SCAN_EPILOG, context_settings=_CONTEXT)
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
        typer.Option("--format", "-f", metavar="LIST", help="Comma-separated: xlsx,html,json,csv,junit,md."),
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
        typer.Option("--config", metavar="FILE", help="TOML file with scan options; command-line flags win."),
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
    feedback = _feedback(ctx, quiet, verbose)

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
        return _scan_command(values, feedback)

    raise typer.Exit(_guard(run, feedback.verbose))


def _scan_command(o: dict[str, Any], feedback: Feedback) -> int:
    """The scan command once options are merged with --config: validate, scan, mask, write, exit code."""
    from reports import parse_formats
    from scanner.branding import load_branding
    from scanner.masking import KEY_ENV, key_source, mask_key, mask_result
    from scanner.outputs import check_out, is_stdout
    from scanner.scan import ScanOptions, run_scan

    inputs, demo = o["inputs"], o["demo"]
    if demo and inputs:
        raise InputError("use either --demo or --input, not both")
    offline = bool(demo or inputs)
    if offline and (o["subscription"] or o["management_group"] or o["save_snapshot"]):
        raise InputError("--subscription, --management-group and --save-snapshot apply to live scans only")
    if offline and o.get("arm_details"):
        raise InputError("--arm-details applies to live scans only (a snapshot keeps what was read)")
    cloud = choice("--cloud", o["cloud"], CLOUD_NAMES)
    fail_on = choice("--fail-on", o["fail_on"], FAIL_ON)
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
            feedback.verbose,
        )
    )
    wanted = parse_formats(o["formats"])
    compress = bool(o.get("compress"))
    if compress and is_stdout(o["out"]):
        raise InputError("--compress writes files into --out DIR; to stdout, pipe the plain output to gzip")
    check_out(o["out"], wanted)  # an output that cannot be written fails now, not after the reading
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
    with memory.watch(), feedback.stages(1 + int(bool(o["mask"])) + len(wanted)):
        reading = "collecting from Resource Graph" if live else "reading and evaluating"
        with feedback.stage(reading, plain_line=False):
            result = run_scan(options, log=feedback.info, progress=feedback.collection())
        report = result
        if o["mask"]:
            with feedback.stage("masking identifiers"):
                report = mask_result(result, mask_key(os.environ, result.meta.scope))
            feedback.info(f"masked identifiers in the reports (key from {key_source(os.environ)})")
        written = _write(report, o["out"], wanted, feedback, compress)
    for path in written:
        feedback.info(f"wrote {path}")
    _log_outcome(result, feedback)
    if not result.complete:
        for issue in result.meta.coverage.get("issues", []):
            feedback.warn(f"incomplete: {issue}")
        return EXIT_INCOMPLETE
    return exit_for_findings(result.findings, fail_on, feedback)


def _write(
    report: Any, out: Path, wanted: tuple[str, ...], feedback: Feedback, compress: bool = False
) -> list[Path]:
    """Write the reports (each format one progress stage); with `--out -`, the one format to stdout."""
    from reports import OUTPUTS, file_name, write_reports
    from scanner.outputs import is_stdout, write_stdout

    if is_stdout(out):
        name = OUTPUTS[wanted[0]][0]
        with feedback.stage(f"writing {name} to stdout"):
            if not write_stdout(report, wanted[0], name):
                feedback.info("stdout was closed by its reader; the rest of the output was dropped")
        return []

    def staged() -> Iterator[str]:
        # write_reports renders each format between two steps of this iteration: one stage each.
        for fmt in wanted:
            with feedback.stage(f"writing {file_name(fmt, compress)}"):
                yield fmt

    return write_reports(report, out, staged(), compress)


def _log_outcome(result: Any, feedback: Feedback) -> None:
    feedback.info("verdicts: " + ", ".join(f"{k} {v}" for k, v in result.summary()["by_status"].items()))
    delta = result.history.get("delta")
    if delta:
        counts = ", ".join(f"{k} {v}" for k, v in delta.get("counts", {}).items())
        feedback.info(f"since the previous scan: {counts}")
    for waiver in result.waivers.get("expired", []):
        reopened = f", {counted(waiver['matched'], 'finding')} reopened" if waiver.get("matched") else ""
        what = f"{waiver.get('rule')} {waiver.get('target')}"
        feedback.warn(f"expired waiver: {what} (expired {waiver.get('expires')}{reopened})")
    for waiver in result.waivers.get("unused", []):
        what = f"{waiver.get('rule')} {waiver.get('target')}"
        if waiver.get("no_such_rule"):
            entry = waiver.get("entry")
            feedback.warn(f"waiver entry {entry}: no such rule {waiver.get('rule')} in the loaded rule pack")
        else:
            feedback.info(f"unused waiver: {what} matches no finding")


@app.command(cls=_Command, context_settings=_CONTEXT)
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
    from scanner.live import collect as collect_live
    from scanner.live import save
    from scanner.snapshot import check_target

    feedback = _feedback(ctx, quiet, verbose)

    def run() -> int:
        live = _live_options(
            subscription, management_group, tenant, cloud, auth, arm_endpoint, arm_details, feedback.verbose
        )
        check_target(out)  # before any query: a folder we may not replace is refused up front
        with memory.watch(), feedback.stages(1), feedback.stage("collecting", plain_line=False):
            snapshot = collect_live(live, feedback.collection())
            save(snapshot, out, load_pack().version)
        rows = sum(len(r) for r in snapshot.rows.values())
        feedback.info(f"wrote snapshot {out} ({counted(rows, 'row')})")
        for issue in snapshot.issues:
            feedback.warn(f"incomplete: {issue}")
        return EXIT_INCOMPLETE if snapshot.issues else 0

    raise typer.Exit(_guard(run, feedback.verbose))


@app.command(cls=_Command, context_settings=_CONTEXT)
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

    text, code = _guard(run)
    typer.echo(text, nl=False)
    raise typer.Exit(code)


@rules_app.command("list", cls=_Command, context_settings=_CONTEXT)
def rules_list(rules_dirs: RulesOpt = None) -> None:
    """List every rule: id, severity, category, target, title."""
    from scanner.engine.rules import load_pack

    pack = _guard(lambda: load_pack(tuple(rules_dirs or ())))
    for rule in pack.rules:
        spec = rule.spec
        severity = spec.severity or "calendar"
        typer.echo(f"{spec.id:<9} {severity:<9} {spec.category:<15} {spec.target:<18} {spec.title}")


@rules_app.command("show", cls=_Command, context_settings=_CONTEXT)
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

    typer.echo(yaml.safe_dump(_guard(run), sort_keys=False, allow_unicode=True, width=100).rstrip())


@rules_app.command("validate", cls=_Command, context_settings=_CONTEXT)
def rules_validate(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Custom rule pack directory.")],
) -> None:
    """Validate a custom rule pack exactly as a scan would load it."""
    from scanner.engine.rules import validate_dir

    rules = _guard(lambda: validate_dir(directory))
    typer.echo(f"{directory}: {counted(len(rules), 'rule')} valid: {', '.join(r.id for r in rules)}")


@rules_app.command("columns", cls=_Command, context_settings=_CONTEXT)
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
