"""The data of the HTML report (``alinea report``): a published dataset read back the way users
read it (its parquet configs), summarised, and cut to a size a browser handles at once.

What the page embeds is bounded, whatever the dataset's size (the page says what it left out):

- sentence pairs: at most :data:`MAX_PAIRS`, an evenly spaced sample of the pairs in document
  pair order (pair ``i * n // MAX_PAIRS`` for ``i < MAX_PAIRS``), so every part of a large
  collection keeps its share and the kept pairs keep the spread of the scores;
- glossary: at most :data:`MAX_ENTRIES`, the highest-scoring entries (ties by ``term_id``),
  each with up to :data:`CONCORDANCE_LINES` concordance lines per language;
- document pairs in the summary table: the :data:`MAX_DOC_PAIRS` with the most pairs.

The summary (counts, histograms) always covers the whole dataset. 2,000 pairs with their tokens
and links and 5,000 entries with their concordance stay within a few megabytes of HTML, which a
browser opens in about a second. Concordance lines are those ``alinea lookup`` prints (same
forms, same order: the example sentence first, then document order), found through an index of
the sentences' words instead of a scan per entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from alinea.errors import InputError, InputNotFoundError
from alinea.glossary.lookup import forms
from alinea.publish import config_files, read_config
from alinea.report_concordance import Concordancer
from alinea.signature import parse_signature

MAX_PAIRS = 2_000
MAX_ENTRIES = 5_000
MAX_DOC_PAIRS = 200
CONCORDANCE_LINES = 3
CONFIGS = ("documents", "sentences", "sentence_pairs", "word_alignments", "glossary")


@dataclass(frozen=True)
class Limits:
    """How much of a dataset the page embeds (module docstring)."""

    pairs: int = MAX_PAIRS
    entries: int = MAX_ENTRIES
    doc_pairs: int = MAX_DOC_PAIRS
    lines: int = CONCORDANCE_LINES


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Report:
    """Everything the page shows: summary fields and the embedded (bounded) rows."""

    name: str
    langs: tuple[str, str]
    signature: str
    rows: dict[str, int]
    documents: pl.DataFrame
    sentences: pl.DataFrame | None
    pairs: pl.DataFrame
    glossary: pl.DataFrame
    n_links: int
    data: dict[str, Any]


def _langs(pairs_columns: list[str]) -> tuple[str, str]:
    codes = [c.removesuffix("_doc_id") for c in pairs_columns if c.endswith("_doc_id")]
    if len(codes) != 2:
        raise InputError("sentence_pairs", f"expected two <lang>_doc_id columns, found {codes}")
    return codes[0], codes[1]


def _signature(folder: Path) -> str:
    for config in CONFIGS:
        for file in config_files(folder, config)[:1]:
            metadata = pq.read_schema(file).metadata or {}
            if b"alinea" in metadata:
                return str(metadata[b"alinea"].decode())
    return ""


def _optional(folder: Path, config: str) -> pl.DataFrame | None:
    return read_config(folder, config) if config_files(folder, config) else None


def even_sample(n_rows: int, limit: int) -> list[int]:
    """Indexes of ``min(n_rows, limit)`` rows spread evenly over ``n_rows`` (all when they fit)."""
    if n_rows <= limit:
        return list(range(n_rows))
    return [i * n_rows // limit for i in range(limit)]


def load_report(folder: Path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read the dataset ``folder`` and gather what its report shows.

    Raises:
        InputNotFoundError: ``folder`` does not exist.
        InputError: it holds no ``sentence_pairs`` or ``glossary`` config, or unreadable ones.
    """
    if not folder.is_dir():
        raise InputNotFoundError(folder, "no such dataset folder", "give a folder alinea built")
    pairs = read_config(folder, "sentence_pairs")
    glossary = read_config(folder, "glossary")
    langs = _langs(pairs.columns)
    documents = _optional(folder, "documents")
    if documents is None:
        documents = pl.DataFrame(schema={"doc_id": pl.String, "lang": pl.String})
    sentences = _optional(folder, "sentences")
    signature = _signature(folder)
    name = parse_signature(signature).get("name", folder.name) if signature else folder.name
    rows = {
        config: sum(pq.ParquetFile(f).metadata.num_rows for f in config_files(folder, config))
        for config in CONFIGS
    }
    l1, l2 = langs
    pairs = pairs.with_row_index("_row").sort(f"{l1}_doc_id", f"{l2}_doc_id", "_row")
    kept = pairs[even_sample(pairs.height, limits.pairs)]
    links = _links(folder, kept["pair_id"].to_list(), langs)
    ranked = glossary.sort(["score", "term_id"], descending=[True, False])
    entries = ranked.head(limits.entries)
    data = {
        "name": name,
        "langs": list(langs),
        "pairs": _pair_rows(kept, links, langs),
        "pairsTotal": pairs.height,
        "entriesTotal": glossary.height,
        "lines": limits.lines,
        **_glossary_rows(entries, sentences, langs, limits.lines),
        "titles": _titles(documents),
    }
    n_links = _count_links(folder)
    return Report(
        name, langs, signature, rows, documents, sentences, pairs, glossary, n_links, data
    )


