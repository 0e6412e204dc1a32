"""Ingest: formats, paragraph cleaning, ids and sources, language identification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alinea.discover import discover
from alinea.errors import InputTooLargeError, UsageError
from alinea.ingest import IngestConfig, ingest
from alinea.langid import detect, parse_langs
from alinea.readers import keep_paragraphs, parse_lines

PT = "O presidente russo chegou a Pyongyang para uma cimeira com o líder norte-coreano."
ES = "El presidente ruso llegó a Pyongyang para una cumbre con el líder norcoreano."


@pytest.mark.parametrize(
    ("seed", "lang"),
    [
        ("000_60150220a1ea2e6b.txt", "pt"),
        ("001_48fbe535a3bff43c.txt", "es"),
        ("002_de86dc9c9a5de37b.txt", "es"),
        ("003_e08587906b7245c9.txt", "es"),
        ("004_1a9a5d5ea12ce952.txt", "es"),
    ],
)
def test_each_seed_language_is_detected(seeds_dir: Path, seed: str, lang: str) -> None:
    detection = detect((seeds_dir / seed).read_text(encoding="utf-8"))
    assert detection.lang == lang
    assert detection.confidence > 0.9


def test_seeds_ingest(seeds_dir: Path) -> None:
    result = ingest([seeds_dir], IngestConfig(langs=("pt", "es")))
    docs = result.documents
    assert result.langs == ("pt", "es")
    assert docs["lang"].to_list() == ["pt", "es", "es", "es", "es"]
    assert docs["source"][0] == "seeds/000_60150220a1ea2e6b.txt"
    headline = docs.filter(docs["doc_id"] == "004_1a9a5d5ea12ce952").row(0, named=True)
    assert headline["dropped_duplicate"] == 1  # seed 004 repeats its headline
    assert headline["text"].count("Putin y Kim sellan un acuerdo") == 1
    assert sum(map(len, docs["boilerplate_paragraphs"].to_list())) == 4


def test_auto_langs_are_the_two_found(seeds_dir: Path) -> None:
    assert set(ingest([seeds_dir], IngestConfig()).langs) == {"pt", "es"}


@pytest.mark.parametrize(
    ("lines", "kept", "blank", "duplicate"),
    [
        (["a", "", "b", "  ", "a"], ["a", "b"], 2, 1),
        (["  spaced   out  "], ["spaced out"], 0, 0),
        (["x", "x", "x"], ["x"], 0, 2),
        ([], [], 0, 0),
    ],
)
def test_keep_paragraphs(lines: list[str], kept: list[str], blank: int, duplicate: int) -> None:
    assert keep_paragraphs(lines) == (kept, blank, duplicate)


def test_markdown_title_and_markup() -> None:
    text = "# Cimeira em Pyongyang\n\n---\n- **Putin** chegou [ontem](http://x.pt).\n> Citação ![img](a.png)\n"
    document = parse_lines(text, "doc", "doc.md", markdown=True)
    assert document.title == "Cimeira em Pyongyang"
    assert document.paragraphs == ["Cimeira em Pyongyang", "Putin chegou ontem.", "Citação"]


def test_jsonl_fields_and_bom(tmp_path: Path) -> None:
    records = [
        {"id": "a1", "text": PT, "title": "Cimeira", "url": "https://x.pt/1", "date": "2024-06-19"},
        {"text": ES + "\n\n" + ES, "lang": "es"},
    ]
    path = tmp_path / "news.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(json.dumps(r) for r in records).encode())
    docs = ingest([path], IngestConfig(langs=("pt", "es"))).documents
    first, second = docs.row(0, named=True), docs.row(1, named=True)
    assert (first["doc_id"], first["title"], first["url"], first["date"]) == (
        "a1",
        "Cimeira",
        "https://x.pt/1",
        "2024-06-19",
    )
    assert first["source"] == "news.jsonl#L1"
    assert (second["doc_id"], second["lang"], second["dropped_duplicate"]) == ("news-2", "es", 1)


def test_discover_is_sorted_skips_hidden_and_reports_others(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "sub/c.jsonl", ".hidden.txt", ".git/x.txt", "notes.pdf"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text("x", encoding="utf-8")
    files, skipped = discover([tmp_path / "in"])
    assert [f.source for f in files] == ["in/a.md", "in/b.txt", "in/sub/c.jsonl"]
    assert [f.doc_id for f in files] == ["a", "b", "c"]
    assert [s.source for s in skipped] == ["in/notes.pdf"]


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(PT * 100, encoding="utf-8")
    with pytest.raises(InputTooLargeError, match=r"big\.txt.*limit"):
        ingest([path], IngestConfig(max_file_bytes=1000))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("pt,es", ("pt", "es")), (" ES , PT ", ("es", "pt")), ("", ()), ("de,fr", ("de", "fr"))],
)
def test_parse_langs(value: str, expected: tuple[str, ...]) -> None:
    assert parse_langs(value) == expected


@pytest.mark.parametrize("value", ["pt", "pt,es,en", "pt,pt", "pt,zz"])
def test_parse_langs_rejects(value: str) -> None:
    with pytest.raises(UsageError):
        parse_langs(value)


@pytest.mark.parametrize(
    ("names", "ids"),
    [
        # the same file name in two language folders: ids from the path under the input
        (
            ("pt/abcnews.306755.txt", "es/abcnews.306755.txt"),
            ["es/abcnews.306755", "pt/abcnews.306755"],
        ),
        # unique stems keep the stem, even in sub-folders
        (("pt/a.txt", "es/b.txt"), ["b", "a"]),
        # only the colliding stems get the longer id
        (("pt/x.txt", "es/x.md", "es/y.txt"), ["es/x", "y", "pt/x"]),
    ],
)
def test_document_ids_survive_same_names_in_folders(
    tmp_path: Path, names: tuple[str, ...], ids: list[str]
) -> None:
    for name in names:
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text("x", encoding="utf-8")
    files, _ = discover([tmp_path / "in"])
    assert [f.doc_id for f in files] == ids


def test_same_named_files_in_language_folders_build(tmp_path: Path, seeds_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    for lang, seed in (("pt", "000_60150220a1ea2e6b.txt"), ("es", "003_e08587906b7245c9.txt")):
        (corpus / lang).mkdir(parents=True)
        (corpus / lang / "story.txt").write_bytes((seeds_dir / seed).read_bytes())
    docs = ingest([corpus], IngestConfig(langs=("pt", "es"))).documents
    assert docs.select("doc_id", "lang", "source").rows() == [
        ("es/story", "es", "corpus/es/story.txt"),
        ("pt/story", "pt", "corpus/pt/story.txt"),
    ]


def test_language_confidence_is_the_same_on_every_call() -> None:
    """lingua's confidence varies in its last bits between calls; the rounded one does not."""
    text = "\n".join([PT, ES, PT + " Outra vez."] * 3)
    confidences = {detect(text).confidence for _ in range(20)}
    assert len(confidences) == 1
    (confidence,) = confidences
    assert confidence == round(confidence, 6)


@pytest.mark.parametrize(
    "options",
    [
        {"third_language_confidence": 1.5},
        {"third_language_confidence": -0.1},
        {"max_own_word_share": 2.0},
    ],
)
def test_third_language_options_are_checked(options: dict[str, float]) -> None:
    with pytest.raises(UsageError):
        IngestConfig(**options)
