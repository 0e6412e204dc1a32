"""The published dataset: loads with `datasets`, is deterministic, fresh, and written atomically.

Everything that only reads a seed build reads the session's one build (``seed_build``); only the
determinism and atomic-write tests run builds of their own."""

from __future__ import annotations

import filecmp
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from alinea import publish as publish_module
from alinea.cli import app
from alinea.errors import OutputError
from alinea.schema import CONFIG_SCHEMAS, features_json, features_yaml
from alinea.signature import parse_signature
from tests.conftest import COMMITTED_DATASET, DATASET_NAME, REPO, SEED_BUILD_ARGS, SeedBuild

if TYPE_CHECKING:
    import polars as pl

runner = CliRunner()
CONFIGS = ("sentence_pairs", "word_alignments", "glossary", "documents", "sentences")  # card order
SEED_BOILERPLATE = {
    'Leia Também: Vladimir Putin "aprecia apoio" da Coreia do Norte à política da Rússia',
    "TODOS LOS DERECHOS RESERVADOS © Copyright ANSA",
    'Podés leer: Putin dice que es un "total disparate" pensar en un ataque de Rusia a Europa',
    'Te puede interesar: Milei en la Cumbre por la Paz brindó su apoyo "al amigo Zelenski"',
}
SEED_FILES = sorted(
    [f"{config}/train.parquet" for config in CONFIGS]
    + ["README.md"]
    + [
        f"exports/{name}"
        for name in (
            "README.md",
            "glossary.es-pt.utf8",
            "glossary.pt-es.csv",
            "glossary.pt-es.tbx",
            "glossary.pt-es.tbx2008.tbx",
            "glossary.pt-es.utf8",
            "glossary.pt-es.xlsx",
            "report.html",
            "sentence_pairs.pt-es.tmx",
        )
    ]
)