def _count_links(folder: Path) -> int:
    files = config_files(folder, "word_alignments")
    if not files:
        return 0
    total = pl.scan_parquet(files).select(pl.col("links").list.len().sum()).collect().item()
    return int(total or 0)


def _titles(documents: pl.DataFrame) -> dict[str, str]:
    """A label per document: its title, else its source file."""
    columns = [c for c in ("title", "source") if c in documents.columns]
    if not columns:
        return {}
    label = pl.coalesce(*columns) if len(columns) > 1 else pl.col(columns[0])
    rows = documents.select("doc_id", label.alias("label")).sort("doc_id").iter_rows()
    return {doc_id: text for doc_id, text in rows if text}


def _links(folder: Path, pair_ids: list[str], langs: tuple[str, str]) -> dict[str, Any]:
    files = config_files(folder, "word_alignments")
    if not files:
        return {}
    frame = (
        pl.scan_parquet(files)
        .filter(pl.col("pair_id").is_in(pair_ids))
        .select("pair_id", f"{langs[0]}_tokens", f"{langs[1]}_tokens", "links", "link_scores")
        .collect()
    )
    return {row[0]: row[1:] for row in frame.iter_rows()}


def _pair_rows(
    kept: pl.DataFrame, links: dict[str, Any], langs: tuple[str, str]
) -> list[dict[str, Any]]:
    l1, l2 = langs
    out = []
    columns = ("pair_id", "translation", f"{l1}_doc_id", f"{l2}_doc_id", "score", "kind")
    for pair_id, texts, doc1, doc2, score, kind in kept.select(columns).iter_rows():
        row: dict[str, Any] = {
            "id": pair_id,
            "docs": [doc1, doc2],
            "score": round(float(score), 4),
            "kind": kind,
            "text": [texts[l1] or "", texts[l2] or ""],
        }
        if pair_id in links:
            tokens1, tokens2, pairs, scores = links[pair_id]
            row["tokens"] = [list(tokens1), list(tokens2)]
            row["links"] = [
                [int(i), int(j), round(float(s), 3)]
                for (i, j), s in zip(pairs, scores, strict=True)
            ]
        out.append(row)
    return out


def _glossary_rows(
    entries: pl.DataFrame, sentences: pl.DataFrame | None, langs: tuple[str, str], per_lang: int
) -> dict[str, Any]:
    """The embedded entries with their concordance, which points into one shared list of
    sentences (``[sent_id, text]``, in language then document order)."""
    records = entries.to_dicts()
    found = Concordancer(sentences, langs).lines(records, per_lang)
    used = sorted({key for lines in found for per in lines.values() for key, _ in per})
    number = {key: n for n, key in enumerate(used)}
    rows = []
    for entry, lines in zip(records, found, strict=True):
        row: dict[str, Any] = {
            "id": entry["term_id"],
            "type": entry["type"],
            "status": entry["status"],
            "score": round(float(entry["score"]), 4),
        }
        for lang in langs:
            row[lang] = {
                "term": entry[lang] or "",
                "variants": [v for v in forms(entry, lang) if v != entry[lang]],
                "freq": int(entry[f"{lang}_freq"] or 0),
                "docs": int(entry[f"{lang}_docs"] or 0),
                "lines": [[number[key], [list(s) for s in where]] for key, where in lines[lang]],
            }
        rows.append(row)
    return {"entries": rows, "sentences": [[key[2], key[3]] for key in used]}
