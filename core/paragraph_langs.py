"""Paragraphs of a document that are not in its language: in the build's other language, or in a
third language (:mod:`alinea.third_language`). Both are kept in the data, never aligned.

Third languages are checked first, every paragraph on its own: a single English quote in a
Portuguese article is flagged. The rest are checked against the build's two languages only: the
two-language detector runs in low-accuracy mode, its suspects again in high-accuracy mode
(which loads the two languages' models the first time there is a suspect), and a document's
paragraphs count as in the other language only when at least ``min_paragraphs`` of them pass:
an isolated sentence lingua gets confidently wrong (a sentence full of English names) flags
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import polars as pl

from alinea import third_language as third
from alinea.engine import Executor, SerialExecutor
from alinea.langid import MAX_CHARS, sample

if TYPE_CHECKING:
    from lingua import LanguageDetector


@dataclass(frozen=True)
class ParagraphCheck:
    """Which paragraphs of a document count as in another language.

    Attributes:
        langs: the build's two languages.
        min_chars: shorter paragraphs (a caption, a name) are never judged by lingua (one of
            another script needs :data:`~alinea.third_language.SCRIPT_MIN_LETTERS` letters).
        min_confidence: the other language's confidence, in high-accuracy mode, a paragraph
            needs (lingua's confidences over the two languages sum to 1).
        min_paragraphs: a document's paragraphs in the other language are flagged only when
            this many pass.
        third_confidence: a third language's confidence, in low-accuracy mode among the
            closed set of languages, a paragraph needs.
        max_own_words: a paragraph whose share of its document language's own words
            (:func:`~alinea.third_language.own_word_share`) reaches this is never in a third
            language.
    """

    langs: tuple[str, str]
    min_chars: int = 40
    min_confidence: float = 0.9
    min_paragraphs: int = 2
    third_confidence: float = 0.9
    max_own_words: float = 0.1


Paragraphs = tuple[str, Sequence[str], Sequence[int]]  # document language, paragraphs, skip
Flags = list[tuple[int, str]]  # (paragraph index, its language), by index


def foreign_paragraphs(check: ParagraphCheck, documents: Sequence[Paragraphs]) -> list[Flags]:
    """Each document's paragraphs in another language, with that language; a map task (one
    batch of documents, each ``(lang, paragraphs, indexes not to judge)``).

    Returns:
        One list of ``(index, language)`` per document, sorted by index (empty for most).
    """
    found = third_language_paragraphs(check, documents)
    judged = [
        (lang, paragraphs, [*skip, *(index for index, _ in flags)])
        for (lang, paragraphs, skip), flags in zip(documents, found, strict=True)
    ]
    for flags, other in zip(found, other_language_paragraphs(check, judged), strict=True):
        flags.extend(other)
        flags.sort()
    return found


def other_language_paragraphs(
    check: ParagraphCheck, documents: Sequence[Paragraphs]
) -> list[Flags]:
    """The paragraphs of each document in the build's other language (none unless at least
    ``check.min_paragraphs`` of a document's are)."""
    candidates: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for doc, (lang, paragraphs, skip) in enumerate(documents):
        if lang not in check.langs:
            continue
        pair = (lang, _other(check, lang))
        skipped = set(skip)
        candidates.setdefault(pair, []).extend(
            (doc, index, text[:MAX_CHARS])
            for index, text in enumerate(paragraphs)
            if index not in skipped and len(text) >= check.min_chars
        )
    found: list[Flags] = [[] for _ in documents]
    for pair, items in candidates.items():
        fast = _confidences(pair, [text for _, _, text in items], high=False)
        suspects = [item for item, value in zip(items, fast, strict=True) if value >= 0.5]
        sure = _confidences(pair, [text for _, _, text in suspects], high=True)
        for (doc, index, _), value in zip(suspects, sure, strict=True):
            if value >= check.min_confidence:
                found[doc].append((index, pair[1]))
    return [flags if len(flags) >= check.min_paragraphs else [] for flags in found]


