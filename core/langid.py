"""Language identification with lingua: of whole documents, and language-code checks.

lingua is asked to choose among *all* the languages it knows, so a document in a third language
is recognised as such (and skipped) instead of being forced into one of the requested two. Its
low-accuracy mode (trigram models only) is used: documents are long enough for it, and the
high-accuracy mode loads every n-gram model of every language for short texts (~7 s).
The paragraphs of a document are checked in :mod:`alinea.paragraph_langs`.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from alinea.engine import Executor, SerialExecutor
from alinea.errors import LanguageError, UsageError
from alinea.readers import RawDocument

if TYPE_CHECKING:
    from lingua import ConfidenceValue, LanguageDetector

METHOD_ID = "lingua.v1"
MAX_CHARS = 4000  # a few paragraphs identify a language; longer texts only cost time
# lingua's confidences vary in their last bits from call to call (0.9999991576441818 or ...816
# for one text): rounded, a document's lang_confidence is the same in every build
CONFIDENCE_DIGITS = 6


@dataclass(frozen=True)
class Detection:
    """lingua's best language for a text, as an ISO 639-1 code, and its confidence."""

    lang: str | None
    name: str
    confidence: float


@cache
def _detector() -> LanguageDetector:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


@cache
def known_codes() -> frozenset[str]:
    """ISO 639-1 codes lingua can identify."""
    from lingua import Language

    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())


def language_name(code: str) -> str:
    """English name of a language code, for messages (``pt`` -> ``Portuguese``)."""
    from lingua import IsoCode639_1, Language

    iso = getattr(IsoCode639_1, code.upper(), None)
    if iso is None:
        return code
    return str(Language.from_iso_code_639_1(iso).name.title())


def parse_langs(value: str) -> tuple[str, ...]:
    """Parse ``--langs pt,es`` into two distinct, known ISO 639-1 codes (empty: auto).

    Raises:
        UsageError: a code lingua does not know, a repeated code, or not exactly two codes.
    """
    codes = tuple(code.strip().lower() for code in value.split(",") if code.strip())
    if codes:
        check_pair(codes, value)
    return codes


def check_pair(codes: tuple[str, ...], given: str | None = None) -> None:
    """Raise :class:`UsageError` unless ``codes`` are two different codes lingua knows."""
    unknown = [code for code in codes if code not in known_codes()]
    if unknown:
        raise UsageError(
            f"--langs: unknown language code {', '.join(unknown)}; "
            "use ISO 639-1 codes such as pt,es"
        )
    if len(codes) != 2 or codes[0] == codes[1]:
        shown = given if given is not None else ",".join(codes)
        raise UsageError(f"--langs: expected two different codes such as pt,es, got {shown!r}")


def detect(text: str) -> Detection:
    """Identify the language of ``text`` among all languages lingua knows."""
    return _best(_detector().compute_language_confidence_values(text[:MAX_CHARS]))


def _best(values: Sequence[ConfidenceValue]) -> Detection:
    """The best of lingua's confidence values (unknown when it has none above 0)."""
    if not values or values[0].value <= 0.0:
        return Detection(None, "unknown", 0.0)
    best = values[0]
    confidence = round(float(best.value), CONFIDENCE_DIGITS)
    return Detection(
        best.language.iso_code_639_1.name.lower(), best.language.name.title(), confidence
    )


def sample(paragraphs: Iterable[str]) -> str:
    """The paragraphs joined by newlines, as far as the first ``MAX_CHARS`` characters (what
    lingua reads of a document, whatever its size)."""
    head: list[str] = []
    size = -1  # length of "\n".join(head)
    for paragraph in paragraphs:
        head.append(paragraph)
        size += len(paragraph) + 1
        if size >= MAX_CHARS:
            break
    return "\n".join(head)[:MAX_CHARS]


def detect_samples(_: object, samples: Sequence[str | None]) -> list[Detection | None]:
    """:func:`detect` of every sample (None: nothing to identify), lingua's threads sharing
    the cores; a map task (its first argument is the map's unused shared value)."""
    texts = [text for text in samples if text is not None]
    values = iter(_detector().compute_language_confidence_values_in_parallel(texts))
    return [None if text is None else _best(next(values)) for text in samples]


def detect_documents(
    documents: Iterable[RawDocument],
    executor: Executor | None,
    batch_docs: int,
    batch_chars: int,
) -> Iterator[tuple[RawDocument, Detection]]:
    """Each document with its language, in reading order: the one its input declares, else
    lingua's guess on a :func:`sample`. Samples go to ``executor`` in batches of ``batch_docs``
    documents (or ``batch_chars`` characters of text); only the batches in flight are held."""
    pending: deque[list[RawDocument]] = deque()

    def batches() -> Iterator[list[str | None]]:
        batch: list[RawDocument] = []
        chars = 0
        for document in documents:
            batch.append(document)
            chars += sum(map(len, document.paragraphs))
            if len(batch) >= batch_docs or chars >= batch_chars:
                pending.append(batch)
                yield [None if d.lang else sample(d.paragraphs) for d in batch]
                batch, chars = [], 0
        if batch:
            pending.append(batch)
            yield [None if d.lang else sample(d.paragraphs) for d in batch]

    for detections in (executor or SerialExecutor()).map(detect_samples, None, batches()):
        for document, detection in zip(pending.popleft(), detections, strict=True):
            if document.lang:  # a language declared in the input wins over the guess
                declared = document.lang.lower()
                detection = Detection(declared, language_name(declared), 1.0)
            assert detection is not None
            yield document, detection


def choose_langs(detected: Iterable[tuple[Detection, int]]) -> tuple[str, str]:
    """The two languages with the most documents (then the most characters of text) among
    ``(detection, characters)`` of each document, for ``--langs`` auto."""
    docs: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    for detection, size in detected:
        if detection.lang is not None:
            docs[detection.lang] += 1
            chars[detection.lang] += size
    ranked = sorted(docs, key=lambda lang: (-docs[lang], -chars[lang], lang))
    if len(ranked) < 2:
        found = ", ".join(ranked) or "none"
        raise LanguageError(
            f"found documents in one language only ({found}); alinea aligns two languages: "
            "add documents in the second language, or name both with --langs"
        )
    return ranked[0], ranked[1]
