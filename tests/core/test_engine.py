"""Executors: the shard plan, the serial reference and a real local Ray with 2 CPUs; a build
on Ray writes the same bytes as the serial build."""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alinea.align.sentences import AlignConfig
from alinea.cli import app
from alinea.engine import Engine, EngineConfig, Executor, SerialExecutor, shard_of, shard_plan
from alinea.errors import UsageError
from alinea.pipeline import BuildConfig, build

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


def test_serial_executor_maps_in_order() -> None:
    assert list(SerialExecutor().map(operator.add, 10, [1, 2, 3])) == [11, 12, 13]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Executor]:
    """A local Ray with 2 CPUs for this module (no dashboard, no usage statistics)."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        with Engine(EngineConfig("ray")) as executor:  # joins the running Ray
            yield executor
    finally:
        ray.shutdown()


def test_ray_executor_uses_the_running_ray_and_keeps_submission_order(
    local_ray: Executor,
) -> None:
    assert local_ray.workers == 2
    items = list(range(25))  # more than the window of 2 x workers
    assert list(local_ray.map(operator.mul, 3, items)) == [3 * i for i in items]


def test_a_worker_error_reaches_the_build_as_itself(local_ray: Executor) -> None:
    with pytest.raises(ZeroDivisionError):
        list(local_ray.map(operator.truediv, 1, [1, 0]))


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_ray_build_is_byte_identical_to_the_serial_build(
    local_ray: Executor, tmp_path: Path
) -> None:
    common = ["build", str(COLLECTION), "--langs", "pt,es", "--name", "news", "--no-cache"]
    serial = CliRunner().invoke(app, [*common, "--out", str(tmp_path / "serial")])
    assert serial.exit_code == 0, serial.output
    ray = CliRunner().invoke(
        app, [*common, "--out", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2"]
    )
    assert ray.exit_code == 0, ray.output
    files = _digests(tmp_path / "serial" / "news")
    assert len(files) == 13  # card, 5 configs, 6 exports and their README
    assert _digests(tmp_path / "ray" / "news") == files


def test_the_shard_count_never_changes_the_pairs() -> None:
    one = build([COLLECTION], BuildConfig("news", align=AlignConfig(shards=1)))
    many = build([COLLECTION], BuildConfig("news", align=AlignConfig(shards=7)))
    pairs = one.frames["sentence_pairs"]
    assert pairs["pt_doc_id"].n_unique() >= 3  # several document pairs, in several shards
    assert pairs.equals(many.frames["sentence_pairs"])
