"""A build stopped while it publishes (SIGTERM, what `kill` and `timeout` send; SIGKILL) leaves
the previous dataset or the new one complete, never neither, and the next build of the folder
removes what a killed build left. Real processes, stopped at named points of publishing
(``ALINEA_TEST_PAUSE``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from alinea.cli import app
from alinea.publish import publish, read_config
from alinea.staging import NO_EXCHANGE_ENV, PAUSE_ENV, clean_stale, staging_folder, target_lock

CONFIGS = ("sentence_pairs", "word_alignments", "glossary", "documents", "sentences")
LANGS = ("pt", "es")
# publishes the seed build's frames as <out>/ds with the signature "new", as a build does:
# holding the folder's lock, SIGTERM raised as Terminated (exit code 143)
DRIVER = """
import sys
from pathlib import Path
from alinea.publish import publish, read_config
from alinea.staging import Terminated, sigterm_raises, target_lock
source, out = Path(sys.argv[1]), Path(sys.argv[2])
configs = ("sentence_pairs", "word_alignments", "glossary", "documents", "sentences")
frames = {config: read_config(source, config) for config in configs}
try:
    with sigterm_raises(), target_lock(out / "ds"):
        publish(out, "ds", ("pt", "es"), frames, "new")
except Terminated:
    sys.exit(143)
"""


def frames_of(dataset: Path) -> dict[str, pl.DataFrame]:
    return {config: read_config(dataset, config) for config in CONFIGS}


def signature_of(dataset: Path) -> str | None:
    """The dataset's signature if the folder holds a complete dataset (every config as
    published, the card), else None."""
    card = dataset / "README.md"
    if not card.is_file():
        return None
    signature = next(
        line.split(":", 1)[1].strip()
        for line in card.read_text(encoding="utf-8").splitlines()
        if line.startswith("alinea_signature:")
    )
    return signature if (dataset / "exports" / "README.md").is_file() else None


@pytest.fixture(scope="module")
def source(seed_build: Path) -> dict[str, pl.DataFrame]:
    return frames_of(seed_build)


def wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"the build never reached {path.name}"
        time.sleep(0.02)


# point the build waits at, signal, without RENAME_EXCHANGE, what <out>/ds holds once the
# process is gone ("old", "new" or None: nothing, the old one moved aside), leftovers then
KILLS = [
    ("staging", signal.SIGTERM, False, "old", []),
    ("staging", signal.SIGKILL, False, "old", [".ds.tmp"]),
    ("swap", signal.SIGTERM, False, "new", []),  # SIGTERM waits for the swap
    ("swap", signal.SIGKILL, False, "old", [".ds.tmp"]),
    ("swapped", signal.SIGKILL, False, "new", [".ds.tmp"]),  # the old dataset, swapped out
    ("between-renames", signal.SIGTERM, True, "new", []),
    ("between-renames", signal.SIGKILL, True, None, [".ds.old", ".ds.tmp"]),
    ("swapped", signal.SIGKILL, True, "new", [".ds.old"]),
]


@pytest.mark.parametrize(
    ("point", "number", "no_exchange", "holds", "left"),
    KILLS,
    ids=[f"{k[1].name}-at-{k[0]}{'-two-renames' if k[2] else ''}" for k in KILLS],
)
def test_a_killed_publish_leaves_the_old_or_the_new_dataset(
    tmp_path: Path,
    seed_build: Path,
    source: dict[str, pl.DataFrame],
    point: str,
    number: signal.Signals,
    no_exchange: bool,
    holds: str | None,
    left: list[str],
) -> None:
    out = tmp_path / "out"
    publish(out, "ds", LANGS, source, "old")
    env = os.environ | {PAUSE_ENV: f"{point}:{tmp_path}", NO_EXCHANGE_ENV: str(int(no_exchange))}
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(seed_build), str(out)],
        env=env,
        stderr=subprocess.PIPE,
    )
    wait_for(tmp_path / f"{point}.paused", process)
    process.send_signal(number)
    (tmp_path / f"{point}.go").touch()  # SIGTERM deferred: let the build go on
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == (-9 if number == signal.SIGKILL else 143), stderr.decode()
    assert signature_of(out / "ds") == holds
    pid = process.pid
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["ds"] * (holds is not None) + [f"{name}-{pid}" for name in left]
    )
    with target_lock(out / "ds"):  # what the next build of the folder does first
        pass
    assert sorted(p.name for p in out.iterdir()) == ["ds"]
    assert signature_of(out / "ds") == (holds or "old")
    assert all(frames_of(out / "ds")[c].equals(source[c]) for c in CONFIGS)


def test_stale_folders_of_live_processes_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "ds"
    target.mkdir()
    mine, parent = staging_folder(target), staging_folder(target, "old", os.getppid())
    mine.mkdir()
    parent.mkdir()
    clean_stale(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["ds", mine.name, parent.name])


def test_sigterm_stops_a_cli_build_with_exit_143_and_one_line(
    tmp_path: Path, tiny_news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build command itself, in this process, sent a real SIGTERM while it writes."""
    out = tmp_path / "out"
    monkeypatch.setenv(PAUSE_ENV, f"staging:{tmp_path}")
    paused = tmp_path / "staging.paused"

    def terminate() -> None:
        deadline = time.monotonic() + 60
        while not paused.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    killer = threading.Thread(target=terminate, daemon=True)
    killer.start()
    args = ["build", str(tiny_news), "--out", str(out), "--name", "ds", "--json"]
    result = CliRunner().invoke(app, args)
    killer.join()
    assert result.exit_code == 143, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"error: interrupted by SIGTERM: {out / 'ds'} holds the previous dataset (or the new "
        "one, if it was already in place); run the build again\n"
    )
    assert not out.exists()  # no dataset before, none half-written now
    assert signal.getsignal(signal.SIGTERM) == before  # the command restored it
