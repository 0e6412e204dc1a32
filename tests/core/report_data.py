"""Datasets for the report tests: copies of the committed seed dataset, some rewritten with text
that would break a page that did not escape it."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from alinea.publish import write_parquet
from alinea.schema import CONFIG_SCHEMAS
from tests.conftest import COMMITTED_DATASET

LANGS = ("pt", "es")
# each would end the data block, the script, or open markup if written unescaped
HOSTILE = (
    "</script><script>document.title='pwned'</script>",
    "<!-- <script> & </SCRIPT > \u2028 \u2029 end",
    "\"quoted\" <b>bold</b> &amp; 'single' ` ${x}",
)


def copy_seed(tmp_path: Path, without: tuple[str, ...] = ()) -> Path:
    """A copy of the committed dataset (its exports left out), minus the configs ``without``."""
    target = tmp_path / "seed-copy"
    shutil.copytree(COMMITTED_DATASET, target, ignore=shutil.ignore_patterns("exports"))
    for config in without:
        shutil.rmtree(target / config)
    return target


def _rewrite(folder: Path, config: str, frame: pl.DataFrame) -> None:
    path = folder / config / "train.parquet"
    signature = pq.read_schema(path).metadata[b"alinea"].decode()
    write_parquet(frame, CONFIG_SCHEMAS[config](*LANGS), path, signature)


def hostile_seed(tmp_path: Path) -> Path:
    """The seed dataset with :data:`HOSTILE` text in the first sentence pair (both sides), the
    first pair's word tokens, a document title, the first glossary term and one sentence that
    contains it (so the concordance shows it too)."""
    folder = copy_seed(tmp_path)
    l1, l2 = LANGS
    pairs = pl.read_parquet(folder / "sentence_pairs" / "train.parquet")
    first = pairs["pair_id"][0]
    text = pl.struct(pl.lit(HOSTILE[0]).alias(l1), pl.lit(HOSTILE[1]).alias(l2))
    pairs = pairs.with_columns(
        pl.when(pl.col("pair_id") == first)
        .then(text)
        .otherwise(pl.col("translation"))
        .alias("translation")
    )
    _rewrite(folder, "sentence_pairs", pairs)
    words = pl.read_parquet(folder / "word_alignments" / "train.parquet")
    words = words.with_columns(
        pl.when(pl.col("pair_id") == first)
        .then(pl.col(f"{l1}_tokens").list.eval(pl.lit(HOSTILE[2])))
        .otherwise(pl.col(f"{l1}_tokens"))
        .alias(f"{l1}_tokens")
    )
    _rewrite(folder, "word_alignments", words)
    documents = pl.read_parquet(folder / "documents" / "train.parquet")
    documents = documents.with_columns(
        pl.when(pl.col("lang") == l1)
        .then(pl.lit(HOSTILE[2]))
        .otherwise(pl.col("title"))
        .alias("title")
    )
    _rewrite(folder, "documents", documents)
    glossary = pl.read_parquet(folder / "glossary" / "train.parquet")
    top = glossary.sort("score", descending=True)["term_id"][0]
    glossary = glossary.with_columns(
        pl.when(pl.col("term_id") == top).then(pl.lit("<b>x</b>")).otherwise(pl.col(l1)).alias(l1)
    )
    _rewrite(folder, "glossary", glossary)
    sentences = pl.read_parquet(folder / "sentences" / "train.parquet")
    target = sentences.filter((pl.col("lang") == l1) & ~pl.col("is_boilerplate"))["sent_id"][0]
    sentences = sentences.with_columns(
        pl.when(pl.col("sent_id") == target)
        .then(pl.lit(f"{HOSTILE[0]} <b>x</b> {HOSTILE[1]}"))
        .otherwise(pl.col("text"))
        .alias("text")
    )
    _rewrite(folder, "sentences", sentences)
    return folder


def empty_seed(tmp_path: Path) -> Path:
    """The seed dataset with no sentence pairs, word alignments or glossary entries."""
    folder = copy_seed(tmp_path)
    for config in ("sentence_pairs", "word_alignments", "glossary"):
        _rewrite(folder, config, pl.read_parquet(folder / config / "train.parquet").head(0))
    return folder
