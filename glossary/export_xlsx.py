"""XLSX export of the ``glossary`` config, for spreadsheets and CAT tools' glossary import.

One sheet ``glossary`` holding one Excel table (also named ``glossary``, header row frozen,
autofilter on), written by polars' ``DataFrame.write_excel`` through xlsxwriter. Columns: the
two terms under their language headers (the plain codes, or the locales given to the build),
each language's variants joined by ``"; "``, the entry kind, status and score (a number, rounded
to four decimals as in the CSV and TBX), each language's example sentence as its context, then
the term id. Every entry is a row, paired or not. Cells are cleaned as in the CSV (line breaks
and other control characters become spaces), and no string is ever turned into a formula, a link
or a number.

Deterministic: the workbook is assembled in memory (xlsxwriter then gives every part of the ZIP
the same fixed timestamp) and its document properties carry a fixed creation date, the title and
the build signature, so a rebuild writes the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from alinea._version import __version__
from alinea.glossary.export_tabular import VARIANT_SEPARATOR, cell, other_variants

SHEET = "glossary"
SCORE_DIGITS = 4
# Any fixed instant: a build's own time would change the bytes of every rebuild.
CREATED = datetime(2000, 1, 1, tzinfo=UTC)
WORKBOOK_OPTIONS = {
    "in_memory": True,  # fixed ZIP timestamps and file modes, no temporary files
    "strings_to_formulas": False,  # a term such as "=x" stays text
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
}
# pixels, in :func:`xlsx_columns` order: terms, variants, type, status, score, contexts, term id
WIDTHS = (180, 180, 220, 220, 70, 70, 60, 480, 480, 150)


def xlsx_columns(labels: tuple[str, str]) -> list[str]:
    """The header row: terms under their language labels, variants, kind, status, score,
    contexts (example sentences), term id."""
    l1, l2 = labels
    return [
        l1,
        l2,
        f"{l1}_variants",
        f"{l2}_variants",
        "type",
        "status",
        "score",
        f"{l1}_context",
        f"{l2}_context",
        "term_id",
    ]


def xlsx_frame(
    frame: pl.DataFrame, langs: tuple[str, str], labels: tuple[str, str] | None = None
) -> pl.DataFrame:
    """The sheet's cells as a frame (strings, and the score as a float), one row per entry;
    ``langs`` name the glossary's columns, ``labels`` the headers (default: ``langs``)."""
    labels = labels or langs
    names = xlsx_columns(labels)
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for row in frame.iter_rows(named=True):
        cells: list[Any] = [cell(row[lang]) for lang in langs]
        cells += [VARIANT_SEPARATOR.join(other_variants(row, lang, cell)) for lang in langs]
        cells += [cell(row["type"]), cell(row["status"]), round(row["score"], SCORE_DIGITS)]
        cells += [cell(row[f"{lang}_example"]) for lang in langs]
        cells.append(cell(row["term_id"]))
        for name, value in zip(names, cells, strict=True):
            columns[name].append(value)
    schema = {name: pl.Float64 if name == "score" else pl.String for name in names}
    return pl.DataFrame(columns, schema=schema)


def write_xlsx(
    path: Path,
    frame: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> None:
    """Write the glossary as an XLSX workbook of one sheet (headers: ``locales``, default the
    language codes), with fixed document properties so that the bytes depend on the data only."""
    from xlsxwriter import Workbook

    labels = locales or langs
    names = xlsx_columns(labels)
    workbook = Workbook(str(path), WORKBOOK_OPTIONS)
    workbook.set_properties(
        {
            "title": f"alinea glossary {langs[0]}-{langs[1]}",
            "author": f"alinea {__version__}",
            "comments": f"signature: {signature}",
            "created": CREATED,
        }
    )
    with workbook:
        xlsx_frame(frame, langs, labels).write_excel(
            workbook,
            SHEET,
            table_name=SHEET,
            column_formats={"score": "0." + "0" * SCORE_DIGITS},
            column_widths={name: px for name, px in zip(names, WIDTHS, strict=True)},
            freeze_panes=(1, 0),
        )
