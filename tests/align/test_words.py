"""Word alignment: tokens, orthography, the IBM-1 and HMM E-steps (the HMM checked against
brute-force enumeration), the shared EM loop, training by agreement, the aligner's contract
(bounds, determinism, thresholds), priors."""

from __future__ import annotations

import itertools
import logging
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import digamma

from alinea.align.words import AlignmentModel, WordAlignConfig, WordAligner, table
from alinea.align.words.bitext import load_prior, parse_bitext, save_prior
from alinea.align.words.em import _Touched, train
from alinea.align.words.hmm import Hmm, transitions
from alinea.align.words.ibm1 import Ibm1
from alinea.align.words.orthography import similarity_matrix, spelling, token_kind
from alinea.align.words.priors import SHIPPED, read_prior
from alinea.align.words.table import (
    STRIDE,
    Corpus,
    DirectionModel,
    sorted_union,
    table_groups,
    unique_inverse,
)
from alinea.align.words.translation import TranslationConfig
from alinea.errors import InputFormatError, UsageError
from alinea.text import tokenize

TOY = [
    ("a casa verde", "la casa verde"),
    ("o livro", "el libro"),
    ("um livro verde", "un libro verde"),
    ("a casa", "la casa"),
    ("o livro e a casa", "el libro y la casa"),
    ("uma casa", "una casa"),
    ("o gato", "el gato"),
    ("o gato verde", "el gato verde"),
]
TOY_PAIRS = [(a.split(), b.split()) for a, b in TOY]


def test_tokenize_keeps_names_numbers_and_splits_punctuation() -> None:
    assert tokenize('Kim Jong-un disse: "1.500 soldados", d\'água.') == [
        "Kim", "Jong-un", "disse", ":", '"', "1.500", "soldados", '"', ",", "d'água", ".",
    ]  # fmt: skip


def test_spelling_rules_meet_across_languages() -> None:
    assert spelling("ação", "pt") == spelling("ación", "es") == "acion"
    assert spelling("assistência", "pt") == spelling("asistencia", "es")
    assert token_kind("2024") == "number" and token_kind("«") == "punct"
    sim = similarity_matrix(["assistência", "mútua", "2024", ",", "de"], ["asistencia", "mutua", "2024", ".", "del"], "pt", "es")  # fmt: skip
    assert sim[0, 0] == 1.0 and sim[1, 1] == 1.0 and sim[2, 2] == 1.0
    assert sim[3, 3] == 0.0  # different punctuation
    assert sim[4, 4] == 0.0  # short words count only when identical
    assert sim[2, 0] == 0.0  # a number is not a word


def fit_direction(
    config: TranslationConfig, pairs: list[tuple[list[str], list[str]]]
) -> DirectionModel:
    """One direction trained alone by the shared EM loop."""
    model = DirectionModel(config)
    train([(model, model.prepare(pairs))], config)
    return model


