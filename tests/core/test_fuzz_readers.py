"""Property-based fuzzing of the readers: random bytes, encodings and control characters.

Every file either reads as clean documents (no character XML 1.0 forbids, nothing but text) or
fails with one :class:`AlineaError`; every export of what was read is well-formed (TMX, TBX,
CSV, XLSX).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alinea.errors import AlineaError
from alinea.glossary.export_tabular import write_csv
from alinea.glossary.export_tbx import write_tbx
from alinea.glossary.export_xlsx import write_xlsx
from alinea.readers import RawDocument, parse_jsonl, parse_lines, read_lines
from alinea.schema import glossary_schema, polars_schema, sentence_pairs_schema
from alinea.tmx import write_tmx
from tests.glossary.test_exports import entry

LANGS = ("pt", "es")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# any character but a lone surrogate (no encoding writes one), control characters included
CHARS = st.characters(blacklist_categories=("Cs",))
PLAIN = ["O", "acordo", "prevê", "mútua", "Ação", "El", "tratado", "RPDC", "1,5", "«sí»", "#", "-"]
ODD = ["\x01", "\x1b[31m", "\x7f", "\ufeff", "\u2028", "\x0c", "\r", "\t", "\x00"]
WORDS = st.sampled_from(PLAIN * 4 + ODD)  # mostly words, now and then a control character
TEXT = st.lists(st.one_of(WORDS, WORDS, WORDS, st.text(CHARS, max_size=4)), max_size=12).map(
    " ".join
)
ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8-sig", "utf-16", "utf-32", "utf-16-le", "latin-1", "cp1252"]
)
SUFFIXES = st.sampled_from([".txt", ".md", ".jsonl"])
FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name suffix and its bytes: text in some encoding, JSON lines, or raw bytes."""
    suffix = draw(SUFFIXES)
    kind = draw(st.sampled_from(["text", "bytes", "mixed"]))
    if kind == "bytes":
        return suffix, draw(st.binary(max_size=300))
    lines = draw(st.lists(TEXT, min_size=1, max_size=6))
    if suffix == ".jsonl":
        lang = st.sampled_from([None, "pt", "es", "pt-BR", "es_419", "xx", 7, ["pt"]])
        records = [{"text": line, "lang": draw(lang)} for line in lines]
        body = "\n".join(json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records)
    else:
        body = "\n".join(lines)
    encoding = draw(ENCODINGS)
    data = body.encode(encoding, errors="replace")
    if kind == "mixed":  # valid text with a few bytes changed
        for _ in range(draw(st.integers(1, 3))):
            if data:
                at = draw(st.integers(0, len(data) - 1))
                data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return suffix, data


def read(path: Path) -> list[RawDocument]:
    """The documents of a file as a build reads them (:mod:`alinea.ingest`)."""
    lines = read_lines(path, 1 << 20, chunk_bytes=7)  # small chunks: sequences cut everywhere
    if path.suffix == ".jsonl":
        return list(parse_jsonl(lines, path, path.stem, path.name))
    return [parse_lines(lines, path.stem, path.name, markdown=path.suffix == ".md")]


def read_or_error(suffix: str, data: bytes) -> list[RawDocument] | AlineaError:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_bytes(data)
        try:
            return read(path)
        except AlineaError as err:
            return err


@FUZZ
@given(files())
def test_every_file_reads_clean_or_fails_with_one_alinea_error(file: tuple[str, bytes]) -> None:
    outcome = read_or_error(*file)
    if isinstance(outcome, AlineaError):
        message = str(outcome)
        assert message and "\n" not in message and "doc" in message  # one line, names the file
        return
    for document in outcome:
        texts = [*document.paragraphs, document.doc_id, document.title or ""]
        assert not any(NOT_XML.search(text) for text in texts), texts
        assert document.lang is None or document.lang in LANGS
        assert document.region in (None, "BR", "419")


def exports_are_well_formed(paragraphs: list[str], folder: Path) -> None:
    """Write a TMX, TBX, CSV and XLSX of ``paragraphs`` and read each back."""
    first, second = paragraphs[0], paragraphs[-1]
    pair = {
        "pair_id": f"{first[:8]}:0|b:0",
        "translation": {"pt": first, "es": second},
        "pt_doc_id": first[:12],
        "es_doc_id": "b",
        "pt_sent_ids": [f"{first[:8]}:0"],
        "es_sent_ids": ["b:0"],
        "score": 0.5,
        "kind": "1-1",
        "method": "fuzz",
    }
    pairs = pl.DataFrame([pair], schema=polars_schema(sentence_pairs_schema(*LANGS)))
    rows = [entry("t1", first[:40] or "x", second[:40] or None, pt_example=first)]
    glossary = pl.DataFrame(rows, schema=polars_schema(glossary_schema(*LANGS)))
    write_tmx(folder / "p.tmx", pairs, LANGS, "fuzz")
    write_tbx(folder / "g.tbx", glossary, LANGS, "fuzz")
    write_csv(folder / "g.csv", glossary, LANGS)
    write_xlsx(folder / "g.xlsx", glossary, LANGS, "fuzz")
    tmx = ET.parse(folder / "p.tmx").getroot()
    assert [seg.text or "" for seg in tmx.iter("seg")] == [first, second]  # nothing lost
    ET.parse(folder / "g.tbx")
    with (folder / "g.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == 2
    assert openpyxl.load_workbook(folder / "g.xlsx").active is not None


@settings(FUZZ, max_examples=40)
@given(files())
def test_every_export_of_what_was_read_is_well_formed(file: tuple[str, bytes]) -> None:
    outcome = read_or_error(*file)
    if isinstance(outcome, AlineaError):
        return
    paragraphs = [p for document in outcome for p in document.paragraphs]
    if paragraphs:
        with tempfile.TemporaryDirectory() as folder:
            exports_are_well_formed(paragraphs, Path(folder))


@settings(FUZZ, max_examples=40)
@given(st.lists(st.text(CHARS, min_size=1, max_size=20), min_size=1, max_size=3))
def test_the_writers_never_emit_what_xml_forbids(paragraphs: list[str]) -> None:
    """Whatever a frame holds (text that did not come through the reader), the TMX and TBX
    writers give well-formed XML."""
    with tempfile.TemporaryDirectory() as folder:
        first, second = paragraphs[0], paragraphs[-1]
        pair = {
            "pair_id": "a:0|b:0",
            "translation": {"pt": first, "es": second},
            "pt_doc_id": "a",
            "es_doc_id": "b",
            "pt_sent_ids": ["a:0"],
            "es_sent_ids": ["b:0"],
            "score": 0.5,
            "kind": "1-1",
            "method": "fuzz",
        }
        pairs = pl.DataFrame([pair], schema=polars_schema(sentence_pairs_schema(*LANGS)))
        write_tmx(Path(folder) / "p.tmx", pairs, LANGS, "fuzz")
        ET.parse(Path(folder) / "p.tmx")
