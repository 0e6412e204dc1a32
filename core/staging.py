"""Putting a dataset folder in place so that an interrupted build never leaves neither the old
nor the new one: the lock of a dataset folder, the swap, and the cleanup of killed builds.

A build writes ``<out>/.<name>.tmp-<pid>`` and swaps it with ``<out>/<name>`` in one step
(Linux ``renameat2(RENAME_EXCHANGE)``), so every instant sees the old or the new dataset whole.
Where the file system cannot exchange, the old folder is first renamed to
``<out>/.<name>.old-<pid>``; SIGINT and SIGTERM wait until both renames are done, and a build
killed between them (SIGKILL, a power cut) is repaired by the next build of the folder, which
renames the old dataset back. Holding the lock, a build also removes the staging folders that
builds since killed (their process is gone) left behind.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from alinea.errors import OutputError

logger = logging.getLogger(__name__)
CARD_MARKER = "alinea_signature:"
PAUSE_ENV = "ALINEA_TEST_PAUSE"  # "<point>:<folder>": wait at that point (tests send signals)
NO_EXCHANGE_ENV = "ALINEA_TEST_NO_EXCHANGE"  # "1": publish with two renames, as without renameat2
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(BaseException):
    """SIGTERM, raised where the process was (like ``KeyboardInterrupt`` for SIGINT), so that
    the same cleanup runs; a BaseException, so that no ``except Exception`` swallows it."""


def is_alinea_dataset(folder: Path) -> bool:
    """Whether ``folder`` holds a dataset alinea wrote (its card carries a signature)."""
    card = folder / "README.md"
    try:
        return CARD_MARKER in card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        logger.debug("%s has no readable alinea card: %s", folder, err)
        return False


def staging_folder(target: Path, kind: str = "tmp", pid: int | None = None) -> Path:
    """``<out>/.<name>.<kind>-<pid>``: the folder a build writes (``tmp``) or where it keeps
    the previous dataset during a two-rename swap (``old``)."""
    return target.with_name(f".{target.name}.{kind}-{os.getpid() if pid is None else pid}")


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs (in the main thread), SIGTERM raises :class:`Terminated`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM received during the block take effect once it has ended (through the
    handlers in place before it), so that they cannot split the steps inside it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {number: signal.signal(number, hold) for number in _SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        if received:
            signal.raise_signal(received[0])


def pause(point: str) -> None:
    """Test hook: with ``ALINEA_TEST_PAUSE=<point>:<folder>``, touch ``<folder>/<point>.paused``
    and wait (at most a minute) for ``<folder>/<point>.go``; elsewhere, nothing."""
    spec = os.environ.get(PAUSE_ENV, "")
    name, _, folder = spec.partition(":")
    if name != point or not folder:
        return
    Path(folder, f"{point}.paused").touch()
    deadline = time.monotonic() + 60
    while not Path(folder, f"{point}.go").exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one step; False where the system cannot."""
    if os.environ.get(NO_EXCHANGE_ENV) == "1":
        return False
    renameat2: Any = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def swap_into_place(staging: Path, target: Path) -> None:
    """Put the complete folder ``staging`` at ``target``, then remove the previous ``target``
    (if any); SIGINT and SIGTERM take effect once all that is done."""
    with signals_deferred():
        pause("swap")
        if not target.exists():
            staging.rename(target)
            return
        if _exchange(staging, target):
            previous = staging  # now holds the previous dataset
        else:
            previous = staging_folder(target, "old")
            shutil.rmtree(previous, ignore_errors=True)
            target.rename(previous)
            pause("between-renames")
            try:
                staging.rename(target)
            except OSError:
                previous.rename(target)
                raise
        pause("swapped")
        shutil.rmtree(previous, ignore_errors=True)  # what is left, the next build removes


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def clean_stale(target: Path) -> None:
    """Remove what builds of ``target`` killed since (their process is gone) left next to it;
    if one was killed between the two renames of a swap, first put the previous dataset back.
    Call it holding the folder's lock."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(tmp|old)-(\d+)$")
    try:
        entries = sorted(target.parent.iterdir())
    except OSError:
        return
    stale = [
        (match[1], entry)
        for entry in entries
        if (match := pattern.match(entry.name))
        and int(match[2]) != os.getpid()
        and not _alive(int(match[2]))
    ]
    olds = [entry for kind, entry in stale if kind == "old"]
    if olds and not os.path.lexists(target):
        restored = max(olds, key=lambda entry: entry.stat().st_mtime_ns)
        restored.rename(target)
        logger.warning("%s: put back the dataset a killed build had moved aside", target)
    for _, entry in stale:
        if entry.exists():
            shutil.rmtree(entry, ignore_errors=True)
            logger.warning("%s: removed %s, left by a killed build", target, entry.name)


@contextmanager
def target_lock(target: Path) -> Iterator[None]:
    """Hold the lock of one dataset folder for the length of a build: a second build to the
    same folder on this machine is refused at once instead of racing the first. Once it holds
    the lock, a build cleans up after killed builds of the folder (:func:`clean_stale`).

    The lock file lives in the system's temporary folder, named by the target's absolute path,
    so nothing is left next to the dataset.

    Raises:
        OutputError: another build holds the lock.
    """
    resolved = str(target.resolve())
    name = hashlib.sha256(resolved.encode()).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / "alinea-locks"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.lock", "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputError(
                f"{target}: another build is writing this dataset ({holder}); "
                "wait for it to finish, or choose another --out/--name"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            clean_stale(target)
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
