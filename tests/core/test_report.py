"""The HTML report (``alinea report``, ``exports/report.html``): valid HTML, escaped data,
bounded size, deterministic bytes, concordance as ``alinea lookup`` finds it, the CLI.

The page's behaviour in a browser is tested in test_report_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import html5lib
import pytest
from typer.testing import CliRunner

from alinea.cli import app
from alinea.glossary.lookup import concordance, load_dataset
from alinea.report import Limits, even_sample, load_report
from alinea.report_page import histogram_svg, script_json, write_report
from tests.conftest import COMMITTED_DATASET
from tests.core.report_data import HOSTILE, copy_seed, empty_seed, hostile_seed

runner = CliRunner()
COMMITTED_REPORT = COMMITTED_DATASET / "exports" / "report.html"


def parse(page: str) -> ET.Element:
    """The page parsed by html5lib in strict mode: any HTML parse error raises."""
    builder = html5lib.getTreeBuilder("etree", ET)
    parser = html5lib.HTMLParser(tree=builder, strict=True, namespaceHTMLElements=False)
    return parser.parse(page)  # type: ignore[no-any-return]


def page_data(root: ET.Element) -> dict[str, Any]:
    [block] = [s for s in root.iter("script") if s.get("type") == "application/json"]
    return json.loads(block.text or "")  # type: ignore[no-any-return]


def text_of(root: ET.Element, element_id: str) -> str:
    [found] = [e for e in root.iter() if e.get("id") == element_id]
    return " ".join(" ".join(found.itertext()).split())


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report") / "report.html"
    write_report(COMMITTED_DATASET, out)
    return out.read_text(encoding="utf-8")


def test_the_committed_report_is_what_report_writes(seed_page: str) -> None:
    """Same dataset, same bytes (the dataset freshness test covers build == committed)."""
    assert COMMITTED_REPORT.read_text(encoding="utf-8") == seed_page


def test_seed_report_is_strict_html_and_self_contained(seed_page: str) -> None:
    root = parse(seed_page)
    assert root.find("head/title") is not None
    assert [s.get("type") for s in root.iter("script")] == ["application/json", None]
    assert not [e for e in root.iter() if e.get("src")]  # no external script, image or frame
    assert not [e for e in root.iter("link") if e.get("rel") == "stylesheet"]
    assert [e.get("href") for e in root.iter("link")] == ["data:,"]  # the empty favicon
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", seed_page)
    [csp] = [m for m in root.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert (csp.get("content") or "").startswith("default-src 'none';")


def test_seed_report_summary(seed_page: str) -> None:
    root = parse(seed_page)
    summary = text_of(root, "summary")
    assert "name:pyongyang-summit-2024|langs:pt,es|" in summary
    for config, rows in [("documents", 5), ("sentences", 75), ("sentence_pairs", 18),
                         ("word_alignments", 18), ("glossary", 132)]:  # fmt: skip
        assert f"{config} {rows}" in summary
    assert "435 word links" in summary
    assert "Sentence pair scores (18 pairs)" in summary
    assert "Glossary confidence (132 entries)" in summary
    assert "All 18 sentence pairs are shown." in summary
    assert "All 132 glossary entries are shown." in summary
    assert len(root.findall(".//figure/{http://www.w3.org/2000/svg}svg")) == 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], [0] * 10),
        ([0.0, 0.05, 0.1, 0.95, 1.0], [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]),
        ([0.5] * 3, [0, 0, 0, 0, 0, 3, 0, 0, 0, 0]),
    ],
)
def test_histogram_counts(values: list[float], expected: list[int]) -> None:
    svg = histogram_svg(values, "Scores", "pairs")
    counts = [int(n) for n in re.findall(r'class="count">(\d+)</text>', svg)]
    assert counts == expected
    assert len(re.findall(r"<rect ", svg)) == 10


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_close_the_script(text: str) -> None:
    encoded = script_json({"text": text, "list": [text]})
    assert not set(encoded) & set("<>&\u2028\u2029")
    assert json.loads(encoded) == {"text": text, "list": [text]}


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    dataset = hostile_seed(tmp_path)
    out = tmp_path / "report.html"
    write_report(dataset, out)
    page = out.read_text(encoding="utf-8")
    root = parse(page)  # strict: a stray </script> or <!-- would be a parse error
    assert [s.get("type") for s in root.iter("script")] == ["application/json", None]
    assert root.find(".//b") is None  # markup in the data stays text
    data = page_data(root)
    first = data["pairs"][0]
    assert first["text"] == [HOSTILE[0], HOSTILE[1]]
    assert set(first["tokens"][0]) == {HOSTILE[2]}
    assert HOSTILE[2] in data["titles"].values()
    assert HOSTILE[2] in text_of(root, "summary")  # the document title, as text
    top = data["entries"][0]
    assert top["pt"]["term"] == "<b>x</b>"
    assert any("<b>x</b>" in text for _, text in data["sentences"])
    for text in HOSTILE:
        assert text not in page  # never literally: escaped as HTML or as JSON


@pytest.mark.parametrize(
    ("n_rows", "limit", "expected"),
    [(3, 5, [0, 1, 2]), (5, 5, [0, 1, 2, 3, 4]), (10, 4, [0, 2, 5, 7]), (18, 3, [0, 6, 12])],
)
def test_even_sample(n_rows: int, limit: int, expected: list[int]) -> None:
    assert even_sample(n_rows, limit) == expected


@pytest.mark.parametrize(
    ("limits", "pairs_note", "entries_note"),
    [
        (Limits(), "All 18 sentence pairs are shown.", "All 132 glossary entries are shown."),
        (
            Limits(pairs=5, entries=7, lines=1),
            "This page shows 5 of 18 sentence pairs, an evenly spaced sample",
            "This page shows the 7 highest-scoring of 132 glossary entries",
        ),
    ],
)
def test_the_page_says_what_it_left_out(
    tmp_path: Path, limits: Limits, pairs_note: str, entries_note: str
) -> None:
    out = tmp_path / "report.html"
    report = write_report(COMMITTED_DATASET, out, limits)
    root = parse(out.read_text(encoding="utf-8"))
    data = page_data(root)
    assert len(data["pairs"]) == min(limits.pairs, 18)
    assert len(data["entries"]) == min(limits.entries, 132)
    scores = [entry["score"] for entry in data["entries"]]
    assert scores == sorted(scores, reverse=True)
    assert max(scores) == pytest.approx(float(report.glossary["score"].max()), abs=1e-4)
    for entry in data["entries"]:
        assert all(len(entry[lang]["lines"]) <= limits.lines for lang in ("pt", "es"))
    for section in ("summary", "pairs"):
        assert pairs_note in text_of(root, section)
    assert entries_note in text_of(root, "glossary")
    kept_ids = [pair["id"] for pair in data["pairs"]]
    ordered = report.pairs["pair_id"].to_list()
    assert kept_ids == [ordered[i] for i in even_sample(18, limits.pairs)]


def test_concordance_is_what_lookup_prints() -> None:
    """Every entry's lines: the sentences, spans and order of `alinea lookup`."""
    report = load_report(COMMITTED_DATASET)
    lookup = load_dataset(COMMITTED_DATASET)
    entries = {e["term_id"]: e for e in lookup.glossary.to_dicts()}
    sentences = report.data["sentences"]
    assert report.data["entries"]
    n_lines = 0
    for row in report.data["entries"]:
        expected = concordance(lookup, entries[row["id"]], 3)
        found = [
            (lang, sentences[index][0], sentences[index][1], tuple(map(tuple, where)))
            for lang in ("pt", "es")
            for index, where in row[lang]["lines"]
        ]
        assert found == [(ln.lang, ln.sent_id, ln.text, ln.spans) for ln in expected]
        n_lines += len(found)
    assert n_lines > 146  # most entries have lines in both languages


