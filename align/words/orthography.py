"""Orthographic similarity of tokens across languages (cognates, names, numbers, punctuation).

Tokens are accent-folded and rewritten by per-language spelling correspondences into a shared
spelling (PT ``ação`` and ES ``acción`` both become ``accion``-like forms; EN ``-tion`` meets
Romance ``-cion``), then compared with the normalised Indel similarity of rapidfuzz. The rules
are data: :data:`SPELLING_RULES` can be extended for any language, and a language without rules
is compared on its folded form alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
from rapidfuzz import fuzz, process

from alinea.text import fold

# (pattern, replacement) applied in order to the folded form; ``$`` anchors a word ending.
SPELLING_RULES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "pt": (
        (r"coes$", "ciones"),
        (r"cao$", "cion"),
        (r"soes$", "siones"),
        (r"sao$", "sion"),
        (r"lh", "ll"),
        (r"nh", "n"),
        (r"ss", "s"),
        (r"qua", "cua"),
        (r"m$", "n"),
    ),
    "es": (
        (r"ny", "n"),
        (r"qua", "cua"),
    ),
    "en": (
        (r"tions$", "ciones"),
        (r"tion$", "cion"),
        (r"sions$", "siones"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"ss", "s"),
        (r"ly$", "mente"),
        (r"y$", "ia"),
    ),
    "fr": (
        (r"tions$", "ciones"),
        (r"tion$", "cion"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"ss", "s"),
        (r"ment$", "mente"),
    ),
    "it": (
        (r"zioni$", "ciones"),
        (r"zione$", "cion"),
        (r"gli", "ll"),
        (r"gn", "n"),
        (r"ss", "s"),
        (r"tt", "t"),
    ),
}

MIN_COGNATE_CHARS = 4  # shorter words count only when identical


@cache
def _compiled(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), r) for p, r in SPELLING_RULES.get(lang, ()))


def spelling(token: str, lang: str) -> str:
    """The shared spelling of ``token``: folded, then rewritten by ``lang``'s rules."""
    form = fold(token)
    for pattern, replacement in _compiled(lang):
        form = pattern.sub(replacement, form)
    return form


def token_kind(token: str) -> str:
    """``number``, ``punct`` or ``word``."""
    if any(ch.isdigit() for ch in token) and not any(ch.isalpha() for ch in token):
        return "number"
    if all(unicodedata.category(ch)[0] in "PS" for ch in token):
        return "punct"
    return "word"


def similarity_matrix(
    src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str
) -> np.ndarray:
    """``(len(src), len(tgt))`` similarities in [0, 1].

    Words: normalised Indel similarity of the shared spellings (0 below ``MIN_COGNATE_CHARS``
    unless identical); numbers: 1 when their digits agree; punctuation: 1 when identical.
    """
    if not src or not tgt:
        return np.zeros((len(src), len(tgt)))
    a = [spelling(t, src_lang) for t in src]
    b = [spelling(t, tgt_lang) for t in tgt]
    sim = process.cdist(a, b, scorer=fuzz.ratio, dtype=np.float32) / 100.0
    kinds_a = np.array([token_kind(t) for t in src])
    kinds_b = np.array([token_kind(t) for t in tgt])
    same_kind = kinds_a[:, None] == kinds_b[None, :]
    short = (np.array([len(x) for x in a])[:, None] < MIN_COGNATE_CHARS) | (
        np.array([len(x) for x in b])[None, :] < MIN_COGNATE_CHARS
    )
    identical = np.array(a, dtype=object)[:, None] == np.array(b, dtype=object)[None, :]
    strict = short | (kinds_a[:, None] != "word")
    sim = np.where(strict, identical.astype(np.float32), sim)
    digits_a = ["".join(ch for ch in t if ch.isdigit()) for t in src]
    digits_b = ["".join(ch for ch in t if ch.isdigit()) for t in tgt]
    numbers = (kinds_a[:, None] == "number") & (kinds_b[None, :] == "number")
    same_digits = np.array(digits_a, dtype=object)[:, None] == np.array(digits_b, dtype=object)
    sim = np.where(numbers, same_digits.astype(np.float32), sim)
    return np.where(same_kind, sim, 0.0).astype(np.float64)


def pair_similarity(
    src_vocab: Sequence[str],
    tgt_vocab: Sequence[str],
    src_index: np.ndarray,
    tgt_index: np.ndarray,
    src_lang: str,
    tgt_lang: str,
) -> np.ndarray:
    """Similarity of ``src_vocab[src_index[k]]`` and ``tgt_vocab[tgt_index[k]]`` for every k,
    by the rules of :func:`similarity_matrix` (each vocabulary word is respelled once)."""
    if not len(src_index):
        return np.zeros(0)
    src_forms = np.array([spelling(w, src_lang) for w in src_vocab], dtype=object)
    tgt_forms = np.array([spelling(w, tgt_lang) for w in tgt_vocab], dtype=object)
    src_plain = np.array([token_kind(w) == "word" for w in src_vocab])
    src_short = np.array([len(f) < MIN_COGNATE_CHARS for f in src_forms])
    tgt_short = np.array([len(f) < MIN_COGNATE_CHARS for f in tgt_forms])
    a, b = src_forms[src_index], tgt_forms[tgt_index]
    identical = a == b
    fuzzy = src_plain[src_index] & ~src_short[src_index] & ~tgt_short[tgt_index]
    sim: np.ndarray = np.asarray(identical, dtype=np.float64)
    if fuzzy.any():
        scores = process.cpdist(list(a[fuzzy]), list(b[fuzzy]), scorer=fuzz.ratio, workers=1)
        sim[fuzzy] = np.asarray(scores, dtype=np.float64) / 100.0
    return sim
