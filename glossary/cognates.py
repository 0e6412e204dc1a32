"""Orthographic similarity of term candidates across languages, and the close pairs of two lists.

:func:`cognate` is the similarity of two candidates' keys; :func:`cognate_matrix` the same for
every pair of two short lists (the candidates of one sentence pair). :func:`close_pairs` finds
every pair of two long lists at or above a threshold (corpus-wide cognates) without the
``N x M`` matrix of floats: the pairs the similarity can only reach through identity (equal keys,
equal acronym letters, equal short spellings) are hash joins, and the others need similar lengths
(``2 min(la, lb) / (la + lb) >= threshold``): both lists sorted by spelling length, each block of
``BLOCK`` rows meets only the columns of compatible lengths, one block per task of an
:class:`~alinea.engine.Executor`; in a block, a matrix of longest common subsequences (small
integers, rapidfuzz's fastest) keeps the pairs that can reach the threshold, and only those are
scored. The pairs found, and their values, are those of the full matrix. The work is still
quadratic in the number of recurring candidates (divided by the length blocking); the memory is
one block's.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from alinea.align.words.orthography import MIN_COGNATE_CHARS, spelling
from alinea.engine import Executor, SerialExecutor
from alinea.glossary.acronyms import acronym_letters
from alinea.glossary.candidates import Candidate

BLOCK = 256  # rows of one compared block (memory: BLOCK x compatible columns floats)
Close = tuple[str, str, float]  # source key, target key, similarity


def spelled(c: Candidate, lang: str) -> str:
    """The key of ``c`` in the shared spelling of its language."""
    return _spelled_key(c.key, lang)


@lru_cache(maxsize=1 << 18)  # bounded: a corpus has as many keys as it has n-grams
def _spelled_key(key: str, lang: str) -> str:
    return " ".join(spelling(w, lang) for w in key.split(" "))


def letters(c: Candidate) -> str:
    """An acronym's folded letters; empty for other candidates."""
    return acronym_letters(c.form) if c.type == "acronym" else ""


def cognate(a: Candidate, b: Candidate, lang_a: str, lang_b: str) -> float:
    """Orthographic similarity in [0, 1] of two candidates' keys.

    Equal keys are similar (1.0); acronyms only when their letters are equal; keys shorter than
    ``MIN_COGNATE_CHARS`` letters only when identical; others by the normalised Indel
    similarity of their shared spellings (:func:`alinea.align.words.orthography.spelling`).
    """
    return float(cognate_matrix([a], [b], lang_a, lang_b)[0, 0])


def _ids(*columns: Sequence[str]) -> list[np.ndarray]:
    """The strings of each column as integers, equal where the strings are equal (so a
    matrix of comparisons is a fast integer one)."""
    index: dict[str, int] = {}
    return [
        np.array([index.setdefault(x, len(index)) for x in col], dtype=np.int64) for col in columns
    ]


def _ratios(a: Sequence[str], b: Sequence[str], cutoff: float) -> np.ndarray:
    """Normalised Indel similarities in [0, 1] (below ``cutoff`` they may read 0)."""
    sim = np.asarray(
        process.cdist(a, b, scorer=fuzz.ratio, dtype=np.float32, score_cutoff=cutoff * 100),
        dtype=np.float64,
    )
    sim /= 100.0
    return sim


def cognate_matrix(
    src: Sequence[Candidate],
    tgt: Sequence[Candidate],
    src_lang: str,
    tgt_lang: str,
    cutoff: float = 0.0,
) -> np.ndarray:
    """The :func:`cognate` matrix of two candidate lists (similarities below ``cutoff`` may
    read 0)."""
    a = [spelled(c, src_lang) for c in src]
    b = [spelled(c, tgt_lang) for c in tgt]
    sim = _ratios(a, b, cutoff)
    acr_a = np.array([c.type == "acronym" for c in src])
    acr_b = np.array([c.type == "acronym" for c in tgt])
    letters_a, letters_b = _ids([letters(c) for c in src], [letters(c) for c in tgt])
    short_a = np.array([len(x) < MIN_COGNATE_CHARS for x in a])
    short_b = np.array([len(x) < MIN_COGNATE_CHARS for x in b])
    spelled_a, spelled_b = _ids(a, b)
    if short_a.any() or short_b.any():  # short spellings count only when identical
        short = short_a[:, None] | short_b[None, :]
        sim[short] = (spelled_a[:, None] == spelled_b[None, :])[short]
    keys_a, keys_b = _ids([c.key for c in src], [c.key for c in tgt])
    sim[keys_a[:, None] == keys_b[None, :]] = 1.0
    if acr_a.any() or acr_b.any():  # an acronym is a cognate only of the same letters
        rows, cols = np.flatnonzero(acr_a), np.flatnonzero(acr_b)
        sim[rows, :] = 0.0
        sim[:, cols] = 0.0
        same = letters_a[rows][:, None] == letters_b[cols][None, :]
        sim[np.ix_(rows, cols)] = same.astype(np.float64)
    return sim