def build_seeds(out: Path) -> Path:
    result = runner.invoke(app, [*SEED_BUILD_ARGS, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / DATASET_NAME


def all_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def assert_identical(a: Path, b: Path) -> None:
    assert all_files(a) == all_files(b)
    _, mismatch, errors = filecmp.cmpfiles(a, b, all_files(a), shallow=False)
    assert not mismatch and not errors, f"differ: {mismatch + errors}"


def read(dataset: Path, config: str) -> pl.DataFrame:
    import polars as pl

    return pl.read_parquet(dataset / config / "train.parquet")


def card_front(dataset: Path) -> dict:
    import yaml

    return yaml.safe_load((dataset / "README.md").read_text(encoding="utf-8").split("---\n")[1])


def test_seed_build_writes_exactly_the_expected_files(seed_build: Path) -> None:
    assert all_files(seed_build) == SEED_FILES
    assert sorted(p.name for p in seed_build.parent.iterdir()) == [DATASET_NAME]  # nothing left


@pytest.mark.parametrize(
    ("config", "rows"),
    [
        ("documents", 5),
        ("sentences", 75),  # 17 pt + 58 es
        ("sentence_pairs", None),  # model-dependent: as many as the parquet file holds
        ("word_alignments", None),
        ("glossary", None),
    ],
)
def test_configs_load_offline_with_declared_types(
    seed_build: Path, config: str, rows: int | None
) -> None:
    from datasets import Features, load_dataset

    ds = load_dataset(str(seed_build.resolve()), config, split="train")
    assert ds.features == Features._from_yaml_list(
        features_yaml(CONFIG_SCHEMAS[config]("pt", "es"))
    )
    frame = read(seed_build, config)
    assert ds.num_rows == frame.height > 0
    if rows is not None:
        assert ds.num_rows == rows
    key = frame.columns[0]  # the id column: the rows come back in the parquet order
    assert ds[key] == frame[key].to_list()


def test_sentence_pairs_are_the_default_config(seed_build: Path) -> None:
    from datasets import Translation, load_dataset

    pairs = load_dataset(str(seed_build), split="train")
    assert pairs.features["translation"] == Translation(languages=["pt", "es"])
    assert pairs["pair_id"] == read(seed_build, "sentence_pairs")["pair_id"].to_list()
    texts = dict(read(seed_build, "sentences").select("sent_id", "text").iter_rows())
    for row in pairs:
        assert 0.0 <= row["score"] <= 1.0
        assert row["kind"] == f"{len(row['pt_sent_ids'])}-{len(row['es_sent_ids'])}"
        assert row["pair_id"] == f"{row['pt_sent_ids'][0]}|{row['es_sent_ids'][0]}"
        for lang in ("pt", "es"):  # each side is its sentences, in order, joined by a space
            ids = row[f"{lang}_sent_ids"]
            assert {i.split(":")[0] for i in ids} == {row[f"{lang}_doc_id"]}
            assert row["translation"][lang] == " ".join(texts[i] for i in ids)


def test_seed_boilerplate_flagged_and_nothing_else(seed_build: Path) -> None:
    from datasets import load_dataset

    sentences = load_dataset(str(seed_build), "sentences", split="train")
    flagged = [row["text"] for row in sentences if row["is_boilerplate"]]
    assert sorted(flagged) == sorted(SEED_BOILERPLATE)


def test_sentence_offsets_point_into_document_text(seed_build: Path) -> None:
    documents, sentences = read(seed_build, "documents"), read(seed_build, "sentences")
    texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
    assert set(sentences["doc_id"]) == set(texts)  # every document has sentences
    for row in sentences.iter_rows(named=True):
        assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"]


def test_card_carries_signature_and_metadata(seed_build_run: SeedBuild) -> None:
    seed_build = seed_build_run.dataset
    card = (seed_build / "README.md").read_text(encoding="utf-8")
    front = card_front(seed_build)
    signature = seed_build_run.summary["signature"]
    assert front["alinea_signature"] == signature
    assert f"Build signature: `{signature}`" in card.split("---\n", 2)[2]
    assert parse_signature(signature)["name"] == DATASET_NAME
    expected = {
        "pretty_name": f"{DATASET_NAME} (Portuguese and Spanish)",
        "language": ["pt", "es"],
        "multilinguality": ["multilingual"],
        "license": "other",
        "license_name": "publishers-copyright",
        "task_categories": ["translation", "sentence-similarity"],
        "tags": ["alinea", "comparable-corpora", "bitext-mining", "sentence-alignment",
                 "word-alignment", "terminology", "news"],
        "size_categories": ["n<1K"],
        "source_datasets": ["original"],
    }  # fmt: skip
    assert {key: front[key] for key in expected} == expected
    assert "publishers' copyright" in front["license_details"]
    assert front["configs"] == [
        {
            "config_name": config,
            "data_files": [{"split": "train", "path": f"{config}/train.parquet"}],
        }
        | ({"default": True} if config == "sentence_pairs" else {})
        for config in CONFIGS
    ]
    examples = {
        info["config_name"]: info["splits"][0]["num_examples"] for info in front["dataset_info"]
    }
    assert examples == {config: read(seed_build, config).height for config in CONFIGS}


@pytest.mark.parametrize("config", CONFIGS)
def test_parquet_metadata_holds_signature_and_features(
    seed_build_run: SeedBuild, config: str
) -> None:
    import pyarrow.parquet as pq

    metadata = pq.read_schema(seed_build_run.dataset / config / "train.parquet").metadata
    assert set(metadata) == {b"alinea", b"huggingface"}
    assert metadata[b"alinea"].decode() == seed_build_run.summary["signature"]
    features = json.loads(features_json(CONFIG_SCHEMAS[config]("pt", "es")))
    assert json.loads(metadata[b"huggingface"]) == features


def test_committed_dataset_is_fresh(seed_build: Path) -> None:
    assert COMMITTED_DATASET.is_dir(), "run `make build` and commit datasets/"
    assert_identical(COMMITTED_DATASET, seed_build)


def test_datasets_folder_never_shadows_hugging_face() -> None:
    assert not (REPO / "datasets" / "__init__.py").exists()
    probe = "import datasets; print(hasattr(datasets, 'load_dataset'))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_rebuild_gives_identical_bytes_and_replaces_the_old_dataset(
    seed_build: Path, tmp_path: Path
) -> None:
    """A second, independent build of the seeds over a copy of the first (plus a stale file):
    byte-identical to the session's build, and nothing of the old folder survives."""
    target = tmp_path / DATASET_NAME
    shutil.copytree(seed_build, target)
    (target / "stale.txt").write_text("old", encoding="utf-8")
    assert build_seeds(tmp_path) == target
    assert not (target / "stale.txt").exists()
    assert_identical(seed_build, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [DATASET_NAME], "no staging folder left"


def fail_parquet(config: str) -> Callable[[pytest.MonkeyPatch], None]:
    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real_write = publish_module.write_parquet

        def failing_write(frame, schema, path: Path, signature: str) -> int:  # type: ignore[no-untyped-def]
            if path.parent.name == config:
                raise OSError(28, "No space left on device")
            return real_write(frame, schema, path, signature)

        monkeypatch.setattr(publish_module, "write_parquet", failing_write)

    return patch


def fail_card(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_card(*args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module, "render_card", failing_card)


@pytest.mark.parametrize("previous", [True, False], ids=["over-a-dataset", "fresh"])
@pytest.mark.parametrize(
    "make_it_fail",
    [fail_parquet("sentence_pairs"), fail_parquet("sentences"), fail_card],
    ids=["first-parquet", "last-parquet", "card"],
)
def test_failed_write_keeps_previous_dataset(
    seed_build: Path,
    tiny_news: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    previous: bool,
    make_it_fail: Callable[[pytest.MonkeyPatch], None],
) -> None:
    """A write that fails half-way leaves the earlier dataset as it was (or no folder at all).
    The failing build reads `tiny_news`: only the writing is under test."""
    out, target = tmp_path / "out", tmp_path / "out" / DATASET_NAME
    if previous:
        shutil.copytree(seed_build, target)
    make_it_fail(monkeypatch)
    args = ["build", str(tiny_news), "--out", str(out)]
    result = runner.invoke(app, [*args, "--name", DATASET_NAME, "--langs", "pt,es"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {target}: could not write the dataset ([Errno 28] No space left on device)\n"
    )
    if previous:
        assert_identical(seed_build, target)
        assert sorted(p.name for p in out.iterdir()) == [DATASET_NAME], "no temporary folder left"
    else:
        assert not out.exists(), "a failed first build leaves no output folder"


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / DATASET_NAME).write_text("x", encoding="utf-8")
    message = (
        f"{tmp_path / DATASET_NAME}: exists and is not a folder; choose another --out or --name"
    )
    with pytest.raises(OutputError, match=f"^{re.escape(message)}$"):
        publish_module.check_target(tmp_path / DATASET_NAME, force=True)
    assert (tmp_path / DATASET_NAME).read_text(encoding="utf-8") == "x"
