"""`alinea wordalign` and `alinea wordprior`: the Pharaoh contract (one line per input line, in
order), thresholds, priors, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alinea.cli import app

runner = CliRunner()
LINES = [
    "o tratado de assistência mútua ||| el tratado de asistencia mutua",
    "",
    "Putin e Kim assinaram o acordo ||| Putin y Kim firmaron el acuerdo",
    "o acordo ||| el acuerdo",
    "a Rússia ||| ",
]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wordalign(*args: str) -> tuple[int, list[str], str]:
    result = runner.invoke(app, ["wordalign", *args, "--src-lang", "pt", "--tgt-lang", "es"])
    return result.exit_code, result.stdout.splitlines(), result.stderr


def links(line: str) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in (cell.split(":")[0].split("-") for cell in line.split())}


def test_one_pharaoh_line_per_input_line_in_order(tmp_path: Path) -> None:
    code, out, _ = wordalign(str(write(tmp_path / "in.txt", LINES)))
    assert code == 0 and len(out) == len(LINES)
    assert out[1] == "" and out[4] == ""  # a blank line and an empty side: no links
    assert {(0, 0), (1, 1), (3, 3), (4, 4)} <= links(out[0])  # tratado, de, assistência, mútua
    assert {(0, 0), (2, 2)} <= links(out[2])  # Putin, Kim
    for line, text in zip(out, LINES, strict=True):
        if text.strip():
            src, tgt = (side.split() for side in text.split("|||"))
            assert all(i < len(src) and j < len(tgt) for i, j in links(line))


def test_scores_and_threshold(tmp_path: Path) -> None:
    path = str(write(tmp_path / "in.txt", LINES))
    _, scored, _ = wordalign(path, "--scores")
    values = [float(cell.split(":")[1]) for line in scored for cell in line.split()]
    assert values and all(0.0 <= v <= 1.0 for v in values)
    _, strict, _ = wordalign(path, "--threshold", "0.9")
    assert all(links(s) <= links(p) for s, p in zip(strict, scored, strict=True))
    assert sum(map(len, map(links, strict))) <= sum(map(len, map(links, scored)))


def test_wordprior_then_wordalign_with_it(tmp_path: Path) -> None:
    corpus = write(tmp_path / "corpus.txt", [line for line in LINES if "|||" in line] * 3)
    prior = tmp_path / "priors" / "pt-es.npz"
    result = runner.invoke(
        app,
        ["wordprior", str(corpus), "--src-lang", "pt", "--tgt-lang", "es", "--out", str(prior)],
    )
    assert result.exit_code == 0 and prior.is_file()
    code, out, _ = wordalign(str(write(tmp_path / "in.txt", LINES[:1])), "--prior", str(prior))
    assert code == 0 and len(out) == 1
    args = ["wordalign", str(tmp_path / "in.txt"), "--src-lang", "en", "--tgt-lang", "fr"]
    other = runner.invoke(app, [*args, "--prior", str(prior)])
    assert other.exit_code == 1 and "prior is for pt-es, not en-fr" in other.stderr


@pytest.mark.parametrize(
    ("lines", "args", "code", "message"),
    [
        (["a b c"], [], 1, "line 1: expected 'source tokens ||| target tokens'"),
        (["a ||| b ||| c"], [], 1, "found 2 '|||'"),
        (LINES, ["--method", "best"], 2, "--method: expected argmax, itermax or match, got 'best'"),
        (LINES, ["--prior", "/no/such/prior.npz"], 1, "no such file"),
        (LINES, ["--prior", "x.npz", "--no-prior"], 2, "--prior and --no-prior exclude"),
        (LINES, ["--word-model", "/no/such/model"], 1, "not available locally"),
    ],
)
def test_errors_are_one_line(
    tmp_path: Path, lines: list[str], args: list[str], code: int, message: str
) -> None:
    exit_code, out, err = wordalign(str(write(tmp_path / "in.txt", lines)), *args)
    assert exit_code == code and out == []
    assert message in err and len(err.strip().splitlines()) == 1


def test_missing_and_binary_inputs(tmp_path: Path) -> None:
    assert wordalign(str(tmp_path / "missing.txt"))[0] == 1
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    code, _, err = wordalign(str(tmp_path / "bin.txt"))
    assert code == 1 and "binary" in err
