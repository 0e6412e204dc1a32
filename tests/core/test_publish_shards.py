"""Sharded output: configs past the row limit are written as `train-00000-of-0000N.parquet`,
declared in the card, loaded whole and in order by `datasets`, read back by alinea's own readers;
smaller configs keep their one `train.parquet`. Tiny frames with a tiny limit stand in for a large
dataset."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import alinea.cli_glossary  # noqa: F401  (registers `lookup` until cli.py imports it)
from alinea import publish as publish_module
from alinea.cli import app
from alinea.errors import InputError, InputFormatError, OutputError, UsageError
from alinea.publish import (
    MAX_SHARD_ROWS,
    config_files,
    publish,
    read_config,
    shard_names,
    shard_ranges,
)
from alinea.schema import (
    CONFIG_SCHEMAS,
    DOCUMENTS,
    SENTENCES,
    features_json,
    features_yaml,
    glossary_schema,
    polars_schema,
    to_arrow_table,
)

LANGS = ("pt", "es")
NAME = "big-news"
SIGNATURE = "name:big-news|input:0123abcd|version:0.0.test"
MAX_ROWS = 100
N_SENTENCES, N_GLOSSARY = 350, 250  # 4 and 3 shards of at most 100 rows; documents stay one file
EXPECTED_FILES = sorted(
    ["README.md", "exports/README.md", "documents/train.parquet"]
    + [f"sentences/train-{i:05d}-of-00004.parquet" for i in range(4)]
    + [f"glossary/train-{i:05d}-of-00003.parquet" for i in range(3)]
)


def documents() -> pl.DataFrame:
    rows = [
        {
            "doc_id": f"d{i}",
            "lang": LANGS[i % 2],
            "lang_confidence": 1.0,
            "source": f"news/d{i}.txt",
            "title": f"Notícia {i}",
            "url": None,
            "date": None,
            "text": "texto",
            "n_paragraphs": 1,
            "boilerplate_paragraphs": [],
            "dropped_blank": 0,
            "dropped_duplicate": 0,
        }
        for i in range(3)
    ]
    return pl.DataFrame(rows, schema=polars_schema(DOCUMENTS))


def sentence_text(i: int) -> str:
    if i == N_SENTENCES - 1:  # in the last shard (a Spanish one): the only concordance line
        return "El tratado de asistencia mutua fue firmado."
    return f"Frase número {i} " + "x" * (i % 37)


def sentences(n: int = N_SENTENCES) -> pl.DataFrame:
    rows = [
        {
            "sent_id": f"d{i % 3}:{i}",
            "doc_id": f"d{i % 3}",
            "lang": LANGS[i % 3 % 2],
            "para": i // 10,
            "idx": i,
            "text": sentence_text(i),
            "start": 0,
            "end": len(sentence_text(i)),
            "is_boilerplate": i % 50 == 7,
        }
        for i in range(n)
    ]
    return pl.DataFrame(rows, schema=polars_schema(SENTENCES))


def glossary(n: int = N_GLOSSARY) -> pl.DataFrame:
    def row(i: int) -> dict[str, Any]:
        last = i == n - 1  # the only entry for "assistência mútua" is in the last shard
        pt, es = ("assistência mútua", "asistencia mutua") if last else (f"termo {i}", f"term {i}")
        fields: dict[str, Any] = {"term_id": f"t{i:04d}", "pt": pt, "es": es, "type": "term"}
        fields |= {"status": "paired", "score": 0.5}
        for lang in LANGS:
            fields |= {
                f"{lang}_variants": [],
                f"{lang}_freq": 1,
                f"{lang}_docs": 1,
                f"{lang}_example": None,
                f"{lang}_example_sent_id": None,
            }
        return fields

    return pl.DataFrame([row(i) for i in range(n)], schema=polars_schema(glossary_schema(*LANGS)))


def frames(n_sentences: int = N_SENTENCES) -> dict[str, pl.DataFrame]:
    return {"glossary": glossary(), "documents": documents(), "sentences": sentences(n_sentences)}


def all_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def card_front(folder: Path) -> dict[str, Any]:
    front: dict[str, Any] = yaml.safe_load(
        (folder / "README.md").read_text(encoding="utf-8").split("---\n")[1]
    )
    return front


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dataset with a sharded `sentences` and `glossary`, and a one-file `documents`."""
    out = tmp_path_factory.mktemp("sharded")
    return publish(out, NAME, LANGS, frames(), SIGNATURE, max_shard_rows=MAX_ROWS)


