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
