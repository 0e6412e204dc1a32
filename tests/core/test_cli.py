"""CLI basics: help, version, JSON summary, and no heavy import before a command runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from alinea import __version__
from alinea.cli import app
from alinea.signature import parse_signature

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"alinea {__version__}"


def test_help_lists_build() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "build" in result.stdout


def test_cli_import_stays_light() -> None:
    heavy = ("polars", "pyarrow", "datasets", "lingua", "sentencex", "torch", "rich.progress")
    probe = f"import sys, alinea.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_summary(seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["build", str(seeds_dir), "--out", str(tmp_path), "--langs", "pt,es", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dataset"] == str(tmp_path / "seeds")
    assert summary["languages"]["pt"]["documents"] == 1
    assert summary["languages"]["es"]["documents"] == 4
    assert summary["boilerplate_lines"] == 4
    assert summary["dropped_duplicate_paragraphs"] == 1
    assert summary["skipped"] == []
    fields = parse_signature(summary["signature"])
    assert fields["langs"] == "pt,es" and fields["version"] == __version__
    assert list(fields)[-1] == "version"


def test_table_summary(seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(seeds_dir), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "boilerplate lines flagged: 4" in result.stdout
    assert "signature: name:seeds|" in " ".join(result.stdout.split())
