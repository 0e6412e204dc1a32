"""The HTML report page: one self-contained file (CSS, JavaScript, data and charts inline; no
request leaves the page, its Content-Security-Policy forbids any).

The summary is static HTML (readable without JavaScript); the histograms are SVG drawn here. The
pairs and the glossary are drawn by the page's script (``report.js``, packaged next to this
module) from one JSON block. All text from the dataset is escaped: as HTML where it is written
into the markup, and inside the JSON block ``<``, ``>`` and ``&`` are written as ``\\u003c``...,
so no sentence can close the ``<script>`` element (``</script>``) or open a comment. The same
dataset gives the same bytes: no clock, no path, every list sorted.
"""

from __future__ import annotations

import json
import os
import tempfile
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from alinea._version import __version__
from alinea.errors import OutputError
from alinea.report import DEFAULT_LIMITS, Limits, Report, load_report

BINS = 10
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def asset(name: str) -> str:
    """A packaged asset of the page (``report.css``, ``report.js``)."""
    return resources.files("alinea").joinpath(name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside ``<script>``: no ``<``, ``>``, ``&`` or line
    separators appear literally (they only occur inside strings, where escapes mean the same)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def histogram_svg(values: list[float], title: str, unit: str) -> str:
    """A histogram of ``values`` in [0, 1] (:data:`BINS` bins) as inline SVG, each bar labelled
    with its count (the colour carries nothing the text does not say)."""
    counts = [0] * BINS
    for value in values:
        counts[min(BINS - 1, max(0, int(value * BINS)))] += 1
    width, height, left, top, bottom = 400, 190, 34, 22, 40
    bar = (width - left - 8) / BINS
    tallest = max(counts) or 1
    usable = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}: '
        + escape(
            ", ".join(f"{i / BINS:.1f}–{(i + 1) / BINS:.1f}: {c}" for i, c in enumerate(counts))
        )
        + '">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" '
        'class="axis"/>',
    ]
    for i, count in enumerate(counts):
        h = usable * count / tallest
        x, y = left + i * bar, height - bottom - h
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" '
            f'class="bar"><title>{i / BINS:.1f}–{(i + 1) / BINS:.1f}: {count} {unit}</title></rect>'
        )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" class="count">{count}</text>')
    for i in range(0, BINS + 1, 2):
        x = left + i * bar
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" class="tick">{i / BINS:.1f}</text>'
        )
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height - 6}" class="label">score ({escape(unit)} '
        f"per bin of {1 / BINS:.1f})</text></svg>"
    )
    return "".join(parts)


