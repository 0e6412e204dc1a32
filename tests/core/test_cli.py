"""CLI basics: help, version, JSON and table summaries, and no heavy import before a command runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from alinea import __version__
from alinea.cli import app
from alinea.cli_build import statuses
from alinea.signature import parse_signature
from tests.conftest import DATASET_NAME, SeedBuild

runner = CliRunner()
WIDE = {"COLUMNS": "200"}  # rich truncates long option names in a narrow terminal
OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")
ARGUMENT = re.compile(r"^\*\s+(\S+)")  # "*    inputs...   <list[Path]>  Files ..."

# command -> (first line of its help, every option it takes); --help comes with each
COMMANDS: dict[str, tuple[str, set[str]]] = {
    "build": (
        "Build a dataset (sentence and word alignments, glossary, exports) from two-language news.",
        {"--out", "-o", "--name", "--langs", "--locale", "--force", "--max-file-mb", "--mode",
         "--encoder", "--threshold", "--word-model", "--json", "--verbose", "-v", "--cache-dir",
         "--no-cache", "--engine", "--address", "--workers", "--decisions",
         "--include-candidates"},
    ),
    "align": (
        "Align the sentences of two files; one JSON object per pair on stdout.",
        {"--src-lang", "--tgt-lang", "--mode", "--one-per-line", "--threshold", "--encoder",
         "--explain", "--verbose", "-v", "--cache-dir", "--no-cache"},
    ),
    "lookup": (
        "Fuzzy-search the glossary (both languages, variants); print entries with concordance.",
        {"--dataset", "-d", "--limit", "--lines", "--json", "--verbose", "-v"},
    ),
    "wordalign": (
        "Word-align tokenised sentence pairs; one Pharaoh line (i-j ...) per input line.",
        {"--src-lang", "--tgt-lang", "--method", "--threshold", "--prior", "--no-prior",
         "--word-model", "--layer", "--scores", "--verbose", "-v"},
    ),
    "report": (
        "Write an offline HTML report of a dataset: summary, sentence pairs, searchable glossary.",
        {"--out", "-o", "--verbose", "-v"},
    ),
    "review": (
        "Write a dataset's glossary as a decisions file to fill in (for build --decisions).",
        {"--export", "--verbose", "-v"},
    ),
    "wordprior": (
        "Learn a lexical prior (expected translation counts) from a parallel corpus.",
        {"--src-lang", "--tgt-lang", "--out", "--min-count", "--verbose", "-v"},
    ),
}  # fmt: skip
GROUPS = {
    "cache": ("Inspect or clear the cache of embeddings and pair alignments.", {"info", "clear"})
}
ARGUMENTS = {  # all required
    "build": ["inputs..."],
    "align": ["src", "tgt"],
    "lookup": ["query"],
    "report": ["dataset"],
    "review": ["dataset"],
    "wordalign": ["file"],
    "wordprior": ["corpus"],
}


def box(output: str, title: str) -> list[str]:
    """The inner lines of one of rich's help panels (``╭─ Commands ─...╮`` to ``╰``)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"╭─ {title} "))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    return [line.strip("│ ") for line in lines[start + 1 : end]]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"alinea {__version__}\n"


def test_help_lists_every_command() -> None:
    registered = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert set(registered) == set(COMMANDS) | set(GROUPS)
    result = runner.invoke(app, ["--help"], env=WIDE)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].strip() == "Usage: alinea [OPTIONS] COMMAND [ARGS]..."
    listed = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in box(result.stdout, "Commands"))
    assert listed == {name: summary for name, (summary, _) in (COMMANDS | GROUPS).items()}
    assert set(OPTION.findall("\n".join(box(result.stdout, "Options")))) == {"--version", "--help"}


