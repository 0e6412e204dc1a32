"""`alinea cache info|clear`, and one build at a time per dataset folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from alinea.align.cache import BuildCache
from alinea.cli import app
from alinea.errors import OutputError
from alinea.publish import target_lock

runner = CliRunner()


def test_info_and_clear(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    BuildCache(cache).put("e5small-q4.v1", ["a", "b"], np.eye(2, dtype=np.float32))
    shown = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache), "--json"])
    assert shown.exit_code == 0, shown.output
    info = json.loads(shown.stdout)
    assert info["path"] == str(cache / "embeddings.sqlite3")
    assert info["vectors"] == {"e5small-q4.v1": 2} and info["bytes"] > 0
    text = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert text.stdout.splitlines()[1:] == ["  e5small-q4.v1: 2 vectors"]
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.stdout == f"cache: {cache / 'embeddings.sqlite3'}: 2 entries removed\n"
    empty = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert empty.stdout.splitlines()[1:] == ["  (empty)"]


def test_info_follows_the_environment(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cache", "info", "--json"], env={"ALINEA_CACHE": str(tmp_path)})
    assert json.loads(result.stdout)["path"] == str(tmp_path / "embeddings.sqlite3")


def test_cache_dir_and_no_cache_exclude_each_other(tiny_news: Path, tmp_path: Path) -> None:
    args = ["build", str(tiny_news), "--out", str(tmp_path / "o"), "--no-cache", "--cache-dir", "c"]
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --cache-dir and --no-cache exclude each other\n",
    )


def test_a_second_build_of_the_same_folder_is_refused(tiny_news: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with target_lock(out / "news"):
        result = runner.invoke(app, ["build", str(tiny_news), "--out", str(out)])
        other = runner.invoke(app, ["build", str(tiny_news), "--out", str(out), "--name", "other"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(
        f"error: {out / 'news'}: another build is writing this dataset (pid "
    )
    assert result.stderr.endswith("wait for it to finish, or choose another --out/--name\n")
    assert not (out / "news").exists()
    assert other.exit_code == 0, other.output  # another folder is not locked
    again = runner.invoke(app, ["build", str(tiny_news), "--out", str(out)])
    assert again.exit_code == 0, again.output  # the lock is released


def test_the_lock_is_per_folder(tmp_path: Path) -> None:
    with target_lock(tmp_path / "a"), target_lock(tmp_path / "b"):
        try:
            with target_lock(tmp_path / "a"):
                raise AssertionError("a second lock of the same folder was granted")
        except OutputError as err:
            assert "another build is writing this dataset" in str(err)


def test_an_unwritable_default_cache_is_skipped_with_a_warning(
    tiny_news: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    env = {"ALINEA_CACHE": str(blocker / "cache")}  # under a file: cannot be created
    result = runner.invoke(app, ["build", str(tiny_news), "--out", str(tmp_path / "o")], env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"WARNING alinea: no cache: cannot create {blocker / 'cache'} ([Errno 20] Not a "
        f"directory: '{blocker / 'cache'}'); set ALINEA_CACHE or --cache-dir\n"
    )
    explicit = [
        "build",
        str(tiny_news),
        "--out",
        str(tmp_path / "p"),
        "--cache-dir",
        str(blocker / "c"),
    ]
    refused = runner.invoke(app, explicit)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == (
        f"error: {blocker / 'c'}: cannot create the embedding cache (Not a directory); "
        "choose another --cache-dir, or build with --no-cache\n"
    )
    assert not (tmp_path / "p").exists()
