"""The glossary at scale: counting passes as map + reduce over shards give the same glossary for
any shard count and any executor (serial, a real local Ray with 2 CPUs), and the corpus-wide
cognate search finds exactly the pairs of the full similarity matrix."""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.engine import Executor, SerialExecutor
from alinea.glossary import cognates
from alinea.glossary.candidates import Candidate, CandidateConfig, extract_candidates
from alinea.glossary.cognates import close_pairs, cognate_matrix
from alinea.glossary.counting import count_ngrams
from alinea.glossary.pairing import GlossaryConfig
from alinea.glossary.phrases import Lexicon, find_occurrences
from alinea.glossary.stage import build_glossary, sentence_rows
from alinea.glossary.stopwords import stopwords
from alinea.text import tokenize
from tests.conftest import COMMITTED_DATASET

LANGS = ("pt", "es")


@cache
def seed_frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The committed dataset's sentences, sentence pairs and word alignments."""
    names = ("sentences", "sentence_pairs", "word_alignments")
    read = [pl.read_parquet(COMMITTED_DATASET / n / "train.parquet") for n in names]
    return read[0], read[1], read[2]


@cache
def committed_glossary() -> pl.DataFrame:
    return pl.read_parquet(COMMITTED_DATASET / "glossary" / "train.parquet")


@pytest.mark.parametrize("shards", [1, 2, 5, 64])
def test_the_shard_count_never_changes_the_glossary(shards: int) -> None:
    config = replace(GlossaryConfig(), shards=shards)
    glossary = build_glossary(*seed_frames(), LANGS, config, executor=SerialExecutor())
    assert glossary.equals(committed_glossary())


def test_shards_are_a_runtime_option() -> None:
    assert replace(GlossaryConfig(), shards=3).signature_fields() == (
        GlossaryConfig().signature_fields()
    )
    with pytest.raises(ValueError, match="shards"):
        GlossaryConfig(shards=0)


def test_counts_merged_over_shards_equal_one_pass() -> None:
    rows = sentence_rows(seed_frames()[0], "es")
    assert len({did for _, did, _ in rows}) >= 3  # several documents, so several shards
    stops, config = stopwords("es"), CandidateConfig()
    one, found_one = count_ngrams(rows, "es", stops, config, shards=1)
    many, found_many = count_ngrams(rows, "es", stops, config, shards=7)
    assert sorted(found_one) == sorted(found_many)
    assert one.keys() == many.keys()
    for key, g in one.items():
        other = many[key]
        assert (g.surfaces, g.freq, g.sents, sorted(set(g.docs))) == (
            other.surfaces,
            other.freq,
            other.sents,
            sorted(set(other.docs)),
        )


def test_occurrences_come_back_in_input_order_from_any_shards() -> None:
    rows = sentence_rows(seed_frames()[0], "pt") + sentence_rows(seed_frames()[0], "es")
    lexicon = Lexicon.of("es", extract_candidates(sentence_rows(seed_frames()[0], "es"), "es"))
    sentences = [(sid, tokenize(text)) for sid, _, text in rows]
    keys = set(list(lexicon.candidates)[::3])
    expected = lexicon.occurrences(sentences, keys)
    assert sum(map(len, expected.values())) > 100
    for shards in (1, 4, 50):
        assert find_occurrences(lexicon, sentences, keys, shards=shards) == expected


# --- corpus-wide cognates without the full matrix ----------------------------------------------


def _candidate(key: str, kind: str = "term", form: str | None = None) -> Candidate:
    form = form or key
    return Candidate("x", form, key, kind, (), 2, 1, (), 1.0, None)


WORDS = ["cao", "cion", "acordo", "acuerdo", "tratado", "mutua", "mútua", "kim", "jong", "un",
         "de", "da", "la", "sancoes", "sanciones", "otan", "nato", "a", "ee", "uu"]  # fmt: skip


def _keys(rng: random.Random, n: int) -> list[Candidate]:
    out = {}
    for _ in range(n):
        words = rng.choices(WORDS, k=rng.randint(1, 3))
        if rng.random() < 0.2:  # a typo
            w = rng.randrange(len(words))
            words[w] = words[w][1:] + rng.choice("aeiosn")
        key = " ".join(words)
        if rng.random() < 0.1 and len(words) == 1:
            out[key] = _candidate(key, "acronym", key.upper())
        else:
            out[key] = _candidate(key)
    return list(out.values())


@settings(deadline=None, max_examples=40)
@given(seed=st.integers(0, 10_000), threshold=st.sampled_from([0.5, 0.7, 0.85, 0.95, 1.0]))
def test_close_pairs_are_those_of_the_full_matrix(seed: int, threshold: float) -> None:
    rng = random.Random(seed)
    src, tgt = _keys(rng, rng.randint(1, 40)), _keys(rng, rng.randint(1, 40))
    sim = cognate_matrix(src, tgt, *LANGS, cutoff=threshold)
    expected = {
        (src[i].key, tgt[j].key): float(sim[i, j])
        for i, j in zip(*np.nonzero(sim >= threshold), strict=True)
    }
    found = {}
    for s, t, value in close_pairs(src, tgt, LANGS, threshold):
        found[s, t] = value  # a later value wins, as in the evidence
    assert found == expected


def test_close_pairs_compare_only_blocks_of_compatible_lengths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cognates, "BLOCK", 4)
    short = [_candidate(f"{w}zz") for w in ("acordo", "tratado", "sancoes", "acuerdo")]
    long = [_candidate("cooperacao tecnico militar numa"), _candidate("acordo")]
    seen: list[tuple[int, int]] = []
    real = cognates.block_pairs

    def spy(threshold: float, block: cognates.Block) -> list[cognates.Close]:
        seen.append((len(block[1]), len(block[3])))
        return real(threshold, block)

    monkeypatch.setattr(cognates, "block_pairs", spy)
    found = close_pairs(short + long[:1], long, LANGS, 0.85)
    assert ("cooperacao tecnico militar numa", "cooperacao tecnico militar numa", 1.0) in found
    assert seen == [(4, 1), (1, 1)]  # the long row never meets the short column, nor back


# --- the same glossary on Ray ----------------------------------------------------------------


def test_ray_gives_the_serial_glossary(local_ray: Executor) -> None:
    assert local_ray.workers == 2
    config = replace(GlossaryConfig(), shards=5)
    glossary = build_glossary(*seed_frames(), LANGS, config, executor=local_ray)
    assert glossary.equals(committed_glossary())
