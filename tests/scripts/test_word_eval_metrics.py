"""Metrics, symmetrisation and tokenisation of the word-alignment harness (scripts/eval_words.py)."""

from __future__ import annotations

import pytest

from scripts import word_eval_data as wd


def test_scores_micro_average_over_pairs() -> None:
    gold = [{(0, 0), (1, 1)}, {(0, 0), (1, 2), (2, 1)}]
    predicted = [{(0, 0), (1, 0)}, {(0, 0), (1, 2), (2, 1), (2, 2)}]
    scores = wd.score(predicted, gold)
    assert (scores.hits, scores.predicted, scores.gold) == (4, 6, 5)
    assert scores.precision == pytest.approx(4 / 6)
    assert scores.recall == pytest.approx(4 / 5)
    assert scores.f1 == pytest.approx(8 / 11)
    assert scores.aer == pytest.approx(1 - 8 / 11)  # all links sure: AER = 1 - F1
    assert wd.pct(scores.f1) == "72.7"


def test_scores_without_predictions() -> None:
    scores = wd.score([set()], [{(0, 0)}])
    assert (scores.precision, scores.recall, scores.f1, scores.aer) == (0.0, 0.0, 0.0, 1.0)


def test_parse_and_format_links_round_trip() -> None:
    links = wd.parse_links("2-3 0-1  1-1")
    assert links == {(0, 1), (1, 1), (2, 3)}
    assert wd.format_links(links) == "0-1 1-1 2-3"


def test_grow_diag_final_and() -> None:
    forward = {(0, 0), (1, 1), (2, 1), (3, 3)}
    reverse = {(0, 0), (1, 1), (1, 2), (4, 4)}
    # intersection {(0,0), (1,1)}; grow: (2,1) and (1,2) are diagonal/adjacent neighbours
    # covering unaligned words; final-and: (3,3), (4,4) link two unaligned words
    expected = {(0, 0), (1, 1), (2, 1), (1, 2), (3, 3), (4, 4)}
    assert wd.grow_diag_final_and(forward, reverse) == expected
    assert wd.intersection(forward, reverse) == {(0, 0), (1, 1)}


def test_grow_diag_final_and_skips_links_between_aligned_words() -> None:
    forward = {(0, 0), (1, 1)}
    reverse = {(0, 0), (1, 1), (0, 1)}  # both words of (0, 1) are already aligned
    assert wd.grow_diag_final_and(forward, reverse) == {(0, 0), (1, 1)}


def test_tokenize_like_the_gold() -> None:
    text = "The Secretary-General's plan, 12.30 (today)."
    assert wd.tokenize(text) == [
        "The",
        "Secretary-General's",
        "plan",
        ",",
        "12.30",
        "(",
        "today",
        ")",
        ".",
    ]
    assert wd.tokenize(text, inesc=True) == [
        "the",
        "secretary-general",
        "'s",
        "plan",
        ",",
        "12.30",
        "(",
        "today",
        ")",
        ".",
    ]
