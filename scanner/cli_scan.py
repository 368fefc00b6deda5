"""The `scan` command's work: its options settled (flags over --config, through click's
`default_map`), then validate, scan, mask, write the reports, and the exit code."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from scanner import memory
from scanner.cli_base import guard
from scanner.cli_options import (
    EXIT_INCOMPLETE,
    FAIL_ON,
    choice,
    exit_for_findings,
    live_options,
    parse_as_of,
)
from scanner.clouds import CLOUD_NAMES, Cloud
from scanner.errors import InputError
from scanner.feedback import Feedback
from scanner.wording import counted


def config_defaults(ctx: typer.Context, value: Path | None) -> Path | None:
    """`--config` (an eager option, parsed before the others): the file's values become the command's
    `default_map`, so click lets every option given on the command line win and the file fill the
    rest. A bad file is one error line and exit 2, as any bad input."""
    if value is not None and not ctx.resilient_parsing:
        from scanner.config import load_config

        ctx.default_map = {**(ctx.default_map or {}), **guard(lambda: load_config(value))}
    return value


def settled_options(ctx: typer.Context) -> dict[str, Any]:
    """The scan's options by parameter name: as click resolved them (command line, then the config's
    `default_map`, then defaults), except the config values the command line overrode by choosing
    the source or the scope as a whole (scanner.config.unchosen): those fall back to their defaults."""
    from scanner.config import unchosen

    values = dict(ctx.params)
    # By name: typer vendors click, whose ParameterSource is not public API.
    sources = {name: getattr(ctx.get_parameter_source(name), "name", "") for name in values}
    explicit = {name for name, source in sources.items() if source in ("COMMANDLINE", "ENVIRONMENT")}
    from_config = {name for name, source in sources.items() if source == "DEFAULT_MAP"}
    defaults = {param.name: param.default for param in ctx.command.params}
    for name in unchosen(values, explicit) & from_config:
        values[name] = defaults[name]
    return values


def scan_command(o: dict[str, Any], feedback: Feedback) -> int:
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
    chosen = choice("--cloud", o["cloud"], CLOUD_NAMES)
    cloud = Cloud(chosen) if chosen else None
    fail_on = choice("--fail-on", o["fail_on"], FAIL_ON)
    if o["mask"] and KEY_ENV in os.environ:
        mask_key(os.environ, {})  # a bad key stops the run before anything is read
    live = (
        None
        if offline
        else live_options(
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
        as_of=parse_as_of(o["as_of"]),
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
            result = run_scan(options, progress=feedback.collection())
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
    delta = result.history.delta if result.history is not None else None
    if delta is not None:
        counts = ", ".join(f"{k} {v}" for k, v in delta.counts().items())
        feedback.info(f"since the previous scan: {counts}")
    for waiver in result.waivers.expired:
        reopened = f", {counted(waiver.matched, 'finding')} reopened" if waiver.matched else ""
        what = f"{waiver.rule} {waiver.target}"
        feedback.warn(f"expired waiver: {what} (expired {waiver.expires}{reopened})")
    for waiver in result.waivers.unused:
        what = f"{waiver.rule} {waiver.target}"
        if waiver.no_such_rule:
            entry = waiver.entry
            feedback.warn(f"waiver entry {entry}: no such rule {waiver.rule} in the loaded rule pack")
        else:
            feedback.info(f"unused waiver: {what} matches no finding")