def test_no_arguments_print_the_help_as_a_usage_error() -> None:
    result = runner.invoke(app, [], env=WIDE, standalone_mode=True)
    assert result.exit_code == 2
    assert result.stdout.rstrip() == runner.invoke(app, ["--help"], env=WIDE).stdout.rstrip()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_help_lists_its_options(command: str) -> None:
    summary, options = COMMANDS[command]
    declared = typer.main.get_command(app).commands[command].params  # type: ignore[attr-defined]
    assert {
        o for p in declared for o in [*p.opts, *p.secondary_opts] if o.startswith("-")
    } == options
    result = runner.invoke(app, [command, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[1].strip().startswith(f"Usage: alinea {command} [OPTIONS] ")
    assert result.stdout.splitlines()[3].strip() == summary
    assert set(OPTION.findall("\n".join(box(result.stdout, "Options")))) == options | {"--help"}
    arguments = [m[1] for line in box(result.stdout, "Arguments") if (m := ARGUMENT.match(line))]
    assert arguments == ARGUMENTS[command]


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_each_group_lists_its_commands(group: str) -> None:
    registered = typer.main.get_command(app).commands[group].commands  # type: ignore[attr-defined]
    assert set(registered) == GROUPS[group][1]
    result = runner.invoke(app, [group, "--help"], env=WIDE)
    assert result.exit_code == 0 and result.stdout.splitlines()[3].strip() == GROUPS[group][0]
    listed = {re.split(r"\s{2,}", line)[0] for line in box(result.stdout, "Commands")}
    assert listed == GROUPS[group][1]


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: No such command 'frobnicate'. (see `alinea --help`)\n"


def test_cli_import_stays_light() -> None:
    heavy = ("polars", "pyarrow", "datasets", "lingua", "sentencex", "torch", "rich.progress")
    probe = f"import sys, alinea.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def dataset_counts(dataset: Path) -> dict[str, int]:
    """What a summary must report, read back from the parquet files of the dataset."""

    def read(config: str) -> pl.DataFrame:
        return pl.read_parquet(dataset / config / "train.parquet")

    return {
        "sentence_pairs": read("sentence_pairs").height,
        "word_links": int(read("word_alignments")["links"].list.len().sum()),
        "glossary_entries": read("glossary").height,
        "glossary_statuses": dict(sorted(read("glossary").group_by("status").len().iter_rows())),
    }


@pytest.mark.parametrize(("flag", "shown"), [([], None), (["--include-candidates"], "yes")])
def test_include_candidates_option(
    tiny_news: Path, tmp_path: Path, flag: list[str], shown: str | None
) -> None:
    """--include-candidates reaches the exports' config: the signature and the card say so."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(tiny_news), "--out", str(out), "--json", *flag])
    assert result.exit_code == 0, result.output
    signature = json.loads(result.stdout)["signature"]
    assert parse_signature(signature).get("exports.include_candidates") == shown
    card = (out / "news" / "README.md").read_text(encoding="utf-8")
    assert ("candidates included" in card) == bool(shown)


def test_json_summary(seed_build_run: SeedBuild) -> None:
    summary, dataset = seed_build_run.summary, seed_build_run.dataset
    assert set(summary) == {
        "dataset", "languages", "documents", "sentences", "sentence_pairs", "word_links",
        "glossary_entries", "glossary_statuses", "boilerplate_lines", "dropped_blank_lines",
        "dropped_duplicate_paragraphs", "other_language_paragraphs",
        "other_language_paragraphs_by_language", "skipped", "signature", "stage_seconds",
        "seconds",
    }  # fmt: skip
    stages = ["ingest", "segment", "align", "words", "glossary", "publish"]
    assert list(summary["stage_seconds"]) == stages
    assert summary["dataset"] == str(dataset)
    assert summary["languages"] == {
        "pt": {"documents": 1, "sentences": 17},
        "es": {"documents": 4, "sentences": 58},
    }
    assert (summary["documents"], summary["sentences"]) == (5, 75)
    assert summary["boilerplate_lines"] == 4
    assert summary["dropped_blank_lines"] == 15  # 8 in 002, 7 in 004
    assert summary["dropped_duplicate_paragraphs"] == 1
    assert summary["other_language_paragraphs"] == 0
    assert summary["other_language_paragraphs_by_language"] == {}
    assert summary["skipped"] == []
    assert {key: summary[key] for key in dataset_counts(dataset)} == dataset_counts(dataset)
    assert summary["sentence_pairs"] > 0 and summary["word_links"] > 0
    assert {"paired", "candidate", "unpaired"} <= set(summary["glossary_statuses"])
    assert isinstance(summary["seconds"], float) and summary["seconds"] > 0
    fields = parse_signature(summary["signature"])
    assert (fields["name"], fields["langs"]) == (DATASET_NAME, "pt,es")
    assert list(fields)[-1] == "version" and fields["version"] == __version__


def test_table_summary_with_default_name_and_languages(tiny_news: Path, tmp_path: Path) -> None:
    """Without --name the dataset is named after the first input; without --langs the two
    languages found are used, the one with more text first."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(tiny_news), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    dataset = out / "news"
    assert sorted(p.name for p in out.iterdir()) == ["news"]
    lines = result.stdout.splitlines()
    top, bottom = (
        lines.index(next(x for x in lines if x.startswith("┏"))),
        lines.index(next(x for x in lines if x.startswith("└"))),
    )
    assert "".join("".join(lines[:top]).split()) == f"alineabuild→{dataset}"  # title, wrapped

    def cells(line: str, bar: str) -> list[str]:
        return [cell.strip() for cell in line.strip(bar).split(bar)]

    assert [cells(x, "┃") for x in lines[top:bottom] if x.startswith("┃")] == [
        ["language", "documents", "sentences"]
    ]
    assert [cells(x, "│") for x in lines[top:bottom] if x.startswith("│")] == [
        ["es", "1", "1"],
        ["pt", "1", "1"],
        ["total", "2", "2"],
    ]
    counts = dataset_counts(dataset)
    stored = pq.read_schema(dataset / "sentences" / "train.parquet").metadata[b"alinea"].decode()
    assert lines[bottom + 1 :] == [
        f"sentence pairs: {counts['sentence_pairs']}   word links: {counts['word_links']}   "
        f"glossary entries: {counts['glossary_entries']}{statuses(counts)}",
        "boilerplate lines flagged: 0   blank lines dropped: 0   duplicate paragraphs dropped: 0",
        "paragraphs in another language (kept, not aligned): 0",
        lines[-3],
        f"signature: {stored}",
        lines[-1],
    ]
    stage = r"(ingest|segment|align|words|glossary|publish) \d+\.\d\d s"
    assert re.fullmatch(rf"stages: {stage}(   {stage}){{5}}", lines[-3])
    assert re.fullmatch(r"done in \d+\.\d\d s", lines[-1])
    fields = parse_signature(stored)
    assert (fields["name"], fields["langs"]) == ("news", "es,pt")