def third_language_paragraphs(
    check: ParagraphCheck, documents: Sequence[Paragraphs]
) -> list[Flags]:
    """The paragraphs of each document in a third language (module docstring of
    :mod:`alinea.third_language`): of another script, or named by the closed-set detector
    and not made of the document language's own words."""
    found: list[Flags] = [[] for _ in documents]
    items: list[tuple[int, int, str]] = []  # (document, paragraph, text) for lingua
    others = tuple(code for code in third.THIRD_LANGUAGES if code not in check.langs)
    for doc, (lang, paragraphs, skip) in enumerate(documents):
        if lang not in check.langs:
            continue
        home = third.script(sample(paragraphs))
        own_words = third.own_function_words(lang, others)
        skipped = set(skip)
        for index, text in enumerate(paragraphs):
            if index in skipped:
                continue
            text = text[:MAX_CHARS]
            if third.other_script(text, home):
                found_lang = third.other_script_language(text)
                if found_lang != lang:
                    found[doc].append((index, found_lang))
            elif (
                len(text) >= check.min_chars
                and third.function_word_share(text, own_words) < check.max_own_words
            ):
                items.append((doc, index, text))
    closed = tuple(sorted({*check.langs, *others}))
    named = third.closed_best(closed, [text for _, _, text in items])
    for (doc, index, text), (lang, confidence) in zip(items, named, strict=True):
        if (
            lang not in check.langs
            and confidence >= check.third_confidence
            and third.has_function_word(text, lang, documents[doc][0])
            and third.own_word_share(text, documents[doc][0], lang) < check.max_own_words
        ):
            found[doc].append((index, lang))
    for flags in found:
        flags.sort()
    return found


def _other(check: ParagraphCheck, lang: str) -> str:
    return check.langs[1] if lang == check.langs[0] else check.langs[0]


@cache
def _pair_detector(langs: tuple[str, str], high_accuracy: bool) -> LanguageDetector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in langs]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder if high_accuracy else builder.with_low_accuracy_mode()).build()


def _confidences(langs: tuple[str, str], texts: Sequence[str], high: bool) -> list[float]:
    """The confidence of ``langs[1]`` (against ``langs[0]``) for each text."""
    if not texts:
        return []
    first, second = sorted(langs)
    detector = _pair_detector((first, second), high)
    values = detector.compute_language_confidence_values_in_parallel(list(texts))
    return [
        next(float(v.value) for v in found if v.language.iso_code_639_1.name.lower() == langs[1])
        for found in values
    ]


def flag_foreign(
    documents: pl.DataFrame, check: ParagraphCheck, executor: Executor | None, batch_docs: int
) -> pl.DataFrame:
    """``documents`` with each one's paragraphs in another language (never its boilerplate) in
    ``foreign_paragraphs`` and their languages in ``foreign_langs``, judged by ``executor`` in
    batches of documents."""

    def batches() -> Iterator[list[Paragraphs]]:
        for offset in range(0, documents.height, batch_docs):
            part = documents.slice(offset, batch_docs)
            columns = part.select("lang", "text", "boilerplate_paragraphs").iter_rows()
            yield [(lang, text.split("\n"), skip) for lang, text, skip in columns]

    found = (executor or SerialExecutor()).map(foreign_paragraphs, check, batches())
    flags = [doc for batch in found for doc in batch]
    return documents.with_columns(
        pl.Series(
            "foreign_paragraphs", [[i for i, _ in f] for f in flags], dtype=pl.List(pl.Int32())
        ),
        pl.Series(
            "foreign_langs", [[lang for _, lang in f] for f in flags], dtype=pl.List(pl.String())
        ),
    )


def foreign_counts(documents: pl.DataFrame) -> dict[str, int]:
    """How many paragraphs of ``documents`` are flagged in each language, by language code."""
    if "foreign_langs" not in documents.columns:
        return {}
    langs = documents["foreign_langs"].explode().drop_nulls()
    return dict(sorted(langs.value_counts().iter_rows()))


def counts_text(counts: dict[str, int]) -> str:
    """``en 1, es 2``: the flagged paragraphs per language, for messages."""
    return ", ".join(f"{lang} {n}" for lang, n in counts.items())
