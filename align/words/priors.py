"""Lexical priors shipped with alinea (``prior.<l1>-<l2>.npz`` beside this module), learned
from CC0 text only: ``prior.pt-es.npz`` from the TICO-19 test set (pt_BR, es_LA), rebuilt by
``scripts/build_word_prior.py``.
"""

from __future__ import annotations

from pathlib import Path

from alinea.align.words.bitext import load_prior
from alinea.align.words.translation import LexicalCounts

HERE = Path(__file__).parent


def shipped_prior(src_lang: str, tgt_lang: str) -> tuple[LexicalCounts, LexicalCounts] | None:
    """The shipped prior for this language pair (either orientation), or ``None``."""
    for pair in (f"{src_lang}-{tgt_lang}", f"{tgt_lang}-{src_lang}"):
        path = HERE / f"prior.{pair}.npz"
        if path.is_file():
            forward, reverse = load_prior(path, src_lang, tgt_lang)
            return forward, reverse
    return None
