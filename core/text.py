"""The one text module: Unicode normalisation, whitespace, accent folding and word tokens.

Every stage that compares text goes through these functions, so a paragraph, a sentence, a
glossary form and a lookup query are normalised and folded the same way:

- :func:`normalise` is what the reader applies to every input (NFC, as composed text is what
  users type and search for), with the characters XML 1.0 forbids removed (C0 controls but tab,
  line feed and carriage return, the noncharacters U+FFFE and U+FFFF, lone surrogates), so no
  stored text and no export (TMX, TBX) ever holds one; :func:`xml_safe` is that removal alone;
- :func:`squeeze` collapses runs of whitespace (a paragraph is one line of single spaces);
- :func:`fold` is the comparison key: case-folded, canonically decomposed, combining marks
  dropped and recomposed (``Ação`` -> ``acao``); compatibility characters keep their meaning
  (``nº`` is not the word ``no``, ``½`` stays a fraction), Hangul syllables stay whole;
- :func:`tokenize` splits a sentence into word tokens (numbers keep their separators, words keep
  inner hyphens and apostrophes, every other non-space character is a token of its own).
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
# what XML 1.0 does not allow in a document (section 2.2), tab, LF and CR excepted
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (removed: a control character inside a
    word is noise, and a space would split the word)."""
    return _NOT_XML.sub("", text)


def normalise(text: str) -> str:
    """Unicode NFC form of ``text`` without the characters XML 1.0 forbids (the form every
    input is read in)."""
    return unicodedata.normalize("NFC", xml_safe(text))


def squeeze(text: str) -> str:
    """``text`` with surrounding whitespace stripped and inner runs collapsed to one space."""
    return " ".join(text.split())


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table filled on first use of each character: its canonical
    decomposition without combining marks, recomposed (``ç`` -> ``c``, a lone combining accent
    -> nothing)."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code)).casefold()
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = unicodedata.normalize("NFC", bare)
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Case- and accent-insensitive key: ``MOSCÓVO`` and ``Moscovo`` both give ``moscovo``."""
    lowered = text.casefold()
    return lowered if lowered.isascii() else lowered.translate(_FOLD)


def tokenize(text: str) -> list[str]:
    """Word tokens of ``text`` in order (module docstring)."""
    return _TOKEN.findall(text)


def token_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of each token of :func:`tokenize`."""
    return [m.span() for m in _TOKEN.finditer(text)]
