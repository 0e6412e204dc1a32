"""Ingest: files and directories in, one ``documents`` frame out (the only stage that reads inputs).

Each document's language is identified with lingua; a document in a language that was not asked
for is skipped and reported, never mixed in. Paragraphs that are site boilerplate are flagged.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from alinea import boilerplate, langid
from alinea.config import MiB, changed_fields, check_range, runtime
from alinea.engine import Progress
from alinea.errors import EmptyInputError, InputFormatError, InputNotFoundError, LanguageError
from alinea.readers import SUFFIXES, RawDocument, parse_jsonl, parse_lines, read_lines
from alinea.schema import DOCUMENTS, check_frame, polars_schema

METHOD_ID = "ingest.v1"
ROW_BATCH_CHARS = 1 << 25  # characters of document text turned into a frame at a time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestConfig:
    """How inputs become documents.

    Attributes:
        langs: the two ISO 639-1 codes to keep; empty means "the two languages found".
        max_file_bytes: a larger file is refused with a clear error rather than read.
        min_lang_confidence: a document whose best language scores below this is skipped.
    """

    langs: tuple[str, ...] = ()
    max_file_bytes: int = runtime(256 * MiB)
    min_lang_confidence: float = 0.5

    def __post_init__(self) -> None:
        if self.langs:
            langid.check_pair(self.langs)
        check_range("--max-file-mb", self.max_file_bytes / MiB, 1 / MiB)
        check_range("min_lang_confidence", self.min_lang_confidence, 0.0, 1.0)

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
class Skipped:
    """An input left out of the dataset, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class IngestResult:
    """The documents frame and what the user should hear about the inputs."""

    documents: pl.DataFrame
    langs: tuple[str, str]
    skipped: tuple[Skipped, ...]
    input_digest: str


@dataclass(frozen=True)
class InputFile:
    """A file to read: where it is, its source name, and the id of its document."""

    path: Path
    source: str
    doc_id: str


def discover(paths: Sequence[Path]) -> tuple[list[InputFile], list[Skipped]]:
    """Expand inputs into the files to read, in a stable order.

    Directories are searched recursively for ``.txt``, ``.md`` and ``.jsonl`` files (hidden
    files and folders are ignored; other files are reported). A source name is the path relative
    to the input's parent, so it does not depend on where the inputs live. A document id is the
    file's stem; where stems collide (``pt/a.txt`` and ``es/a.txt``), it is the path relative to
    the input argument, without the suffix (``pt/a``).

    Raises:
        InputNotFoundError: a path that does not exist.
        EmptyInputError: a directory without a single supported file.
        InputFormatError: a file given by name whose type is not supported.
    """
    found: dict[Path, tuple[Path, str, str]] = {}  # resolved -> (as given, source, relative id)
    skipped: list[Skipped] = []
    for path in paths:
        if not path.exists():
            raise InputNotFoundError(path, "no such file or directory", "check the path")
        if path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise InputFormatError(
                    path,
                    f"unsupported file type {path.suffix or '(none)'!r}",
                    f"give {', '.join(SUFFIXES)} files",
                )
            found.setdefault(path.resolve(), (path, path.name, path.stem))
            continue
        root_name = path.resolve().name  # "." becomes the folder's real name
        candidates = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        supported = {p for p in candidates if p.suffix.lower() in SUFFIXES}  # a set: p in it
        if not supported:
            raise EmptyInputError(
                path, f"directory has no {', '.join(SUFFIXES)} files", "point at the documents"
            )
        for p in candidates:
            relative = p.relative_to(path)
            source = f"{root_name}/{relative.as_posix()}"
            if p in supported:
                found.setdefault(p.resolve(), (p, source, relative.with_suffix("").as_posix()))
            else:
                skipped.append(Skipped(source, f"unsupported file type {p.suffix or '(none)'!r}"))
    stems = Counter(p.stem for p, _, _ in found.values())
    files = [
        InputFile(p, source, p.stem if stems[p.stem] == 1 else relative)
        for p, source, relative in found.values()
    ]
    return files, skipped


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


@dataclass(frozen=True)
class _Seen:
    """What ingest keeps of a document while it reads the others."""

    source: str
    detection: langid.Detection
    chars: int


def _choose_langs(detected: list[_Seen]) -> tuple[str, str]:
    """The two languages with the most documents (then the most text), for ``--langs`` auto."""
    docs: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    for seen in detected:
        if seen.detection.lang is not None:
            docs[seen.detection.lang] += 1
            chars[seen.detection.lang] += seen.chars
    ranked = sorted(docs, key=lambda lang: (-docs[lang], -chars[lang], lang))
    if len(ranked) < 2:
        found = ", ".join(ranked) or "none"
        raise LanguageError(
            f"found documents in one language only ({found}); alinea aligns two languages: "
            "add documents in the second language, or name both with --langs"
        )
    return ranked[0], ranked[1]


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
        "dropped_blank": document.dropped_blank,
        "dropped_duplicate": document.dropped_duplicate,
    }


def _detect(document: RawDocument) -> langid.Detection:
    """The document's language: the one its input declares, else lingua's guess."""
    if document.lang:  # a language declared in the input wins over the guess
        declared = document.lang.lower()
        return langid.Detection(declared, langid.language_name(declared), 1.0)
    return langid.detect_paragraphs(document.paragraphs)


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
    paths: Sequence[Path], config: IngestConfig, progress: Progress | None = None
) -> IngestResult:
    """Read every input, identify languages, flag boilerplate, build the ``documents`` frame.

    Files are read line by line and each document becomes its row as soon as it is read, so
    ingest holds the documents' text once (plus one batch of rows), never a whole file twice.

    Args:
        paths: files and directories given by the user.
        config: the ingest options.
        progress: called as ``progress("ingest", done, total)`` after each file.

    Returns:
        The documents of the two languages, sorted by id, and the skipped inputs.

    Raises:
        InputError: an input that cannot be read (the message names the file).
        LanguageError: no document in the requested languages.
    """
    files, skipped = discover(paths)
    digest = hashlib.sha256()
    detected: list[_Seen] = []
    origin: dict[str, str] = {}
    rows = _Rows()
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
            detection = _detect(document)
            chars = sum(map(len, document.paragraphs))
            detected.append(_Seen(document.source, detection, chars))
            if _usable(detection, config) and (
                not config.langs or detection.lang in config.langs
            ):  # the other rows are never kept: not read into a frame either
                rows.add(len(detected) - 1, _document_row(document, detection))
        logger.debug("read %s: %d documents", file.source, count)
        if progress:
            progress("ingest", done, len(files))

    langs = config.langs or _choose_langs([d for d in detected if _usable(d.detection, config)])
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
    frame = rows.frame(keep).sort("doc_id")
    return IngestResult(
        documents=check_frame(frame, DOCUMENTS, "ingest"),
        langs=(langs[0], langs[1]),
        skipped=tuple(skipped),
        input_digest=digest.hexdigest()[:16],
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
