"""The command line's frame: the typer group and command classes, the one-line errors and their
exit codes, and the per-command Feedback (scanner/cli.py declares the commands)."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from scanner.errors import ScanError, terminal_safe
from scanner.feedback import Feedback
from scanner.outputs import silence_stdout

T = TypeVar("T")
CONTEXT = {"help_option_names": ["-h", "--help"]}


class Group(TyperGroup):
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
            error_exit(f"{message} (see '{where} --help')", exc.exit_code)
        except ClickException as exc:
            error_exit(" ".join(exc.format_message().split()), exc.exit_code)
        except typer.Abort:
            error_exit("interrupted", 130, prefix="")
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


class Command(TyperCommand):
    """Arguments shown by their metavar alone: `diff [OPTIONS] OLD NEW`, not `{OLD} {NEW}`, and
    `OLD  The earlier findings.json.`, not `OLD <path>`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = no_type  # type: ignore[method-assign]

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(param.display_name_raw if param.required else f"[{param.display_name_raw}]")
        return pieces


def no_type(ctx: Any) -> None:
    return None


def error_exit(message: str, code: int, prefix: str = "error: ") -> NoReturn:
    typer.echo(f"classic-scan: {prefix}{message}", err=True)
    sys.exit(code)


def feedback_for(ctx: typer.Context, quiet: bool = False, verbose: bool = False) -> Feedback:
    """The command's Feedback: its own -q/-v, or the ones given before the command name."""
    root = ctx.find_root().params
    return Feedback(quiet=quiet or bool(root.get("quiet")), verbose=verbose or bool(root.get("verbose")))


def guard(fn: Callable[[], T], verbose: bool = False) -> T:
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


def configure_streams() -> None:
    """A console on a legacy code page (cp1252, cp437) cannot encode every character of tenant names
    or paths: print an escape for those instead of failing with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
