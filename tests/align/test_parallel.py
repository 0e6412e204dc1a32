"""Parallel sentence alignment: shapes, insertions, invariants and near-linear memory (lexical only)."""

from __future__ import annotations

import random
import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.align.beads import Bead
from alinea.align.parallel import DEFAULT_SHAPES, ParallelConfig, align_parallel
from alinea.errors import UsageError

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "su",
    "ta",
    "ri",
    "po",
    "vel",
    "dan",
    "gor",
    "tis",
    "mur",
    "bel",
    "fen",
    "qua",
    "zir",
    "hob",
    "lin",
    "cor",
]


def sentences(count: int, seed: int = 0, words: tuple[int, int] = (5, 12)) -> list[str]:
    """Distinct pseudo-sentences of made-up words (deterministic)."""
    rng = random.Random(seed)
    out = []
    for k in range(count):
        body = " ".join(
            "".join(rng.choices(SYLLABLES, k=rng.randint(1, 3))) for _ in range(rng.randint(*words))
        )
        out.append(f"{body.capitalize()} {k}.")
    return out


Pair = tuple[tuple[int, ...], tuple[int, ...]]


def pairs(beads: list[Bead]) -> list[Pair]:
    return [(b.src, b.tgt) for b in beads]


def assert_covers(beads: list[Bead], n: int, m: int) -> None:
    assert [i for b in beads for i in b.src] == list(range(n))
    assert [j for b in beads for j in b.tgt] == list(range(m))
    assert all(0.0 <= b.score <= 1.0 for b in beads)
    assert all(b.src or b.tgt for b in beads)


TEXT = sentences(12, seed=1)


@pytest.mark.parametrize("count", [1, 2, 5, 12])
def test_identical_texts_align_one_to_one(count: int) -> None:
    beads = align_parallel(TEXT[:count], TEXT[:count])
    assert [b.kind for b in beads] == ["1-1"] * count
    assert pairs(beads) == [((k,), (k,)) for k in range(count)]


@pytest.mark.parametrize("split_at", [0, 4, 11])
def test_a_sentence_split_in_two_is_a_2_1_bead(split_at: int) -> None:
    words = TEXT[split_at].split()
    halves = [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
    src = TEXT[:split_at] + halves + TEXT[split_at + 1 :]
    beads = align_parallel(src, TEXT)
    assert ((split_at, split_at + 1), (split_at,)) in pairs(beads)
    assert [b.kind for b in beads].count("1-1") == len(TEXT) - 1


@pytest.mark.parametrize(
    ("side", "at", "expected"),
    [
        ("tgt", 0, ((), (0,))),
        ("tgt", 6, ((), (6,))),
        ("tgt", 12, ((), (12,))),
        ("src", 5, ((5,), ())),
    ],
)
def test_an_extra_sentence_is_an_insertion(side: str, at: int, expected: Pair) -> None:
    extra = "Zzyx qwrt plmk 99 vvvv jjjj xxxx."
    longer = [*TEXT[:at], extra, *TEXT[at:]]
    src, tgt = (longer, TEXT) if side == "src" else (TEXT, longer)
    beads = align_parallel(src, tgt)
    assert expected in pairs(beads)
    assert [b.kind for b in beads].count("1-1") == len(TEXT)
    assert_covers(beads, len(src), len(tgt))


@pytest.mark.parametrize(
    ("src", "tgt", "expected"),
    [
        ([], [], []),
        (["Eins."], [], [((0,), ())]),
        ([], ["Un.", "Deux."], [((), (0,)), ((), (1,))]),
    ],
)
def test_empty_sides(src: list[str], tgt: list[str], expected: list[Pair]) -> None:
    assert pairs(align_parallel(src, tgt)) == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"shapes": ((1, 1), (1, 2))}, "must include"),
        ({"band": 0}, "at least 1"),
        ({"lexical_weight": 1.5}, "lexical_weight"),
    ],
)
def test_bad_configs_are_usage_errors(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ParallelConfig(**fields)


@pytest.mark.parametrize(
    ("max_bead", "shapes", "allowed"),
    [
        (4, DEFAULT_SHAPES, set(DEFAULT_SHAPES)),
        (3, DEFAULT_SHAPES, set(DEFAULT_SHAPES) - {(1, 4), (4, 1)}),
        (2, DEFAULT_SHAPES, {(0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2)}),
        (1, DEFAULT_SHAPES, {(0, 1), (1, 0), (1, 1)}),
        (3, ((0, 1), (1, 0), (1, 1), (2, 3)), {(0, 1), (1, 0), (1, 1), (2, 3)}),
    ],
)
def test_bead_shapes_respect_the_config(
    max_bead: int, shapes: tuple[tuple[int, int], ...], allowed: set[tuple[int, int]]
) -> None:
    config = ParallelConfig(max_bead=max_bead, shapes=shapes)
    assert set(config.bead_shapes) == allowed
    src, tgt = sentences(9, seed=3, words=(1, 4)), sentences(14, seed=4, words=(1, 4))
    beads = align_parallel(src, tgt, config)
    assert_covers(beads, len(src), len(tgt))
    assert {(len(b.src), len(b.tgt)) for b in beads} <= allowed


texts = st.lists(st.text(alphabet="abcdefgh .,1", max_size=30), max_size=9)


@settings(max_examples=30, deadline=None)
@given(src=texts, tgt=texts, band=st.integers(1, 3))
def test_beads_cover_both_sides_in_order(src: list[str], tgt: list[str], band: int) -> None:
    # A tiny full_dp_cells forces the coarse-to-fine band search even on tiny inputs.
    config = ParallelConfig(band=band, full_dp_cells=4)
    assert_covers(align_parallel(src, tgt, config), len(src), len(tgt))


def test_the_band_search_finds_the_full_dp_path() -> None:
    src = sentences(150, seed=5)
    tgt = src[:40] + sentences(6, seed=6) + src[40:90] + src[95:]  # an insertion, a deletion
    full = align_parallel(src, tgt, ParallelConfig(full_dp_cells=10**6))
    banded = align_parallel(src, tgt, ParallelConfig(full_dp_cells=500))
    assert pairs(banded) == pairs(full)


def test_a_long_document_needs_far_less_than_an_n_by_m_matrix() -> None:
    n = 3000
    src = sentences(n, seed=7, words=(2, 4))
    tgt = src[:1000] + sentences(20, seed=8, words=(2, 4)) + src[1000:2500] + src[2520:]
    tracemalloc.start()
    try:
        beads = align_parallel(src, tgt)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_covers(beads, len(src), len(tgt))
    # One float32 n x m matrix would take 36 MB (a float64 cost matrix 72 MB); the aligner's
    # peak, n-gram hashing included, is about a third of the former.
    assert peak < n * len(tgt) * 4 / 2
    assert sum(b.kind == "1-1" for b in beads) >= 2970
