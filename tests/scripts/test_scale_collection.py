"""The synthetic collection of scripts/scale_collection.py: generator, gold and scoring (not the
benchmark itself). A made-up pool keeps these tests independent of ../shared/eval."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from scripts import comparable_bench as cb
from scripts import scale_collection as sc


def make_pool(size: int) -> sc.Pool:
    pairs = tuple(
        (f"Frase portuguesa {i} sobre o tema.", f"Frase española {i} del tema.")
        for i in range(size)
    )
    sources = tuple("tatoeba" if i % 3 == 0 else f"ntrex128/doc{i // 20}" for i in range(size))
    return sc.Pool(pairs, sources, lengths=(4, 9, 16, 30))


POOL = make_pool(400)


def test_deterministic_for_a_seed() -> None:
    first = sc.make_collection(40, seed=3, pool=POOL)
    assert first == sc.make_collection(40, seed=3, pool=POOL)
    assert first != sc.make_collection(40, seed=4, pool=POOL)


@pytest.mark.parametrize("docs", [1, 10, 37, 60])
def test_counterpart_share_and_ids(docs: int) -> None:
    collection = sc.make_collection(docs, seed=0, pool=POOL)
    assert len(collection.pt) == len(collection.es) == docs
    assert len(collection.doc_gold) == round(sc.PAIRED_RATE * docs)
    pt_stories = {d.story for d in collection.pt}
    es_stories = {d.story for d in collection.es}
    assert len(pt_stories & es_stories) == len(collection.doc_gold)  # the rest: one side only
    by_id = {d.doc_id: d for d in (*collection.pt, *collection.es)}
    assert len(by_id) == 2 * docs
    assert all(by_id[a].story == by_id[b].story for a, b in collection.doc_gold)
    assert {d.doc_id for d in collection.pt} == {f"pt-{k:05d}" for k in range(docs)}


def test_gold_links_are_the_shared_paragraphs() -> None:
    collection = sc.make_collection(50, seed=1, pool=POOL)
    by_id = {d.doc_id: d for d in (*collection.pt, *collection.es)}
    expected = set()
    for a, b in collection.doc_gold:
        pt, es = by_id[a], by_id[b]
        expected |= {
            (a, i, b, j) for i, u in enumerate(pt.units) for j, v in enumerate(es.units) if u == v
        }
    assert collection.link_gold == expected
    assert expected  # some paragraphs survive on both sides
    for a, i, b, j in collection.link_gold:
        (x, y) = by_id[a].units[i]
        assert by_id[a].lines[i] == f"{POOL.pairs[x][0]} {POOL.pairs[y][0]}"
        assert by_id[b].lines[j] == f"{POOL.pairs[x][1]} {POOL.pairs[y][1]}"


def test_sizes_and_unique_lines() -> None:
    collection = sc.make_collection(60, seed=2, pool=POOL)
    most = sc._paragraphs(max(POOL.lengths))
    for side in (collection.pt, collection.es):
        lines = [line for d in side for line in d.lines]
        assert len(lines) == len(set(lines))  # no duplicate paragraph anywhere
        assert all(line.strip() and "\n" not in line for line in lines)
        assert all(sc.MIN_LINES <= len(d.lines) <= most for d in side)
        assert all(len(d.units) == len(d.lines) for d in side)
    units = [u for d in collection.pt for u in d.units]
    assert len(units) == len(set(units))
    assert all(a < b for a, b in units)


def test_no_reuse_while_the_pool_suffices_then_passes() -> None:
    small = sc.describe(sc.make_collection(8, seed=0, pool=POOL))
    assert (small["passes"], small["reuse_max"]) == (1, 1)
    large = sc.describe(sc.make_collection(60, seed=0, pool=POOL))
    assert large["passes"] > 1
    assert large["reuse_max"] > 1
    assert large["stories"] == 2 * 60 - round(sc.PAIRED_RATE * 60)


def test_a_story_uses_each_real_pair_once_from_one_window() -> None:
    collection = sc.make_collection(30, seed=5, pool=POOL)
    stories: dict[int, set[tuple[int, int]]] = {}
    for doc in (*collection.pt, *collection.es):
        stories.setdefault(doc.story, set()).update(doc.units)
    for units in stories.values():
        indexes = sorted(i for unit in units for i in unit)
        assert len(indexes) == len(set(indexes))
        # one window of consecutive pool indexes (a window may wrap around the pool's end)
        span = indexes[-1] - indexes[0]
        assert span < 2 * sc._paragraphs(max(POOL.lengths)) or span > len(POOL.pairs) / 2


def test_write_read_and_score(tmp_path: Path) -> None:
    collection = sc.make_collection(12, seed=0, pool=POOL)
    sc.write_collection(collection, tmp_path / "collection")
    for doc in collection.es:
        text = (tmp_path / "collection" / "es" / f"{doc.doc_id}.txt").read_text(encoding="utf-8")
        assert text.splitlines() == list(doc.lines)
    sc.write_gold(collection, tmp_path / "gold.json")
    # a published dataset holding exactly the gold links, one sentence per line
    dataset = tmp_path / "scale"
    sentences = [
        {"sent_id": f"{d.doc_id}:{k}", "doc_id": d.doc_id, "para": k}
        for d in (*collection.pt, *collection.es)
        for k in range(len(d.lines))
    ]
    pairs = [
        {
            "pt_doc_id": a,
            "es_doc_id": b,
            "pt_sent_ids": [f"{a}:{i}"],
            "es_sent_ids": [f"{b}:{j}"],
        }
        for a, i, b, j in sorted(collection.link_gold)
    ]
    for name, rows in (("sentences", sentences), ("sentence_pairs", pairs)):
        (dataset / name).mkdir(parents=True)
        pl.DataFrame(rows).write_parquet(dataset / name / "train.parquet")
    docs, links, n_pairs = sc.read_predictions(dataset)
    assert n_pairs == len(collection.link_gold)
    assert links == collection.link_gold
    result = sc.score(collection, docs, links)
    assert result["links"]["p"] == result["links"]["r"] == 1.0
    assert result["documents"]["p"] == 1.0
    # an unpaired document linked to a paired one: a wrong pair, not a sibling (no shared text)
    pt_unpaired = next(d.doc_id for d in collection.pt if d.doc_id not in dict(collection.doc_gold))
    wrong = (pt_unpaired, 0, collection.es[0].doc_id, 0)
    worse = sc.score(collection, docs | {(wrong[0], wrong[2])}, links | {wrong})
    assert worse["documents"]["wrong"] == worse["links"]["wrong"] == 1
    assert worse["documents"]["wrong_siblings"] == worse["links"]["wrong_half"] == 0
    assert worse["links"]["p"] == pytest.approx(len(links) / (len(links) + 1), abs=1e-4)


def test_sibling_errors_share_a_real_sentence() -> None:
    pt = sc.Document("pt-0", 0, ((1, 2), (3, 4)), ("a b", "c d"))
    es = sc.Document("es-0", 1, ((2, 7), (5, 6)), ("B G", "E F"))
    collection = sc.Collection((pt,), (es,), frozenset(), frozenset(), 1, POOL)
    result = sc.score(
        collection, {("pt-0", "es-0")}, {("pt-0", 0, "es-0", 0), ("pt-0", 1, "es-0", 1)}
    )
    assert result["documents"]["wrong_siblings"] == 1
    assert result["links"]["wrong_half"] == 1


@pytest.mark.parametrize(
    ("system", "options"),
    [
        ("serial", []),
        ("ray1", ["--engine", "ray", "--workers", "1"]),
        ("ray12", ["--engine", "ray", "--workers", "12"]),
    ],
)
def test_system_options(system: str, options: list[str]) -> None:
    assert sc.system_options(system) == options


@pytest.mark.parametrize("system", ["ray", "ray0", "dask2"])
def test_system_options_refuses(system: str) -> None:
    with pytest.raises(SystemExit):
        sc.system_options(system)


def test_file_digests(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "y.txt").write_text("y", encoding="utf-8")
    digests = sc.file_digests(tmp_path)
    assert sorted(digests) == ["a/x.txt", "y.txt"]


@pytest.mark.skipif(
    not (cb._data_dir(None) / "ntrex128-por-spa").is_dir(), reason="no ../shared/eval"
)
def test_real_pool() -> None:
    pool = sc.load_pool()
    assert len(pool.pairs) == len(pool.sources) > 15_000
    keys = [k for pt, es in pool.pairs for k in {cb.normalise(pt), cb.normalise(es)}]
    assert len(keys) == len(set(keys))
    assert len(pool.lengths) == 123
    collection = sc.make_collection(20, seed=0, pool=pool)
    assert len(collection.doc_gold) == 12
