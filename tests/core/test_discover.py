"""Discovery: what a folder holds that is not a document is reported, never dropped silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alinea.discover import Skipped, discover
from alinea.errors import InputError

AS_ROOT = os.geteuid() == 0  # root reads whatever the permissions say


def test_everything_left_out_of_a_folder_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "real").mkdir(parents=True)
    (root / "a.txt").write_text("texto", encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF")
    os.mkfifo(root / "pipe.txt")
    (root / "loop.txt").symlink_to("loop.txt")
    (root / "gone.txt").symlink_to("nowhere.txt")
    (root / "linked").symlink_to("real")
    (root / "x.txt").mkdir()
    (root / "x.txt" / "inner.md").write_text("# t\ntexto", encoding="utf-8")
    (root / ".hidden.txt").write_text("oculto", encoding="utf-8")
    files, skipped = discover([root])
    assert [f.source for f in files] == ["in/a.txt", "in/x.txt/inner.md"]
    assert skipped == [
        Skipped("in/gone.txt", "broken symbolic link (to 'nowhere.txt')"),
        Skipped("in/linked", "symbolic link to a folder (not followed)"),
        Skipped("in/loop.txt", "symbolic link loop"),
        Skipped("in/notes.pdf", "unsupported file type '.pdf'"),
        Skipped("in/pipe.txt", "a FIFO, not a file"),
        Skipped("in/x.txt", "a folder, not a .txt file (its files are read)"),
    ]


@pytest.mark.skipif(AS_ROOT, reason="root reads unreadable folders")
def test_an_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "closed").mkdir(parents=True)
    (root / "a.txt").write_text("texto", encoding="utf-8")
    (root / "closed").chmod(0)
    try:
        _, skipped = discover([root])
        with pytest.raises(InputError, match="cannot read the folder"):
            discover([root / "closed"])
    finally:
        (root / "closed").chmod(0o755)
    assert skipped == [Skipped("in/closed", "cannot read the folder (Permission denied)")]
