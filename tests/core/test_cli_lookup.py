"""`alinea lookup`: fuzzy hits in either language and in variants, concordance with the term
highlighted, the --json records (sentence ids, spans), and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

import alinea.cli_glossary  # noqa: F401  (registers the command until cli.py imports it)
from alinea.cli import app
from alinea.glossary.lookup import highlight, term_pattern
from alinea.schema import SENTENCES, glossary_schema, polars_schema

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")

SENTENCES_ROWS = [  # (sent_id, lang, text, is_boilerplate)
    ("a:0", "pt", "O tratado de assistência mútua foi assinado.", False),
    ("a:1", "pt", "A Assistência Mútua entre os dois países e a RPDC.", False),
    ("a:2", "pt", "Kim Jong Un chegou a Moscovo.", False),
    ("a:3", "pt", "Leia também: assistência mútua em Moscovo", True),
    ("b:0", "es", "El tratado de asistencia mutua fue firmado.", False),
    ("b:1", "es", "Kim Jong-un llegó a Moscú con la delegación de la RPDC.", False),
    ("b:2", "es", "La RPDC y Rusia.", False),
]


def entry(term_id: str, pt: str | None, es: str | None, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"term_id": term_id, "pt": pt, "es": es, "type": "term"}
    row |= {"status": "paired" if pt and es else "unpaired", "score": 0.75}
    for lang, term in (("pt", pt), ("es", es)):
        row |= {
            f"{lang}_variants": [],
            f"{lang}_freq": 2 if term else 0,
            f"{lang}_docs": 1 if term else 0,
            f"{lang}_example": None,
            f"{lang}_example_sent_id": None,
        }
    return row | fields


GLOSSARY_ROWS = [
    entry(
        "t-assistencia",
        "assistência mútua",
        "asistencia mutua",
        pt_example=SENTENCES_ROWS[1][2],
        pt_example_sent_id="a:1",
        es_example=SENTENCES_ROWS[4][2],
        es_example_sent_id="b:0",
        score=0.9,
    ),
    entry("t-kim", "Kim Jong Un", "Kim Jong-un", type="name", pt_variants=["Kim Jong-un"]),
    entry("t-rpdc", "RPDC", "RPDC", type="acronym", es_variants=["Corea del Norte"], es_freq=5),
    entry("t-moscovo", "Moscovo", None, pt_freq=1),
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "ds"
    (folder / "glossary").mkdir(parents=True)
    (folder / "sentences").mkdir()
    pl.DataFrame(GLOSSARY_ROWS, schema=polars_schema(glossary_schema("pt", "es"))).write_parquet(
        folder / "glossary" / "train.parquet"
    )
    sentences = [
        {
            "sent_id": sid,
            "doc_id": sid.split(":")[0],
            "lang": lang,
            "para": 0,
            "idx": int(sid.split(":")[1]),
            "text": text,
            "start": 0,
            "end": len(text),
            "is_boilerplate": boilerplate,
        }
        for sid, lang, text, boilerplate in SENTENCES_ROWS
    ]
    pl.DataFrame(sentences, schema=polars_schema(SENTENCES)).write_parquet(
        folder / "sentences" / "train.parquet"
    )
    return folder


def lookup(dataset: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["lookup", *args, "--dataset", str(dataset)], env=env)
    return result.exit_code, result.stdout, result.stderr


def records(dataset: Path, query: str, *args: str) -> list[dict[str, Any]]:
    code, out, err = lookup(dataset, query, "--json", *args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize(
    ("query", "term_id", "form", "lang", "exact"),
    [
        ("assistência mútua", "t-assistencia", "assistência mútua", "pt", True),
        ("asistencia mutua", "t-assistencia", "asistencia mutua", "es", True),
        ("ASSISTENCIA MUTUA", "t-assistencia", "assistência mútua", "pt", True),  # folded
        ("asistensia mutua", "t-assistencia", "asistencia mutua", "es", False),  # typo
        ("corea del norte", "t-rpdc", "Corea del Norte", "es", True),  # a variant
        ("Kim Jong-un", "t-kim", "Kim Jong-un", "pt", True),  # pt variant, es preferred
        ("moscovo", "t-moscovo", "Moscovo", "pt", True),  # unpaired
        ("rpdc", "t-rpdc", "RPDC", "pt", True),
    ],
)
def test_exact_and_fuzzy_hits(
    dataset: Path, query: str, term_id: str, form: str, lang: str, exact: bool
) -> None:
    first = records(dataset, query)[0]
    assert first["entry"]["term_id"] == term_id
    assert (first["match"]["form"], first["match"]["lang"]) == (form, lang)
    assert (first["match"]["score"] == 100) is exact
    assert first["query"] == query


def test_json_record_structure_and_spans(dataset: Path) -> None:
    (hit,) = records(dataset, "assistência mútua", "--limit", "1")
    assert set(hit) == {"query", "match", "entry", "concordance"}
    assert hit["match"] == {"score": 100.0, "form": "assistência mútua", "lang": "pt"}
    assert hit["entry"] == GLOSSARY_ROWS[0]
    assert hit["concordance"] == [
        {"lang": "pt", "sent_id": "a:1", "doc_id": "a", "text": SENTENCES_ROWS[1][2],
         "spans": [[2, 19]]},  # the example sentence first
        {"lang": "pt", "sent_id": "a:0", "doc_id": "a", "text": SENTENCES_ROWS[0][2],
         "spans": [[13, 30]]},  # a:3 is boilerplate: never shown
        {"lang": "es", "sent_id": "b:0", "doc_id": "b", "text": SENTENCES_ROWS[4][2],
         "spans": [[14, 30]]},
    ]  # fmt: skip
    for line in hit["concordance"]:
        ((start, end),) = line["spans"]
        expected = "asistencia mutua" if line["lang"] == "es" else "assistência mútua"
        assert line["text"][start:end].casefold() == expected


@pytest.mark.parametrize(
    ("args", "concordance"),
    [
        (["kim jong un"], [("a:2", ["Kim Jong Un"]), ("b:1", ["Kim Jong-un"])]),  # and a variant
        (["RPDC"], [("a:1", ["RPDC"]), ("b:1", ["RPDC"]), ("b:2", ["RPDC"])]),
        (["RPDC", "--lines", "1"], [("a:1", ["RPDC"]), ("b:1", ["RPDC"])]),  # per language
        (["RPDC", "--lines", "0"], []),
    ],
)
def test_concordance_of_variants_and_limits(
    dataset: Path, args: list[str], concordance: list[tuple[str, list[str]]]
) -> None:
    (hit,) = records(dataset, *args, "--limit", "1")
    found = [(c["sent_id"], [c["text"][a:b] for a, b in c["spans"]]) for c in hit["concordance"]]
    assert found == concordance


@pytest.mark.parametrize(
    ("args", "term_ids"),
    [
        (["RPDC Kim Jong Un"], ["t-kim", "t-rpdc"]),  # two terms in one query
        (["RPDC Kim Jong Un", "--limit", "1"], ["t-kim"]),
        (["asistensia mutua"], ["t-assistencia"]),  # fuzzy: nothing else comes close
    ],
)
def test_entries_found_and_limit(dataset: Path, args: list[str], term_ids: list[str]) -> None:
    assert [r["entry"]["term_id"] for r in records(dataset, *args)] == term_ids


def test_terminal_output_highlights_the_term(dataset: Path) -> None:
    code, out, err = lookup(dataset, "asistencia mutua", env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert (code, err) == (0, "")
    assert ANSI.sub("", out).splitlines() == [
        "assistência mútua ↔ asistencia mutua  term · paired · score 0.90 · "
        "match 100 on asistencia mutua (es) · t-assistencia",
        "  pt assistência mútua  2x in 1 docs",
        "  es asistencia mutua  2x in 1 docs",
        "    pt a:1  A Assistência Mútua entre os dois países e a RPDC.",
        "    pt a:0  O tratado de assistência mútua foi assinado.",
        "    es b:0  El tratado de asistencia mutua fue firmado.",
    ]
    highlighted = re.findall(r"\x1b\[1;33m(.*?)\x1b\[0m", out)
    assert highlighted == ["Assistência Mútua", "assistência mútua", "asistencia mutua"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("moscovo", [
            "Moscovo ↔ —  term · unpaired · score 0.75 · match 100 on Moscovo (pt) · t-moscovo",
            "  pt Moscovo  1x in 1 docs",
            "  es —  0x in 0 docs",
            "    pt a:2  Kim Jong Un chegou a Moscovo.",
        ]),
        ("RPDC", [
            "RPDC ↔ RPDC  acronym · paired · score 0.75 · match 100 on RPDC (pt) · t-rpdc",
            "  pt RPDC  2x in 1 docs",
            "  es RPDC  5x in 1 docs · variants: Corea del Norte",
            "    pt a:1  A Assistência Mútua entre os dois países e a RPDC.",
            "    es b:1  Kim Jong-un llegó a Moscú con la delegación de la RPDC.",
            "    es b:2  La RPDC y Rusia.",
        ]),
    ],
)  # fmt: skip
def test_plain_output_when_piped(dataset: Path, query: str, expected: list[str]) -> None:
    code, out, err = lookup(dataset, query, "--limit", "1")
    assert (code, err) == (0, "")
    assert out.splitlines() == expected


def test_highlight_escapes_markup() -> None:
    text = "a [b] RPDC [/] c"
    pattern = term_pattern(["RPDC"])
    assert pattern is not None
    spans = tuple(m.span() for m in pattern.finditer(text))
    assert highlight(text, spans, "bold") == r"a \[b] [bold]RPDC[/] \[/] c"


@pytest.mark.parametrize(
    ("terms", "text", "found"),
    [
        (["Kim Jong Un"], "Kim Jong-un e KIM JONG UN", ["Kim Jong-un", "KIM JONG UN"]),
        (["ONU"], "a ONU, a UNO e a ONUSIDA", ["ONU"]),  # whole words only
        (["tratado", "tratado de paz"], "o tratado de paz", ["tratado de paz"]),  # longest
        (["a.b"], "axb a.b", ["a.b"]),  # regex characters are literal
    ],
)
def test_term_pattern(terms: list[str], text: str, found: list[str]) -> None:
    pattern = term_pattern(terms)
    assert pattern is not None
    assert pattern.findall(text) == found


@pytest.mark.parametrize(
    ("folder", "args", "code", "message"),
    [
        ("nowhere", ["x"], 1, "error: {folder}: no such dataset folder; give the folder a build wrote"),
        ("empty", ["x"], 1,
         "error: {folder}: no glossary config (glossary/*.parquet); rebuild the dataset with alinea"),
        ("ds", ["   "], 2, "error: the query is empty; give a term to look up"),
        ("ds", ["zzzzqqq"], 1,
         "error: no entry matches 'zzzzqqq'; try another spelling or a shorter query"),
    ],
)  # fmt: skip
def test_errors_are_one_line(
    dataset: Path, tmp_path: Path, folder: str, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "empty").mkdir()
    assert lookup(tmp_path / folder, *args) == (
        code,
        "",
        message.format(folder=tmp_path / folder) + "\n",
    )


@pytest.mark.parametrize(("option", "value"), [("--limit", "0"), ("--lines", "-1")])
def test_out_of_range_options_are_usage_errors(dataset: Path, option: str, value: str) -> None:
    code, out, err = lookup(dataset, "RPDC", option, value)
    assert (code, out) == (2, "")
    assert f"Invalid value for '{option}'" in err and "Traceback" not in err


def test_dataset_without_sentences_uses_the_examples(dataset: Path) -> None:
    (dataset / "sentences" / "train.parquet").unlink()
    (hit,) = records(dataset, "assistência mútua", "--limit", "1")
    assert [(c["sent_id"], c["doc_id"]) for c in hit["concordance"]] == [
        ("a:1", "a"),
        ("b:0", "b"),
    ]


# --- the session's seed build ---------------------------------------------------------------

SEED_PT_DOC, SEED_ES_DOCS = "000_60150220a1ea2e6b", ("001_48fbe535a3bff43c", "002_de86dc9c9a5de37b")


@pytest.mark.parametrize(
    ("query", "form", "lang"),
    [
        ("assistência mútua", "assistência mútua", "pt"),
        ("ASSISTENCIA MUTUA", "assistência mútua", "pt"),
        ("Asistencia Mutua", "asistencia mutua", "es"),  # the ES variant, folded
        ("asistencia mutua", "asistencia mutua", "es"),
    ],
)
def test_seed_build_lookup(seed_build: Path, query: str, form: str, lang: str) -> None:
    """Either side finds the seeds' central term; the entry is the glossary row, and each
    concordance line is a real, non-boilerplate sentence of the build."""
    first = records(seed_build, query)[0]
    assert first["match"] == {"score": 100.0, "form": form, "lang": lang}
    glossary = pl.read_parquet(seed_build / "glossary" / "train.parquet")
    (row,) = glossary.filter(pl.col("pt") == "assistência mútua").to_dicts()
    assert first["entry"] == row | {"score": round(row["score"], 4)}
    assert (row["es"], row["es_variants"]) == ("asistencia mutua", ["Asistencia Mutua"])
    sentences = {
        r["sent_id"]: r
        for r in pl.read_parquet(seed_build / "sentences" / "train.parquet").to_dicts()
    }
    lines = first["concordance"]
    assert [c["sent_id"] for c in lines] == [
        f"{SEED_PT_DOC}:0",  # the PT example
        f"{SEED_ES_DOCS[1]}:3",  # the ES example, then the other ES sentences (--lines 3)
        f"{SEED_ES_DOCS[0]}:1",
        "003_e08587906b7245c9:1",
    ]
    assert (lines[0]["sent_id"], lines[1]["sent_id"]) == (
        row["pt_example_sent_id"],
        row["es_example_sent_id"],
    )
    for line in lines:
        sentence = sentences[line["sent_id"]]
        assert (line["lang"], line["doc_id"], line["text"]) == (
            sentence["lang"],
            sentence["doc_id"],
            sentence["text"],
        )
        assert not sentence["is_boilerplate"]
        ((start, end),) = line["spans"]
        form = row[line["lang"]]
        assert line["text"][start:end].casefold() == form.casefold()