def _joined(a: dict[str, list[str]], b: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """Key pairs of two ``join value -> keys`` indexes that share a join value."""
    for value, keys_a in a.items():
        for s in keys_a:
            for t in b.get(value, ()):
                yield s, t


def _index(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for value, key in items:
        out[value].append(key)
    return out


Block = tuple[list[str], list[str], list[str], list[str]]  # row keys, row texts, col keys, cols


def block_pairs(threshold: float, block: Block) -> list[Close]:
    """The pairs of one block whose similarity reaches ``threshold`` (a map task).

    The similarity is ``2 L / (la + lb)``, ``L`` the longest common subsequence: the block's
    ``L`` matrix (small integers, the fastest rapidfuzz matrix) keeps the pairs that can reach
    the threshold, and only those are scored exactly as :func:`cognate_matrix` scores them."""
    row_keys, rows, col_keys, cols = block
    longest = max(map(len, rows)) < 256 and max(map(len, cols)) < 256
    common = process.cdist(rows, cols, scorer=LCSseq.similarity,
                           dtype=np.uint8 if longest else np.int32)  # fmt: skip
    la = np.array([len(x) for x in rows], dtype=np.float64)
    lb = np.array([len(x) for x in cols], dtype=np.float64)
    reach = 2 * common.astype(np.float64) >= threshold * (la[:, None] + lb[None, :]) - 1e-6
    out = []
    for i, j in zip(*np.nonzero(reach), strict=True):
        score = fuzz.ratio(rows[i], cols[j], score_cutoff=threshold * 100)
        sim = float(np.float32(score)) / 100.0  # as the float32 matrix of cognate_matrix
        if sim >= threshold:
            out.append((row_keys[i], col_keys[j], sim))
    return out


def _blocks(
    src: Sequence[tuple[str, str]], tgt: Sequence[tuple[str, str]], threshold: float
) -> Iterator[Block]:
    """Blocks of ``(key, spelling)`` rows against the columns whose lengths the threshold
    allows: ``2 min / (la + lb) >= t`` means ``la * t / (2 - t) <= lb <= la * (2 - t) / t``
    (one letter of slack each way; the similarity itself decides)."""
    rows = sorted(src, key=lambda x: (len(x[1]), x[0]))
    cols = sorted(tgt, key=lambda x: (len(x[1]), x[0]))
    lengths = [len(x[1]) for x in cols]
    for start in range(0, len(rows), BLOCK):
        block = rows[start : start + BLOCK]
        lo = math.floor(len(block[0][1]) * threshold / (2 - threshold)) - 1
        hi = math.ceil(len(block[-1][1]) * (2 - threshold) / threshold) + 1
        window = cols[bisect_left(lengths, lo) : bisect_right(lengths, hi)]
        if window:
            yield ([k for k, _ in block], [x for _, x in block],
                   [k for k, _ in window], [x for _, x in window])  # fmt: skip


def close_pairs(
    src: Sequence[Candidate],
    tgt: Sequence[Candidate],
    langs: tuple[str, str],
    threshold: float,
    executor: Executor | None = None,
) -> list[Close]:
    """Every ``(source key, target key, similarity)`` with ``cognate_matrix`` at or above
    ``threshold`` (> 0), in a deterministic order (module docstring)."""
    a = [(c, spelled(c, langs[0])) for c in src]
    b = [(c, spelled(c, langs[1])) for c in tgt]
    out: list[Close] = []
    general: list[list[tuple[str, str]]] = [[], []]
    joins: list[list[list[tuple[str, str]]]] = [[[], [], []], [[], [], []]]
    for side, items in enumerate((a, b)):
        for c, text in items:
            acronym, short = c.type == "acronym", len(text) < MIN_COGNATE_CHARS
            if acronym:
                joins[side][0].append((letters(c), c.key))
            else:
                joins[side][1].append((c.key, c.key))
                if short:
                    joins[side][2].append((text, c.key))
                else:
                    general[side].append((c.key, text))
    if general[0] and general[1]:
        mapped = (executor or SerialExecutor()).map(
            block_pairs, threshold, list(_blocks(general[0], general[1], threshold))
        )
        for found in mapped:
            out += found
    # identity: the same acronym letters, the same key, the same short spelling
    for kind in (2, 1, 0):
        out += [(s, t, 1.0) for s, t in _joined(_index(joins[0][kind]), _index(joins[1][kind]))]
    return out
