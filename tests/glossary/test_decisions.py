"""Translators' decisions: the review file, its errors, and decisions that survive a rebuild
with more documents (the real CLI on the seeds)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from alinea.cli import app
from alinea.errors import InputFormatError, UsageError
from alinea.glossary.decisions import read_decisions, review_columns

LANGS = ("pt", "es")
EXTRA_PT = "A cimeira de Pyongyang terminou. O Governo russo falou de tudo com a RPDC."


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def glossary_of(dataset: Path) -> pl.DataFrame:
    return pl.read_parquet(dataset / "glossary" / "train.parquet")


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["t1", "a", "b", "maybe", "", ""]], "line 2: decision 'maybe' is not one of"),
        ([["t1", "a", "b", "edit", "", ""]], "line 2: edit without pt_edit or es_edit"),
        ([["", "", "", "accept", "", ""]], "line 2: no term_id and no term to decide on"),
    ],
)
def test_a_bad_row_is_a_one_line_error(tmp_path: Path, rows: list[list[str]], message: str) -> None:
    header = ["term_id", "pt", "es", "decision", "pt_edit", "es_edit"]
    with pytest.raises(InputFormatError, match=message):
        read_decisions(write_tsv(tmp_path / "d.tsv", header, rows))


def test_not_a_decisions_file(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="not a decisions file"):
        read_decisions(write_tsv(tmp_path / "d.tsv", ["pt", "es"], [["a", "b"]]))
    (tmp_path / "latin1.tsv").write_bytes("term_id\tpt\n\xe7\n".encode("latin-1"))
    with pytest.raises(InputFormatError, match="not UTF-8"):
        read_decisions(tmp_path / "latin1.tsv")


def test_languages_are_the_files_and_orient_to_the_build(tmp_path: Path) -> None:
    header = review_columns(("es", "pt"))
    row = ["", "tratado", "tratado", "", "", "", "edit", "", "acordo", "", "", ""]
    decisions = read_decisions(write_tsv(tmp_path / "d.tsv", header, [row]))
    assert decisions.langs == ("es", "pt")
    (decided,) = decisions.oriented(LANGS).rows
    assert decided.kept_forms == ("acordo", "tratado")
    with pytest.raises(UsageError, match="the file is about es-pt, the build about pt-gl"):
        decisions.oriented(("pt", "gl"))


def test_decisions_hold_through_a_rebuild_with_one_more_document(
    seed_build: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    review = tmp_path / "review.tsv"
    assert "entries to review" in cli("review", str(seed_build), "--export", str(review))
    rows = read_rows(review)
    assert list(rows[0]) == review_columns(LANGS)
    before = glossary_of(seed_build)
    assert len(rows) == before.height and all(r["decision"] == "" for r in rows)
    decided = {
        ("tudo", "pasando"): {"decision": "reject"},
        ("Apreciamos", "Apreciamos"): {"decision": "reject"},
        ("Presidente russo", "presidente ruso"): {
            "decision": "edit",
            "pt_edit": "presidente russo",
        },
        ("cimeira", "cumbre"): {"decision": "accept", "note": "checked"},
    }
    for row in rows:
        row |= decided.get((row["pt"], row["es"]), {})
    assert sum(r["decision"] != "" for r in rows) == len(decided)  # every pair was in the build
    filled = write_tsv(tmp_path / "decisions.tsv", list(rows[0]), [list(r.values()) for r in rows])

    more = tmp_path / "more"
    shutil.copytree(seeds_dir, more)
    (more / "005_extra_pt.txt").write_text(EXTRA_PT + "\n", encoding="utf-8")
    out = tmp_path / "out"
    cli("build", str(more), "--out", str(out), "--name", "more", "--langs", "pt,es",
        "--encoder", "none", "--decisions", str(filled), "--json")  # fmt: skip
    after = glossary_of(out / "more")
    pairs = {(r["pt"], r["es"]): r for r in after.iter_rows(named=True)}
    assert ("tudo", "pasando") not in pairs and ("Apreciamos", "Apreciamos") not in pairs
    assert not after.filter(pl.col("pt") == "Apreciamos").height  # unpaired as well: gone
    assert pairs["presidente russo", "presidente ruso"]["status"] == "reviewed"
    assert "Presidente russo" in pairs["presidente russo", "presidente ruso"]["pt_variants"]
    assert pairs["cimeira", "cumbre"]["status"] == "reviewed"
    assert after.filter(pl.col("status") == "reviewed").height == 2
    assert "glossary.decisions:sha-" in (out / "more" / "README.md").read_text(encoding="utf-8")

    # exported again, the reviewed entries come back as accepted: the decisions are kept
    again = tmp_path / "again.tsv"
    cli("review", str(out / "more"), "--export", str(again))
    accepted = {(r["pt"], r["es"]) for r in read_rows(again) if r["decision"] == "accept"}
    assert accepted == {("presidente russo", "presidente ruso"), ("cimeira", "cumbre")}


def test_an_accepted_entry_the_build_no_longer_finds_is_kept(
    tiny_news: Path, tmp_path: Path
) -> None:
    header = review_columns(LANGS)
    row = ["", "parceria estratégica", "asociación estratégica", "", "", "", "accept"]
    filled = write_tsv(tmp_path / "d.tsv", header, [row + [""] * 5])
    out = tmp_path / "out"
    cli("build", str(tiny_news), "--out", str(out), "--name", "tiny", "--langs", "pt,es",
        "--encoder", "none", "--decisions", str(filled))  # fmt: skip
    kept = glossary_of(out / "tiny").filter(pl.col("status") == "reviewed")
    assert kept.select("pt", "es", "pt_freq").rows() == [
        ("parceria estratégica", "asociación estratégica", 0)
    ]
