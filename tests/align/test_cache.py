"""The build cache: each text embedded once per encoder, each document pair aligned once per
set of options, shared safely between processes, and builds give the same bytes with a cold, a
warm or no cache."""

from __future__ import annotations

import filecmp
import multiprocessing
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from alinea.align.cache import BuildCache, CachedEncoder, default_cache_dir
from alinea.errors import OutputError


class CountingEncoder:
    """Deterministic vectors from the text's characters; counts what it was asked to embed."""

    def __init__(self, method_id: str = "count.v1") -> None:
        self.method_id = method_id
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen += list(texts)
        rows = [[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts]
        array = np.asarray(rows, dtype=np.float32).reshape(len(texts), 3)
        return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_each_text_is_embedded_once(tmp_path: Path) -> None:
    inner = CountingEncoder()
    encoder = CachedEncoder(inner, BuildCache(tmp_path))
    first = encoder.encode(["a", "bb", "a"])
    assert inner.seen == ["a", "bb"]  # repeats inside one call too
    second = CachedEncoder(CountingEncoder(), BuildCache(tmp_path)).encode(["bb", "a", "ccc"])
    assert np.array_equal(second[:2], first[[1, 0]])
    assert np.array_equal(first, CountingEncoder().encode(["a", "bb", "a"]))  # bit-identical
    assert (encoder.encoded, encoder.hits) == (2, 0)


def test_encoders_never_share_vectors(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    CachedEncoder(CountingEncoder("one.v1"), cache).encode(["a"])
    other = CountingEncoder("one.v2")
    CachedEncoder(other, cache).encode(["a"])
    assert other.seen == ["a"]
    assert cache.info().vectors == {"one.v1": 1, "one.v2": 1}


def test_info_and_clear(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c")
    assert cache.info().vectors == {} and not (tmp_path / "c").exists()  # asking creates nothing
    CachedEncoder(CountingEncoder(), cache).encode(["a", "b"])
    assert cache.info().vectors == {"count.v1": 2} and cache.info().bytes > 0
    assert cache.clear() == 2
    assert cache.info().vectors == {}


def _fill(folder: str, start: int) -> None:
    encoder = CachedEncoder(CountingEncoder(), BuildCache(Path(folder)))
    for k in range(start, start + 200, 10):
        encoder.encode([f"text {n}" for n in range(k, k + 20)])  # overlapping writes


def test_concurrent_writers_share_one_cache(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_fill, args=(str(tmp_path), s)) for s in (0, 100)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert BuildCache(tmp_path).info().vectors == {"count.v1": 310}
    texts = [f"text {n}" for n in range(310)]
    reader = CountingEncoder()
    got = CachedEncoder(reader, BuildCache(tmp_path)).encode(texts)
    assert reader.seen == [] and np.array_equal(got, CountingEncoder().encode(texts))


def test_an_unusable_cache_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot create the embedding cache"):
        BuildCache(tmp_path / "file" / "sub").get("m", ["a"])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "embeddings.sqlite3").write_text("not a database", encoding="utf-8")
    with pytest.raises(OutputError, match="embedding cache unusable"):
        BuildCache(tmp_path / "bad").get("m", ["a"])


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ALINEA_CACHE": "/c/alinea", "XDG_CACHE_HOME": "/x"}, "/c/alinea"),
        ({"XDG_CACHE_HOME": "/x"}, "/x/alinea"),
        ({"HOME": "/home/u"}, "/home/u/.cache/alinea"),
    ],
)
def test_default_folder(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name in ("ALINEA_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_cache_dir() == Path(expected)


def test_builds_are_identical_cold_warm_and_uncached(seeds_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from alinea.cli import app

    news = tmp_path / "news"  # one PT and one ES seed: 18 sentences go to the encoder
    news.mkdir()
    for name, seed in (
        ("pt.txt", "000_60150220a1ea2e6b.txt"),
        ("es.txt", "003_e08587906b7245c9.txt"),
    ):
        (news / name).write_bytes((seeds_dir / seed).read_bytes())
    cache = ["--cache-dir", str(tmp_path / "cache")]
    runs = {
        "cold": cache,
        "warm": cache,  # the same pair again: its beads are reused, nothing is embedded
        "other-threshold": [*cache, "--threshold", "0.5"],  # mined again, on cached vectors
        "off": ["--no-cache"],
        "off-other-threshold": ["--no-cache", "--threshold", "0.5"],
    }
    logged = {}
    for run, extra in runs.items():
        args = ["build", str(news), "--out", str(tmp_path / run), "--langs", "pt,es", "-v", *extra]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        lines = [line for line in result.stderr.splitlines() if " align: " in line]
        logged[run] = (lines[-2].split(" shards, ")[1], lines[-1].split(" s, ")[1])
    assert logged == {
        "cold": (
            "1 document pairs aligned, 0 reused, 18 sentences embedded, 0 from the cache",
            "5 sentence pairs",
        ),
        "warm": (
            "0 document pairs aligned, 1 reused, 0 sentences embedded, 0 from the cache",
            "5 sentence pairs",
        ),
        "other-threshold": (
            "1 document pairs aligned, 0 reused, 0 sentences embedded, 18 from the cache",
            "4 sentence pairs",
        ),
        "off": (
            "1 document pairs aligned",
            "5 sentence pairs",
        ),
        "off-other-threshold": (
            "1 document pairs aligned",
            "4 sentence pairs",
        ),
    }
    for first, same in (
        ("cold", "warm"),
        ("cold", "off"),
        ("other-threshold", "off-other-threshold"),
    ):
        files = sorted(
            str(p.relative_to(tmp_path / first))
            for p in (tmp_path / first).rglob("*")
            if p.is_file()
        )
        _, mismatch, errors = filecmp.cmpfiles(
            tmp_path / first, tmp_path / same, files, shallow=False
        )
        assert (mismatch, errors) == ([], []), (first, same)
