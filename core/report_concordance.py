"""Concordance lines for many glossary entries at once, for the HTML report.

The lines are those ``alinea lookup`` prints (:func:`alinea.glossary.lookup.concordance`: the
same forms and whole-word pattern, the non-boilerplate sentences of each language, the example
sentence first, then document order), found through an index of the sentences' lowercased words
(only the words of the entries' forms are kept) instead of one scan of all sentences per entry.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from alinea.glossary.lookup import forms, spans, term_pattern

_WORD = r"\w+"
Spans = tuple[tuple[int, int], ...]

SentenceKey = tuple[int, int, str, str]  # language rank, row, sent_id, text
Line = tuple[SentenceKey, Spans]


class Concordancer:
    """Concordance lines of many entries over one set of sentences: the non-boilerplate
    sentences of each language in document order, with an index of their lowercased words."""

    def __init__(self, sentences: pl.DataFrame | None, langs: tuple[str, str]) -> None:
        self.langs = langs
        self.rows: dict[str, list[tuple[str, str]]] = {lang: [] for lang in langs}
        self.by_id: dict[str, dict[str, int]] = {lang: {} for lang in langs}
        self.words: dict[tuple[str, str], set[int]] = {}
        self.form_words: dict[str, tuple[str, ...]] = {}
        self.has_sentences = sentences is not None
        if sentences is None:
            return
        for lang in langs:
            ordered = sentences.filter((pl.col("lang") == lang) & ~pl.col("is_boilerplate")).sort(
                "doc_id", "idx"
            )
            self.rows[lang] = list(ordered.select("sent_id", "text").iter_rows())
            self.by_id[lang] = {sent_id: n for n, (sent_id, _) in enumerate(self.rows[lang])}

    def _index(self, records: list[dict[str, Any]]) -> None:
        """Postings of the words that occur in the entries' forms (only those are kept)."""
        every = sorted(
            {form for entry in records for lang in self.langs for form in forms(entry, lang)}
        )
        split = pl.Series(every, dtype=pl.String).str.to_lowercase().str.extract_all(_WORD)
        self.form_words = {
            form: tuple(words or ()) for form, words in zip(every, split.to_list(), strict=True)
        }
        wanted = {word for words in self.form_words.values() for word in words}
        for lang in self.langs:
            texts = pl.Series([text for _, text in self.rows[lang]], dtype=pl.String)
            postings = (
                pl.DataFrame({"text": texts})
                .with_row_index("row")
                .select("row", pl.col("text").str.to_lowercase().str.extract_all(_WORD).alias("w"))
                .explode("w")
                .filter(pl.col("w").is_in(sorted(wanted)))
                .group_by("w")
                .agg(pl.col("row").unique())
            )
            for word, found in postings.iter_rows():
                self.words[(lang, word)] = set(found)

    def _candidates(self, lang: str, entry_forms: list[str]) -> list[int]:
        rows: set[int] = set()
        for form in entry_forms:
            words = self.form_words[form]
            if not words:  # nothing to look up: every sentence is a candidate
                return list(range(len(self.rows[lang])))
            sets = sorted((self.words.get((lang, w), set()) for w in words), key=len)
            rows |= set.intersection(*sets)
        return sorted(rows)

    def lines(self, records: list[dict[str, Any]], per_lang: int) -> list[dict[str, list[Line]]]:
        """Per entry and language: up to ``per_lang`` (sentence, spans), as ``alinea lookup``."""
        if self.has_sentences:
            self._index(records)
        out = []
        for entry in records:
            per: dict[str, list[Line]] = {}
            for rank, lang in enumerate(self.langs):
                per[lang] = self._entry_lines(entry, rank, lang, per_lang)
            out.append(per)
        return out

    def _entry_lines(
        self, entry: dict[str, Any], rank: int, lang: str, per_lang: int
    ) -> list[Line]:
        entry_forms = forms(entry, lang)
        pattern = term_pattern(entry_forms)
        if pattern is None or per_lang <= 0:
            return []
        example_id = entry[f"{lang}_example_sent_id"]
        if not self.has_sentences:
            text = entry[f"{lang}_example"]
            return [((rank, 0, example_id or "", text), spans(pattern, text))] if text else []
        rows = self.rows[lang]
        example = self.by_id[lang].get(example_id or "")
        candidates = self._candidates(lang, entry_forms)
        if example is not None:
            candidates = [example, *(row for row in candidates if row != example)]
        found = []
        for row in candidates:
            sent_id, text = rows[row]
            where = spans(pattern, text)
            if where:
                found.append(((rank, row, sent_id, text), where))
                if len(found) == per_lang:
                    break
        return found
