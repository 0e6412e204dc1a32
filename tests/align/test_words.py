"""Word alignment: tokens, orthography, the HMM (checked against brute-force enumeration),
training by agreement, the aligner's contract (bounds, determinism, thresholds), priors."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.align.words import AlignmentModel, WordAlignConfig, WordAligner
from alinea.align.words.bitext import load_prior, parse_bitext, save_prior
from alinea.align.words.orthography import similarity_matrix, spelling, token_kind
from alinea.align.words.priors import SHIPPED, read_prior
from alinea.align.words.translation import HmmDirection, TranslationConfig
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


def test_forward_backward_matches_brute_force_enumeration() -> None:
    model = HmmDirection(TranslationConfig(hmm_iterations=0, max_jump=6)).fit(TOY_PAIRS)
    rng = np.random.default_rng(0)
    model.jumps = rng.random(len(model.jumps)) + 0.1
    model._table = rng.random(len(model._table)) + 0.05
    src, tgt = TOY_PAIRS[0]
    post = model.posteriors([(src, tgt)])[0]
    e, f = model._encode([(src, tgt)])[0]
    cells = model._lookup(model._cell_keys(e, f)).reshape(len(f), len(e))
    table = np.append(model._table, 0.0)
    size = len(src)
    trans, init = model._transitions(size)

    def emit(state: int, j: int) -> float:
        return float(table[cells[j, state + 1 if state < size else 0]])

    expected = np.zeros((size, len(tgt)))
    total = 0.0
    for path in itertools.product(range(2 * size), repeat=len(tgt)):
        p = init[path[0]] * emit(path[0], 0)
        for j in range(1, len(tgt)):
            p *= trans[path[j - 1], path[j]] * emit(path[j], j)
        total += p
        for j, state in enumerate(path):
            if state < size:
                expected[state, j] += p
    assert np.allclose(post, expected / total, atol=1e-9)


def test_batches_of_different_lengths_give_the_same_posteriors() -> None:
    model = HmmDirection(TranslationConfig(hmm_iterations=2)).fit(TOY_PAIRS)
    together = model.posteriors(TOY_PAIRS)
    alone = [model.posteriors([pair])[0] for pair in TOY_PAIRS]
    assert all(np.allclose(a, b, atol=1e-12) for a, b in zip(together, alone, strict=True))


@pytest.mark.parametrize("agreement", [True, False])
def test_training_learns_the_toy_lexicon(agreement: bool) -> None:
    model = AlignmentModel("pt", "es", agreement=agreement).fit(TOY_PAIRS * 3)
    fwd, rev = model.posteriors([(["o", "livro", "verde"], ["el", "libro", "verde"])])[0]
    score = (fwd + rev) / 2
    assert [int(score[:, j].argmax()) for j in range(3)] == [0, 1, 2]


def test_aligner_finds_cognates_and_respects_the_threshold() -> None:
    aligner = WordAligner("pt", "es").fit(TOY_PAIRS)
    result = aligner.align([(["o", "gato", "verde"], ["el", "gato", "verde"])])[0]
    assert {(1, 1), (2, 2)} <= set(result.links)
    assert all(0.0 <= s <= 1.0 for s in result.scores)
    strict = WordAligner("pt", "es", WordAlignConfig(min_score=0.99, add_score=1.0))
    fewer = strict.fit(TOY_PAIRS).align([(["o", "gato", "verde"], ["el", "gato", "verde"])])[0]
    assert set(fewer.links) <= set(result.links) and min(fewer.scores, default=1.0) >= 0.99


def test_unknown_matching_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown matching"):
        WordAligner("pt", "es", WordAlignConfig(matching="best"))


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
