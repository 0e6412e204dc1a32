"""Tabular exports of the ``glossary`` config: an OmegaT glossary and a CSV with locale headers.

OmegaT (``.utf8``: UTF-8, tab-separated ``source<TAB>target<TAB>comment``, no header): one line
per entry with both terms (``langs[0]`` is the source), then one line per source-language variant
pointing to the same target, so OmegaT also recognises the variant in a segment. The comment
carries the entry kind, the target-language variants, frequencies and score. Entries with no
term on either side are left out (a glossary line needs both); the CSV and TBX keep them. Tabs,
newlines and other control characters inside a field become single spaces. OmegaT reads a line
starting with ``#`` as a comment; terms never start with one (candidates are word-bounded).

CSV: RFC 4180 (comma, double quotes, CRLF) in UTF-8 *with* a byte-order mark, which Excel needs
to detect the encoding (memoQ, Trados MultiTerm, Phrase and Python's ``utf-8-sig`` read it too).
The header names the term columns by their language codes (``pt,es,...``), or by the locales
given to the build (``pt-PT,es-ES,...``; the OmegaT comments name them too); variants are joined
by ``"; "`` in one cell. Every entry is a row, paired or not. Commas, quotes and tabs survive
(quoted); line breaks inside a cell become spaces, since CAT tools' importers rarely accept them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

VARIANT_SEPARATOR = "; "
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_CONTROL_BUT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]+")


def field(text: object) -> str:
    """One OmegaT field: ``""`` for null, control characters (tab, newline...) made a space."""
    return "" if text is None else _CONTROL.sub(" ", str(text)).strip()


def cell(text: object) -> str:
    """One CSV cell: ``""`` for null, line breaks made a space (tabs kept: quoting holds them)."""
    return "" if text is None else _CONTROL_BUT_TAB.sub(" ", str(text)).strip()


def csv_columns(labels: tuple[str, str]) -> list[str]:
    """The CSV columns: terms under their language labels, then the per-language facts. With
    the language codes these are also the glossary's own column names."""
    l1, l2 = labels
    per_lang = ("variants", "freq", "docs", "example", "example_sent_id")
    return [
        l1,
        l2,
        "type",
        "status",
        "score",
        *(f"{label}_{name}" for name in per_lang for label in labels),
        "term_id",
    ]


def other_variants(
    row: dict[str, Any], lang: str, clean: Callable[[object], str] = field
) -> list[str]:
    """The distinct variants of ``lang`` other than the preferred term, cleaned."""
    preferred = clean(row[lang])
    out: list[str] = []
    for variant in row[f"{lang}_variants"] or []:
        text = clean(variant)
        if text and text != preferred and text not in out:
            out.append(text)
    return out


def csv_row(row: dict[str, Any], langs: tuple[str, str]) -> list[str]:
    """The CSV cells of one glossary row, in :func:`csv_columns` order."""
    cells: dict[str, str] = {name: cell(row[name]) for name in csv_columns(langs)}
    cells["score"] = f"{row['score']:.4f}"
    for lang in langs:
        cells[f"{lang}_variants"] = VARIANT_SEPARATOR.join(other_variants(row, lang, cell))
    return list(cells.values())


def write_csv(
    path: Path,
    frame: pl.DataFrame,
    langs: tuple[str, str],
    locales: tuple[str, str] | None = None,
) -> None:
    """Write every glossary entry as a CSV row (UTF-8 with BOM, CRLF, a header naming the
    languages by ``locales``, default their codes)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(csv_columns(locales or langs))
        for row in frame.iter_rows(named=True):
            writer.writerow(csv_row(row, langs))


def omegat_comment(
    row: dict[str, Any], langs: tuple[str, str], labels: tuple[str, str] | None = None
) -> str:
    """The comment column: kind, target-language variants, frequencies and score (languages
    named by ``labels``, default their codes)."""
    l1, l2 = langs
    n1, n2 = labels or langs
    parts = [str(row["type"])]
    variants = other_variants(row, l2)
    if variants:
        parts.append(f"{n2} variants: {', '.join(variants)}")
    parts.append(
        f"freq {n1} {row[f'{l1}_freq']} ({row[f'{l1}_docs']} docs), "
        f"{n2} {row[f'{l2}_freq']} ({row[f'{l2}_docs']} docs)"
    )
    parts.append(f"score {row['score']:.2f}")
    return field("; ".join(parts))


def omegat_lines(
    frame: pl.DataFrame, langs: tuple[str, str], locales: tuple[str, str] | None = None
) -> list[list[str]]:
    """The OmegaT rows ``[source, target, comment]`` (preferred pair first, then variants)."""
    l1, l2 = langs
    rows: list[list[str]] = []
    for row in frame.iter_rows(named=True):
        source, target = field(row[l1]), field(row[l2])
        if not source or not target:
            continue
        comment = omegat_comment(row, langs, locales)
        rows.append([source, target, comment])
        for variant in other_variants(row, l1):
            rows.append([variant, target, field(f"variant of {source}; {comment}")])
    return rows


def write_omegat(
    path: Path,
    frame: pl.DataFrame,
    langs: tuple[str, str],
    locales: tuple[str, str] | None = None,
) -> None:
    """Write the OmegaT glossary (``.utf8``: UTF-8, no BOM, tab-separated, LF, no header)."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for cells in omegat_lines(frame, langs, locales):
            handle.write("\t".join(cells) + "\n")
