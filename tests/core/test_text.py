"""The one text module: folding, whitespace, NFC and tokens, as every stage uses them."""

from __future__ import annotations

import pytest

from alinea.text import fold, normalise, squeeze, token_spans, tokenize


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ação", "acao"),
        ("MOSCÓVO", "moscovo"),
        ("Cooperação Técnico-Militar", "cooperacao tecnico-militar"),
        ("Straße", "strasse"),
        ("a\u0301gua", "agua"),  # decomposed input: the lone accent goes
        ("nº 5, 2ª fase, ½", "nº 5, 2ª fase, ½"),  # compatibility characters keep their meaning
        ("한국어", "한국어"),  # Hangul syllables stay whole
        ("Ελλάδα", "ελλαδα"),
        ("RPDC", "rpdc"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_idempotent_and_keeps_ascii() -> None:
    for text in ("Ação ÇA", "plain ascii 123", "Ελλάδα"):
        assert fold(fold(text)) == fold(text)
    assert fold("Kim Jong-un") == "kim jong-un"


def test_squeeze_and_normalise() -> None:
    assert squeeze("  a \t b\u00a0 c \n") == "a b c"
    assert normalise("a\u0301") == "á"


def test_tokens_and_spans() -> None:
    text = "Kim Jong-un disse: 1.500 d'água, 2,5%."
    assert tokenize(text) == [
        "Kim",
        "Jong-un",
        "disse",
        ":",
        "1.500",
        "d'água",
        ",",
        "2,5",
        "%",
        ".",
    ]
    assert [text[a:b] for a, b in token_spans(text)] == tokenize(text)
