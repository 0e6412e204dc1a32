"""Executors: the shard plan, the serial reference and a real local Ray with 2 CPUs; a build
on Ray writes the same bytes as the serial build."""

from __future__ import annotations

import hashlib
import logging
import operator
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from alinea.align import jobs
from alinea.align.cache import BuildCache
from alinea.align.sentences import AlignConfig
from alinea.align.words import TranslationConfig, WordAlignConfig, WordAligner
from alinea.cli import app
from alinea.engine import EngineConfig, Executor, SerialExecutor, shard_of, shard_plan
from alinea.errors import EngineError, UsageError
from alinea.pipeline import BuildConfig, build, build_and_publish

COLLECTION = Path(__file__).parent / "data" / "collection"


def test_shard_of_is_a_stable_hash() -> None:
    assert shard_of("a", 16) == 15  # blake2b: the same on every machine, run and Python
    assert shard_of("pt/doc\0es/doc", 16) == 5
    assert {shard_of(f"doc{i}", 4) for i in range(50)} == {0, 1, 2, 3}


def test_shard_plan_keeps_item_order_and_every_item() -> None:
    keys = [f"doc{i}" for i in range(40)]
    plan = shard_plan(keys, 4)
    assert sorted(i for items in plan for i in items) == list(range(40))
    assert all(items == sorted(items) for items in plan)
    assert all(
        {shard_of(keys[i], 4) for i in items} == {shard_of(keys[items[0]], 4)} for items in plan
    )
    assert shard_plan(["x"], 8) == [[0]]  # empty shards are dropped


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "spark"}, "--engine"),
        ({"engine": "ray", "workers": 0}, "--workers"),
        ({"workers": 2}, "need --engine ray"),
        ({"address": "auto"}, "need --engine ray"),
    ],
)
def test_engine_options_are_checked(options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        EngineConfig(**options)  # type: ignore[arg-type]


def test_cli_refuses_workers_without_ray(tmp_path: Path) -> None:
    args = ["build", str(COLLECTION), "--out", str(tmp_path), "--workers", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--address and --workers need --engine ray" in result.output
    assert not list(tmp_path.iterdir())


def test_ray_missing_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as if not installed
    args = ["build", str(COLLECTION), "--out", str(tmp_path), "--engine", "ray"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].endswith("pip install 'alinea[ray]'")
    assert not list(tmp_path.iterdir())


def test_serial_executor_maps_in_order() -> None:
    assert list(SerialExecutor().map(operator.add, 10, [1, 2, 3])) == [11, 12, 13]


def test_ray_executor_uses_the_running_ray_and_keeps_submission_order(
    local_ray: Executor,
) -> None:
    assert local_ray.workers == 2
    items = list(range(25))  # more than the window of 2 x workers
    assert list(local_ray.map(operator.mul, 3, items)) == [3 * i for i in items]


def test_scattered_items_are_placed_once_and_read_by_every_map(local_ray: Executor) -> None:
    handles = local_ray.scatter([[1, 2], [3]])
    assert list(local_ray.map(operator.add, [0], handles)) == [[0, 1, 2], [0, 3]]
    assert list(local_ray.map(operator.add, [9], handles)) == [[9, 1, 2], [9, 3]]
    assert SerialExecutor().scatter([[1]]) == [[1]]


def test_word_model_em_on_ray_is_bit_identical_to_serial(local_ray: Executor) -> None:
    pairs = [(f"o livro {k} verde".split(), f"el libro {k} verde".split()) for k in range(40)]
    config = WordAlignConfig(translation=TranslationConfig(shards=5), prior=None)
    serial = WordAligner("pt", "es", config).fit(pairs)
    ray = WordAligner("pt", "es", config).fit(pairs, local_ray)
    assert ray.align(pairs, local_ray) == serial.align(pairs)
    tables = [(m.forward.probs, m.reverse.probs) for m in (serial._model, ray._model) if m]
    assert all(np.array_equal(a, b) for a, b in zip(*tables, strict=True))


def test_a_worker_error_reaches_the_build_as_itself(local_ray: Executor) -> None:
    with pytest.raises(ZeroDivisionError):
        list(local_ray.map(operator.truediv, 1, [1, 0]))


def test_a_lost_worker_is_one_clear_error(local_ray: Executor) -> None:
    with pytest.raises(EngineError, match="--engine ray: WorkerCrashedError"):
        list(local_ray.map(operator.call, os._exit, [1]))  # the worker process dies


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_ray_build_is_byte_identical_to_the_serial_build(
    local_ray: Executor, tmp_path: Path
) -> None:
    common = ["build", str(COLLECTION), "--langs", "pt,es", "--name", "news", "-v"]
    ray = [*common, "--engine", "ray", "--workers", "2", "--cache-dir", str(tmp_path / "cache")]
    runs = {
        "serial": [*common, "--no-cache"],
        "ray-cold": ray,  # both workers write to one cache
        "ray-warm": ray,  # every document pair comes back from it
    }
    logs = {}
    for run, args in runs.items():
        result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / run)])
        assert result.exit_code == 0, result.output
        logs[run] = next(line for line in result.stderr.splitlines() if "shards, " in line)
    assert "0 reused" in logs["ray-cold"] and "0 document pairs aligned" in logs["ray-warm"]
    files = _digests(tmp_path / "serial" / "news")
    assert len(files) == 15  # card, 5 configs, 8 exports (the report too) and their README
    assert _digests(tmp_path / "ray-cold" / "news") == files
    assert _digests(tmp_path / "ray-warm" / "news") == files


def test_a_killed_build_resumes_from_its_finished_shards(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    config = BuildConfig("news", cache_dir=tmp_path / "cache", align=AlignConfig(shards=8))
    real, calls = jobs._align_jobs, []

    def killed_at_the_second_shard(*args: Any) -> Any:
        calls.append(len(args[0]))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(jobs, "_align_jobs", killed_at_the_second_shard)
    with pytest.raises(KeyboardInterrupt):
        build_and_publish([COLLECTION], config, tmp_path / "out")
    assert not (tmp_path / "out" / "news").exists()  # nothing half-written
    finished = calls[0]
    assert BuildCache(tmp_path / "cache").info().document_pairs == finished >= 1
    monkeypatch.setattr(jobs, "_align_jobs", real)
    with caplog.at_level(logging.INFO, logger="alinea.align.jobs"):
        resumed, _ = build_and_publish([COLLECTION], config, tmp_path / "out")
    assert f"document pairs aligned, {finished} reused" in caplog.text
    fresh = build([COLLECTION], BuildConfig("news", align=AlignConfig(shards=8)))
    assert resumed.frames["sentence_pairs"].equals(fresh.frames["sentence_pairs"])


def test_the_shard_count_never_changes_the_pairs() -> None:
    one = build([COLLECTION], BuildConfig("news", align=AlignConfig(shards=1)))
    many = build([COLLECTION], BuildConfig("news", align=AlignConfig(shards=7)))
    pairs = one.frames["sentence_pairs"]
    assert pairs["pt_doc_id"].n_unique() >= 3  # several document pairs, in several shards
    assert pairs.equals(many.frames["sentence_pairs"])
