"""Discovery: the files a build reads, in a stable order, and the inputs it leaves out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alinea.errors import EmptyInputError, InputFormatError, InputNotFoundError
from alinea.readers import SUFFIXES


@dataclass(frozen=True)
class Skipped:
    """An input left out of the dataset, and why."""

    source: str
    reason: str


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
