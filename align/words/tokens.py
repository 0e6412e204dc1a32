"""Word tokens of a sentence, with their character spans.

Numbers keep their separators (``1.500``, ``2,5``), words keep inner hyphens and apostrophes
(``Jong-un``, ``d'água``), every other non-space character is a token of its own.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` in order."""
    return _TOKEN.findall(text)


def token_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of each token of :func:`tokenize`."""
    return [m.span() for m in _TOKEN.finditer(text)]