def _counts_table(report: Report) -> str:
    l1, l2 = report.langs

    def per(frame: pl.DataFrame | None, column: str) -> str:
        if frame is None or column not in frame.columns or frame.is_empty():
            return ""
        counts = frame.group_by(column).len().sort(column).iter_rows()
        return ", ".join(f"{escape(str(value))}: {n:,}" for value, n in counts)

    sentences = report.sentences
    boilerplate = int(sentences["is_boilerplate"].sum()) if sentences is not None else 0
    details = {
        "documents": per(report.documents, "lang"),
        "sentences": per(sentences, "lang")
        + (f" ({boilerplate:,} boilerplate, never aligned)" if sentences is not None else ""),
        "sentence_pairs": "kinds " + per(report.pairs, "kind"),
        "word_alignments": f"{report.n_links:,} word links",
        "glossary": f"type {per(report.glossary, 'type')}; status {per(report.glossary, 'status')}",
    }
    rows = "".join(
        f"<tr><th scope='row'>{config}</th><td class='num'>{report.rows[config]:,}</td>"
        f"<td>{details[config]}</td></tr>"
        for config in details
    )
    return (
        f"<table class='counts'><caption>Rows per config ({l1}–{l2})</caption><thead><tr>"
        "<th scope='col'>config</th><th scope='col'>rows</th><th scope='col'>breakdown</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _doc_pairs_table(report: Report, limit: int) -> str:
    l1, l2 = report.langs
    titles = report.data["titles"]
    grouped = (
        report.pairs.group_by(f"{l1}_doc_id", f"{l2}_doc_id")
        .agg(pl.len().alias("n"), pl.col("score").mean().alias("mean"))
        .sort(["n", f"{l1}_doc_id", f"{l2}_doc_id"], descending=[True, False, False])
    )

    def doc(doc_id: str) -> str:
        title = titles.get(doc_id)
        name = f"<code>{escape(doc_id)}</code>"
        return f"{name} {escape(title)}" if title else name

    rows = "".join(
        f"<tr><td>{doc(d1)}</td><td>{doc(d2)}</td><td class='num'>{n:,}</td>"
        f"<td class='num'>{mean:.3f}</td></tr>"
        for d1, d2, n, mean in grouped.head(limit).iter_rows()
    )
    more = grouped.height - min(grouped.height, limit)
    note = f"<p class='note'>…and {more:,} more document pairs.</p>" if more else ""
    return (
        f"<table class='docpairs'><caption>Sentence pairs per document pair "
        f"({grouped.height:,} document pairs)</caption><thead><tr>"
        f"<th scope='col'>{l1} document</th>"
        f"<th scope='col'>{l2} document</th><th scope='col'>pairs</th>"
        f"<th scope='col'>mean score</th></tr></thead><tbody>{rows}</tbody></table>{note}"
    )


def _bounds_note(report: Report) -> tuple[str, str]:
    data = report.data
    shown_pairs, shown_entries = len(data["pairs"]), len(data["entries"])
    pairs = (
        f"All {shown_pairs:,} sentence pairs are shown."
        if shown_pairs == data["pairsTotal"]
        else f"This page shows {shown_pairs:,} of {data['pairsTotal']:,} sentence pairs, an "
        "evenly spaced sample in document pair order; the rest are in the sentence_pairs config."
    )
    entries = (
        f"All {shown_entries:,} glossary entries are shown."
        if shown_entries == data["entriesTotal"]
        else f"This page shows the {shown_entries:,} highest-scoring of {data['entriesTotal']:,} "
        "glossary entries; look the others up with alinea lookup or in the glossary config."
    )
    lines = f" Concordance: up to {data['lines']} sentences per language and entry."
    return escape(pairs), escape(entries + lines)


def _options(frame: pl.DataFrame, column: str) -> str:
    values = sorted(v for v in frame[column].unique().to_list() if v is not None)
    return "".join(f"<option value='{escape(v)}'>{escape(v)}</option>" for v in values)


def render_report(report: Report, limits: Limits = DEFAULT_LIMITS) -> str:
    """The whole page for ``report``."""
    l1, l2 = report.langs
    name = escape(report.name)
    pairs_note, entries_note = _bounds_note(report)
    pair_scores = report.pairs["score"].cast(pl.Float64).to_list()
    entry_scores = report.glossary["score"].cast(pl.Float64).to_list()
    signature = escape(report.signature or "unknown (no alinea signature in the parquet files)")
    sort_headers = "".join(
        f"<th scope='col' data-sort='{key}'><button type='button'>{label}</button></th>"
        for key, label in (
            (l1, escape(l1)), (l2, escape(l2)), ("type", "type"), ("status", "status"),
            ("score", "score"), (f"{l1}_freq", f"{escape(l1)} freq"),
            (f"{l2}_freq", f"{escape(l2)} freq"),
        )
    )  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="generator" content="alinea {escape(__version__)}">
<link rel="icon" href="data:,">
<title>{name} — alinea report</title>
<style>
{asset("report.css")}</style>
</head>
<body>
<a class="skip" href="#glossary">Skip to the glossary</a>
<header>
<h1>{name}</h1>
<p>alinea dataset report · {escape(l1)}–{escape(l2)}</p>
<nav aria-label="Sections"><ul><li><a href="#summary">Summary</a></li>
<li><a href="#pairs">Sentence pairs</a></li><li><a href="#glossary">Glossary</a></li></ul></nav>
</header>
<main>
<section id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<p>Build signature: <code class="signature">{signature}</code></p>
{_counts_table(report)}
<div class="charts">
<figure>{histogram_svg(pair_scores, "Sentence pair scores", "pairs")}
<figcaption>Sentence pair scores ({len(pair_scores):,} pairs)</figcaption></figure>
<figure>{histogram_svg(entry_scores, "Glossary confidence", "entries")}
<figcaption>Glossary confidence ({len(entry_scores):,} entries)</figcaption></figure>
</div>
{_doc_pairs_table(report, limits.doc_pairs)}
<p class="note">{pairs_note} {entries_note}</p>
</section>
<section id="pairs" aria-labelledby="pairs-title">
<h2 id="pairs-title">Sentence pairs</h2>
<p class="note">{pairs_note} Point at a word to mark the words it is linked to (its tooltip
names them); each pair lists all its links, with their scores, under “word links”.</p>
<div id="pairs-list"></div>
<nav class="pager" id="pairs-pager" aria-label="Pages of sentence pairs"></nav>
</section>
<section id="glossary" aria-labelledby="glossary-title">
<h2 id="glossary-title">Glossary</h2>
<p class="note">{entries_note} The filter matches both languages and the variants, ignoring
case and accents; ↓ in the filter moves to the table, ↑/↓ move between entries, Enter opens one.
</p>
<form class="filters" role="search" action="#">
<label for="filter">Filter</label>
<input id="filter" type="search" autocomplete="off" placeholder="a term in {escape(l1)} or {escape(l2)}">
<label for="type-filter">Type</label>
<select id="type-filter"><option value="">all</option>{_options(report.glossary, "type")}</select>
<label for="status-filter">Status</label>
<select id="status-filter"><option value="">all</option>{_options(report.glossary, "status")}</select>
</form>
<p id="glossary-count" aria-live="polite"></p>
<table id="glossary-table"><caption class="visually-hidden">Glossary entries</caption>
<thead><tr><th scope="col"><span class="visually-hidden">open</span></th>{sort_headers}</tr></thead>
<tbody></tbody></table>
<nav class="pager" id="glossary-pager" aria-label="Pages of glossary entries"></nav>
</section>
</main>
<noscript><p>The sentence pairs and the glossary need JavaScript; the summary above does not.</p></noscript>
<script type="application/json" id="report-data">{script_json(report.data)}</script>
<script>
{asset("report.js")}</script>
</body>
</html>
"""  # noqa: E501


def write_report(folder: Path, out: Path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Write the report of the dataset ``folder`` to ``out`` (a temporary file renamed into
    place: never half-written).

    Raises:
        InputError: the folder is not a readable dataset.
        OutputError: ``out`` cannot be written.
    """
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give the report's file name (e.g. report.html)")
    report = load_report(folder, limits)
    page = render_report(report, limits)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(page)
            os.chmod(temporary, 0o644)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise OutputError(f"{out}: could not write the report ({err})") from err
    return report
