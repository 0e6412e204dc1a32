"""The exports: which exchange files a build writes under ``exports/``, and how they name the
two languages.

:class:`ExportConfig` owns ``--locale``: a BCP 47 tag per language (``pt=pt-PT,es=es-ES``),
written wherever an export or the card names a language (TBX ``xml:lang``, TMX ``srclang`` and
``xml:lang``, the CSV and XLSX headers, the OmegaT comments, the card's ``language_bcp47``). A
language without one is named by its plain code. File names, the parquet columns and the
signature's ``langs`` keep the plain codes.

It also owns ``--include-candidates``: the glossary exports a translator imports (TBX, TBX
2008, OmegaT, CSV, XLSX) carry the ``paired``, ``unpaired`` (recurring, one language) and
``reviewed`` entries; ``candidate`` entries (pairs below the calibrated confidence threshold,
:mod:`alinea.glossary.pairing`) only with it. The parquet ``glossary`` config and the HTML
report keep every entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import polars as pl

from alinea.config import changed_fields
from alinea.errors import UsageError
from alinea.glossary.decisions import CANDIDATE
from alinea.glossary.export_tabular import write_csv, write_omegat
from alinea.glossary.export_tbx import write_tbx, write_tbx2008
from alinea.glossary.export_xlsx import write_xlsx
from alinea.tmx import write_tmx

# BCP 47 in its common shape: a 2-3 letter language, then subtags of 1-8 letters or digits
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
EXAMPLE = "pt=pt-PT,es=es-ES"

Locales = tuple[tuple[str, str], ...]
REPORT_FILE = "report.html"


def canonical_tag(tag: str) -> str:
    """``tag`` in BCP 47's conventional case: language lowercase, a 4-letter script titlecase,
    a 2-letter region uppercase, everything else (and all after a singleton) lowercase."""
    first, *rest = tag.split("-")
    parts = [first.lower()]
    extension = False
    for part in rest:
        extension = extension or len(part) == 1
        if not extension and len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        elif not extension and len(part) == 4 and part.isalpha():
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def parse_locales(value: str) -> Locales:
    """Parse ``--locale pt=pt-PT,es=es-ES`` into ``(language, tag)`` pairs (empty: none).

    Raises:
        UsageError: an item is not ``LANG=LOCALE``.
    """
    pairs = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        lang, sep, tag = (side.strip() for side in item.partition("="))
        if not sep or not lang or not tag:
            raise UsageError(
                f"--locale: expected LANG=LOCALE items such as {EXAMPLE}, got {item!r}"
            )
        pairs.append((lang.lower(), tag))
    return tuple(pairs)


@dataclass(frozen=True)
class ExportConfig:
    """How the exports name the languages.

    Attributes:
        locales: ``(language, BCP 47 tag)`` pairs; a language not listed is named by its code.
            Kept sorted, in canonical case, without pairs that only repeat the code, so equal
            options give equal configs (and signatures).
        include_candidates: the glossary exports also carry ``candidate`` entries.
    """

    locales: Locales = ()
    include_candidates: bool = False

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for lang, tag in self.locales:
            if lang in seen:
                raise UsageError(f"--locale: {lang} is given twice ({seen[lang]} and {tag})")
            if not _TAG.match(tag):
                raise UsageError(
                    f"--locale: {tag!r} is not a locale such as pt-PT "
                    "(BCP 47: the language code, then subtags joined by '-')"
                )
            if tag.split("-")[0].lower() != lang:
                raise UsageError(
                    f"--locale: {lang}={tag}: a locale of {lang} starts with '{lang}-' "
                    "(the language code, then e.g. the region)"
                )
            seen[lang] = tag
        kept = sorted((lang, canonical_tag(tag)) for lang, tag in self.locales)
        object.__setattr__(self, "locales", tuple((lang, tag) for lang, tag in kept if tag != lang))

    def check_langs(self, langs: tuple[str, ...]) -> None:
        """Raise :class:`UsageError` for a locale of a language the build does not have."""
        for lang, _ in self.locales:
            if lang not in langs:
                raise UsageError(
                    f"--locale: {lang} is not one of the build's languages ({', '.join(langs)})"
                )

    def tags(self, langs: tuple[str, str]) -> tuple[str, str]:
        """The name of each of ``langs`` in the exports: its locale, else its code."""
        given = dict(self.locales)
        return given.get(langs[0], langs[0]), given.get(langs[1], langs[1])

    def with_regions(self, regions: Mapping[str, str]) -> ExportConfig:
        """This config with ``lang-REGION`` as the locale of each language of ``regions`` that
        has no locale given (the one region its documents declare)."""
        given = dict(self.locales)
        extra = [
            (lang, f"{lang}-{region}") for lang, region in regions.items() if lang not in given
        ]
        return replace(self, locales=(*self.locales, *extra)) if extra else self

    def signature_fields(self) -> dict[str, object]:
        """Changed options only (``exports.locales:es=es-ES,pt=pt-PT``); defaults add nothing."""
        fields = changed_fields("exports", self)
        if self.locales:
            fields["exports.locales"] = ",".join(f"{lang}={tag}" for lang, tag in self.locales)
        return fields


def write_dataset_report(path: Path) -> None:
    """Write the HTML report (:mod:`alinea.report_page`) of the dataset ``path`` lies in
    (``<dataset>/exports/report.html``), read back from its parquet configs, which publishing
    writes before the exports."""
    from alinea.report_page import write_report

    write_report(path.parent.parent, path)


def translator_entries(glossary: pl.DataFrame, include_candidates: bool) -> pl.DataFrame:
    """The glossary rows the translator exports carry (module docstring)."""
    if include_candidates or "status" not in glossary.columns:
        return glossary
    return glossary.filter(pl.col("status") != CANDIDATE)


def export_writers(
    pairs: pl.DataFrame,
    glossary: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    config: ExportConfig,
) -> dict[str, Callable[[Path], None]]:
    """Writers of the exchange formats, by file name (named by the plain codes)."""
    l1, l2 = langs
    tags = config.tags(langs)
    glossary = translator_entries(glossary, config.include_candidates)
    back = (l2, l1), (tags[1], tags[0])
    return {
        f"sentence_pairs.{l1}-{l2}.tmx": partial(
            write_tmx, pairs=pairs, langs=langs, signature=signature, locales=tags
        ),
        f"glossary.{l1}-{l2}.tbx": partial(
            write_tbx, frame=glossary, langs=langs, signature=signature, locales=tags
        ),
        f"glossary.{l1}-{l2}.tbx2008.tbx": partial(
            write_tbx2008, frame=glossary, langs=langs, signature=signature, locales=tags
        ),
        f"glossary.{l1}-{l2}.utf8": partial(
            write_omegat, frame=glossary, langs=langs, locales=tags
        ),
        f"glossary.{l2}-{l1}.utf8": partial(
            write_omegat, frame=glossary, langs=back[0], locales=back[1]
        ),
        f"glossary.{l1}-{l2}.csv": partial(write_csv, frame=glossary, langs=langs, locales=tags),
        f"glossary.{l1}-{l2}.xlsx": partial(
            write_xlsx, frame=glossary, langs=langs, signature=signature, locales=tags
        ),
        REPORT_FILE: write_dataset_report,
    }
