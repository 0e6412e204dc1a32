"""Progress: every stage reports, alignment per shard with its document-pair count, and the
bars are drawn on a terminal only, never with ``--json``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from alinea import cli_common
from alinea.pipeline import BuildConfig, build

COLLECTION = Path(__file__).parent / "data" / "collection"


def test_every_stage_reports_and_align_counts_document_pairs() -> None:
    updates: list[tuple[str, int, int]] = []
    result = build([COLLECTION], BuildConfig("news"), lambda *u: updates.append(u))
    stages = list(dict.fromkeys(stage for stage, _, _ in updates))
    assert stages == ["ingest", "segment", "align", "words", "glossary"]
    assert updates[0] == ("ingest", 1, 7) and ("ingest", 7, 7) in updates
    align = [(done, total) for stage, done, total in updates if stage == "align"]
    pairs = result.frames["sentence_pairs"].select("pt_doc_id", "es_doc_id").n_unique()
    assert len(align) > 1 and align[-1][0] == align[-1][1] >= pairs >= 3
    assert [done for done, _ in align] == sorted(done for done, _ in align)


@pytest.mark.parametrize(
    ("terminal", "enabled", "drawn"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_bars_are_drawn_on_a_terminal_unless_disabled(
    monkeypatch: pytest.MonkeyPatch, terminal: bool, enabled: bool, drawn: bool
) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=100)
    monkeypatch.setattr(cli_common, "stderr", lambda: console)
    with cli_common.progress_display(enabled) as update:
        update("align", 3, 7)
        update("align", 7, 7)
    text = out.getvalue()
    assert ("align" in text and "7/7" in text) is drawn
    assert bool(text) is drawn
