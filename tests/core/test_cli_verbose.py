"""``-v/--verbose``: stage timings and counts on stderr; the summary's per-stage seconds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alinea.cli import app

runner = CliRunner()
STAGES = ["ingest", "segment", "align", "words", "glossary", "publish"]
PT = [
    "O presidente russo chegou a Pyongyang para uma cimeira com o líder norte-coreano.",
    "Os dois países assinaram um tratado de assistência mútua em caso de agressão.",
]
ES = [
    "El presidente ruso llegó a Pyongyang para una cumbre con el líder norcoreano.",
    "Los dos países firmaron un tratado de asistencia mutua en caso de agresión.",
]


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "pt.txt").write_text("\n".join(PT) + "\n", encoding="utf-8")
    (folder / "es.txt").write_text("\n".join(ES) + "\n", encoding="utf-8")
    return folder


def build(inputs: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    args = [
        "build",
        str(inputs),
        "--out",
        str(out),
        "--langs",
        "pt,es",
        "--encoder",
        "none",
        "--no-cache",
    ]
    result = runner.invoke(app, [*args, "--json", *extra])
    return result.exit_code, result.stdout, result.stderr


def test_verbose_logs_every_stage_with_counts(inputs: Path, tmp_path: Path) -> None:
    code, out, err = build(inputs, tmp_path / "out", "-v")
    assert code == 0, err
    logged = re.findall(r"^INFO alinea\.pipeline: (\w+): \d+\.\d\d s(.*)$", err, re.MULTILINE)
    assert [stage for stage, _ in logged] == STAGES
    counts = dict(logged)
    assert counts["ingest"] == ", 2 documents, 0 skipped"
    assert counts["segment"] == ", 4 sentences"
    assert counts["align"] == ", 2 sentence pairs"
    assert list(json.loads(out)["stage_seconds"]) == STAGES


def test_quiet_by_default(inputs: Path, tmp_path: Path) -> None:
    code, out, err = build(inputs, tmp_path / "out")
    assert code == 0 and err == ""
    summary = json.loads(out)
    assert all(s >= 0 for s in summary["stage_seconds"].values())
    assert sum(summary["stage_seconds"].values()) <= summary["seconds"] + 0.05  # rounding
