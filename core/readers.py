"""Read input files safely and parse each supported format into raw documents.

Every problem a user can cause (missing, empty, binary, wrongly encoded, malformed, too large)
becomes an :class:`~alinea.errors.InputError` that names the file and the fix: the bytes are
decoded by :mod:`alinea.decode` (whose readers this module re-exports), the formats parsed here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from alinea.decode import CHUNK_BYTES, read_lines, read_text
from alinea.errors import EmptyInputError, InputFormatError
from alinea.text import normalise, squeeze

__all__ = [
    "CHUNK_BYTES",
    "SUFFIXES",
    "RawDocument",
    "keep_paragraphs",
    "parse_jsonl",
    "parse_lines",
    "read_lines",
    "read_text",
]

SUFFIXES = (".txt", ".md", ".jsonl")
_LANG_TAG = re.compile(r"([a-z]{2})(?:[-_][a-z]{4})?(?:[-_]([a-z]{2}|[0-9]{3}))?", re.IGNORECASE)
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
    region: str | None = None


def keep_paragraphs(lines: Iterable[str]) -> tuple[list[str], int, int]:
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


def parse_lines(
    lines: Iterable[str] | str, doc_id: str, source: str, markdown: bool
) -> RawDocument:
    """A ``.txt`` or ``.md`` file (its text, or its lines as :func:`read_lines` yields them):
    one paragraph per line; a leading ``#`` heading is the title."""
    title: str | None = None

    def plain(lines: Iterable[str]) -> Iterator[str]:
        nonlocal title
        first = True
        for line in lines:
            if first and line.strip():
                first = False
                heading = _MD_HEADING.match(line)
                title = heading.group(2) if heading and len(heading.group(1)) == 1 else None
            yield _markdown_line(line)

    if isinstance(lines, str):
        lines = lines.splitlines()
    paragraphs, blank, duplicate = keep_paragraphs(plain(lines) if markdown else lines)
    return RawDocument(doc_id, source, paragraphs, title, None, None, None, blank, duplicate)


def _type_name(value: object) -> str:
    """JSON's name for the type of a decoded value, for messages."""
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    names |= {list: "a list", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _optional_str(record: dict[str, object], key: str, path: Path, lineno: int) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputFormatError(
            path, f"line {lineno}: `{key}` must be a string, found {_type_name(value)}"
        )
    return normalise(str(value)).strip() or None


def _lang(record: dict[str, object], path: Path, lineno: int) -> tuple[str | None, str | None]:
    """The language declared by ``lang`` and its region (``pt-BR`` and ``pt_BR``: ``pt``,
    ``BR``; ``es-419``: ``es``, ``419``; a script subtag is ignored)."""
    value = record.get("lang")
    if value is None:
        return None, None
    if not isinstance(value, str):
        raise InputFormatError(
            path,
            f"line {lineno}: `lang` must be a string, found {_type_name(value)}",
            'write a language code such as "pt" or "pt-BR"',
        )
    from alinea.langid import known_codes  # langid reads RawDocument: imported on use

    tag = _LANG_TAG.fullmatch(value.strip())
    if tag is None or tag.group(1).lower() not in known_codes():
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise InputFormatError(
            path,
            f"line {lineno}: `lang` {shown!r} is not a language code alinea knows",
            'use ISO 639-1 codes such as "pt" or "es", a region may follow ("pt-BR")',
        )
    region = tag.group(2)
    return tag.group(1).lower(), region.upper() if region else None


def _text(record: dict[str, object], path: Path, lineno: int) -> str:
    """The ``text`` of a record, normalised as every input is."""
    hint = 'each line needs {"text": "..."}'
    if "text" not in record:
        raise InputFormatError(path, f"line {lineno}: missing `text`", hint)
    body = record["text"]
    if not isinstance(body, str):
        found = _type_name(body)
        raise InputFormatError(path, f"line {lineno}: `text` must be a string, found {found}", hint)
    body = normalise(body)
    if not body.strip():
        raise InputFormatError(path, f"line {lineno}: `text` is empty", hint)
    return body


def parse_jsonl(
    lines: Iterable[str] | str, path: Path, stem: str, source: str
) -> Iterator[RawDocument]:
    """The documents of a ``.jsonl`` file (its text, or its lines as :func:`read_lines` yields
    them), one at a time: one JSON object per line with ``text`` (required) and optional
    ``id``, ``lang``, ``title``, ``url``, ``date``. ``lang`` is a language code lingua knows,
    a region may follow (``pt-BR``: language ``pt``, region ``BR``).

    Raises:
        InputFormatError: a line that is not a JSON object, has no ``text`` string, or a
            ``lang`` that is not a known language code.
        EmptyInputError: no JSON line at all (once every line is read).
    """
    found = False
    for lineno, line in enumerate(lines.splitlines() if isinstance(lines, str) else lines, start=1):
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
        body = _text(record, path, lineno)
        lang, region = _lang(record, path, lineno)
        doc_id = _optional_str(record, "id", path, lineno) or f"{stem}-{lineno}"
        paragraphs, blank, duplicate = keep_paragraphs(body.splitlines())
        found = True
        yield RawDocument(
            doc_id=doc_id,
            source=f"{source}#L{lineno}",
            paragraphs=paragraphs,
            title=_optional_str(record, "title", path, lineno),
            url=_optional_str(record, "url", path, lineno),
            date=_optional_str(record, "date", path, lineno),
            lang=lang,
            dropped_blank=blank,
            dropped_duplicate=duplicate,
            region=region,
        )
    if not found:
        raise EmptyInputError(path, "no JSON lines", "remove it or add documents")
