"""The ``alinea`` command line (typer): the one place that registers the commands.

Each group of commands lives in its own module and imports only :mod:`alinea.cli_common`;
heavy imports happen inside the commands, so ``alinea --help`` stays instant. Data and
summaries go to stdout, progress, logs and errors to stderr. Exit codes: 0 ok, 1 failure,
2 usage error.
"""

from __future__ import annotations

from typing import Annotated

import typer

from alinea import cli_align, cli_build, cli_glossary, cli_words
from alinea._version import __version__

app = typer.Typer(
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
)
for command in COMMANDS:
    app.command()(command)


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
