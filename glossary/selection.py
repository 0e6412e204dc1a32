"""Which proposed entries become glossary entries: one concept per entry, no fragments.

Proposals are visited most frequent first (occurrences over both languages; then more words,
so that ``comboio blindado`` comes before ``comboio``; then higher pairing confidence), paired
ones before unpaired ones. A proposal is **rejected** when it is

- a *one-off phrase*: a term with a stop word inside, seen at most once in each language
  (``violação das restrições``): only a recurring phrase is a fixed expression;
- *not maximal*: a term always preceded (or always followed) by the same lowercase word, stop
  words skipped, in a language where it occurs twice or more (``noticias rusa`` is always in
  ``agencia de noticias rusa``); a name, likewise, by the same capitalised word (``Seguridad
  de la ONU`` is always in ``Consejo de Seguridad de la ONU``);
- *crossing*: more than half of its occurrences partly overlap (cross) an occurrence of an
  accepted entry: ``mútua em caso de agressão`` crosses ``assistência mútua``;
- a *bad extension*: it contains an accepted entry's key on one side, is a term (not a name or
  an acronym, :func:`entry_type`), and its other side does not contain the entry's other side
  (``operação militar russa``/``invasión rusa`` around ``militar``/``militar``), or the entry is
  a name or an acronym, unless it ends the term after a stop word and the other words are
  entries (``Kim viajou`` around ``Kim`` goes, ``surto de COVID-19`` stays), or the added words
  hold a stop word and a content word that no entry covers, and it is rarer than
  ``extension_share`` times the entry (``Coreia do Norte de fornecer``; ``dor de garganta``
  around ``dor`` and ``garganta`` stays).

Then every accepted entry must **recur on its own**: its *free* occurrences, those not inside an
occurrence of a longer accepted entry (a name may follow lowercase words of one: ``plaza Kim Il
Sung``), number at least ``min_recurrence`` over both languages
together and at least ``min_free_share`` of all its occurrences (``Norte``, nearly always inside
``Coreia do Norte``, goes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from alinea.glossary.candidates import Candidate
from alinea.glossary.phrases import Occurrences, surface_key
from alinea.text import fold, tokenize


class Proposal(Protocol):
    """A candidate entry: one candidate per side, ``None`` on an unpaired side."""

    @property
    def sides(self) -> tuple[Candidate | None, Candidate | None]: ...

    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class SelectionConfig:
    """Thresholds of the selection (module docstring)."""

    min_recurrence: int = 2
    min_free_share: float = 0.25
    extension_share: float = 0.2


def entry_type(sides: Sequence[Candidate | None]) -> str:
    """The sides' type when they agree; a name when the other side is a term with a capital
    (``Praça Kim Il-sung`` / ``plaza Kim Il Sung``); else the more frequent side's (a tie:
    ``term``)."""
    present = [c for c in sides if c is not None]
    types = {c.type for c in present}
    if len(types) == 1:
        return present[0].type
    if types == {"name", "term"} and any(
        w[:1].isupper() for c in present if c.type == "term" for w in c.form.split()
    ):
        return "name"
    freqs = sorted((c.freq for c in present), reverse=True)
    return "term" if freqs[0] == freqs[1] else max(present, key=lambda c: c.freq).type


def occurrences_of(p: Proposal, occ: tuple[Occurrences, Occurrences]) -> int:
    """Occurrences of both sides in their sentences."""
    return sum(len(o.get(c.key, ())) for c, o in zip(p.sides, occ, strict=True) if c is not None)


def words(p: Proposal) -> int:
    """Words of the longer side's key."""
    return max(len(c.key.split(" ")) for c in p.sides if c is not None)


def _sub_spans(n: int) -> Iterable[tuple[int, int]]:
    """Every shorter contiguous span ``[a, b)`` of ``n`` words."""
    for size in range(1, n):
        for a in range(n - size + 1):
            yield a, a + size


def _complement(words: Sequence[str], a: int, b: int, stops: frozenset[str]) -> bool:
    """Whether the name or acronym at ``words[a:b]`` ends the key after a stop word: it
    completes a term (``surto de COVID-19``), it is not described by it (``agencia rusa
    Interfax``)."""
    return b == len(words) and a >= 2 and words[a - 1] in stops