@pytest.mark.parametrize(
    ("n_rows", "max_rows", "ranges"),
    [
        (0, 10, [(0, 0)]),  # an empty config is still one (empty) file
        (7, 10, [(0, 7)]),
        (10, 10, [(0, 10)]),  # at the limit: still one file
        (11, 10, [(0, 6), (6, 5)]),  # one past: two near-equal shards, not 10 + 1
        (30, 10, [(0, 10), (10, 10), (20, 10)]),
        (350, 100, [(0, 88), (88, 88), (176, 87), (263, 87)]),
        (3, 1, [(0, 1), (1, 1), (2, 1)]),
    ],
)
def test_shard_ranges(n_rows: int, max_rows: int, ranges: list[tuple[int, int]]) -> None:
    assert shard_ranges(n_rows, max_rows) == ranges


@settings(deadline=None)  # a loaded CI machine must not fail a correct property
@given(st.integers(0, 5_000), st.integers(1, 600))
def test_shard_ranges_cover_the_rows_in_order_in_the_fewest_shards(
    n_rows: int, max_rows: int
) -> None:
    ranges = shard_ranges(n_rows, max_rows)
    lengths = [length for _, length in ranges]
    assert [offset for offset, _ in ranges] == [sum(lengths[:i]) for i in range(len(ranges))]
    assert sum(lengths) == n_rows
    assert max(lengths) <= max_rows and max(lengths) - min(lengths) <= 1
    assert len(ranges) == max(1, -(-n_rows // max_rows))


def test_shard_ranges_refuse_a_limit_below_one() -> None:
    with pytest.raises(UsageError, match="at least 1, not 0"):
        shard_ranges(5, 0)


@pytest.mark.parametrize(
    ("n_shards", "names"),
    [
        (1, ["train.parquet"]),
        (2, ["train-00000-of-00002.parquet", "train-00001-of-00002.parquet"]),
    ],
)
def test_shard_names(n_shards: int, names: list[str]) -> None:
    assert shard_names(n_shards) == names


def test_shard_names_sort_in_row_order_past_ten_shards() -> None:
    names = shard_names(12)
    assert names[10] == "train-00010-of-00012.parquet"
    assert sorted(names) == names


def test_default_limit_keeps_a_modest_dataset_in_one_file() -> None:
    assert 100_000 <= MAX_SHARD_ROWS <= 250_000
    assert shard_ranges(MAX_SHARD_ROWS, MAX_SHARD_ROWS) == [(0, MAX_SHARD_ROWS)]


def test_large_configs_are_sharded_and_small_ones_keep_one_file(sharded: Path) -> None:
    assert all_files(sharded) == EXPECTED_FILES
    assert sorted(p.name for p in sharded.parent.iterdir()) == [NAME], "no staging folder left"


@pytest.mark.parametrize(
    ("config", "expected"),
    [("sentences", sentences), ("glossary", glossary), ("documents", documents)],
)
def test_sharded_configs_load_offline_whole_in_order_with_declared_features(
    sharded: Path, config: str, expected: Any
) -> None:
    from datasets import Features, load_dataset

    ds = load_dataset(str(sharded), config, split="train")
    assert ds.features == Features._from_yaml_list(features_yaml(CONFIG_SCHEMAS[config](*LANGS)))
    assert ds.num_rows == expected().height
    assert ds.to_list() == expected().to_dicts()


def test_default_config_loads_every_shard(sharded: Path) -> None:
    from datasets import load_dataset

    ds = load_dataset(str(sharded), split="train")  # `sentences`: the first default present
    assert ds["sent_id"] == sentences()["sent_id"].to_list()


@pytest.mark.parametrize("config", ["sentences", "glossary", "documents"])
def test_every_file_carries_the_signature_and_features(sharded: Path, config: str) -> None:
    features = json.loads(features_json(CONFIG_SCHEMAS[config](*LANGS)))
    for path in config_files(sharded, config):
        metadata = pq.read_schema(path).metadata
        assert set(metadata) == {b"alinea", b"huggingface"}
        assert metadata[b"alinea"].decode() == SIGNATURE
        assert json.loads(metadata[b"huggingface"]) == features


def test_card_declares_the_shards_and_sums_their_sizes(sharded: Path) -> None:
    front = card_front(sharded)
    paths = {c["config_name"]: c["data_files"] for c in front["configs"]}
    assert paths == {
        "glossary": [{"split": "train", "path": "glossary/train-*.parquet"}],
        "documents": [{"split": "train", "path": "documents/train.parquet"}],
        "sentences": [{"split": "train", "path": "sentences/train-*.parquet"}],
    }
    info = {i["config_name"]: i for i in front["dataset_info"]}
    for config, frame in frames().items():
        schema = CONFIG_SCHEMAS[config](*LANGS)
        shards = [frame.slice(*r) for r in shard_ranges(frame.height, MAX_ROWS)]
        (split,) = info[config]["splits"]
        assert split["num_examples"] == frame.height
        assert split["num_bytes"] == sum(to_arrow_table(s, schema).nbytes for s in shards)
        whole = to_arrow_table(frame, schema).nbytes  # shards repeat only a few offsets
        assert whole <= split["num_bytes"] <= whole * 1.01
        assert info[config]["dataset_size"] == split["num_bytes"]
    body = (sharded / "README.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "### `sentences` (350 rows in 4 files `sentences/train-*.parquet`)" in body
    assert "### `glossary` (250 rows in 3 files `glossary/train-*.parquet`)" in body
    assert "### `documents` (3 rows)\n" in body


def test_shards_are_written_one_slice_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory: each write gets one shard's rows, never the whole frame."""
    written: list[tuple[str, int]] = []
    real_write = publish_module.write_parquet

    def spy(frame: pl.DataFrame, schema: Any, path: Path, signature: str) -> int:
        written.append((f"{path.parent.name}/{path.name}", frame.height))
        return real_write(frame, schema, path, signature)

    monkeypatch.setattr(publish_module, "write_parquet", spy)
    publish(tmp_path, NAME, LANGS, frames(), SIGNATURE, max_shard_rows=MAX_ROWS)
    assert written == [
        ("glossary/train-00000-of-00003.parquet", 84),
        ("glossary/train-00001-of-00003.parquet", 83),
        ("glossary/train-00002-of-00003.parquet", 83),
        ("documents/train.parquet", 3),
        ("sentences/train-00000-of-00004.parquet", 88),
        ("sentences/train-00001-of-00004.parquet", 88),
        ("sentences/train-00002-of-00004.parquet", 87),
        ("sentences/train-00003-of-00004.parquet", 87),
    ]


def test_same_frames_give_byte_identical_shards(sharded: Path, tmp_path: Path) -> None:
    again = publish(tmp_path, NAME, LANGS, frames(), SIGNATURE, max_shard_rows=MAX_ROWS)
    assert all_files(again) == EXPECTED_FILES
    _, mismatch, errors = filecmp.cmpfiles(sharded, again, EXPECTED_FILES, shallow=False)
    assert not mismatch and not errors


@pytest.mark.parametrize(
    ("limits", "files"),
    [
        ((100, 50), [f"train-{i:05d}-of-00007.parquet" for i in range(7)]),  # more shards
        ((50, 100), [f"train-{i:05d}-of-00004.parquet" for i in range(4)]),  # fewer
        ((100, MAX_SHARD_ROWS), ["train.parquet"]),  # back to one file
        ((MAX_SHARD_ROWS, 100), [f"train-{i:05d}-of-00004.parquet" for i in range(4)]),
    ],
)
def test_republishing_with_another_shard_count_leaves_no_stale_file(
    tmp_path: Path, limits: tuple[int, int], files: list[str]
) -> None:
    for limit in limits:
        target = publish(tmp_path, NAME, LANGS, frames(), SIGNATURE, max_shard_rows=limit)
    assert sorted(p.name for p in (target / "sentences").iterdir()) == files
    assert read_config(target, "sentences").equals(sentences())
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]


def test_a_failed_shard_write_keeps_the_previous_dataset(
    sharded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = publish(tmp_path, NAME, LANGS, frames(), SIGNATURE, max_shard_rows=MAX_ROWS)
    real_write = publish_module.write_parquet

    def failing_write(frame: pl.DataFrame, schema: Any, path: Path, signature: str) -> int:
        if path.name == "train-00002-of-00007.parquet":  # the third of seven new shards
            raise OSError(28, "No space left on device")
        return real_write(frame, schema, path, signature)

    monkeypatch.setattr(publish_module, "write_parquet", failing_write)
    with pytest.raises(OutputError, match="No space left on device"):
        publish(tmp_path, NAME, LANGS, frames(), "name:other|version:1", max_shard_rows=50)
    assert all_files(previous) == EXPECTED_FILES
    _, mismatch, errors = filecmp.cmpfiles(sharded, previous, EXPECTED_FILES, shallow=False)
    assert not mismatch and not errors
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME], "no staging folder left"


def test_read_config_joins_the_shards_in_order(sharded: Path) -> None:
    assert [p.name for p in config_files(sharded, "glossary")] == shard_names(3)
    assert read_config(sharded, "sentences").equals(sentences())
    assert read_config(sharded, "glossary").equals(glossary())
    assert read_config(sharded, "documents").equals(documents())


def test_config_files_of_a_missing_config_is_empty(sharded: Path) -> None:
    assert config_files(sharded, "word_alignments") == []


def test_read_config_of_a_missing_config_says_so(sharded: Path) -> None:
    message = f"{sharded}: no word_alignments config (word_alignments/*.parquet); "
    with pytest.raises(InputError, match=f"^{re.escape(message)}"):
        read_config(sharded, "word_alignments")


@pytest.mark.parametrize(
    "names",
    [
        ["train-00000-of-00003.parquet", "train-00002-of-00003.parquet"],  # a shard missing
        ["train.parquet", "train-00000-of-00002.parquet", "train-00001-of-00002.parquet"],
        ["train-00000-of-00002.parquet", "train-00001-of-00002.parquet",
         "train-00002-of-00003.parquet"],  # shards of two builds
        ["train-00000-of-00001.parquet"],  # a one-shard set is written as train.parquet
        ["data.parquet"],
    ],
)  # fmt: skip
def test_config_files_refuse_an_incomplete_or_mixed_folder(
    tmp_path: Path, names: list[str]
) -> None:
    (tmp_path / "sentences").mkdir()
    for name in names:
        (tmp_path / "sentences" / name).write_bytes(b"")
    with pytest.raises(InputFormatError, match=r"expected train\.parquet or a complete set"):
        config_files(tmp_path, "sentences")


def test_read_config_reports_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "sentences").mkdir()
    (tmp_path / "sentences" / "train.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputFormatError, match="cannot read the parquet files"):
        read_config(tmp_path, "sentences")


def test_lookup_reads_every_shard_of_glossary_and_sentences(sharded: Path) -> None:
    """The entry and its concordance line are both in the last shard of their config."""
    result = CliRunner().invoke(
        app, ["lookup", "asistencia mutua", "--json", "--limit", "1", "--dataset", str(sharded)]
    )
    assert result.exit_code == 0, result.output
    (hit,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert hit["entry"]["term_id"] == f"t{N_GLOSSARY - 1:04d}"
    assert [line["sent_id"] for line in hit["concordance"]] == [f"d1:{N_SENTENCES - 1}"]
