"""Bytes to text, safely: the encodings alinea reads and the errors of everything else.

UTF-8 (a BOM tolerated), or UTF-16/UTF-32 announced by their byte-order mark, read one chunk at a
time and NFC-normalised without the characters XML 1.0 forbids (:func:`alinea.text.normalise`).
Every problem a user can cause (too large, empty, binary, a NUL anywhere, wrongly encoded,
unreadable, changed while read) is an :class:`~alinea.errors.InputError` naming the file, with
the byte offset where there is one.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from alinea.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    InputTooLargeError,
)
from alinea.text import normalise

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
