"""The streaming reader: the same lines and errors as reading the whole file, one chunk held."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from alinea import ingest as ingest_module
from alinea.errors import (
    AlineaError,
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    InputFormatError,
    InputTooLargeError,
)
from alinea.ingest import IngestConfig, ingest
from alinea.langid import MAX_CHARS, Detection, detect, detect_samples, sample
from alinea.readers import parse_jsonl, parse_lines, read_lines, read_text

PT = "O presidente russo chegou a Pyongyang para uma cimeira com o líder norte-coreano."
ES = "El presidente ruso llegó a Pyongyang para una cumbre con el líder norcoreano."
ES2 = "El acuerdo prevé asistencia mutua en caso de agresión contra una de las partes del tratado."

# bytes -> what a whole-file read makes of them: line breaks of every kind (one "\r\n" falls
# across chunks of 1, 2, 3 bytes), multi-byte characters cut by chunks, NFC, a BOM, bad bytes
CASES: list[bytes] = [
    b"",
    b"  \n\t\n",
    b"one line",
    b"a\nb\n",
    b"a\r\nb\rc\n\nd",
    b"a\r",
    b"a\r\r\n\r\nb",
    "ação\u2028linha\x85fim\x0cpágina\x1cx".encode(),
    "e\u0301 composto\n".encode(),
    "😀 emoji\n€ euro".encode(),
    b"\xef\xbb\xbfcom BOM\nsegunda",
    b"\xef\xbb\xbf",
    "Olá, ação!".encode("latin-1"),
    "válido\n".encode() + b"\xe2\x82" + b"\nfim",
    b"certo\xf0\x9f",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\x0b" * 10,
]


def _whole(path: Path) -> tuple[str, object]:
    try:
        text, data = read_text(path, 10**6)
    except InputError as err:
        return type(err).__name__, str(err)
    return "ok", (text.splitlines(), hashlib.sha256(data).hexdigest())


def _streamed(path: Path, chunk: int) -> tuple[str, object]:
    digest = hashlib.sha256()
    try:
        lines = list(read_lines(path, 10**6, digest, chunk_bytes=chunk))
    except InputError as err:
        return type(err).__name__, str(err)
    return "ok", (lines, digest.hexdigest())


@pytest.mark.parametrize("data", CASES)
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 20])
def test_read_lines_is_read_text_line_by_line(tmp_path: Path, data: bytes, chunk: int) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    assert _streamed(path, chunk) == _whole(path)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"  \n\n", EmptyInputError),
        (b"\x00\x01binary", BinaryInputError),
        ("Olá".encode("latin-1"), EncodingError),
    ],
)
def test_read_lines_errors(tmp_path: Path, data: bytes, error: type[Exception]) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(error, match=r"bad\.txt"):
        list(read_lines(path, 10**6))


def test_read_lines_streams(tmp_path: Path) -> None:
    """Lines come before the end of the file is read: a bad byte at the end is only reported
    once the reader gets there."""
    path = tmp_path / "long.txt"
    path.write_bytes(("\n".join([PT] * 200) + "\n").encode() + b"\xff")
    lines = read_lines(path, 10**6, chunk_bytes=64)
    assert next(lines) == PT
    with pytest.raises(EncodingError, match=r"at byte \d+ \(b'\\xff'\)"):
        list(lines)


def test_read_lines_refuses_a_large_file_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"\xff" * 2000)  # never read: the size decides first
    with pytest.raises(InputTooLargeError, match="limit"):
        next(read_lines(path, 1000))


def test_parsers_take_lines_or_text() -> None:
    text = "# Título\n\nUm.\nUm.\n"
    assert parse_lines(text, "d", "d.md", True) == parse_lines(text.splitlines(), "d", "d.md", True)
    jsonl = '{"text": "a"}\n\n{"text": "b", "id": "x"}\n'
    from_text = list(parse_jsonl(jsonl, Path("f.jsonl"), "f", "f.jsonl"))
    assert from_text == list(parse_jsonl(iter(jsonl.splitlines()), Path("f.jsonl"), "f", "f.jsonl"))
    assert [d.doc_id for d in from_text] == ["f-1", "x"]


def test_language_is_identified_on_a_sample() -> None:
    """Only the paragraphs that make up the first MAX_CHARS characters are read (and joined)."""
    read = 0

    def paragraphs() -> object:
        nonlocal read
        for _ in range(100_000):
            read += 1
            yield PT

    detection = detect(sample(paragraphs()))  # type: ignore[arg-type]
    assert read == -(-MAX_CHARS // (len(PT) + 1))
    assert _same(detection, detect("\n".join([PT] * 1000)))


def _same(a: Detection, b: Detection) -> bool:
    """Equal detections (lingua's confidence may differ in its last bit from call to call)."""
    return (a.lang, a.name) == (b.lang, b.name) and a.confidence == pytest.approx(b.confidence)


@pytest.mark.parametrize("count", [0, 1, 3, 60])
def test_sample_detection_equals_whole_text_detection(count: int) -> None:
    paragraphs = [f"{PT} {k}" for k in range(count)] + [ES] * count
    assert _same(detect(sample(paragraphs)), detect("\n".join(paragraphs)))


def test_batched_detection_equals_one_text_at_a_time() -> None:
    samples = [PT, None, ES, f"{PT} {ES2}", None]
    batched = detect_samples(None, samples)
    assert [d is None for d in batched] == [s is None for s in samples]
    assert all(_same(b, detect(s)) for b, s in zip(batched, samples, strict=True) if b and s)


def test_rows_in_batches_give_the_same_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in range(5):
        (tmp_path / "in" / f"pt{k}.txt").parent.mkdir(exist_ok=True)
        (tmp_path / "in" / f"pt{k}.txt").write_text(f"{PT} {k}\n{PT}\n", encoding="utf-8")
        (tmp_path / "in" / f"es{k}.txt").write_text(f"{ES} {k}\n{ES2}\n", encoding="utf-8")
    config = IngestConfig(langs=("pt", "es"))
    whole = ingest([tmp_path / "in"], config)
    monkeypatch.setattr(ingest_module, "ROW_BATCH_CHARS", 100)  # a frame every document or two
    monkeypatch.setattr(ingest_module, "DETECT_BATCH", 3)  # and language batches of 3 documents
    flushed: list[int] = []
    flush = ingest_module._Rows._flush

    def counting(rows: ingest_module._Rows) -> None:
        flushed.append(len(rows._rows))
        flush(rows)

    monkeypatch.setattr(ingest_module._Rows, "_flush", counting)
    batched = ingest([tmp_path / "in"], config)
    assert sum(flushed) == 10 and max(flushed) <= 2  # rows became frames a batch at a time
    assert batched.documents.equals(whole.documents)
    assert batched.documents.n_chunks() == 1
    assert batched.input_digest == whole.input_digest


TEXT = "Ação e reação\nsegunda linha\r\nterceira\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
def test_utf16_and_utf32_with_a_bom_read_as_utf8(tmp_path: Path, encoding: str, chunk: int) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(TEXT.encode(encoding))
    digest = hashlib.sha256()
    assert list(read_lines(path, 1 << 20, digest, chunk_bytes=chunk)) == TEXT.splitlines()
    assert digest.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
    assert read_text(path, 1 << 20)[0].splitlines() == TEXT.splitlines()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a\n" * 5000 + b"b\x00c", "NUL character at byte 10001"),
        ("ab\x00".encode("utf-16"), "NUL character at byte 6"),
        ("ab".encode("utf-16") + b"\x00\xd8", "not valid UTF-16 at byte 6"),
        ("texto".encode("utf-16-le"), "looks like UTF-16 without a byte-order mark"),
    ],
)
def test_nul_anywhere_and_bad_wide_text_are_errors(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    for chunk in (2, 1 << 20):
        with pytest.raises(AlineaError, match=re.escape(message)):
            list(read_lines(path, 1 << 20, chunk_bytes=chunk))


def test_control_characters_are_removed_as_read(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(f"{PT}\nm\x01útua\x1b[31m\tfim\x7f\n".encode())  # controls under 5%
    assert list(read_lines(path, 1 << 20)) == [PT, "mútua[31m\tfim\x7f"]
    (document,) = parse_jsonl('{"text": "a\\u0001b", "title": "t\\u001bx"}', path, "n", "n")
    assert (document.paragraphs, document.title) == (["ab"], "tx")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pt", ("pt", None)),
        ("PT", ("pt", None)),
        ("pt-BR", ("pt", "BR")),
        ("pt_br", ("pt", "BR")),
        ("es-419", ("es", "419")),
        ("sr-Latn-RS", ("sr", "RS")),
        (None, (None, None)),
    ],
)
def test_jsonl_lang_maps_regional_tags(lang: str | None, expected: tuple[str | None, ...]) -> None:
    (document,) = parse_jsonl(json.dumps({"text": "x", "lang": lang}), Path("n.jsonl"), "n", "n")
    assert (document.lang, document.region) == expected


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"text": "x", "lang": "xx"}, "`lang` 'xx' is not a language code alinea knows"),
        ({"text": "x", "lang": "pt-BRA"}, "`lang` 'pt-BRA' is not a language code alinea knows"),
        ({"text": "x", "lang": 123}, "`lang` must be a string, found a number"),
        ({"text": "x", "lang": ["pt"]}, "`lang` must be a string, found a list"),
        ({"text": True}, "`text` must be a string, found a boolean"),
        ({"text": {"pt": "x"}}, "`text` must be a string, found an object"),
        ({"text": " "}, "`text` is empty"),
        ({"text": "x", "title": 1.5}, "`title` must be a string, found a number"),
    ],
)
def test_jsonl_fields_are_checked(record: dict[str, object], message: str) -> None:
    with pytest.raises(InputFormatError, match=re.escape(f"n.jsonl: line 1: {message}")):
        list(parse_jsonl(json.dumps(record), Path("n.jsonl"), "n", "n"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_an_unreadable_file_is_one_input_error(tmp_path: Path) -> None:
    path = tmp_path / "closed.txt"
    path.write_text("texto", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match=r"closed\.txt: cannot read the file"):
        list(read_lines(path, 1 << 20))


def test_a_read_that_fails_is_one_input_error(tmp_path: Path) -> None:
    """Any OSError of the read (here a folder opened as a file; permissions, as for a user
    who is not root, take the same path) is an :class:`InputError` naming the file."""
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match=r"folder\.txt: cannot read the file"):
        list(read_lines(tmp_path / "folder.txt", 1 << 20))
