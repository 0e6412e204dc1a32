"""Paragraphs in another language inside a document, the build's other one or a third one:
flagged at ingest, kept in the data with their own language, never aligned, counted by the
summary and the card."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from alinea import third_language as third
from alinea.cli import app
from alinea.engine import Executor
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
EN = (
    '"We will never accept an alliance that threatens the security of our neighbours and of '
    'the whole region," the spokesman told reporters on Thursday.'
)
FR = (
    "« Nous suivons avec une grande inquiétude le rapprochement entre ces deux pays », a "
    "déclaré le ministre français des Affaires étrangères."
)
DE = (
    "Die Bundesregierung hat die Vereinbarung scharf kritisiert und fordert von beiden Staaten "
    "eine Erklärung über die militärische Zusammenarbeit."
)
RU = "«Мы подписали договор о стратегическом партнёрстве между нашими странами», — сказал он."
ZH = "两国领导人在平壤签署了全面战略伙伴关系条约，并承诺在遭受攻击时相互提供援助。"
# Portuguese full of English names and titles: never a third language
PT_NAMES = [
    "Norman Eisen, investigador da Brookings Institution, é autor de The Last Palace: Europe's "
    "Turbulent Century in Five Lives and One Legendary House.",
    "O Financial Times e o Washington Post citaram o relatório do Center for Strategic and "
    "International Studies sobre a Korea Peninsula Energy Development Organization.",
    "Elite League: Dundee Stars 5-3 Belfast Giants",
]


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


def flags(tmp_path: Path, paragraphs: list[str]) -> list[tuple[int, str]]:
    """The flagged paragraphs of a Portuguese document ``paragraphs``, with their languages."""
    inputs = [write(tmp_path, "doc.txt", paragraphs), write(tmp_path, "es.txt", ES)]
    documents = ingest(inputs, IngestConfig(langs=("pt", "es"))).documents
    row = documents.filter(pl.col("doc_id") == "doc").row(0, named=True)
    assert row["lang"] == "pt"
    return list(zip(row["foreign_paragraphs"], row["foreign_langs"], strict=True))


@pytest.mark.parametrize(
    ("paragraphs", "flagged"),
    [
        ([*PT[:2], EN, *PT[2:]], [(2, "en")]),  # one quote is enough: no minimum count
        ([PT[0], FR, PT[1], EN, PT[2], PT[3]], [(1, "fr"), (3, "en")]),
        ([PT[0], DE, *PT[1:]], [(1, "de")]),
        ([PT[0], RU, PT[1], ZH, PT[2]], [(1, "ru"), (3, "zh")]),  # another script
        ([PT[0], EN, PT[1], ES[1], PT[2], ES[3], PT[3]], [(1, "en"), (3, "es"), (5, "es")]),
        ([*PT, *PT_NAMES], []),  # own-language paragraphs full of foreign names
    ],
)
def test_paragraphs_in_a_third_language_are_flagged_with_their_language(
    tmp_path: Path, paragraphs: list[str], flagged: list[tuple[int, str]]
) -> None:
    assert flags(tmp_path, paragraphs) == flagged


def test_a_spanish_document_flags_its_english_quote(tmp_path: Path) -> None:
    inputs = [write(tmp_path, "pt.txt", PT), write(tmp_path, "es.txt", [*ES[:2], EN, *ES[2:]])]
    documents = ingest(inputs, IngestConfig(langs=("pt", "es"))).documents.sort("doc_id")
    assert documents["foreign_paragraphs"].to_list() == [[2], []]
    assert documents["foreign_langs"].to_list() == [["en"], []]


def test_boilerplate_and_short_paragraphs_are_never_judged(tmp_path: Path) -> None:
    short = "Thanks to all of you."  # English, but too short for lingua
    assert flags(tmp_path, [*PT, short, "Мир"]) == []  # three letters of Cyrillic: too few


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Ação e coração: “já”", "LATIN"),
        (RU, "CYRILLIC"),
        (ZH, "CJK"),
        ("東京で会議が開かれた", "CJK"),  # kanji and kana together
        ("평양에서 정상회담이 열렸다", "HANGUL"),
        ("12 — 34", None),
    ],
)
def test_script_of_a_paragraph(text: str, script: str | None) -> None:
    assert third.script(text) == script


def test_own_words_guard_a_portuguese_sentence_against_english() -> None:
    assert {"não", "uma", "também"} <= third.own_function_words("pt", ("en", "fr"))
    assert "de" not in third.own_function_words("pt", ("fr",))  # French has it too
    assert third.own_word_share(PT_NAMES[0], "pt", "en") >= 0.1
    assert third.own_word_share(EN, "pt", "en") < 0.1
    assert not third.has_function_word(PT_NAMES[2], "en", "es")  # names only
    assert third.has_function_word(EN, "en", "pt")
    # wordfreq has no Basque list: every common Portuguese word counts as Portuguese's own
    assert third.own_word_share(PT[0], "pt", "eu") > third.own_word_share(PT[0], "pt", "es")


def test_seeds_have_no_paragraph_in_the_other_language(seeds_dir: Path) -> None:
    documents = ingest([seeds_dir], IngestConfig(langs=("pt", "es"))).documents
    assert documents["foreign_paragraphs"].list.len().sum() == 0
    assert documents["foreign_langs"].list.len().sum() == 0


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
    assert "never aligned): 2 in 1 documents (es 2)." in card


def test_third_language_quotes_are_never_aligned_and_reported(tmp_path: Path) -> None:
    """A Portuguese article quoting an English and a French statement, next to a Spanish one
    that quotes the same statements in Spanish: the quotes stay in the data in their own
    language, no pair and no glossary entry comes from them, the summary and the card name
    their languages."""
    folder = tmp_path / "in"
    quoted = [PT[0], EN, PT[1], FR, PT[2], PT[3]]
    inputs = [write(folder, "pt.txt", quoted), write(folder, "es.txt", ES)]
    out = tmp_path / "out"
    args = ["build", *map(str, inputs), "--out", str(out), "--name", "ds", "--langs", "pt,es"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["other_language_paragraphs"] == 2
    assert summary["other_language_paragraphs_by_language"] == {"en": 1, "fr": 1}
    assert summary["languages"]["pt"] == {"documents": 1, "sentences": 4}
    sentences = pl.read_parquet(out / "ds" / "sentences" / "train.parquet")
    langs = sentences.filter(pl.col("doc_id") == "pt").sort("idx")["lang"].to_list()
    assert langs == ["pt", "en", "pt", "fr", "pt", "pt"]
    quotes = set(sentences.filter(pl.col("lang").is_in(["en", "fr"]))["sent_id"])
    assert quotes == {"pt:1", "pt:3"}
    pairs = pl.read_parquet(out / "ds" / "sentence_pairs" / "train.parquet")
    assert pairs.height > 0
    assert not quotes & set(pairs["pt_sent_ids"].explode().to_list())
    glossary = pl.read_parquet(out / "ds" / "glossary" / "train.parquet")
    quote_words = {"alliance", "neighbours", "inquiétude", "rapprochement"}
    assert not quote_words & {term.lower() for term in glossary["pt"].to_list()}
    documents = pl.read_parquet(out / "ds" / "documents" / "train.parquet").sort("doc_id")
    assert documents["foreign_langs"].to_list() == [[], ["en", "fr"]]
    card = (out / "ds" / "README.md").read_text(encoding="utf-8")
    assert "never aligned): 2 in 1 documents (en 1, fr 1)." in card
    shown = CliRunner().invoke(app, [*args, "--force"])
    assert shown.exit_code == 0, shown.output
    assert "paragraphs in another language (kept, not aligned): 2 (en 1, fr 1)" in shown.stdout


def test_ray_flags_the_same_paragraphs_as_the_serial_ingest(
    tmp_path: Path, local_ray: Executor
) -> None:
    """The paragraph checks are a map over batches of documents: Ray's workers, with their own
    lingua and wordfreq, give the serial flags."""
    quoted = [PT[0], EN, PT[1], FR, PT[2], RU, PT[3], ES[0], ES[1]]
    inputs = [write(tmp_path, "pt.txt", quoted), write(tmp_path, "es.txt", [*ES, DE])]
    config = IngestConfig(langs=("pt", "es"))
    serial = ingest(inputs, config).documents
    on_ray = ingest(inputs, config, executor=local_ray).documents
    assert on_ray.equals(serial)
    assert serial.sort("doc_id")["foreign_langs"].to_list() == [
        ["de"],
        ["en", "fr", "ru", "es", "es"],
    ]
