"""Acronyms (all-caps tokens) and the expansions a text gives for them.

An expansion is recognised in the two usual news patterns, ``phrase (ACR)`` and ``ACR (phrase)``,
when the phrase's initials spell the acronym: either the initials of its content words (stop
words inside are skipped: ``República Popular Democrática de Corea`` -> ``RPDC``) or of all its
words. The phrase must start and end with a content word.
"""

from __future__ import annotations

from collections.abc import Sequence

from alinea.text import fold


def is_acronym(token: str, max_len: int = 8) -> bool:
    """True for an all-caps token of 2..``max_len`` letters (``RPDC``, ``NATO``, ``EE``)."""
    letters = [c for c in token if c.isalpha()]
    return 2 <= len(letters) <= max_len and all(c.isupper() for c in letters)


def acronym_letters(token: str) -> str:
    """The folded letters of an acronym: ``RPDC`` -> ``RPDC``, ``Ü.N.`` -> ``UN``."""
    return "".join(c for c in fold(token).upper() if c.isalpha())


def initials(words: Sequence[str]) -> str:
    """The folded first letters of ``words``."""
    return "".join(acronym_letters(next((c for c in w if c.isalpha()), "")) for w in words)


def spells(acronym: str, words: Sequence[str], stops: Sequence[bool]) -> bool:
    """Whether ``words`` (with their stop-word flags) expand ``acronym`` by their initials."""
    if not words or stops[0] or stops[-1]:
        return False
    letters = acronym_letters(acronym)
    content = [w for w, s in zip(words, stops, strict=True) if not s]
    return letters in (initials(content), initials(words))


def find_expansions(
    tokens: Sequence[str], stops: Sequence[bool], acronym_at: Sequence[int]
) -> list[tuple[int, int, int]]:
    """Expansions given in one sentence.

    Args:
        tokens: the sentence's tokens.
        stops: whether each token is a stop word.
        acronym_at: indexes of the acronym tokens.

    Returns:
        ``(acronym index, start, end)`` for each expansion found, ``tokens[start:end]`` being the
        phrase; the shortest phrase wins.
    """
    found: list[tuple[int, int, int]] = []
    for k in acronym_at:
        width = 2 * len(acronym_letters(tokens[k])) + 3
        if 0 < k < len(tokens) - 1 and tokens[k - 1] == "(" and tokens[k + 1] == ")":
            end = k - 1  # phrase (ACR)
            for start in range(end - 1, max(-1, end - 1 - width), -1):
                if not any(c.isalnum() for c in tokens[start]):
                    break
                if spells(tokens[k], tokens[start:end], stops[start:end]):
                    found.append((k, start, end))
                    break
        elif k + 2 < len(tokens) and tokens[k + 1] == "(":
            start = k + 2  # ACR (phrase)
            end = next((i for i in range(start, len(tokens)) if tokens[i] == ")"), -1)
            if 0 < end - start <= width and spells(tokens[k], tokens[start:end], stops[start:end]):
                found.append((k, start, end))
    return found
