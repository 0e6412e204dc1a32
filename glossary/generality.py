"""How common a word is in the general language, for the domain specificity of one-word terms.

General-language frequencies come from ``wordfreq`` (Zipf scale: log10 of occurrences per
billion words; ``ano`` 5.95, ``munições`` 3.79 in Portuguese). A one-word term that is very
common in general text (``ano``, ``amigo``, ``países``) is rarely what a translator looks up,
whatever its frequency in the coverage: specificity falls smoothly from 1 to 0 around a
midpoint on that scale. Languages wordfreq does not cover (or cannot tokenise without an optional
tokeniser) get 1: no contrast.
"""

from __future__ import annotations

import math
from functools import cache


@cache
def _covered(base: str) -> bool:
    """Whether wordfreq has a list for ``base`` and can tokenise it here (Japanese, Chinese and
    Korean need optional tokenisers)."""
    from wordfreq import available_languages, zipf_frequency  # word lists load lazily

    if base not in available_languages():
        return False
    try:
        zipf_frequency("a", base)
    except ImportError:
        return False
    return True


def base_language(lang: str) -> str:
    """``pt-PT`` -> ``pt``."""
    return lang.replace("_", "-").split("-")[0].lower()


@cache
def zipf(word: str, lang: str) -> float | None:
    """Zipf frequency of ``word`` in general ``lang`` text; ``None`` for an uncovered language."""
    base = base_language(lang)
    if not _covered(base):
        return None
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, base))


def specificity(word: str, lang: str, midpoint: float, width: float) -> float:
    """``1 / (1 + exp((zipf - midpoint) / width))``: near 1 for rare words, near 0 for common
    ones; 1 when the language has no general frequencies."""
    z = zipf(word, lang)
    return 1.0 if z is None else 1.0 / (1.0 + math.exp((z - midpoint) / width))
