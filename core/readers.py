"""Read input files safely and parse each supported format into raw documents.

Every problem a user can cause (missing, empty, binary, wrongly encoded, malformed, too large)
becomes an :class:`~alinea.errors.InputError` that names the file and the fix.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from alinea.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    InputFormatError,
    InputTooLargeError,
)
from alinea.text import normalise, squeeze

SUFFIXES = (".txt", ".md", ".jsonl")
_BINARY_PROBE = 8192
CHUNK_BYTES = 1 << 20  # bytes read at a time by read_lines
_CONTROL_CHARS = set(range(0, 32)) - {9, 10, 12, 13}
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
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


def _check_size(path: Path, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputTooLargeError(
            path,
            f"file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit",
            "split it into smaller files or raise --max-file-mb",
        )


def _looks_binary(probe: bytes) -> bool:
    """Whether the first bytes of a file hold a NUL or more than 5% control characters."""
    controls = sum(byte in _CONTROL_CHARS for byte in probe)
    return b"\x00" in probe or controls > len(probe) // 20


def _binary_error(path: Path, probe: bytes) -> BinaryInputError:
    for codec, half in (("utf-16le", probe[1::2]), ("utf-16be", probe[0::2])):
        if len(half) > 1 and half.count(0) > len(half) * 0.9:  # ASCII text as UTF-16
            return BinaryInputError(
                path,
                "file looks like UTF-16 without a byte-order mark",
                f"convert it: `iconv -f {codec} -t utf-8`",
            )
    return BinaryInputError(
        path, "file holds binary data, not text", "give .txt, .md or .jsonl files in UTF-8"
    )


def _nul_error(path: Path, offset: int) -> BinaryInputError:
    return BinaryInputError(
        path,
        f"NUL character at byte {offset}, which text never holds",
        "remove it (`tr -d '\\000'`) or check that the file is text",
    )


def _unreadable(path: Path, err: OSError) -> InputError:
    return InputError(
        path, f"cannot read the file ({err.strerror or err})", "make it readable or leave it out"
    )


def _encoding_error(
    path: Path, err: UnicodeDecodeError, base: int, codec: str = "utf-8"
) -> EncodingError:
    """The error of an invalid byte at ``err.start`` of the bytes decoded, which start at file
    offset ``base``."""
    bad = err.object[err.start : err.end]
    name = codec.upper().removesuffix("-LE").removesuffix("-BE")
    return EncodingError(
        path,
        f"not valid {name} at byte {base + err.start} ({bad!r})",
        "convert it, e.g. `iconv -f latin1 -t utf-8`" if name == "UTF-8" else "convert it to UTF-8",
    )


def _bom(head: bytes) -> tuple[str, int]:
    """The encoding a file's first bytes announce, and the length of its byte-order mark
    (UTF-8 and no mark when there is none)."""
    for mark, codec in _BOMS:
        if head.startswith(mark):
            return codec, len(mark)
    return "utf-8", 0


def read_text(path: Path, max_bytes: int) -> tuple[str, bytes]:
    """Read a text file and return its lines, each normalised (:func:`~alinea.text.normalise`),
    joined by ``\\n``, with its raw bytes: UTF-8 (BOM tolerated), or UTF-16/UTF-32 announced by
    a byte-order mark.

    For large inputs prefer :func:`read_lines`, which holds one chunk at a time.

    Raises:
        InputTooLargeError, EmptyInputError, BinaryInputError (binary data, a NUL anywhere),
        EncodingError, InputError (a file that cannot be read).
    """
    digest = _Bytes()
    lines = _split_lines(_decoded(path, max_bytes, digest, CHUNK_BYTES))
    return "\n".join(map(normalise, lines)), bytes(digest.data)


class _Bytes:
    """A ``digest`` that keeps the bytes it is given."""

    def __init__(self) -> None:
        self.data = bytearray()

    def update(self, chunk: bytes) -> None:
        self.data += chunk


def _complete(data: bytes) -> int:
    """Length of the longest prefix of ``data`` that does not end inside a UTF-8 sequence."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:  # ASCII: complete
            return len(data) - back + 1
        if byte >= 0xC0:  # a lead byte: complete when its sequence fits
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if need <= back else len(data) - back
    return len(data)  # only continuation bytes: let the decoder report them


