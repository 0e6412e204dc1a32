"""The published dataset: loads with `datasets`, is deterministic, fresh, and written atomically."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alinea import publish as publish_module
from alinea.cli import app
from alinea.errors import OutputError
from tests.conftest import COMMITTED_DATASET, DATASET_NAME, REPO, SEEDS

runner = CliRunner()
SEED_BOILERPLATE = {
    'Leia Também: Vladimir Putin "aprecia apoio" da Coreia do Norte à política da Rússia',
    "TODOS LOS DERECHOS RESERVADOS © Copyright ANSA",
    'Podés leer: Putin dice que es un "total disparate" pensar en un ataque de Rusia a Europa',
    'Te puede interesar: Milei en la Cumbre por la Paz brindó su apoyo "al amigo Zelenski"',
}


def build_seeds(out: Path, *extra: str) -> Path:
    args = ["build", str(SEEDS), "--out", str(out), "--name", DATASET_NAME, "--langs", "pt,es"]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    return out / DATASET_NAME


@pytest.fixture(scope="module")
def seed_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seeds(tmp_path_factory.mktemp("build"))


def all_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def assert_identical(a: Path, b: Path) -> None:
    assert all_files(a) == all_files(b)
    _, mismatch, errors = filecmp.cmpfiles(a, b, all_files(a), shallow=False)
    assert not mismatch and not errors, f"differ: {mismatch + errors}"


def test_configs_load_offline_with_declared_types(seed_dataset: Path) -> None:
    from alinea.schema import (
        DOCUMENTS,
        SENTENCES,
        features_yaml,
        glossary_schema,
        sentence_pairs_schema,
        word_alignments_schema,
    )
    from datasets import Features, load_dataset

    configs = (
        ("documents", DOCUMENTS, 5),
        ("sentences", SENTENCES, None),
        ("sentence_pairs", sentence_pairs_schema("pt", "es"), None),
        ("word_alignments", word_alignments_schema("pt", "es"), None),
        ("glossary", glossary_schema("pt", "es"), None),
    )
    for config, schema, rows in configs:
        ds = load_dataset(str(seed_dataset.resolve()), config, split="train")
        assert ds.features == Features._from_yaml_list(features_yaml(schema))
        if rows is not None:
            assert ds.num_rows == rows


def test_sentence_pairs_are_the_default_config(seed_dataset: Path) -> None:
    from datasets import Translation, load_dataset

    pairs = load_dataset(str(seed_dataset), split="train")
    assert pairs.features["translation"] == Translation(languages=["pt", "es"])
    assert pairs.num_rows > 0
    row = pairs[0]
    assert set(row["translation"]) == {"pt", "es"}
    assert 0.0 <= row["score"] <= 1.0
    assert (seed_dataset / "exports" / "sentence_pairs.pt-es.tmx").is_file()


def test_seed_boilerplate_flagged_and_nothing_else(seed_dataset: Path) -> None:
    from datasets import load_dataset

    sentences = load_dataset(str(seed_dataset), "sentences", split="train")
    flagged = {row["text"] for row in sentences if row["is_boilerplate"]}
    assert flagged == SEED_BOILERPLATE
    assert sum(sentences["is_boilerplate"]) == 4


def test_sentence_offsets_point_into_document_text(seed_dataset: Path) -> None:
    import polars as pl

    documents = pl.read_parquet(seed_dataset / "documents" / "train.parquet")
    sentences = pl.read_parquet(seed_dataset / "sentences" / "train.parquet")
    texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
    for row in sentences.iter_rows(named=True):
        assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"]


def test_card_carries_signature_and_metadata(seed_dataset: Path) -> None:
    import yaml

    card = (seed_dataset / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert front["language"] == ["pt", "es"]
    assert {c["config_name"] for c in front["configs"]} == {
        "sentence_pairs",
        "word_alignments",
        "glossary",
        "documents",
        "sentences",
    }
    assert [c["config_name"] for c in front["configs"] if c.get("default")] == ["sentence_pairs"]
    assert front["alinea_signature"] in card.split("---\n", 2)[2]
    for key in ("license", "task_categories", "tags", "size_categories", "pretty_name"):
        assert front[key]
    assert "copyright" in front["license_details"]


def test_parquet_metadata_holds_signature(seed_dataset: Path) -> None:
    import pyarrow.parquet as pq

    metadata = pq.read_schema(seed_dataset / "sentences" / "train.parquet").metadata
    assert metadata[b"alinea"].decode().startswith("name:" + DATASET_NAME)
    assert b"huggingface" in metadata


def test_building_twice_gives_identical_bytes(seed_dataset: Path, tmp_path: Path) -> None:
    assert_identical(seed_dataset, build_seeds(tmp_path))


def test_committed_dataset_is_fresh(seed_dataset: Path) -> None:
    assert COMMITTED_DATASET.is_dir(), "run `make build` and commit datasets/"
    assert_identical(COMMITTED_DATASET, seed_dataset)


def test_datasets_folder_never_shadows_hugging_face() -> None:
    assert not (REPO / "datasets" / "__init__.py").exists()
    probe = "import datasets; print(hasattr(datasets, 'load_dataset'))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_rebuild_replaces_an_alinea_dataset(seed_dataset: Path, tmp_path: Path) -> None:
    target = build_seeds(tmp_path)
    (target / "stale.txt").write_text("old", encoding="utf-8")
    build_seeds(tmp_path)
    assert not (target / "stale.txt").exists()
    assert_identical(seed_dataset, target)


def test_failed_write_keeps_previous_dataset(
    seed_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = build_seeds(tmp_path)
    real_write = publish_module.write_parquet

    def failing_write(frame, schema, path: Path, signature: str) -> int:  # type: ignore[no-untyped-def]
        if path.parent.name == "sentences":
            raise OSError(28, "No space left on device")
        return real_write(frame, schema, path, signature)

    monkeypatch.setattr(publish_module, "write_parquet", failing_write)
    result = runner.invoke(
        app,
        ["build", str(SEEDS), "--out", str(tmp_path), "--name", DATASET_NAME, "--langs", "pt,es"],
    )
    assert result.exit_code == 1
    assert "could not write" in result.stderr
    assert_identical(seed_dataset, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [DATASET_NAME], "no temporary folder left"


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / DATASET_NAME).write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        publish_module.check_target(tmp_path / DATASET_NAME, force=True)
