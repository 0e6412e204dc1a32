"""Ingest: files and directories in, one ``documents`` frame out (the only stage that reads inputs).

Each document's language is identified with lingua; a document in a language that was not asked
for is skipped and reported, never mixed in. Paragraphs that are site boilerplate are flagged, and
so are paragraphs in another language than their document's (:mod:`alinea.paragraph_langs`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from alinea import boilerplate, langid
from alinea.config import MiB, changed_fields, check_range, runtime
from alinea.discover import InputFile, Skipped, discover
from alinea.engine import Executor, Progress
from alinea.errors import EmptyInputError, InputFormatError, LanguageError
from alinea.paragraph_langs import ParagraphCheck, flag_foreign
from alinea.readers import RawDocument, parse_jsonl, parse_lines, read_lines
from alinea.schema import DOCUMENTS, check_frame, polars_schema

# v2: paragraphs in the build's other language are flagged (``foreign_paragraphs``); a build
# with no document in one of its languages is refused
# v3: paragraphs in a third language are flagged too, each with its language (``foreign_langs``)
METHOD_ID = "ingest.v3"
ROW_BATCH_CHARS = 1 << 25  # characters of document text turned into a frame at a time
DETECT_BATCH = 256  # documents per batch of language identification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestConfig:
    """How inputs become documents.

    Attributes:
        langs: the two ISO 639-1 codes to keep; empty means "the two languages found".
        max_file_bytes: a larger file is refused with a clear error rather than read.
        min_lang_confidence: a document whose best language scores below this is skipped.
        paragraph_min_chars: shorter paragraphs are never judged to be in another language
            (except by their script).
        paragraph_confidence: lingua's confidence in the other language a paragraph needs.
        min_foreign_paragraphs: a document's paragraphs are flagged as in the other language
            only when at least this many of them are (one confident mistake flags nothing).
        third_language_confidence: lingua's confidence in a third language a paragraph needs
            (among the build's languages and :data:`alinea.third_language.THIRD_LANGUAGES`).
        max_own_word_share: a paragraph with at least this share of its document language's
            own words is never flagged as in a third language.
    """

    langs: tuple[str, ...] = ()
    max_file_bytes: int = runtime(256 * MiB)
    min_lang_confidence: float = 0.5
    paragraph_min_chars: int = 40
    paragraph_confidence: float = 0.9
    min_foreign_paragraphs: int = 2
    third_language_confidence: float = 0.9
    max_own_word_share: float = 0.1

    def __post_init__(self) -> None:
        if self.langs:
            langid.check_pair(self.langs)
        check_range("--max-file-mb", self.max_file_bytes / MiB, 1 / MiB)
        check_range("min_lang_confidence", self.min_lang_confidence, 0.0, 1.0)
        check_range("paragraph_min_chars", self.paragraph_min_chars, 1)
        check_range("paragraph_confidence", self.paragraph_confidence, 0.0, 1.0)
        check_range("min_foreign_paragraphs", self.min_foreign_paragraphs, 1)
        check_range("third_language_confidence", self.third_language_confidence, 0.0, 1.0)
        check_range("max_own_word_share", self.max_own_word_share, 0.0, 1.0)

    def signature_fields(self) -> dict[str, object]:
        """Method ids of ingest, language identification and boilerplate, changed options."""
        fields = {
            "ingest": METHOD_ID,
            "langid": langid.METHOD_ID,
            "boilerplate": boilerplate.METHOD_ID,
        }
        changed = changed_fields("ingest", self)
        changed.pop("ingest.langs", None)  # the signature names the languages in effect
        return fields | changed


@dataclass(frozen=True)
class IngestResult:
    """The documents frame and what the user should hear about the inputs."""

    documents: pl.DataFrame
    langs: tuple[str, str]
    skipped: tuple[Skipped, ...]
    input_digest: str
    regions: dict[str, str] = field(default_factory=dict)  # see _shared_regions


def _read(file: InputFile, config: IngestConfig, digest: Any = None) -> Iterator[RawDocument]:
    """The documents of one file, read line by line (``digest`` gets the file's size and
    bytes)."""
    path = file.path
    if digest is not None:
        digest.update(f"{file.source}\0{path.stat().st_size}\0".encode())
    lines = read_lines(path, config.max_file_bytes, digest)
    if path.suffix.lower() == ".jsonl":
        yield from parse_jsonl(lines, path, file.doc_id, file.source)
        return
    document = parse_lines(lines, file.doc_id, file.source, markdown=path.suffix.lower() == ".md")
    if not document.paragraphs:
        raise EmptyInputError(path, "no text left after removing markup", "remove it or add text")
    yield document


def _read_all(
    files: Sequence[InputFile], config: IngestConfig, digest: Any, progress: Progress | None
) -> Iterator[RawDocument]:
    """The documents of every file, in order; a document id used twice is an input error."""
    origin: dict[str, str] = {}
    for done, file in enumerate(files, start=1):
        count = 0
        for document in _read(file, config, digest):
            count += 1
            if document.doc_id in origin:
                raise InputFormatError(
                    file.path,
                    f"document id {document.doc_id!r} also used by {origin[document.doc_id]}",
                    "give every document a unique id (file name or `id`)",
                )
            origin[document.doc_id] = document.source
            yield document
        logger.debug("read %s: %d documents", file.source, count)
        if progress:
            progress("ingest", done, len(files))


@dataclass(frozen=True)
class _Seen:
    """What ingest keeps of a document while it reads the others."""

    source: str
    detection: langid.Detection
    chars: int
    region: str | None = None  # declared with the language the document was found in


def _document_row(document: RawDocument, detection: langid.Detection) -> dict[str, object]:
    lang = detection.lang or ""
    flagged = [
        i
        for i, paragraph in enumerate(document.paragraphs)
        if boilerplate.is_boilerplate(paragraph, lang)
    ]
    return {
        "doc_id": document.doc_id,
        "lang": lang,
        "lang_confidence": detection.confidence,
        "source": document.source,
        "title": document.title,
        "url": document.url,
        "date": document.date,
        "text": "\n".join(document.paragraphs),
        "n_paragraphs": len(document.paragraphs),
        "boilerplate_paragraphs": flagged,
        "foreign_paragraphs": [],
        "foreign_langs": [],
        "dropped_blank": document.dropped_blank,
        "dropped_duplicate": document.dropped_duplicate,
    }


class _Rows:
    """Document rows gathered into frames of about ``ROW_BATCH_CHARS`` characters of text (a
    row's Python strings live only until its batch becomes a frame)."""

    def __init__(self) -> None:
        self.frames: list[pl.DataFrame] = []
        self.indexes: list[int] = []  # index in reading order of every row
        self._rows: list[dict[str, object]] = []
        self._chars = 0

    def add(self, index: int, row: dict[str, object]) -> None:
        self.indexes.append(index)
        self._rows.append(row)
        self._chars += len(str(row["text"]))
        if self._chars >= ROW_BATCH_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            schema = polars_schema(DOCUMENTS)
            self.frames.append(pl.DataFrame(self._rows, schema=schema, orient="row"))
        self._rows, self._chars = [], 0

    def frame(self, keep: set[int]) -> pl.DataFrame:
        """The rows of the documents ``keep`` (reading indexes), in one chunk."""
        self._flush()
        frame = (
            pl.concat(self.frames) if self.frames else pl.DataFrame(schema=polars_schema(DOCUMENTS))
        )
        mask = pl.Series([index in keep for index in self.indexes], dtype=pl.Boolean)
        self.frames = []
        return frame.filter(mask).rechunk()


def ingest(
    paths: Sequence[Path],
    config: IngestConfig,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> IngestResult:
    """Read every input, identify languages, flag boilerplate, build the ``documents`` frame.

    Files are read line by line and each document becomes its row as soon as its language is
    known, so ingest holds the documents' text once (plus the batches of rows and of language
    identification), never a whole file twice.

    Args:
        paths: files and directories given by the user.
        config: the ingest options.
        progress: called as ``progress("ingest", done, total)`` after each file read.
        executor: runs the batches of language identification (default: this process).

    Returns:
        The documents of the two languages, sorted by id, and the skipped inputs.

    Raises:
        InputError: an input that cannot be read (the message names the file).
        LanguageError: no document in the requested languages.
    """
    files, skipped = discover(paths)
    digest = hashlib.sha256()
    detected: list[_Seen] = []
    rows = _Rows()
    documents = _read_all(files, config, digest, progress)
    batches = (DETECT_BATCH, ROW_BATCH_CHARS)
    for document, detection in langid.detect_documents(documents, executor, *batches):
        chars = sum(map(len, document.paragraphs))
        region = document.region if document.lang == detection.lang else None
        detected.append(_Seen(document.source, detection, chars, region))
        if _usable(detection, config) and (
            not config.langs or detection.lang in config.langs
        ):  # the other rows are never kept: not read into a frame either
            rows.add(len(detected) - 1, _document_row(document, detection))

    usable = [(d.detection, d.chars) for d in detected if _usable(d.detection, config)]
    langs = config.langs or langid.choose_langs(usable)
    keep: set[int] = set()
    for index, seen in enumerate(detected):
        detection = seen.detection
        if not _usable(detection, config):
            skipped.append(Skipped(seen.source, "language unclear (too short or mixed)"))
        elif detection.lang not in langs:
            found = f"{detection.name} ({detection.lang})"
            reason = f"language is {found}, not one of {', '.join(langs)}"
            skipped.append(Skipped(seen.source, reason))
        else:
            keep.add(index)
    if not keep:
        raise LanguageError(
            f"no document is in {' or '.join(langs)}; check --langs or the inputs "
            f"({len(skipped)} skipped)"
        )
    pair = (langs[0], langs[1])
    _check_both(detected, keep, pair, len(skipped))
    check = ParagraphCheck(
        pair, config.paragraph_min_chars, config.paragraph_confidence,
        config.min_foreign_paragraphs, config.third_language_confidence,
        config.max_own_word_share,
    )  # fmt: skip
    frame = flag_foreign(rows.frame(keep).sort("doc_id"), check, executor, DETECT_BATCH)
    return IngestResult(
        documents=check_frame(frame, DOCUMENTS, "ingest"),
        langs=pair,
        skipped=tuple(skipped),
        input_digest=digest.hexdigest()[:16],
        regions=_shared_regions([detected[index] for index in keep]),
    )


def _shared_regions(kept: Sequence[_Seen]) -> dict[str, str]:
    """The region of each language whose kept documents all declare the same one (``.jsonl``
    ``lang`` such as ``pt-BR``): the default locale of that language in the exports."""
    regions: dict[str, set[str | None]] = {}
    for seen in kept:
        regions.setdefault(seen.detection.lang or "", set()).add(seen.region)
    shared = {lang: found.pop() for lang, found in sorted(regions.items()) if len(found) == 1}
    return {lang: region for lang, region in shared.items() if region is not None}


def _check_both(
    detected: Sequence[_Seen], keep: set[int], langs: Sequence[str], n_skipped: int
) -> None:
    """Raise :class:`LanguageError` when one of the two languages has no document: nothing
    could be aligned, so the build would publish none of what was asked for."""
    found = Counter(detected[index].detection.lang for index in keep)
    for lang in langs:
        if not found[lang]:
            other = next(code for code in langs if code != lang)
            name = langid.language_name(lang)
            raise LanguageError(
                f"no {name} ({lang}) document among the inputs ({found[other]} {other}, "
                f"{n_skipped} skipped); add {name} documents, or check --langs"
            )


def _usable(detection: langid.Detection, config: IngestConfig) -> bool:
    """Whether a detection is confident enough to keep its document."""
    return detection.lang is not None and detection.confidence >= config.min_lang_confidence


def ingest_file(path: Path, lang: str, config: IngestConfig) -> pl.DataFrame:
    """The ``documents`` frame of one file in a declared language, read and cleaned as a build
    reads it (no language identification): ``alinea align`` and a build see the same text.

    Raises:
        InputError: a file that cannot be read, or a ``.jsonl`` file of several documents.
    """
    if path.is_dir():
        raise InputFormatError(path, "is a directory", "give a file (build reads directories)")
    (file,), _ = discover([path])
    documents = list(_read(file, config))
    if len(documents) != 1:
        raise InputFormatError(
            path, f"holds {len(documents)} documents", "give one document per file, or use build"
        )
    detection = langid.Detection(lang, langid.language_name(lang), 1.0)
    frame = pl.DataFrame(
        [_document_row(documents[0], detection)], schema=polars_schema(DOCUMENTS), orient="row"
    )
    return check_frame(frame, DOCUMENTS, "ingest")
