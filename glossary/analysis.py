"""Token analysis for term candidates: stop words, casing, sentence starts, acronyms.

Casing is evidence only where a writer chose it: not in a shouted sentence (mostly all-caps
words), and at a sentence start (or after an opening quote, a colon or a dash) only for a word
never seen in lowercase in the corpus. A capitalised
stop word can be part of a name (``Estados Unidos``, ``Kim Jong Un``): it then counts as content
next to another capitalised word, not on its own; at a sentence start only when the same pair of
words is also seen capitalised inside a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from alinea.text import fold, token_spans

OPENERS = frozenset("\"“”«»„'‘’:.!?…¿¡—–-")
_SPACES = re.compile(r"\s+")


class Token(NamedTuple):
    """One token of a sentence, analysed."""

    text: str
    word: bool  # has a letter (numbers and punctuation do not)
    alnum: bool  # word or number: punctuation is False
    stop: bool  # in the stop-word list (never for acronyms)
    cap: bool  # starts with a capital (False throughout a shouted sentence)
    cased: bool  # cap, and not a sentence start of a word also seen in lowercase
    acronym: bool
    initial: bool  # sentence start: first word, or after an opening quote, colon, dash
    capstop: bool  # a capitalised stop word that may stand inside a name


@dataclass(frozen=True)
class Sentence:
    """A sentence with its analysed tokens and their character spans."""

    sent_id: str
    doc_id: str
    text: str
    tokens: tuple[Token, ...]
    spans: tuple[tuple[int, int], ...]

    def surface(self, start: int, end: int) -> str:
        """The original text of ``tokens[start:end]``, spaces squeezed."""
        return _SPACES.sub(" ", self.text[self.spans[start][0] : self.spans[end - 1][1]])


@lru_cache(maxsize=1 << 16)
def _shape(text: str) -> tuple[int, bool, bool, str]:
    """Letter count, has a digit, all letters uppercase, folded form (cached per token)."""
    letters = [c for c in text if c.isalpha()]
    upper = bool(letters) and all(c.isupper() for c in letters)
    return len(letters), any(c.isdigit() for c in text), upper, fold(text)


def _raw(
    text: str, stops: frozenset[str], max_acronym_len: int
) -> tuple[list[Token], list[tuple[int, int]]]:
    spans = token_spans(text)
    texts = [text[a:b] for a, b in spans]
    shapes = [_shape(t) for t in texts]
    upper = sum(n >= 2 and up for n, _, up, _ in shapes)
    shouted = upper >= 3 and 2 * upper > sum(n > 0 for n, _, _, _ in shapes)
    out: list[Token] = []
    started = False  # an earlier word or number
    for i, (t, (letters, digit, up, folded)) in enumerate(zip(texts, shapes, strict=True)):
        word = letters > 0
        acronym = not shouted and up and 2 <= letters <= max_acronym_len
        initial = not started or texts[i - 1] in OPENERS
        started = started or word or digit
        out.append(
            Token(
                text=t,
                word=word,
                alnum=word or digit,
                stop=word and not acronym and folded in stops,
                cap=word and not shouted and t[0].isupper(),
                cased=False,
                acronym=acronym,
                initial=initial,
                capstop=False,
            )
        )
    return out, spans


def _name_pairs(toks: Sequence[Token]) -> Iterator[tuple[str, str]]:
    """Folded (capitalised stop word, capitalised word) pairs seen inside one sentence."""
    for a, b in pairwise(toks):
        if a.stop and a.cap and not a.initial and b.word and b.cap:
            yield _shape(a.text)[3], _shape(b.text)[3]


Evidence = tuple[set[tuple[str, str]], set[str], set[str]]  # name pairs, lowercase, word parts


def casing_evidence(
    rows: Iterable[tuple[str, str, str]], stops: frozenset[str], max_acronym_len: int
) -> Evidence:
    """The corpus-wide evidence of ``(sent_id, doc_id, text)`` rows (see :class:`Analysis`):
    folded capitalised name pairs seen inside sentences, tokens seen in lowercase and the folded
    word parts. Sets, so the evidence of a corpus is the union of its parts' evidence."""
    pairs: set[tuple[str, str]] = set()
    lowercase: set[str] = set()
    words: set[str] = set()
    for _, _, text in rows:
        toks, _ = _raw(text, stops, max_acronym_len)
        pairs.update(_name_pairs(toks))
        lowercase.update(t.text for t in toks if t.text[:1].islower())
        words.update(p for t in toks if t.word for p in _shape(t.text)[3].split("-"))
    return pairs, lowercase, words


class Analysis:
    """The analysed sentences of ``(sent_id, doc_id, text)`` rows, one at a time.

    Casing evidence is corpus-wide (capitalised name pairs seen inside sentences, words seen in
    lowercase), so the constructor reads every row once to collect it (or takes the evidence of
    the whole corpus when the rows are only part of it), together with the folded word parts of
    the corpus (:attr:`words`, for the plural rules of the candidates); iterating tokenises each
    row again and yields its :class:`Sentence`. Only one sentence's tokens are held at a time,
    whatever the corpus.
    """

    def __init__(
        self,
        rows: Sequence[tuple[str, str, str]],
        stops: frozenset[str],
        max_acronym_len: int,
        evidence: Evidence | None = None,
    ) -> None:
        self.rows = rows
        self._stops, self._max_acronym_len = stops, max_acronym_len
        if evidence is None:
            evidence = casing_evidence(rows, stops, max_acronym_len)
        self.pairs, self.lowercase, self.words = evidence

    def __iter__(self) -> Iterator[Sentence]:
        for sent_id, doc_id, text in self.rows:
            toks, spans = _raw(text, self._stops, self._max_acronym_len)
            yield Sentence(sent_id, doc_id, text, self._marked(toks), tuple(spans))

    def _marked(self, toks: list[Token]) -> tuple[Token, ...]:
        """The tokens with ``capstop`` and ``cased`` set from the corpus-wide evidence."""
        marked = []
        for i, t in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            capstop = (
                t.stop
                and t.cap
                and _shape(t.text)[0] >= 2
                and (
                    not t.initial
                    or (nxt is not None and (_shape(t.text)[3], _shape(nxt.text)[3]) in self.pairs)
                )
            )
            forced = t.initial and t.text[:1].lower() + t.text[1:] in self.lowercase
            marked.append(t._replace(capstop=capstop, cased=t.cap and not forced))
        return tuple(marked)


def analyse(
    rows: Sequence[tuple[str, str, str]], stops: frozenset[str], max_acronym_len: int
) -> list[Sentence]:
    """Tokenise and analyse ``(sent_id, doc_id, text)`` rows (all of them in a list; for large
    corpora iterate over an :class:`Analysis`)."""
    return list(Analysis(rows, stops, max_acronym_len))
