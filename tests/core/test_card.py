"""The card declares each config's files: the one `train.parquet`, or a glob of its shards, with
the row count and size summed over them; the body names the shards only when there are some."""

from __future__ import annotations

import polars as pl
import pytest

from alinea.card import ConfigStats, card_metadata, render_card
from alinea.schema import DOCUMENTS, SENTENCES, polars_schema

LANGS = ("pt", "es")


def stats(n_files: int, data_files: str) -> dict[str, ConfigStats]:
    return {
        "sentences": ConfigStats(SENTENCES, 1_234_567, 98_765_432, n_files, data_files),
        "documents": ConfigStats(DOCUMENTS, 40_000, 120_000_000, 1, "train.parquet"),
    }


@pytest.mark.parametrize(
    ("n_files", "data_files", "path", "heading"),
    [
        (1, "train.parquet", "sentences/train.parquet", "### `sentences` (1234567 rows)\n"),
        (
            13,
            "train-*.parquet",
            "sentences/train-*.parquet",
            "### `sentences` (1234567 rows in 13 files `sentences/train-*.parquet`)\n",
        ),
    ],
)
def test_card_declares_the_files_of_each_config(
    n_files: int, data_files: str, path: str, heading: str
) -> None:
    configs = stats(n_files, data_files)
    front = card_metadata("x", LANGS, configs, "version:0")
    assert [c["data_files"] for c in front["configs"]] == [
        [{"split": "train", "path": path}],
        [{"split": "train", "path": "documents/train.parquet"}],
    ]
    (split,) = front["dataset_info"][0]["splits"]
    assert split == {"name": "train", "num_bytes": 98_765_432, "num_examples": 1_234_567}
    assert front["size_categories"] == ["1M<n<10M"]
    documents = pl.DataFrame(schema=polars_schema(DOCUMENTS))
    body = render_card("x", LANGS, configs, documents, "version:0").split("---\n", 2)[2]
    assert heading in body
    assert "### `documents` (40000 rows)\n" in body


@pytest.mark.parametrize(
    ("locales", "bcp47", "note"),
    [
        (None, None, "are in `exports/`.\n"),
        (("pt", "es"), None, "are in `exports/`.\n"),  # the plain codes: nothing to add
        (("pt-PT", "es-ES"), ["pt-PT", "es-ES"], "they name the languages `pt-PT` and `es-ES`.\n"),
    ],
)
def test_card_names_the_locales_of_the_exports(
    locales: tuple[str, str] | None, bcp47: list[str] | None, note: str
) -> None:
    configs = stats(1, "train.parquet")
    front = card_metadata("x", LANGS, configs, "version:0", locales)
    assert front["language"] == ["pt", "es"]
    assert front.get("language_bcp47") == bcp47
    assert list(front)[:3] == [
        "pretty_name",
        "language",
        "language_bcp47" if bcp47 else "multilinguality",
    ]
    documents = pl.DataFrame(schema=polars_schema(DOCUMENTS))
    assert note in render_card("x", LANGS, configs, documents, "version:0", locales)


@pytest.mark.parametrize(
    ("flagged", "langs", "note"),
    [
        ([[], []], [[], []], "never aligned): 0 in 0 documents."),
        ([[1, 3], []], [["en", "fr"], []], "never aligned): 2 in 1 documents (en 1, fr 1)."),
        ([[2], [0, 4]], [["es"], ["en", "pt"]], "): 3 in 2 documents (en 1, es 1, pt 1)."),
    ],
)
def test_card_counts_the_paragraphs_in_another_language_per_language(
    flagged: list[list[int]], langs: list[list[str]], note: str
) -> None:
    documents = pl.DataFrame(
        {"doc_id": ["a", "b"], "foreign_paragraphs": flagged, "foreign_langs": langs},
        schema_overrides={
            "foreign_paragraphs": pl.List(pl.Int32()),
            "foreign_langs": pl.List(pl.String()),
        },
    )
    documents = pl.DataFrame(schema=polars_schema(DOCUMENTS)).vstack(
        documents.select(
            pl.col(name) if name in documents.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in polars_schema(DOCUMENTS).items()
        )
    )
    body = render_card("x", LANGS, stats(1, "train.parquet"), documents, "version:0")
    assert note in body
    assert "`documents.foreign_langs`" in body