def read_lines(
    path: Path, max_bytes: int, digest: Any = None, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[str]:
    """The lines of a UTF-8 text file (BOM tolerated), each NFC-normalised, read one chunk at a
    time: the lines of ``read_text(path, max_bytes)[0].splitlines()``, with the same errors,
    but never the whole file in memory.

    Args:
        path: the file.
        max_bytes: a larger file is refused before anything is read.
        digest: a ``hashlib`` object, updated with every byte of the file (BOM included).
        chunk_bytes: bytes read at a time.

    Raises:
        InputTooLargeError, EmptyInputError, BinaryInputError, EncodingError (an encoding error
        is raised when the reader reaches it: the lines before it have been yielded).
    """
    for line in _split_lines(_decoded(path, max_bytes, digest, chunk_bytes)):
        yield normalise(line)


def _decoded(path: Path, max_bytes: int, digest: Any, chunk_bytes: int) -> Iterator[str]:
    """The text of a file, chunk by chunk, checked as :func:`read_text` checks it."""
    try:
        size = path.stat().st_size
        _check_size(path, size, max_bytes)
        with path.open("rb") as handle:
            yield from _decoded_from(path, handle, size, digest, chunk_bytes)
    except OSError as err:  # unreadable (permissions), or a read that failed half-way
        raise _unreadable(path, err) from None


def _decoded_from(
    path: Path, handle: BinaryIO, size: int, digest: Any, chunk_bytes: int
) -> Iterator[str]:
    # never more than the file holds: a read allocates its whole size first
    chunk = handle.read(max(min(chunk_bytes, size), _BINARY_PROBE))
    codec, bom = _bom(chunk)
    if not chunk[bom:].strip():  # blank so far: empty unless something follows
        if not any(more.strip() for more in iter(lambda: handle.read(chunk_bytes), b"")):
            raise EmptyInputError(path, "file is empty", "remove it or add text")
        handle.seek(len(chunk))
    if codec != "utf-8":
        yield from _decoded_wide(path, handle, chunk, codec, bom, size, digest, chunk_bytes)
        return
    if _looks_binary(chunk[:_BINARY_PROBE]):
        raise _binary_error(path, chunk[:_BINARY_PROBE])
    offset = bom  # file offset of `pending`
    pending = b""  # bytes after the last complete character
    total = 0
    while chunk:
        total += len(chunk)
        if total > size:
            raise _changed(path)
        if digest is not None:
            digest.update(chunk)
        data = pending + (chunk[bom:] if total == len(chunk) else chunk)
        if (nul := data.find(b"\x00")) >= 0:
            raise _nul_error(path, offset + nul)
        cut = _complete(data)
        try:
            yield data[:cut].decode("utf-8")
        except UnicodeDecodeError as err:
            raise _encoding_error(path, err, offset) from None
        pending, offset = data[cut:], offset + cut
        chunk = handle.read(min(chunk_bytes, size - total) if total < size else 1)
    try:
        pending.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _encoding_error(path, err, offset) from None
    if total != size:
        raise _changed(path)


def _decoded_wide(
    path: Path,
    handle: BinaryIO,
    chunk: bytes,
    codec: str,
    bom: int,
    size: int,
    digest: Any,
    chunk_bytes: int,
) -> Iterator[str]:
    """The text of a UTF-16 or UTF-32 file (its byte-order mark read), chunk by chunk."""
    decoder = codecs.getincrementaldecoder(codec)()
    offset = bom  # file offset of the first byte not yet decoded into text
    total = 0
    data = chunk[bom:]
    while True:
        total += len(chunk)
        if total > size:
            raise _changed(path)
        if digest is not None and chunk:
            digest.update(chunk)
        try:
            text = decoder.decode(data, final=not chunk)
        except UnicodeDecodeError as err:
            raise _encoding_error(path, err, offset, codec) from None
        if (nul := text.find("\x00")) >= 0:
            raise _nul_error(path, offset + len(text[:nul].encode(codec)))
        offset += len(text.encode(codec))
        yield text
        if not chunk:
            break
        chunk = handle.read(min(chunk_bytes, size - total) if total < size else 1)
        data = chunk
    if total != size:
        raise _changed(path)


def _changed(path: Path) -> InputError:
    return InputError(path, "file changed while it was read", "read it when it is complete")


def _split_lines(chunks: Iterable[str]) -> Iterator[str]:
    """``"".join(chunks).splitlines()``, one line at a time (a line may span chunks)."""
    parts: list[str] = []  # the line so far, no line break seen yet
    after_cr = False  # the last line ended with "\r": a "\n" starting the next chunk ends it too
    for text in chunks:
        if not text:
            continue
        if after_cr and text[0] == "\n":
            text = text[1:]
        after_cr = False
        pieces = text.splitlines(keepends=True)
        for k, piece in enumerate(pieces):
            line = piece.splitlines()[0]
            if line == piece and k == len(pieces) - 1:  # no line break: goes on
                parts.append(piece)
                after_cr = False
                break
            if parts:
                line = "".join(parts) + line
                parts = []
            yield line
            after_cr = piece.endswith("\r")
    if parts:
        yield "".join(parts)


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
