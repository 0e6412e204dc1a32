"""Read input files safely and parse each supported format into raw documents.

Every problem a user can cause (missing, empty, binary, wrongly encoded, malformed, too large)
becomes an :class:`~alinea.errors.InputError` that names the file and the fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from alinea.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputFormatError,
    InputTooLargeError,
)
from alinea.text import normalise, squeeze

SUFFIXES = (".txt", ".md", ".jsonl")
_BINARY_PROBE = 8192
_CONTROL_CHARS = set(range(0, 32)) - {9, 10, 12, 13}
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:>\s?|[-*+]\s+|\d{1,3}[.)]\s+)+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")


@dataclass
class RawDocument:
    """One document as read, before language identification."""

    doc_id: str
    source: str
    paragraphs: list[str]
    title: str | None = None
    url: str | None = None
    date: str | None = None
    lang: str | None = None
    dropped_blank: int = 0
    dropped_duplicate: int = 0


def read_text(path: Path, max_bytes: int) -> tuple[str, bytes]:
    """Read a UTF-8 text file (BOM tolerated) and return it NFC-normalised with its raw bytes.

    Raises:
        InputTooLargeError, EmptyInputError, BinaryInputError, EncodingError.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLargeError(
            path,
            f"file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit",
            "split it into smaller files or raise --max-file-mb",
        )
    data = path.read_bytes()
    if not data.strip():
        raise EmptyInputError(path, "file is empty", "remove it or add text")
    probe = data[:_BINARY_PROBE]
    controls = sum(byte in _CONTROL_CHARS for byte in probe)
    if b"\x00" in probe or controls > len(probe) // 20:
        raise BinaryInputError(
            path, "file holds binary data, not text", "give .txt, .md or .jsonl files in UTF-8"
        )
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start + bom
        raise EncodingError(
            path,
            f"not valid UTF-8 at byte {offset} ({data[offset : offset + err.end - err.start]!r})",
            "convert it, e.g. `iconv -f latin1 -t utf-8`",
        ) from None
    return normalise(text), data


def keep_paragraphs(lines: list[str]) -> tuple[list[str], int, int]:
    """Strip lines, drop blank ones and exact repeats of an earlier paragraph.

    Returns:
        The kept paragraphs, the number of blank lines and of duplicates dropped.
    """
    kept: list[str] = []
    seen: set[str] = set()
    blank = duplicate = 0
    for line in lines:
        paragraph = squeeze(line)
        if not paragraph:
            blank += 1
        elif paragraph in seen:
            duplicate += 1
        else:
            seen.add(paragraph)
            kept.append(paragraph)
    return kept, blank, duplicate


def _markdown_line(line: str) -> str:
    """Plain text of one markdown line: markers, links and emphasis removed."""
    if _MD_RULE.match(line):
        return ""
    heading = _MD_HEADING.match(line)
    text = heading.group(2) if heading else _MD_PREFIX.sub("", line)
    text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", text))
    return _MD_EMPHASIS.sub(r"\2", text)


def parse_lines(text: str, doc_id: str, source: str, markdown: bool) -> RawDocument:
    """A ``.txt`` or ``.md`` file: one paragraph per line; a leading ``#`` heading is the title."""
    lines = text.splitlines()
    title = None
    if markdown:
        first = next((line for line in lines if line.strip()), "")
        heading = _MD_HEADING.match(first)
        title = heading.group(2) if heading and len(heading.group(1)) == 1 else None
        lines = [_markdown_line(line) for line in lines]
    paragraphs, blank, duplicate = keep_paragraphs(lines)
    return RawDocument(doc_id, source, paragraphs, title, None, None, None, blank, duplicate)


def _optional_str(record: dict[str, object], key: str, path: Path, lineno: int) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise InputFormatError(
            path, f"line {lineno}: `{key}` must be a string, found {type(value).__name__}"
        )
    return str(value).strip() or None


def parse_jsonl(text: str, path: Path, stem: str, source: str) -> list[RawDocument]:
    """A ``.jsonl`` file: one JSON object per line with ``text`` (required) and optional
    ``id``, ``lang``, ``title``, ``url``, ``date``.

    Raises:
        InputFormatError: a line that is not a JSON object or has no usable ``text``.
    """
    documents = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputFormatError(
                path, f"line {lineno}: not valid JSON ({err.msg})", "write one object per line"
            ) from None
        if not isinstance(record, dict):
            raise InputFormatError(path, f"line {lineno}: expected a JSON object")
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            raise InputFormatError(
                path, f"line {lineno}: missing `text`", 'each line needs {"text": "..."}'
            )
        doc_id = _optional_str(record, "id", path, lineno) or f"{stem}-{lineno}"
        paragraphs, blank, duplicate = keep_paragraphs(body.splitlines())
        documents.append(
            RawDocument(
                doc_id=doc_id,
                source=f"{source}#L{lineno}",
                paragraphs=paragraphs,
                title=_optional_str(record, "title", path, lineno),
                url=_optional_str(record, "url", path, lineno),
                date=_optional_str(record, "date", path, lineno),
                lang=_optional_str(record, "lang", path, lineno),
                dropped_blank=blank,
                dropped_duplicate=duplicate,
            )
        )
    if not documents:
        raise EmptyInputError(path, "no JSON lines", "remove it or add documents")
    return documents
