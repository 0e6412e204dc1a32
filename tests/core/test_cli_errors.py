"""Bad input through the CLI: a one-line error naming the file, the right exit code, no
traceback, and no output folder left behind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alinea.cli import app

PT = "O acordo prevê assistência mútua em caso de agressão contra uma das partes do tratado."
ES = "El acuerdo prevé asistencia mutua en caso de agresión contra una de las partes del tratado."
EN = "The agreement provides for mutual assistance in case of aggression against either party."

runner = CliRunner()


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def good_inputs(root: Path) -> list[Path]:
    return [write(root / "pt.txt", PT), write(root / "es.txt", ES)]


def missing(root: Path) -> list[Path]:
    return [*good_inputs(root), root / "nowhere.txt"]


def empty_dir(root: Path) -> list[Path]:
    (root / "empty").mkdir(parents=True)
    write(root / "empty" / "notes.pdf", b"%PDF")
    return [root / "empty"]


def empty_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "blank.txt", "  \n\n")]


def binary_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")]


def latin1_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "latin1.txt", "Olá, ação!".encode("latin-1"))]


def bad_json_line(root: Path) -> list[Path]:
    lines = json.dumps({"text": ES}) + "\n" + '{"text": "sin cerrar\n'
    return [*good_inputs(root), write(root / "news.jsonl", lines)]


def json_without_text(root: Path) -> list[Path]:
    lines = json.dumps({"text": ES}) + "\n\n" + json.dumps({"title": "sin texto"}) + "\n"
    return [*good_inputs(root), write(root / "news.jsonl", lines)]


def all_other_language(root: Path) -> list[Path]:
    return [write(root / "en1.txt", EN), write(root / "en2.txt", EN + " Really.")]


def unsupported_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "article.pdf", b"%PDF-1.4")]


def duplicate_ids(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "other" / "pt.txt", PT + " Outra.")]


BAD_INPUTS: list[tuple[str, Callable[[Path], list[Path]], int, list[str]]] = [
    ("missing path", missing, 1, ["nowhere.txt", "no such file"]),
    ("empty directory", empty_dir, 1, ["empty", "has no .txt, .md, .jsonl files"]),
    ("empty file", empty_file, 1, ["blank.txt", "empty"]),
    ("binary file", binary_file, 1, ["image.txt", "binary"]),
    ("not UTF-8", latin1_file, 1, ["latin1.txt", "not valid UTF-8 at byte 2"]),
    ("jsonl not JSON", bad_json_line, 1, ["news.jsonl", "line 2", "not valid JSON"]),
    ("jsonl without text", json_without_text, 1, ["news.jsonl", "line 3", "missing `text`"]),
    ("all in another language", all_other_language, 1, ["one language only"]),
    ("unsupported type", unsupported_file, 1, ["article.pdf", "unsupported file type"]),
    ("duplicate ids", duplicate_ids, 1, ["'pt'", "unique id"]),
]


@pytest.mark.parametrize(
    ("case", "make", "code", "words"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, case: str, make: Callable[[Path], list[Path]], code: int, words: list[str]
) -> None:
    inputs = make(tmp_path / "in")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", *map(str, inputs), "--out", str(out), "--name", "ds"])
    assert result.exit_code == code, result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "Traceback" not in result.output
    assert message.startswith("error:"), message
    for word in words:
        assert word in " ".join(message.split()), (word, message)
    assert not out.exists(), "a failed build must leave no output folder"


def test_document_in_unexpected_language_is_skipped_and_reported(tmp_path: Path) -> None:
    inputs = [*good_inputs(tmp_path / "in"), write(tmp_path / "in" / "en.txt", EN)]
    result = runner.invoke(
        app,
        ["build", *map(str, inputs), "--out", str(tmp_path / "out"), "--langs", "pt,es", "--json"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 2
    assert [s["source"] for s in summary["skipped"]] == ["en.txt"]
    assert "English" in summary["skipped"][0]["reason"]


def test_all_documents_skipped_is_an_error(tmp_path: Path) -> None:
    inputs = all_other_language(tmp_path / "in")
    result = runner.invoke(
        app, ["build", *map(str, inputs), "--out", str(tmp_path / "out"), "--langs", "pt,es"]
    )
    assert result.exit_code == 1
    assert "no document is in pt or es" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--langs", "pt,xx", "unknown language code xx"),
        ("--langs", "pt", "expected two different codes"),
        ("--langs", "pt,pt", "expected two different codes"),
        ("--name", "../escape", "is not a folder name"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, option: str, value: str, words: str) -> None:
    inputs = good_inputs(tmp_path / "in")
    result = runner.invoke(
        app, ["build", *map(str, inputs), "--out", str(tmp_path / "out"), option, value]
    )
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert not (tmp_path / "out").exists()


def test_existing_foreign_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    inputs = good_inputs(tmp_path / "in")
    target = tmp_path / "out" / "ds"
    write(target / "thesis.tex", "precious")
    args = ["build", *map(str, inputs), "--out", str(tmp_path / "out"), "--name", "ds"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    assert "not an alinea dataset" in refused.stderr and "--force" in refused.stderr
    assert (target / "thesis.tex").read_text(encoding="utf-8") == "precious"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert not (target / "thesis.tex").exists()
    assert (target / "README.md").exists()


def test_missing_arguments_are_usage_errors() -> None:
    assert runner.invoke(app, ["build"]).exit_code == 2
    assert runner.invoke(app, ["build", "x.txt"]).exit_code == 2  # no --out
