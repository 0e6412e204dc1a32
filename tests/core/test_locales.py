"""``--locale``: parsed and validated with one-line errors, and written wherever an export or the
card names a language (the file names, columns and signature's ``langs`` keep the plain codes)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from alinea.cli import app
from alinea.errors import UsageError
from alinea.exports import ExportConfig, canonical_tag, export_writers, parse_locales
from alinea.pipeline import BuildConfig
from alinea.signature import parse_signature
from tests.conftest import TINY_ES, TINY_PT

runner = CliRunner()
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ()),
        ("pt=pt-PT,es=es-ES", (("pt", "pt-PT"), ("es", "es-ES"))),
        (" PT = pt-br , ", (("pt", "pt-br"),)),  # spaces and empty items ignored; case kept
    ],
)
def test_parse_locales(value: str, expected: tuple[tuple[str, str], ...]) -> None:
    assert parse_locales(value) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pt-br", "pt-BR"),
        ("ES-419", "es-419"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("de-ch-1996", "de-CH-1996"),
        ("en-US-x-Twain", "en-US-x-twain"),  # after a singleton: lowercase
    ],
)
def test_canonical_tag(tag: str, expected: str) -> None:
    assert canonical_tag(tag) == expected


def test_config_keeps_locales_sorted_canonical_and_not_plain() -> None:
    config = ExportConfig((("pt", "pt-br"), ("es", "es"), ("en", "EN-gb")))
    assert config.locales == (("en", "en-GB"), ("pt", "pt-BR"))
    assert config.tags(("pt", "es")) == ("pt-BR", "es")
    assert ExportConfig().tags(("pt", "es")) == ("pt", "es")


@pytest.mark.parametrize(
    ("value", "langs", "message"),
    [
        ("pt", ("pt", "es"), "--locale: expected LANG=LOCALE items such as pt=pt-PT,es=es-ES, got 'pt'"),
        ("=pt-PT", ("pt", "es"), "--locale: expected LANG=LOCALE items such as pt=pt-PT,es=es-ES, got '=pt-PT'"),
        ("pt=", ("pt", "es"), "--locale: expected LANG=LOCALE items such as pt=pt-PT,es=es-ES, got 'pt='"),
        ("pt=pt_PT", ("pt", "es"), "--locale: 'pt_PT' is not a locale such as pt-PT (BCP 47: the language code, then subtags joined by '-')"),
        ("pt=pt--PT", ("pt", "es"), "--locale: 'pt--PT' is not a locale such as pt-PT"),
        ("pt=pt-Portugal1", ("pt", "es"), "--locale: 'pt-Portugal1' is not a locale such as pt-PT"),
        ("pt=es-ES", ("pt", "es"), "--locale: pt=es-ES: a locale of pt starts with 'pt-' (the language code, then e.g. the region)"),
        ("pt=pt-PT,pt=pt-BR", ("pt", "es"), "--locale: pt is given twice (pt-PT and pt-BR)"),
        ("fr=fr-FR", ("pt", "es"), "--locale: fr is not one of the build's languages (pt, es)"),
    ],
)  # fmt: skip
def test_bad_locales_are_one_line_usage_errors(
    value: str, langs: tuple[str, str], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        BuildConfig.from_options("ds", langs=langs, locales=parse_locales(value))
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_locale_of_a_language_the_build_did_not_find(tiny_news: Path, tmp_path: Path) -> None:
    """Without --langs the languages are known after ingest: checked then, before any output."""
    args = ["build", str(tiny_news), "--out", str(tmp_path / "out"), "--locale", "fr=fr-FR"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: --locale: fr is not one of the build's languages (")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_file_names_keep_the_plain_codes() -> None:
    frame = pl.DataFrame()
    writers = export_writers(frame, frame, ("pt", "es"), "v:0", ExportConfig((("pt", "pt-BR"),)))
    assert sorted(writers) == [
        "glossary.es-pt.utf8",
        "glossary.pt-es.csv",
        "glossary.pt-es.tbx",
        "glossary.pt-es.tbx2008.tbx",
        "glossary.pt-es.utf8",
        "glossary.pt-es.xlsx",
        "report.html",
        "sentence_pairs.pt-es.tmx",
    ]


def test_build_writes_the_locales_into_every_export_and_the_card(
    tiny_news: Path, tmp_path: Path
) -> None:
    from lxml import etree
    from openpyxl import load_workbook

    args = ["build", str(tiny_news), "--out", str(tmp_path), "--name", "ds", "--langs", "pt,es"]
    result = runner.invoke(app, [*args, "--locale", "es=es-ar,pt=pt-BR", "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    exports = tmp_path / "ds" / "exports"
    tags = {"pt-BR", "es-AR"}

    tbx = etree.parse(str(exports / "glossary.pt-es.tbx")).getroot()
    sections = tbx.xpath("//*[local-name()='langSec']")
    assert tbx.get(XML_LANG) == "pt-BR" and sections
    assert {s.get(XML_LANG) for s in sections} == tags
    martif = etree.parse(str(exports / "glossary.pt-es.tbx2008.tbx")).getroot()
    assert martif.get(XML_LANG) == "pt-BR"
    assert {s.get(XML_LANG) for s in martif.iter("langSet")} == tags

    tmx = etree.parse(str(exports / "sentence_pairs.pt-es.tmx")).getroot()
    header = tmx.find("header")
    assert header is not None and header.get("srclang") == "pt-BR"
    assert [t.get(XML_LANG) for t in tmx.iter("tuv")] == ["pt-BR", "es-AR"]
    props = {p.get("type") for p in tmx.iter("prop")}
    assert {"x-alinea-doc-pt", "x-alinea-doc-es"} <= props  # dataset columns keep the codes

    with (exports / "glossary.pt-es.csv").open(encoding="utf-8-sig", newline="") as handle:
        columns = next(csv.reader(handle))
    assert columns[:2] == ["pt-BR", "es-AR"] and "es-AR_variants" in columns
    sheet = load_workbook(exports / "glossary.pt-es.xlsx")["glossary"]
    assert [c.value for c in sheet[1]][:4] == ["pt-BR", "es-AR", "pt-BR_variants", "es-AR_variants"]
    for name, first in (("glossary.pt-es.utf8", "pt-BR"), ("glossary.es-pt.utf8", "es-AR")):
        comments = [
            line.split("\t")[2] for line in (exports / name).read_text("utf-8").splitlines()
        ]
        assert comments and all(f"freq {first} " in c for c in comments)

    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert (front["language"], front["language_bcp47"]) == (["pt", "es"], ["pt-BR", "es-AR"])
    assert "they name the languages `pt-BR` and `es-AR`." in card
    signature = parse_signature(front["alinea_signature"])
    assert (signature["langs"], signature["exports.locales"]) == ("pt,es", "es=es-AR,pt=pt-BR")
    assert front["alinea_signature"] in (exports / "glossary.pt-es.tbx").read_text("utf-8")


def test_a_region_the_documents_declare_names_the_language_unless_a_locale_is_given() -> None:
    regions = {"pt": "BR", "es": "419"}
    assert ExportConfig().with_regions(regions).tags(("pt", "es")) == ("pt-BR", "es-419")
    given = ExportConfig((("pt", "pt-PT"),))
    assert given.with_regions(regions).tags(("pt", "es")) == ("pt-PT", "es-419")


@pytest.mark.parametrize(
    ("pt_langs", "locale", "expected"),
    [
        (("pt-BR", "pt_br"), [], ("pt-BR", "es")),  # every pt document says BR: its locale
        (("pt-BR", "pt-PT"), [], ("pt", "es")),  # they disagree: the plain code
        (("pt-BR", "pt"), [], ("pt", "es")),  # one says none
        (("pt-BR", "pt-BR"), ["--locale", "pt=pt-PT"], ("pt-PT", "es")),  # --locale wins
    ],
)
def test_a_region_every_document_declares_becomes_the_locale(
    tmp_path: Path, pt_langs: tuple[str, str], locale: list[str], expected: tuple[str, str]
) -> None:
    records = [{"id": f"pt{n}", "lang": lang, "text": TINY_PT} for n, lang in enumerate(pt_langs)]
    records.append({"id": "es", "lang": "es", "text": TINY_ES})
    news = tmp_path / "news.jsonl"
    news.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    args = ["build", str(news), "--out", str(tmp_path), "--name", "ds", "--langs", "pt,es"]
    result = runner.invoke(app, [*args, *locale, "--no-cache"])
    assert result.exit_code == 0, result.output
    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert tuple(front.get("language_bcp47", front["language"])) == expected
    tmx = (tmp_path / "ds" / "exports" / "sentence_pairs.pt-es.tmx").read_text("utf-8")
    assert f'srclang="{expected[0]}"' in tmx
    assert ("exports.locales" in front["alinea_signature"]) == (expected[0] != "pt")
