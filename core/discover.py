"""Discovery: the files a build reads, in a stable order, and the inputs it leaves out."""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alinea.errors import EmptyInputError, InputError, InputFormatError, InputNotFoundError
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
    files and folders are ignored; everything else is reported as skipped: other files, FIFOs
    and devices, broken links and link loops, links to folders (not followed), folders that
    cannot be read, folders named like a document). A source name is the path relative to the
    input's parent, so it does not depend on where the inputs live. A document id is the
    file's stem; where stems collide (``pt/a.txt`` and ``es/a.txt``), it is the path relative to
    the input argument, without the suffix (``pt/a``).

    Raises:
        InputNotFoundError: a path that does not exist (or a broken link, a link loop).
        EmptyInputError: a directory without a single supported file.
        InputFormatError: a path given by name that is not a regular file or folder, or a file
            whose type is not supported.
        InputError: a directory given by name that cannot be read.
    """
    found: dict[str, tuple[Path, str, str]] = {}  # real path -> (as given, source, relative id)
    skipped: list[Skipped] = []
    for path in paths:
        _check_named(path)
        if path.is_file():
            found.setdefault(os.path.realpath(path), (path, path.name, path.stem))
            continue
        root_name = Path(os.path.realpath(path)).name  # "." becomes the folder's real name
        entries: list[tuple[Path, str | None]] = []  # (path, why it is skipped, or None)
        _walk(path, path, entries, top=True)
        entries.sort()
        supported = [p for p, why in entries if why is None]
        if not supported:
            raise EmptyInputError(
                path, f"directory has no {', '.join(SUFFIXES)} files", "point at the documents"
            )
        for p, why in entries:
            relative = p.relative_to(path)
            source = f"{root_name}/{relative.as_posix()}"
            if why is None:
                found.setdefault(
                    os.path.realpath(p), (p, source, relative.with_suffix("").as_posix())
                )
            else:
                skipped.append(Skipped(source, why))
    stems = Counter(p.stem for p, _, _ in found.values())
    files = [
        InputFile(p, source, p.stem if stems[p.stem] == 1 else relative)
        for p, source, relative in found.values()
    ]
    return files, skipped


def _link_problem(path: Path) -> str | None:
    """Why a symbolic link cannot be read (a loop, a missing target), or None."""
    if not path.is_symlink():
        return None
    try:
        path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"broken symbolic link (to {os.readlink(path)!r})"
    return None


def _kind(path: Path) -> str:
    """What a path that is neither a file nor a folder is, for messages."""
    mode = path.stat().st_mode
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _check_named(path: Path) -> None:
    """Raise for a path given by name that cannot be read as documents."""
    problem = _link_problem(path)
    if problem:
        raise InputNotFoundError(path, problem, "check the path")
    if not path.exists():
        raise InputNotFoundError(path, "no such file or directory", "check the path")
    if path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            raise InputFormatError(
                path,
                f"unsupported file type {path.suffix or '(none)'!r}",
                f"give {', '.join(SUFFIXES)} files",
            )
    elif not path.is_dir():
        raise InputFormatError(
            path, f"is {_kind(path)}, not a file", f"give {', '.join(SUFFIXES)} files or folders"
        )


def _walk(root: Path, folder: Path, out: list[tuple[Path, str | None]], top: bool) -> None:
    """Every entry under ``folder`` (hidden ones left out), with why it is skipped (None for a
    file to read)."""
    try:
        with os.scandir(folder) as scan:
            names = sorted(entry.name for entry in scan)
    except OSError as err:
        if top:
            raise InputError(
                folder, f"cannot read the folder ({err.strerror})", "make it readable"
            ) from None
        out.append((folder, f"cannot read the folder ({err.strerror})"))
        return
    for name in names:
        if name.startswith("."):
            continue
        p = folder / name
        problem = _link_problem(p)
        if problem:
            out.append((p, problem))
        elif p.is_symlink() and p.is_dir():
            out.append((p, "symbolic link to a folder (not followed)"))
        elif p.is_dir():
            if p.suffix.lower() in SUFFIXES:
                out.append((p, f"a folder, not a {p.suffix.lower()} file (its files are read)"))
            _walk(root, p, out, top=False)
        elif p.is_file():
            unsupported = p.suffix.lower() not in SUFFIXES
            out.append(
                (p, f"unsupported file type {p.suffix or '(none)'!r}" if unsupported else None)
            )
        else:
            out.append((p, f"{_kind(p)}, not a file"))
