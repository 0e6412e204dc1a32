"""The ``alinea`` command line (typer): the one place that registers the commands.

Each group of commands lives in its own module and imports only :mod:`alinea.cli_common`;
heavy imports happen inside the commands, so ``alinea --help`` stays instant. Data and
summaries go to stdout, progress, logs and errors to stderr. Exit codes: 0 ok, 1 failure,
2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer._click import exceptions as click  # typer vendors click; its UsageError is not public
from typer.core import TyperGroup

from alinea import cli_align, cli_build, cli_cache, cli_glossary, cli_report, cli_words
from alinea._version import __version__
from alinea.cli_common import print_error


class _Commands(TyperGroup):
    """alinea's command group: click's own usage errors (a missing argument, an unknown
    option, a value of the wrong type) are one line on stderr, like alinea's, exit code 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        run = (args, prog_name, complete_var, False, windows_expand_args)
        if not standalone_mode:
            return super().main(*run, **extra)
        try:
            code = super().main(*run, **extra)
        except click.NoArgsIsHelpError as err:
            if err.format_message().strip():  # rich help is already printed when it is made
                typer.echo(err.format_message())
            code = err.exit_code
        except click.UsageError as err:
            where = f" (see `{err.ctx.command_path} --help`)" if err.ctx else ""
            message = " ".join(err.format_message().split())
            print_error(f"{message}{where}")
            code = err.exit_code
        except click.ClickException as err:
            err.show()
            code = err.exit_code
        except typer.Abort:
            code = 1
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_Commands,
    name="alinea",
    help="Turn comparable multilingual news into alignment and terminology datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
COMMANDS = (
    cli_build.build,
    cli_align.align,
    cli_words.wordalign,
    cli_words.wordprior,
    cli_glossary.lookup,
    cli_glossary.review,
    cli_report.report,
)
for command in COMMANDS:
    app.command()(command)
app.add_typer(cli_cache.app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"alinea {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Turn comparable multilingual news into alignment and terminology datasets."""


def main() -> None:
    """Console-script entry point."""
    app()