def test_assistencia_mutua_has_concordance_in_both_languages() -> None:
    data = load_report(COMMITTED_DATASET).data
    [entry] = [e for e in data["entries"] if e["pt"]["term"] == "assistência mútua"]
    assert entry["es"]["term"] == "asistencia mutua"
    assert entry["pt"]["lines"] and entry["es"]["lines"]


@pytest.mark.parametrize(
    ("without", "tokens", "lines_from"),
    [
        ((), True, "sentences"),
        (("word_alignments",), False, "sentences"),
        (("sentences", "word_alignments", "documents"), False, "examples"),
    ],
)
def test_report_of_a_dataset_without_some_configs(
    tmp_path: Path, without: tuple[str, ...], tokens: bool, lines_from: str
) -> None:
    dataset = copy_seed(tmp_path, without)
    out = tmp_path / "report.html"
    report = write_report(dataset, out)
    root = parse(out.read_text(encoding="utf-8"))
    data = page_data(root)
    assert len(data["pairs"]) == 18
    assert all(("tokens" in pair) == tokens for pair in data["pairs"])
    per_entry = [len(e["pt"]["lines"]) + len(e["es"]["lines"]) for e in data["entries"]]
    if lines_from == "examples":  # the example sentence of each side, at most
        assert max(per_entry) <= 2 and report.sentences is None
    else:
        assert max(per_entry) > 2


def test_report_of_a_dataset_with_no_pairs_and_no_glossary(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_report(empty_seed(tmp_path), out)
    root = parse(out.read_text(encoding="utf-8"))
    data = page_data(root)
    assert (data["pairs"], data["entries"], data["sentences"]) == ([], [], [])
    summary = text_of(root, "summary")
    assert "Sentence pair scores (0 pairs)" in summary
    assert "Sentence pairs per document pair (0 document pairs)" in summary


def test_cli_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sub" / "page.html"
    result = runner.invoke(app, ["report", str(COMMITTED_DATASET), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}: 18 of 18 sentence pairs, 132 of 132 glossary entries\n"
    assert out.read_bytes() == COMMITTED_REPORT.read_bytes()
    assert [p.name for p in out.parent.iterdir()] == ["page.html"]  # no temporary file left
    monkeypatch.chdir(tmp_path)
    default = runner.invoke(app, ["report", str(COMMITTED_DATASET)])
    assert default.exit_code == 0, default.output
    assert (tmp_path / "report.html").read_bytes() == COMMITTED_REPORT.read_bytes()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing", "{dataset}: no such dataset folder"),
        (lambda tmp: copy_seed(tmp, ("glossary",)), "{dataset}: no glossary config"),
        (lambda tmp: copy_seed(tmp, ("sentence_pairs",)), "{dataset}: no sentence_pairs config"),
    ],
)
def test_cli_report_errors_are_one_line(tmp_path: Path, make: Any, message: str) -> None:
    dataset = make(tmp_path)
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(dataset), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: " + message.format(dataset=dataset))
    assert result.stderr.count("\n") == 1
    assert not out.exists()


def test_cli_report_into_a_folder_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(COMMITTED_DATASET), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path}: is a folder; give the report's file name (e.g. report.html)\n"
    )