def random_parameters(model: DirectionModel, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    model.jumps = rng.random(len(model.jumps)) + 0.1
    model.probs = rng.random(len(model.probs)) + 0.05


def test_forward_backward_matches_brute_force_enumeration() -> None:
    config = TranslationConfig(max_jump=6)
    model = DirectionModel(config)
    corpus = model.prepare(TOY_PAIRS)
    random_parameters(model)
    src, tgt = TOY_PAIRS[0]
    post = Hmm().posteriors(model.parameters(), model.encode_known([(src, tgt)]))[0]
    one = Corpus(corpus.encoded[:1], corpus.cells[:1], corpus.prior, corpus.classes)
    cell_post, jumps = Hmm().e_step(model.parameters(), one)  # the training pass, on the same pair
    size, d = len(src), config.max_jump
    cells = corpus.cells[0].reshape(len(tgt), size + 1)
    table = model.parameters().table
    trans, init = transitions(model.jumps, size, config)

    def emit(state: int, j: int) -> float:
        return float(table[cells[j, state + 1 if state < size else 0]])

    expected = np.zeros((len(tgt), size + 1))  # column 0: NULL, as the training cells
    expected_jumps = np.zeros_like(jumps)
    total = 0.0
    for path in itertools.product(range(2 * size), repeat=len(tgt)):
        p = init[path[0]] * emit(path[0], 0)
        for j in range(1, len(tgt)):
            p *= trans[path[j - 1], path[j]] * emit(path[j], j)
        total += p
        for j, state in enumerate(path):
            expected[j, state + 1 if state < size else 0] += p
            if j and state < size:  # a jump into a real position, from the remembered one
                expected_jumps[state - path[j - 1] % size + d] += p
    assert np.allclose(post, expected[:, 1:].T / total, atol=1e-9)
    assert np.allclose(cell_post.reshape(len(tgt), size + 1), expected / total, atol=1e-9)
    assert np.allclose(jumps, expected_jumps / total, atol=1e-9)


def test_ibm1_posteriors_normalise_the_table_per_target_token() -> None:
    model = DirectionModel()
    corpus = model.prepare(TOY_PAIRS[:3])
    random_parameters(model, seed=1)
    t = {
        (model.src_vocab.words[k // STRIDE], model.tgt_vocab.words[k % STRIDE]): p
        for k, p in zip(model.keys.tolist(), model.probs.tolist(), strict=True)
    }
    post, jumps = Ibm1().e_step(model.parameters(), corpus)
    assert jumps is None
    expected = []
    for src, tgt in TOY_PAIRS[:3]:
        for f in tgt:
            row = np.array([t[e, f] for e in ["", *src]])
            expected.extend(row / row.sum())
    assert np.allclose(post, expected, atol=1e-15)


def test_em_without_hmm_iterations_is_ibm1_training() -> None:
    config = TranslationConfig(ibm1_iterations=4, hmm_iterations=0, backoff=0.0, alpha=0.5)
    model = fit_direction(config, TOY_PAIRS)
    # IBM-1 written out on a dense table, with the same variational-Bayes M-step
    src_ids = {w: k for k, w in enumerate(model.src_vocab.words)}
    tgt_ids = {w: k for k, w in enumerate(model.tgt_vocab.words)}
    grids = [([src_ids[w] for w in ["", *s]], [tgt_ids[w] for w in t]) for s, t in TOY_PAIRS]
    seen = np.zeros((len(src_ids), len(tgt_ids)), bool)
    for e, f in grids:
        seen[np.ix_(e, f)] = True
    dense = seen.astype(float)
    for _ in range(config.ibm1_iterations):
        counts = np.zeros_like(dense)
        for e, f in grids:
            for fj in f:
                np.add.at(counts[:, fj], e, dense[e, fj] / dense[e, fj].sum())
        totals = counts.sum(1, keepdims=True) + len(tgt_ids) * config.alpha
        dense = np.where(seen, np.exp(digamma(counts + config.alpha) - digamma(totals)), 0.0)
    learned = np.zeros_like(dense)
    learned[model.keys // STRIDE, model.keys % STRIDE] = model.probs
    assert np.allclose(learned, dense, rtol=1e-12, atol=0.0)
    assert np.array_equal(model.jumps, np.ones_like(model.jumps))  # the HMM never ran


def test_em_logs_one_debug_line_per_iteration(caplog: pytest.LogCaptureFixture) -> None:
    config = TranslationConfig(ibm1_iterations=2, hmm_iterations=3)
    with caplog.at_level(logging.DEBUG, logger="alinea.align.words.em"):
        fit_direction(config, TOY_PAIRS)
    lines = [r.getMessage() for r in caplog.records if r.name == "alinea.align.words.em"]
    assert [line.split(":")[0] for line in lines] == [
        "EM iteration 1 (ibm1)", "EM iteration 2 (ibm1)",
        "EM iteration 3 (hmm)", "EM iteration 4 (hmm)", "EM iteration 5 (hmm)",
    ]  # fmt: skip


def test_batches_of_different_lengths_give_the_same_posteriors() -> None:
    model = fit_direction(TranslationConfig(hmm_iterations=2), TOY_PAIRS)
    together = Hmm().posteriors(model.parameters(), model.encode_known(TOY_PAIRS))
    alone = [
        Hmm().posteriors(model.parameters(), model.encode_known([pair]))[0] for pair in TOY_PAIRS
    ]
    assert all(np.allclose(a, b, atol=1e-12) for a, b in zip(together, alone, strict=True))


@pytest.mark.parametrize("agreement", [True, False])
def test_training_learns_the_toy_lexicon(agreement: bool) -> None:
    model = AlignmentModel("pt", "es", agreement=agreement).fit(TOY_PAIRS * 3)
    fwd, rev = model.posteriors([(["o", "livro", "verde"], ["el", "libro", "verde"])])[0]
    score = (fwd + rev) / 2
    assert [int(score[:, j].argmax()) for j in range(3)] == [0, 1, 2]


def test_shards_change_the_model_only_in_the_last_bits() -> None:
    pairs = TOY_PAIRS * 3
    one = AlignmentModel("pt", "es", TranslationConfig(shards=1)).fit(pairs)
    many = AlignmentModel("pt", "es", TranslationConfig(shards=7)).fit(pairs)
    assert np.allclose(one.forward.probs, many.forward.probs, rtol=1e-9, atol=1e-12)
    assert np.allclose(one.reverse.jumps, many.reverse.jumps, rtol=1e-9)
    config = WordAlignConfig(translation=TranslationConfig(shards=7))
    once = WordAligner("pt", "es", config).fit(pairs).align(pairs)
    assert WordAligner("pt", "es").fit(pairs).align(pairs) == once


def test_aligner_finds_cognates_and_respects_the_threshold() -> None:
    aligner = WordAligner("pt", "es").fit(TOY_PAIRS)
    result = aligner.align([(["o", "gato", "verde"], ["el", "gato", "verde"])])[0]
    assert {(1, 1), (2, 2)} <= set(result.links)
    assert all(0.0 <= s <= 1.0 for s in result.scores)
    strict = WordAligner("pt", "es", WordAlignConfig(min_score=0.99, add_score=1.0))
    fewer = strict.fit(TOY_PAIRS).align([(["o", "gato", "verde"], ["el", "gato", "verde"])])[0]
    assert set(fewer.links) <= set(result.links) and min(fewer.scores, default=1.0) >= 0.99


def test_unknown_matching_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--method: expected argmax, itermax or match, got 'best'"):
        WordAlignConfig(matching="best")


@pytest.mark.parametrize("matching", ["argmax", "itermax", "match"])
def test_every_simalign_matching_runs(matching: str) -> None:
    aligner = WordAligner("pt", "es", WordAlignConfig(matching=matching)).fit(TOY_PAIRS)
    assert aligner.align(TOY_PAIRS[:2])[1].links


words = st.lists(st.sampled_from(["o", "a", "casa", "livro", "gato", "verde", ",", "2024"]))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(words, words), min_size=1, max_size=6))
def test_links_are_in_bounds_sorted_and_deterministic(pairs: list[tuple[list[str], list[str]]]) -> None:  # fmt: skip
    first = WordAligner("pt", "es").fit(pairs).align(pairs)
    second = WordAligner("pt", "es").fit(pairs).align(pairs)
    assert first == second
    for (src, tgt), result in zip(pairs, first, strict=True):
        assert result.links == sorted(set(result.links))
        assert len(result.scores) == len(result.links)
        assert all(0 <= i < len(src) and 0 <= j < len(tgt) for i, j in result.links)


def test_prior_round_trip_and_orientation(tmp_path: Path) -> None:
    model = AlignmentModel("pt", "es").fit(TOY_PAIRS)
    path = tmp_path / "toy.npz"
    save_prior(path, ("pt", "es"), model.counts(0.1))
    forward, reverse = load_prior(path, "pt", "es")
    assert "casa" in forward.src_words and "casa" in forward.tgt_words and len(forward.counts)
    swapped = load_prior(path, "es", "pt")
    assert swapped[0].counts.tolist() == reverse.counts.tolist()
    with pytest.raises(InputFormatError, match="prior is for pt-es, not en-fr"):
        load_prior(path, "en", "fr")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(InputFormatError, match="not an alinea word prior"):
        load_prior(tmp_path / "junk.npz", "pt", "es")


def test_a_prior_carries_translations_to_a_tiny_input() -> None:
    prior = read_prior(SHIPPED, "pt", "es")
    assert prior is not None and read_prior(SHIPPED, "es", "pt") is not None
    assert read_prior(SHIPPED, "pt", "xx") is None
    pair = [(["o", "presidente", "disse"], ["el", "presidente", "dijo"])]
    linked = WordAligner("pt", "es", prior=prior).fit(pair).align(pair)[0]
    assert (2, 2) in linked.links  # disse -> dijo: no cognate, learned from the prior


def test_bitext_format_errors_name_the_line() -> None:
    assert parse_bitext("a b ||| c\n\nd ||| \n", "x") == [(["a", "b"], ["c"]), ([], []), (["d"], [])]  # fmt: skip
    with pytest.raises(InputFormatError, match="line 2: expected"):
        parse_bitext("a ||| b\nno separator\n", "x")


@settings(deadline=None)
@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=60))
def test_unique_inverse_equals_numpy_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    unique, inverse = unique_inverse(array)
    expected, expected_inverse = np.unique(array, return_inverse=True)
    assert np.array_equal(unique, expected)
    assert np.array_equal(inverse, expected_inverse.ravel())
    assert np.array_equal(unique[inverse], array)


