"""Look a term up in a published glossary, with concordance lines from the dataset's sentences.

The query is matched (rapidfuzz ``WRatio``, case- and accent-insensitive) against every preferred
term and variant of both languages; an entry scores its best form. Concordance lines are the
non-boilerplate sentences of each language that contain one of the entry's forms in that
language as whole words (case-insensitive; spaces and hyphens inside a form match either), the
example sentence first, then in document order. Spans are ``[start, end)`` character offsets into
the sentence text, the convention of the ``sentences`` config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from alinea.errors import AlineaError, InputError, InputFormatError, InputNotFoundError, UsageError
from alinea.publish import config_files
from alinea.text import fold, squeeze

MIN_SCORE = 75.0
_SEPARATOR = re.compile(r"(?:\\\s|\\-|-)+")


class NoMatchError(AlineaError, LookupError):
    """No glossary entry is close enough to the query."""


@dataclass(frozen=True)
class Line:
    """One concordance line: a sentence and where the entry's forms occur in it."""

    lang: str
    sent_id: str
    doc_id: str
    text: str
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Hit:
    """A glossary entry that matches the query, with its concordance."""

    entry: dict[str, Any]
    score: float
    form: str
    lang: str
    lines: tuple[Line, ...] = field(default=())


@dataclass(frozen=True)
class Dataset:
    """The parts of a published dataset that lookup reads."""

    langs: tuple[str, str]
    glossary: pl.DataFrame
    sentences: pl.DataFrame | None


def _read(files: list[Path]) -> pl.DataFrame:
    try:
        return pl.concat([pl.read_parquet(f) for f in files], how="vertical")
    except (OSError, pl.exceptions.PolarsError) as err:
        raise InputFormatError(files[0].parent, f"cannot read the parquet files ({err})") from err


def load_dataset(folder: Path) -> Dataset:
    """Read the ``glossary`` config (and ``sentences``, when present) of a dataset folder.

    Raises:
        InputNotFoundError: ``folder`` does not exist.
        InputError: the folder holds no ``glossary`` config, or not a readable one.
    """
    if not folder.is_dir():
        raise InputNotFoundError(folder, "no such dataset folder", "give the folder a build wrote")
    files = config_files(folder, "glossary")
    if not files:
        raise InputError(
            folder, "no glossary config (glossary/*.parquet)", "rebuild the dataset with alinea"
        )
    glossary = _read(files)
    langs = tuple(c.removesuffix("_variants") for c in glossary.columns if c.endswith("_variants"))
    needed = {"term_id", "type", "status", "score"}
    if len(langs) != 2 or not needed | set(langs) <= set(glossary.columns):
        raise InputFormatError(
            files[0], "not a glossary config (no term_id, type, status or language columns)"
        )
    sentence_files = config_files(folder, "sentences")
    sentences = _read(sentence_files) if sentence_files else None
    return Dataset((langs[0], langs[1]), glossary, sentences)


def forms(entry: dict[str, Any], lang: str) -> list[str]:
    """The entry's forms in ``lang``: the preferred term first, then its variants."""
    out: list[str] = []
    for form in [entry[lang], *(entry[f"{lang}_variants"] or [])]:
        if form and form not in out:
            out.append(form)
    return out


def search(dataset: Dataset, query: str, limit: int) -> list[Hit]:
    """The ``limit`` best entries for ``query`` (best form score, then frequency, then id).

    Raises:
        UsageError: the query is empty.
        NoMatchError: no form scores at least :data:`MIN_SCORE`.
    """
    key = fold(squeeze(query))
    if not key:
        raise UsageError("the query is empty; give a term to look up")
    entries = dataset.glossary.to_dicts()
    choices: list[str] = []
    owners: list[tuple[int, str, str]] = []
    for index, entry in enumerate(entries):
        for lang in dataset.langs:
            for form in forms(entry, lang):
                choices.append(fold(form))
                owners.append((index, lang, form))
    best: dict[int, tuple[float, str, str]] = {}
    for _, score, position in process.extract(
        key, choices, scorer=fuzz.WRatio, score_cutoff=MIN_SCORE, limit=None
    ):
        index, lang, form = owners[position]
        score = 100.0 if choices[position] == key else min(float(score), 99.0)
        if index not in best or score > best[index][0]:
            best[index] = (score, form, lang)
    if not best:
        shown = query if len(query) <= 60 else f"{query[:60]}…"  # a pasted page is not echoed
        raise NoMatchError(f"no entry matches {shown!r}; try another spelling or a shorter query")

    def rank(index: int) -> tuple[float, int, str]:
        entry = entries[index]
        freq = sum(entry[f"{lang}_freq"] or 0 for lang in dataset.langs)
        return (-best[index][0], -freq, str(entry["term_id"]))

    chosen = sorted(best, key=rank)[:limit]
    return [Hit(entries[i], best[i][0], best[i][1], best[i][2]) for i in chosen]


