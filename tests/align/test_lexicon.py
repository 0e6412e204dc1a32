"""The corpus-learned word lexicon and the word coverage that counts it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from alinea.align import lexicon as lexicon_module
from alinea.align import mining
from alinea.align.coverage import WordCoverage
from alinea.align.explain import explain
from alinea.align.jobs import align_sharded
from alinea.align.lexicon import Lexicon, LexiconConfig, learn
from alinea.align.sentences import AlignConfig
from alinea.errors import UsageError

# "hoje"/"hoy" in pairs 0-5, "disse"/"dijo" in pairs 4-9, "nada" in all; the subjects vary
SUBJECTS = [("gato", "gato"), ("cão", "perro"), ("rio", "río"), ("sol", "sol"), ("mar", "mar")]
PAIRS = [
    (
        f"{'Hoje' if k < 6 else 'Ontem'} o {pt} {'disse' if k >= 4 else 'viu'} nada",
        f"{'Hoy' if k < 6 else 'Ayer'} el {es} {'dijo' if k >= 4 else 'vio'} nada",
    )
    for k, (pt, es) in enumerate(SUBJECTS * 2)
]
SRC = [pt for pt, _ in PAIRS]
TGT = [es for _, es in PAIRS]
ALL = [(k, k) for k in range(len(PAIRS))]
SMALL = LexiconConfig(min_pairs=3)


def _entries(found: Lexicon) -> dict[tuple[str, str], float]:
    return {(s, t): float(w) for s, t, w in zip(found.src, found.tgt, found.strength, strict=True)}


@pytest.mark.parametrize(
    ("pair", "present"),
    [
        (("hoje", "hoy"), True),
        (("disse", "dijo"), True),
        (("cao", "perro"), True),  # accent-folded, co-occurs twice
        (("nada", "nada"), False),  # identical words: coverage matches them already
        (("hoje", "dijo"), False),  # each word keeps its best partners only
    ],
)
def test_learn_finds_translations_the_pairs_share(pair: tuple[str, str], present: bool) -> None:
    found = _entries(learn(SRC, TGT, ALL, LexiconConfig(min_pairs=3, partners=1)))
    assert (pair in found) is present
    if present:
        assert 0.3 <= found[pair] <= 1.0


@pytest.mark.parametrize(
    ("config", "pairs", "empty"),
    [
        (LexiconConfig(min_pairs=50), ALL, True),  # too few confident pairs
        (LexiconConfig(min_pairs=3), ALL[:1], True),
        (LexiconConfig(min_pairs=3, min_count=20), ALL, True),  # no pair co-occurs 20 times
        (SMALL, ALL, False),
    ],
)
def test_learn_needs_evidence(config: LexiconConfig, pairs: list, empty: bool) -> None:
    assert (len(learn(SRC, TGT, pairs, config)) == 0) is empty


def test_counting_in_small_groups_gives_the_same_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = learn(SRC, TGT, ALL, SMALL)
    monkeypatch.setattr(lexicon_module, "GROUP_CELLS", 7)
    grouped = learn(SRC, TGT, ALL, SMALL)
    assert (whole.src, whole.tgt) == (grouped.src, grouped.tgt)
    assert np.array_equal(whole.strength, grouped.strength)


def test_coverage_counts_lexicon_translations() -> None:
    src, tgt = ["hoje choveu muito"], ["hoy llovió mucho"]
    rows = cols = np.array([0])
    plain = WordCoverage(src, tgt).of(rows, cols)
    learned = Lexicon(("hoje",), ("hoy",), np.array([0.8], dtype=np.float32))
    with_lexicon = WordCoverage(src, tgt, learned).of(rows, cols)
    assert with_lexicon[0][0] > plain[0][0] and with_lexicon[1][0] > plain[1][0]
    # the direction matters: a lexicon pair is (source word, target word)
    reversed_pair = Lexicon(("hoy",), ("hoje",), np.array([0.8], dtype=np.float32))
    unchanged = WordCoverage(src, tgt, reversed_pair).of(rows, cols)
    assert np.array_equal(unchanged[0], plain[0]) and np.array_equal(unchanged[1], plain[1])
    empty = WordCoverage(src, tgt, Lexicon.empty()).of(rows, cols)
    assert np.array_equal(empty[0], plain[0])
    added = WordCoverage(src, tgt).with_lexicon(learned).of(rows, cols)
    assert np.array_equal(added[0], with_lexicon[0]) and np.array_equal(added[1], with_lexicon[1])


def test_mining_without_second_pass_models_is_one_pass() -> None:
    models = mining.MiningConfig().calibration()
    one_pass = mining.MiningConfig(models=replace(models, second=None))
    no_lexicon = mining.MiningConfig(lexicon=None)
    assert mining.mine(SRC, TGT, one_pass) == mining.mine(SRC, TGT, no_lexicon)


@pytest.mark.parametrize("field", ["confident", "min_dice"])
def test_lexicon_config_rejects_out_of_range_values(field: str) -> None:
    with pytest.raises(UsageError, match=field):
        LexiconConfig(**{field: 1.5})


CITIES = ["Lisboa", "Madrid", "Quito", "Lima", "Bogotá", "Havana", "Manila", "Roma"]


def _reports(count: int) -> tuple[list[str], list[str]]:
    """``count`` short report pairs that a first pass pairs confidently (names and numbers)."""
    pt, es = [], []
    for k in range(count):
        city, year = CITIES[k % len(CITIES)], 1900 + k
        pt.append(f"Ontem o ministro {k} disse que visitou {city} em {year} com a sua equipa.")
        es.append(f"Ayer el ministro {k} dijo que visitó {city} en {year} con su equipo.")
    return pt, es[::-1]


def test_a_pool_with_enough_confident_pairs_is_scored_again_with_its_lexicon() -> None:
    src, tgt = _reports(80)
    config = mining.MiningConfig()
    plan = mining.plan(src, tgt, config, neural=False)
    assert plan is not None
    second = config.calibration().second
    assert second is not None and plan.models is second
    decision = mining.decide(plan, config)
    assert {(b.src[0], b.tgt[0]) for b in decision.beads} == {(k, 79 - k) for k in range(80)}
    assert {e.model for e in explain(decision, config) if e.decision == "kept"} == {
        "lexicon.lexical"
    }
    # too few pairs to teach a lexicon: the first pass's models
    small = mining.plan(*_reports(20), config, neural=False)
    assert small is not None and small.models is config.calibration()


def test_learn_does_not_depend_on_the_order_of_the_pairs() -> None:
    forward = learn(SRC, TGT, ALL, SMALL)
    backward = learn(SRC, TGT, ALL[::-1], SMALL)
    assert (forward.src, forward.tgt) == (backward.src, backward.tgt)
    assert forward.digest() == backward.digest()


def test_a_collection_shares_one_lexicon_whatever_its_shards() -> None:
    src, tgt = _reports(90)
    tgt = tgt[::-1]  # back in source order: document d holds reports 30d .. 30d + 29
    jobs = [(src[d * 30 : d * 30 + 30], tgt[d * 30 : d * 30 + 30][::-1]) for d in range(3)]
    config = AlignConfig.from_options("comparable", "none")
    alone = [mining.plan(s, t, config.mining, neural=False) for s, t in jobs]
    assert all(p is not None and p.models is config.mining.calibration() for p in alone)
    together = mining.mine_collection(jobs, config.mining)
    assert all({(b.src[0], b.tgt[0]) for b in beads} == {(k, 29 - k) for k in range(30)}
               for beads in together)  # fmt: skip
    keys = [f"doc-{d}" for d in range(3)]
    for shards in (1, 2, 5):
        sharded = align_sharded(jobs, keys, replace(config, shards=shards), None, None)
        assert sharded == together


def test_a_rebuild_reads_each_document_pairs_first_pass_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, tgt = _reports(90)
    tgt = tgt[::-1]
    jobs = [(src[d * 30 : d * 30 + 30], tgt[d * 30 : d * 30 + 30][::-1]) for d in range(3)]
    keys = [f"doc-{d}" for d in range(3)]
    config = AlignConfig.from_options("comparable", "none")
    first_passes: list[int] = []
    counted = mining.confident_indexes

    def counting(*args: object, **kwargs: object) -> list[tuple[int, int]]:
        first_passes.append(1)
        return counted(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mining, "confident_indexes", counting)
    align_sharded(jobs[:2], keys[:2], config, tmp_path, None)
    assert len(first_passes) == 2
    # one document pair more: only its first pass runs; the result is the uncached one
    grown = align_sharded(jobs, keys, config, tmp_path, None)
    assert len(first_passes) == 3
    assert grown == align_sharded(jobs, keys, config, None, None)
    assert len(first_passes) == 6  # the uncached build ran every first pass