def _both_extend(outer: Proposal, inner: Proposal) -> bool:
    """Whether ``outer`` contains ``inner`` on every side both have."""
    return all(
        a is None or b is None or f" {b.key} " in f" {a.key} "
        for a, b in zip(outer.sides, inner.sides, strict=True)
    )


def _lowercase_in(inner: Proposal, sub: str, outer: Candidate) -> bool:
    """Whether acronym entry ``inner`` (key ``sub``) is only lowercase words in ``outer``'s
    form: ``de`` in ``período de incubação`` is not the acronym ``DE``."""
    if entry_type(inner.sides) != "acronym":
        return False
    tokens = tokenize(outer.form)
    return not any(
        tokens[i][:1].isupper() and surface_key(tokens[i:j]) == sub
        for i in range(len(tokens))
        for j in range(i + 1, len(tokens) + 1)
    )


def _crosses(a: int, b: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(i < a < j < b or a < i < b < j for i, j in spans)


@dataclass
class Selection:
    """The entries accepted so far and the token spans they occupy."""

    occurrences: tuple[Occurrences, Occurrences]
    tokens: tuple[Mapping[str, Sequence[str]], Mapping[str, Sequence[str]]]  # sent_id -> tokens
    stops: tuple[frozenset[str], frozenset[str]]
    config: SelectionConfig = field(default_factory=SelectionConfig)
    # per side, key -> whether it is enclosed (see _enclosed); may be shared across rounds
    enclosed: tuple[dict[str, bool], dict[str, bool]] = field(default_factory=lambda: ({}, {}))
    accepted: list[Proposal] = field(default_factory=list)
    _keys: tuple[dict[str, Proposal], dict[str, Proposal]] = field(default_factory=lambda: ({}, {}))
    _spans: tuple[dict[str, list[tuple[int, int]]], ...] = field(default_factory=lambda: ({}, {}))

    def offer(self, p: Proposal, occupy: bool = True) -> bool:
        """Accept ``p`` unless it is a one-off phrase, crosses or badly extends an entry; an
        entry accepted without ``occupy`` (no term) holds no span: it never blocks, covers or
        is extended by another."""
        if (
            self._one_off_phrase(p)
            or self._not_maximal(p)
            or self._crossing(p)
            or self._bad_extension(p)
        ):
            return False
        self.accepted.append(p)
        if not occupy:
            return True
        for side, c in enumerate(p.sides):
            if c is not None:
                self._keys[side][c.key] = p
        for side, sid, i, j in self._spots(p):
            self._spans[side].setdefault(sid, []).append((i, j))
        return True

    @property
    def accepted_ids(self) -> set[int]:
        """``id()`` of the accepted proposals."""
        return {id(p) for p in self.accepted}

    def _count(self, side: int, c: Candidate | None) -> int:
        return len(self.occurrences[side].get(c.key, ())) if c is not None else 0

    def _one_off_phrase(self, p: Proposal) -> bool:
        """A term with a stop word inside, seen at most once in each language."""
        inner = any(
            c is not None and c.type == "term" and set(c.key.split(" ")[1:-1]) & self.stops[side]
            for side, c in enumerate(p.sides)
        )
        return inner and all(self._count(side, c) <= 1 for side, c in enumerate(p.sides))

    def _neighbour(
        self, side: int, sid: str, k: int, step: int, capital: bool = False
    ) -> str | None:
        """The first word from token ``k`` on in direction ``step`` that is not a stop word,
        folded, when it is a lowercase word (``capital``: a capitalised one); ``None`` at a
        boundary, punctuation, another case or a one-letter stop word."""
        toks = self.tokens[side].get(sid, ())
        while 0 <= k < len(toks) and fold(toks[k]) in self.stops[side]:
            if len(toks[k]) == 1:  # "y", "e", "a" join phrases (as in the candidates)
                return None
            k += step
        if not 0 <= k < len(toks) or not toks[k][:1].isalpha():
            return None
        if toks[k][:1].isupper() != capital:
            return None
        return fold(toks[k])

    def _not_maximal(self, p: Proposal) -> bool:
        """A term always preceded, or always followed, by the same lowercase word (stop words
        skipped) in a language where it occurs twice or more: ``noticias rusa`` is always
        ``agencia de noticias rusa``; a name by the same capitalised word."""
        kind = entry_type(p.sides)
        if kind == "acronym":
            return False
        for side, c in enumerate(p.sides):
            if c is None or (kind == "name" and c.type != "name"):
                continue
            known = self.enclosed[side].get(c.key)
            if known is None:
                known = self.enclosed[side][c.key] = self._enclosed(side, c.key, c.type == "name")
            if known:
                return True
        return False

    def _enclosed(self, side: int, key: str, name: bool = False) -> bool:
        """Whether the occurrences of ``key`` (two or more) all have the same lowercase word
        (``name``: capitalised word) before them, or all the same after them (a property of the
        text, not of the entries accepted so far: it is kept across rounds)."""
        spots = self.occurrences[side].get(key, ())
        if len(spots) < 2:
            return False
        for step in (-1, 1):
            first = None
            for sid, i, j in spots:
                word = self._neighbour(side, sid, i - 1 if step < 0 else j, step, name)
                if word is None or (first is not None and word != first):
                    break
                first = word
            else:
                return True
        return False

    def _spots(self, p: Proposal) -> Iterator[tuple[int, str, int, int]]:
        """``(side, sent_id, start, end)`` of every occurrence of ``p``'s sides."""
        for side, c in enumerate(p.sides):
            if c is not None:
                for sid, i, j in self.occurrences[side].get(c.key, ()):
                    yield side, sid, i, j

    def _crossing(self, p: Proposal) -> bool:
        spots = list(self._spots(p))
        crossing = sum(_crosses(i, j, self._spans[side].get(sid, ())) for side, sid, i, j in spots)
        return 2 * crossing > len(spots)

    def _bad_extension(self, p: Proposal) -> bool:
        if entry_type(p.sides) != "term":
            return False
        mine = occurrences_of(p, self.occurrences)
        for side, c in enumerate(p.sides):
            if c is None:
                continue
            words = c.key.split(" ")
            hits = []
            for a, b in _sub_spans(len(words)):
                inner = self._keys[side].get(" ".join(words[a:b]))
                if inner is not None and not _lowercase_in(inner, " ".join(words[a:b]), c):
                    hits.append((a, b, inner))
            covered = {k for a, b, _ in hits for k in range(a, b)}
            names = [(a, b) for a, b, q in hits if entry_type(q.sides) != "term"]
            for a, b, inner in hits:
                around = [*range(a), *range(b, len(words))]
                stops = any(words[k] in self.stops[side] for k in around)
                loose = any(k not in covered and words[k] not in self.stops[side] for k in around)
                if not _both_extend(p, inner):
                    return True
                if entry_type(inner.sides) != "term":
                    if any((x, y) != (a, b) and x <= a and b <= y for x, y in names):
                        continue  # ``COVID`` inside ``COVID-19``: the longer name decides
                    if loose or not _complement(words, a, b, self.stops[side]):
                        return True
                    continue
                share = mine / max(1, occurrences_of(inner, self.occurrences))
                if stops and loose and share < self.config.extension_share:
                    return True
        return False

    def free(self, p: Proposal) -> tuple[int, int]:
        """(free, all) occurrences of ``p``: free ones lie in no longer accepted occurrence,
        except a name after lowercase words (a common noun heading a longer name: ``Kim Il
        Sung`` in ``plaza Kim Il Sung`` names the man too)."""
        name = entry_type(p.sides) == "name"
        free = total = 0
        for side, sid, i, j in self._spots(p):
            total += 1
            toks = self.tokens[side].get(sid, ())
            free += not any(
                a <= i and j <= b and b - a > j - i
                and not (name and all(t[:1].islower() for t in [*toks[a:i], *toks[j:b]]))
                for a, b in self._spans[side].get(sid, ())
            )  # fmt: skip
        return free, total

    def recurring(self) -> list[tuple[Proposal, int]]:
        """The accepted entries that recur on their own, with their free occurrences."""
        out = []
        for p in self.accepted:
            free, total = self.free(p)
            if free >= self.config.min_recurrence and free >= self.config.min_free_share * total:
                out.append((p, free))
        return out
