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
    assert set(hit["entry"]) == set(polars_schema(glossary_schema("pt", "es")))
    assert hit["entry"]["score"] == 0.9 and hit["entry"]["es"] == "asistencia mutua"
    lines = hit["concordance"]
    assert [(c["lang"], c["sent_id"]) for c in lines] == [
        ("pt", "a:1"),  # the example sentence first
        ("pt", "a:0"),  # a:3 is boilerplate: never shown
        ("es", "b:0"),
    ]
    for line in lines:
        assert set(line) == {"lang", "sent_id", "doc_id", "text", "spans"}
        assert line["doc_id"] == line["sent_id"].split(":")[0]
        (start, end), *_ = line["spans"]
        expected = "asistencia mutua" if line["lang"] == "es" else "assistência mútua"
        assert line["text"][start:end].casefold() == expected


def test_concordance_of_variants_and_limits(dataset: Path) -> None:
    (kim,) = records(dataset, "kim jong un", "--limit", "1")
    spans = {c["sent_id"]: c["text"][slice(*c["spans"][0])] for c in kim["concordance"]}
    assert spans == {"a:2": "Kim Jong Un", "b:1": "Kim Jong-un"}
    (rpdc,) = records(dataset, "RPDC", "--limit", "1", "--lines", "1")
    assert [c["sent_id"] for c in rpdc["concordance"]] == ["a:1", "b:1"]
    assert len(records(dataset, "RPDC", "--limit", "1", "--lines", "0")[0]["concordance"]) == 0
    both = records(dataset, "RPDC Kim Jong Un")
    assert {r["entry"]["term_id"] for r in both[:2]} == {"t-rpdc", "t-kim"}
    assert len(records(dataset, "RPDC Kim Jong Un", "--limit", "1")) == 1


def test_terminal_output_highlights_the_term(dataset: Path) -> None:
    code, out, _ = lookup(dataset, "asistencia mutua", env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert code == 0
    plain = ANSI.sub("", out)
    assert "assistência mútua ↔ asistencia mutua" in plain
    assert "El tratado de asistencia mutua fue firmado." in plain
    assert re.search(r"\x1b\[[0-9;]*m(asistencia mutua)\x1b\[0m fue firmado", out)
    assert "2x in 1 docs" in plain


def test_plain_output_when_piped(dataset: Path) -> None:
    code, out, _ = lookup(dataset, "moscovo")
    assert code == 0 and "\x1b[" not in out
    assert out.splitlines()[0].startswith("Moscovo ↔ —  term · unpaired")
    assert "a:2  Kim Jong Un chegou a Moscovo." in out


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


def test_errors(dataset: Path, tmp_path: Path) -> None:
    code, out, err = lookup(tmp_path / "nowhere", "x")
    assert (code, out) == (1, "") and "no such dataset folder" in err
    assert len(err.strip().splitlines()) == 1
    (tmp_path / "empty").mkdir()
    code, _, err = lookup(tmp_path / "empty", "x")
    assert code == 1 and "no glossary config" in err
    code, _, err = lookup(dataset, "   ")
    assert code == 2 and "query is empty" in err
    code, out, err = lookup(dataset, "zzzzqqq")
    assert (code, out) == (1, "") and "no entry matches 'zzzzqqq'" in err
    assert "Traceback" not in err


def test_dataset_without_sentences_uses_the_examples(dataset: Path) -> None:
    (dataset / "sentences" / "train.parquet").unlink()
    (hit,) = records(dataset, "assistência mútua", "--limit", "1")
    assert [(c["sent_id"], c["doc_id"]) for c in hit["concordance"]] == [
        ("a:1", "a"),
        ("b:0", "b"),
    ]
