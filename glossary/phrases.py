"""Phrase pairs consistent with a word alignment, and term spans found by their candidate key.

Extraction follows the phrase-based SMT rule (Och & Ney 2004; Koehn et al. 2003): a source span
``[i1, i2]`` and a target span ``[j1, j2]`` form a pair when at least one link lies inside the
box and no link leaves it (every link touching one of the spans has its other end in the other
span). Unaligned target words at the edges of the box may be added, as in Moses. Both spans are
at most ``max_len`` tokens long.

:class:`Lexicon` maps a token span onto the candidate of one language it is an occurrence of,
through the same normalisation the candidates were grouped with: every surface form a candidate
was seen under is indexed by its folded tokens (hyphens as spaces), so a span is looked up by its
folded tokens and gets the candidate's grouping key (plurals and spacing variants included).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from alinea.engine import Executor, SerialExecutor, shard_plan
from alinea.glossary.candidates import Candidate
from alinea.text import fold, tokenize

Span = tuple[int, int]  # token indexes, end exclusive
Occurrences = dict[str, list[tuple[str, int, int]]]  # key -> (sent_id, start, end) token spans


def consistent_phrase_pairs(
    links: Iterable[tuple[int, int]], n_src: int, n_tgt: int, max_len: int = 5
) -> Iterator[tuple[Span, Span]]:
    """Every ``(source span, target span)`` consistent with ``links`` (module docstring).

    Args:
        links: ``(i, j)``: source token ``i`` is linked to target token ``j``.
        n_src: source tokens.
        n_tgt: target tokens.
        max_len: longest span on either side, in tokens.

    Yields:
        ``((i1, i2), (j1, j2))`` with end-exclusive spans, source spans in order.
    """
    by_src: list[list[int]] = [[] for _ in range(n_src)]
    by_tgt: list[list[int]] = [[] for _ in range(n_tgt)]
    for i, j in set(links):
        if 0 <= i < n_src and 0 <= j < n_tgt:
            by_src[i].append(j)
            by_tgt[j].append(i)
    for i1 in range(n_src):
        for i2 in range(i1, min(n_src, i1 + max_len)):
            targets = [j for i in range(i1, i2 + 1) for j in by_src[i]]
            if not targets:
                continue
            j1, j2 = min(targets), max(targets)
            if j2 - j1 >= max_len:
                continue
            if any(not i1 <= i <= i2 for j in range(j1, j2 + 1) for i in by_tgt[j]):
                continue
            yield from _extended((i1, i2 + 1), j1, j2, by_tgt, max_len)


def _extended(
    src: Span, j1: int, j2: int, by_tgt: Sequence[Sequence[int]], max_len: int
) -> Iterator[tuple[Span, Span]]:
    """The minimal target span ``[j1, j2]`` and its extensions over unaligned target words."""
    start = j1
    while True:
        end = j2
        while True:
            yield src, (start, end + 1)
            end += 1
            if end >= len(by_tgt) or by_tgt[end] or end - start >= max_len:
                break
        start -= 1
        if start < 0 or by_tgt[start] or j2 - start >= max_len:
            break


def surface_key(tokens: Sequence[str]) -> str:
    """Folded tokens joined by spaces, hyphens as spaces (``Jong-un`` -> ``jong un``)."""
    return " ".join(part for t in tokens for part in fold(t).split("-") if part)


@dataclass(frozen=True)
class Lexicon:
    """The candidates of one language, looked up by token spans."""

    lang: str
    candidates: dict[str, Candidate]  # grouping key -> candidate
    surfaces: dict[str, str]  # surface_key of every form seen -> grouping key
    max_len: int  # spans are looked up to this many tokens ...
    long_prefixes: frozenset[str] = frozenset()  # ... and beyond, only along a long name's
    long_starts: frozenset[str] = frozenset()  # the first token's part of every long name

    @classmethod
    def of(cls, lang: str, candidates: Iterable[Candidate], max_len: int = 5) -> Lexicon:
        """Index ``candidates`` (all of one language) by their surface forms; spans are looked
        up to ``max_len`` tokens, and further only as prefixes of a longer candidate (a long
        name, :data:`alinea.glossary.candidates.CandidateConfig.max_name_n`)."""
        by_key = {c.key: c for c in candidates}
        surfaces: dict[str, str] = {}
        long_prefixes: set[str] = set()
        long_starts: set[str] = set()
        for key in sorted(by_key, key=lambda k: (-by_key[k].freq, k)):  # frequent wins a clash
            for form in (by_key[key].form, *by_key[key].variants):
                tokens = tokenize(form)
                surfaces.setdefault(surface_key(tokens), key)
                if len(tokens) > max_len:
                    long_starts.add(surface_key(tokens[:1]))
                    long_prefixes.update(
                        surface_key(tokens[:end]) for end in range(max_len + 1, len(tokens) + 1)
                    )
        return cls(
            lang, by_key, surfaces, max_len, frozenset(long_prefixes), frozenset(long_starts)
        )

    def slim(self) -> Lexicon:
        """The same lookups without the candidates' sentence ids (what a shard's task needs:
        the ids grow with the corpus)."""
        slim = {k: replace(c, sent_ids=()) for k, c in self.candidates.items()}
        return replace(self, candidates=slim)

    def key(self, tokens: Sequence[str]) -> str | None:
        """The grouping key of the candidate ``tokens`` are an occurrence of, if any."""
        key = self.surfaces.get(surface_key(tokens))
        return None if key is None or self._lowercase_acronym(tokens, key) else key

    def spans(self, tokens: Sequence[str]) -> Iterator[tuple[int, int, str]]:
        """``(start, end, key)`` of every candidate occurrence in a token sequence."""
        parts = [" ".join(p for p in fold(t).split("-") if p) for t in tokens]
        surfaces, longer = self.surfaces, self.long_prefixes
        for i in range(len(tokens)):
            surface = ""  # surface_key(tokens[i:j]), one token longer at each step
            last = (
                len(tokens) if parts[i] in self.long_starts else min(len(tokens), i + self.max_len)
            )
            for j in range(i + 1, last + 1):
                part = parts[j - 1]
                if part:
                    surface = f"{surface} {part}" if surface else part
                if j - i > self.max_len and surface not in longer:
                    break
                key = surfaces.get(surface)
                if key is not None and not self._lowercase_acronym(tokens[i:j], key):
                    yield i, j, key

    def _lowercase_acronym(self, tokens: Sequence[str], key: str) -> bool:
        """An acronym is never written in lowercase: ``de`` is not ``DE``."""
        return self.candidates[key].type == "acronym" and not tokens[0][:1].isupper()

    def occurrences(
        self, sentences: Iterable[tuple[str, Sequence[str]]], keys: Container[str] | None = None
    ) -> Occurrences:
        """Token spans of every candidate (of the ``keys`` only, when given) in
        ``(sent_id, tokens)`` sentences, in input order."""
        out: Occurrences = {}
        for sent_id, tokens in sentences:
            for i, j, key in self.spans(tokens):
                if keys is None or key in keys:
                    out.setdefault(key, []).append((sent_id, i, j))
        return out


def occurrences_shard(
    task: tuple[Lexicon, Container[str]], sentences: Sequence[tuple[int, str, Sequence[str]]]
) -> dict[str, list[tuple[int, str, int, int]]]:
    """The map step of :func:`find_occurrences`: ``key -> (position, sent_id, start, end)``."""
    lexicon, keys = task
    out: dict[str, list[tuple[int, str, int, int]]] = {}
    for n, sent_id, tokens in sentences:
        for i, j, key in lexicon.spans(tokens):
            if key in keys:
                out.setdefault(key, []).append((n, sent_id, i, j))
    return out


def find_occurrences(
    lexicon: Lexicon,
    sentences: Sequence[tuple[str, Sequence[str]]],
    keys: Container[str],
    executor: Executor | None = None,
    shards: int = 1,
) -> Occurrences:
    """:meth:`Lexicon.occurrences` of ``keys`` as a map over shards of sentences (a stable hash
    of the sentence id) and a reduce that puts each key's spans back in input order."""
    plan = shard_plan([sid for sid, _ in sentences], shards)
    items = [[(n, *sentences[n]) for n in shard] for shard in plan]
    merged: dict[str, list[tuple[int, str, int, int]]] = {}
    executor = executor or SerialExecutor()
    task = (lexicon if isinstance(executor, SerialExecutor) else lexicon.slim(), keys)
    for part in executor.map(occurrences_shard, task, items):
        for key, spots in part.items():
            merged.setdefault(key, []).extend(spots)
    out: Occurrences = {}
    for key, spots in merged.items():
        spots.sort(key=lambda x: (x[0], x[2], x[3]))
        out[key] = [(sid, i, j) for _, sid, i, j in spots]
    return out
