"""Paragraphs in the build's other language inside a document: flagged at ingest, kept in the
data with their own language, never aligned, counted by the summary and the card."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from alinea.cli import app
from alinea.ingest import IngestConfig, ingest

PT = [
    "O presidente russo chegou a Pyongyang para uma cimeira com o líder norte-coreano.",
    "Os dois países assinaram um acordo de parceria estratégica que prevê assistência mútua.",
    "A visita foi a primeira de Vladimir Putin à Coreia do Norte em vinte e quatro anos.",
    "Os analistas ocidentais temem que a cooperação militar entre os dois países se aprofunde.",
]
ES = [
    "El presidente ruso llegó a Pyongyang para una cumbre con el líder norcoreano.",
    "Los dos países firmaron un acuerdo de asociación estratégica que prevé asistencia mutua.",
    "La visita fue la primera de Vladímir Putin a Corea del Norte en veinticuatro años.",
    "Los analistas occidentales temen que la cooperación militar entre ambos países se profundice.",
]
SHORT_ES = ["Sí, claro.", "Eso dijo el ministro."]


def write(folder: Path, name: str, paragraphs: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("paragraphs", "flagged"),
    [
        (PT, []),
        ([PT[0], ES[1], PT[2], ES[3]], [1, 3]),  # alternating
        ([*PT, ES[0], ES[1]], [4, 5]),  # a block at the end
        ([*PT, ES[2]], []),  # one paragraph alone is not enough evidence
        ([PT[0], SHORT_ES[0], PT[1], SHORT_ES[1], PT[2]], []),  # too short to judge
    ],
)
def test_paragraphs_in_the_other_language_are_flagged(
    tmp_path: Path, paragraphs: list[str], flagged: list[int]
) -> None:
    inputs = [write(tmp_path, "mixed.txt", paragraphs), write(tmp_path, "es.txt", ES)]
    documents = ingest(inputs, IngestConfig(langs=("pt", "es"))).documents
    rows = {row["doc_id"]: row for row in documents.iter_rows(named=True)}
    assert rows["mixed"]["lang"] == "pt"
    assert rows["mixed"]["foreign_paragraphs"] == flagged
    assert rows["es"]["foreign_paragraphs"] == []


def test_seeds_have_no_paragraph_in_the_other_language(seeds_dir: Path) -> None:
    documents = ingest([seeds_dir], IngestConfig(langs=("pt", "es"))).documents
    assert documents["foreign_paragraphs"].list.len().sum() == 0


def test_a_mixed_document_is_never_aligned_as_the_wrong_language(tmp_path: Path) -> None:
    """The issue's case: a "Portuguese" document alternating with the Spanish paragraphs of
    another input. Without the flags its Spanish paragraphs paired with the Spanish document's
    (Spanish-Spanish pairs); now they are sentences in Spanish, kept and never aligned."""
    mixed = [PT[0], ES[1], PT[2], ES[3]]
    inputs = [write(tmp_path / "in", "mixed.txt", mixed), write(tmp_path / "in", "es.txt", ES)]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", *map(str, inputs), "--out", str(out), "--name", "ds", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["other_language_paragraphs"] == 2
    sentences = pl.read_parquet(out / "ds" / "sentences" / "train.parquet")
    mixed_langs = sentences.filter(pl.col("doc_id") == "mixed").sort("idx")["lang"].to_list()
    assert mixed_langs == ["pt", "es", "pt", "es"]
    spanish_in_mixed = {"mixed:1", "mixed:3"}
    pairs = pl.read_parquet(out / "ds" / "sentence_pairs" / "train.parquet")
    assert pairs.height > 0
    assert not spanish_in_mixed & set(pairs["pt_sent_ids"].explode().to_list())
    card = (out / "ds" / "README.md").read_text(encoding="utf-8")
    assert "never aligned): 2 in 1 documents." in card