@settings(deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=2**40), max_size=30), max_size=12),
    st.integers(min_value=1, max_value=50),
)
def test_table_keys_and_cells_do_not_depend_on_the_groups(
    parts: list[list[int]], cells: int
) -> None:
    arrays = [np.array(p, dtype=np.int64) for p in parts]
    expected = np.unique(np.concatenate([np.zeros(0, np.int64), *arrays]))
    assert np.array_equal(sorted_union(arrays), expected)
    encoded = [(np.zeros(len(p) % 4 + 1, np.int64), np.zeros(len(p), np.int64)) for p in parts]
    groups = table_groups(encoded, cells)
    assert [n for g in groups for n in range(len(encoded))[g]] == list(range(len(encoded)))


def test_the_table_is_built_a_group_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    words = [f"w{n}" for n in range(300)]
    pairs = [(words[n : n + 9 + n % 5], words[n + 3 : n + 7 + n % 7]) for n in range(200)]
    whole = DirectionModel().prepare(pairs)
    monkeypatch.setattr(table, "CELLS_PER_GROUP", 37)  # many groups, pairs across their edges
    grouped = DirectionModel().prepare(pairs)
    assert all(np.array_equal(a, b) for a, b in zip(whole.cells, grouped.cells, strict=True))
    assert [c.dtype for c in grouped.cells] == [np.dtype(np.int32)] * len(pairs)


def test_a_shard_pickles_its_cells_once() -> None:
    words = [f"w{n % 20}" for n in range(100)]  # few table entries: the cells dominate
    pairs = [(words[n : n + 60], words[n + 1 : n + 61]) for n in range(20)]
    corpus = DirectionModel().prepare(pairs)
    shard = _Touched(corpus.take(range(len(corpus.cells))))
    data = pickle.dumps(shard, protocol=5)
    copy = pickle.loads(data)
    assert all(
        np.array_equal(a, b) for a, b in zip(copy.pairs.cells, shard.pairs.cells, strict=True)
    )
    assert [c.dtype for c in copy.pairs.cells] == [c.dtype for c in shard.pairs.cells]
    cells = sum(c.nbytes for c in shard.pairs.cells)  # 4 bytes a cell, 3,660 cells a pair
    assert cells < len(data) < 1.3 * cells  # the cells once, not twice
