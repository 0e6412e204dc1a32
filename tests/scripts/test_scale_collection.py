"""The synthetic collection of scripts/scale_collection.py: generator, gold and scoring (not the
benchmark itself). A made-up pool keeps these tests independent of ../shared/eval."""

from __future__ import annotations

import json
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


Bead = tuple[str, int, int | None, str, int, int | None]  # doc, line, sentence (None: all)


def beads(links: set[sc.Link], split: bool) -> set[Bead]:
    """One bead per line link, or with split sentences one per real pair (first to first)."""
    if not split:
        return {(a, i, None, b, j, None) for a, i, b, j in links}
    return {(a, i, k, b, j, k) for a, i, b, j in links for k in (0, 1)}


def publish(
    collection: sc.Collection, folder: Path, predicted: set[Bead], split: bool
) -> sc.Predictions:
    """A dataset as alinea publishes it: sentences (each paragraph whole, or split into its two
    real sentences) and one sentence pair per bead."""
    rows, of_line = [], {}
    for doc in (*collection.pt, *collection.es):
        column = 0 if doc.doc_id.startswith("pt") else 1
        offset, idx = 0, 0
        for k, (line, (a, _)) in enumerate(zip(doc.lines, doc.units, strict=True)):
            join = len(collection.pool.pairs[a][column])
            spans = [(0, join), (join + 1, len(line))] if split else [(0, len(line))]
            for begin, end in spans:
                sent_id = f"{doc.doc_id}:{idx}"
                rows.append(
                    {
                        "sent_id": sent_id,
                        "doc_id": doc.doc_id,
                        "para": k,
                        "start": offset + begin,
                        "end": offset + end,
                        "text": line[begin:end],
                    }
                )
                of_line.setdefault((doc.doc_id, k), []).append(sent_id)
                idx += 1
            offset += len(line) + 1

    def ids(doc: str, line: int, k: int | None) -> list[str]:
        return of_line[doc, line] if k is None else [of_line[doc, line][k]]

    pairs = [
        {"pt_doc_id": a, "es_doc_id": b, "pt_sent_ids": ids(a, i, x), "es_sent_ids": ids(b, j, y)}
        for a, i, x, b, j, y in sorted(predicted, key=str)
    ]
    for name, frame in (("sentences", rows), ("sentence_pairs", pairs)):
        (folder / name).mkdir(parents=True)
        pl.DataFrame(frame).write_parquet(folder / name / "train.parquet")
    return sc.read_predictions(folder)


def test_written_files_are_the_lines(tmp_path: Path) -> None:
    collection = sc.make_collection(12, seed=0, pool=POOL)
    sc.write_collection(collection, tmp_path / "collection")
    for doc in (*collection.pt, *collection.es):
        path = tmp_path / "collection" / doc.doc_id[:2] / f"{doc.doc_id}.txt"
        assert path.read_text(encoding="utf-8").splitlines() == list(doc.lines)
    sc.write_gold(collection, tmp_path / "gold.json")
    gold = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))
    assert len(gold["links"]) == len(collection.link_gold)


@pytest.mark.parametrize("split", [False, True])
def test_the_gold_scores_one(tmp_path: Path, split: bool) -> None:
    collection = sc.make_collection(12, seed=0, pool=POOL)
    predicted = publish(collection, tmp_path, beads(set(collection.link_gold), split), split)
    assert predicted.lines == collection.link_gold
    result = sc.score(collection, predicted)
    for key in ("documents", "sentences", "lines"):
        assert (result[key]["p"], result[key]["r"]) == (1.0, 1.0), key
    # whole paragraphs: one sentence link covers both real pairs; split: one link per pair
    per_link = 1 if not split else 2
    assert result["sentences"]["predicted"] == per_link * len(collection.link_gold)
    assert result["sentences"]["unmapped_sentences"] == 0


def test_a_wrong_link_is_counted_everywhere(tmp_path: Path) -> None:
    collection = sc.make_collection(12, seed=0, pool=POOL)
    paired = dict(collection.doc_gold)
    unpaired = next(d.doc_id for d in collection.pt if d.doc_id not in paired)
    wrong = (unpaired, 0, collection.es[0].doc_id, 0)  # no shared text: one pass, no reuse
    links = beads({*collection.link_gold, wrong}, split=True)
    result = sc.score(collection, publish(collection, tmp_path, links, split=True))
    assert result["documents"]["wrong"] == result["lines"]["wrong"] == 1
    assert result["documents"]["wrong_siblings"] == result["lines"]["wrong_half"] == 0
    n = len(collection.link_gold)
    assert result["lines"]["p"] == pytest.approx(n / (n + 1), abs=1e-4)
    assert result["sentences"]["p"] == pytest.approx(2 * n / (2 * n + 2), abs=1e-4)
    assert result["sentences"]["r"] == 1.0


def test_siblings_share_a_real_sentence(tmp_path: Path) -> None:
    def doc(doc_id: str, story: int, units: tuple[sc.Unit, ...]) -> sc.Document:
        column = 0 if doc_id.startswith("pt") else 1
        lines = tuple(f"{POOL.pairs[a][column]} {POOL.pairs[b][column]}" for a, b in units)
        return sc.Document(doc_id, story, units, lines)

    pt = doc("pt-0", 0, ((1, 2), (3, 4)))
    es = doc("es-0", 1, ((2, 7), (5, 6)))  # another story sharing real pair 2
    collection = sc.Collection((pt,), (es,), frozenset(), frozenset(), 1, POOL)
    # pt line 0 = pairs 1 and 2, es line 0 = pairs 2 and 7: sentence 1 of pt <-> 0 of es
    linked = {("pt-0", 0, 1, "es-0", 0, 0), ("pt-0", 1, 0, "es-0", 1, 0)}
    result = sc.score(collection, publish(collection, tmp_path, linked, split=True))
    assert result["documents"]["wrong_siblings"] == 1
    assert (result["lines"]["wrong"], result["lines"]["wrong_half"]) == (2, 1)
    assert (result["sentences"]["predicted"], result["sentences"]["translations"]) == (2, 1)
    assert result["sentences"]["translations_outside_gold"] == 1
    assert result["sentences"]["p"] == 0.5


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