def term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern for any of ``terms`` (longest first)."""
    parts = [
        _SEPARATOR.sub(r"[\\s\\-]+", re.escape(t))
        for t in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    ]
    if not parts:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


def spans(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    """Where ``pattern`` occurs in ``text``, as ``(start, end)`` pairs."""
    return tuple(m.span() for m in pattern.finditer(text))


def concordance(dataset: Dataset, entry: dict[str, Any], per_lang: int) -> tuple[Line, ...]:
    """Up to ``per_lang`` sentences per language containing the entry's forms."""
    lines: list[Line] = []
    for lang in dataset.langs:
        pattern = term_pattern(forms(entry, lang))
        if pattern is None or per_lang <= 0:
            continue
        example_id = entry[f"{lang}_example_sent_id"]
        found: list[Line] = []
        if dataset.sentences is not None:
            rows = dataset.sentences.filter(
                (pl.col("lang") == lang) & ~pl.col("is_boilerplate")
            ).sort("doc_id", "idx")
            for row in rows.select("sent_id", "doc_id", "text").iter_rows():
                where = spans(pattern, row[2])
                if where:
                    found.append(Line(lang, row[0], row[1], row[2], where))
        elif entry[f"{lang}_example"]:  # no sentences config: the evidence sentence alone
            text = entry[f"{lang}_example"]
            doc_id = str(example_id or "").rsplit(":", 1)[0]
            found.append(Line(lang, example_id or "", doc_id, text, spans(pattern, text)))
        found.sort(key=lambda line: line.sent_id != example_id)  # stable: example first
        lines += found[:per_lang]
    return tuple(lines)


def lookup_in(dataset: Dataset, query: str, limit: int = 5, per_lang: int = 3) -> list[Hit]:
    """Search a loaded dataset and attach concordance lines to each hit."""
    hits = search(dataset, query, limit)
    return [
        Hit(h.entry, h.score, h.form, h.lang, concordance(dataset, h.entry, per_lang)) for h in hits
    ]


def hit_json(hit: Hit, query: str) -> dict[str, Any]:
    """One hit as plain data: the query, how it matched, the entry, the concordance."""
    entry = dict(hit.entry)
    entry["score"] = round(float(entry["score"]), 4)
    return {
        "query": query,
        "match": {"score": round(hit.score, 1), "form": hit.form, "lang": hit.lang},
        "entry": entry,
        "concordance": [
            {
                "lang": line.lang,
                "sent_id": line.sent_id,
                "doc_id": line.doc_id,
                "text": line.text,
                "spans": [list(span) for span in line.spans],
            }
            for line in hit.lines
        ],
    }


def highlight(text: str, where: tuple[tuple[int, int], ...], style: str = "bold yellow") -> str:
    """``text`` as rich markup with the spans in ``style`` (the rest escaped)."""
    from rich.markup import escape

    out: list[str] = []
    last = 0
    for start, end in where:
        out += [escape(text[last:start]), f"[{style}]", escape(text[start:end]), "[/]"]
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def render(hit: Hit, langs: tuple[str, str]) -> list[str]:
    """The hit as rich markup lines: heading, one line per language, then the concordance."""
    from rich.markup import escape

    entry = hit.entry
    terms = " ↔ ".join(escape(entry[lang] or "—") for lang in langs)
    out = [
        f"[bold]{terms}[/]  [dim]{escape(str(entry['type']))} · {escape(str(entry['status']))}"
        f" · score {float(entry['score']):.2f} · match {hit.score:.0f} on "
        f"{escape(hit.form)} ({hit.lang}) · {escape(str(entry['term_id']))}[/]"
    ]
    for lang in langs:
        others = [v for v in entry[f"{lang}_variants"] or [] if v and v != entry[lang]]
        variants = ", ".join(escape(v) for v in others)
        out.append(
            f"  [cyan]{lang}[/] {escape(entry[lang] or '—')}  "
            f"[dim]{entry[f'{lang}_freq']}x in {entry[f'{lang}_docs']} docs"
            + (f" · variants: {variants}" if variants else "")
            + "[/]"
        )
    for line in hit.lines:
        out.append(
            f"    [cyan]{line.lang}[/] [dim]{escape(line.sent_id)}[/]  "
            + highlight(line.text, line.spans)
        )
    return out
