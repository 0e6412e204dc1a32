"""Domain specificity from general-language frequencies (wordfreq, offline)."""

from __future__ import annotations

import importlib.util

from alinea.glossary.generality import base_language, specificity, zipf


def test_common_words_are_less_specific() -> None:
    assert (
        specificity("ano", "pt", 5.0, 0.5) < 0.2 < 0.8 < specificity("munições", "pt-PT", 5.0, 0.5)
    )
    assert specificity("año", "es", 5.0, 0.5) < specificity("municiones", "es", 5.0, 0.5)


def test_uncovered_language_gets_no_contrast() -> None:
    assert zipf("ano", "xx") is None
    assert zipf("東京", "ja") is None or importlib.util.find_spec("MeCab")  # optional tokeniser
    assert specificity("ano", "xx", 5.0, 0.5) == 1.0
    assert base_language("pt_BR") == "pt"
