"""Sentence segmentation with character offsets: sentencex, then a rule-based repair.

sentencex is fast and mostly right on news, but it cuts inside some PT/ES abbreviations
(``EE.|UU.``, ``p. | ex.``, ``n.|º 5``, ``Aprox. | 20``), leaves stray punctuation as sentences
(``Pyongyang. | .``) and keeps ``etc. Luego`` together. The repair works on *cuts* (offsets where
one sentence ends) rather than on strings, so the spans always cover the text exactly:

0. a cut inside a token (``EE.|UU.``) moves to the end of that token, unless an opening mark
   follows it (``¡Hola!|¿Qué tal?``);
1. a fragment without a letter or digit joins the previous sentence (the next if it is first),
   and a bare list label (``1.``, ``a)``) joins the item it labels;
2. a cut after a known abbreviation that never ends a sentence (``Sr.``, ``p. ex.``, ``n.º``)
   is undone;
3. before an uppercase word, only initials (``J. R. R. Tolkien``, ``George W. Bush``) join;
   abbreviations that may end a sentence (``EE.UU.``, ``etc.``, ``S.A.``, months) do not, and
   such a boundary is added where sentencex missed it;
4. a fragment starting with a lowercase letter joins the previous one unless that ends with a
   bare ``?`` or ``!``; one starting with a digit joins only after an abbreviation or initial
   (``Aprox. 20``), since news sentences do start with numbers (``2020 fue peor.``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any, Literal

import polars as pl
from sentencex import segment

from alinea.config import changed_fields, check_range
from alinea.schema import SENTENCES, check_frame, polars_schema

# v2: a sentence longer than max_sentence_chars is cut at whitespace (v1 kept it whole, so a
# paragraph without punctuation became one sentence of any size)
METHOD_ID = "sentencex-repair.v2"
PLAIN_METHOD_ID = "sentencex.v2"  # without the repair step
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SegmentConfig:
    """How documents become sentences (sentencex plus a repair step).

    Attributes:
        repair: apply the repair rules (module docstring).
        max_sentence_chars: a longer sentence is cut into pieces of at most this many
            characters, at the last whitespace of each piece (a text without punctuation
            would otherwise be one sentence, and every later stage grows with the square of
            a sentence's length). Long news sentences run to ~600 characters.
    """

    repair: bool = True
    max_sentence_chars: int = 2000

    def __post_init__(self) -> None:
        check_range("max_sentence_chars", self.max_sentence_chars, 100)

    def method_id(self) -> str:
        """Versioned id of the segmentation method."""
        return METHOD_ID if self.repair else PLAIN_METHOD_ID

    def signature_fields(self) -> dict[str, object]:
        """The segmentation method (``repair`` is part of the id) and the changed limit."""
        changed = changed_fields("segment", self)
        changed.pop("segment.repair", None)
        return {"segment": self.method_id()} | changed


Kind = Literal["never", "final", "initial"]


def _table(entries: str) -> frozenset[str]:
    return frozenset(e.strip().lower() for e in entries.split(","))


# Abbreviations that never end a sentence (titles, addresses, references), by language; ""
# holds the language-independent ones. Matching is case-insensitive ("Aprox." at a start).
_NEVER_FINAL: dict[str, frozenset[str]] = {
    "": _table(
        "Sr., Sra., Srta., Dr., Dra., Prof., Profa., Av., R., n.º, nº., núm., nro., "
        "p., p. ex., p.ex., i.e., e.g., cf., vs., aprox., pág., págs., pp., vol., cap., art., arts."
    ),
    "pt": _table("Exmo., Exma., Ilmo., Ilma., Sto., Sta., Pça., Gen., Cel., Eng., Dto., Drs."),
    "es": _table(
        "Ud., Uds., Vd., Vds., Sto., Sta., Gral., Excmo., Excma., Avda., Pza., Lic., Ing."
    ),
}
# Abbreviations that may end a sentence: joined before lowercase or a digit, cut before uppercase.
_MAY_END: dict[str, frozenset[str]] = {
    "": _table("etc., S.A., EE.UU., U.S.A., Inc., Ltd."),
    "pt": _table(
        "Lda., Ltda., E.U.A., jan., fev., mar., abr., jun., jul., ago., set., out., nov., dez."
    ),
    "es": _table(
        "Cía., Ltda., S.L., ene., feb., mar., abr., jun., jul., ago., sep., sept., oct., nov., dic."
    ),
}
_OPENERS = "¿¡«“‘([{\"'"  # stripped before looking at a token's first letter
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")  # J.  J.R.R.  (uppercase checked separately)
_DOTTED = re.compile(r"(?:[^\W\d_]+\.){2,}")  # EE.UU.  Ph.D.
_DOUBLED = re.compile(r"([^\W\d_])\1\.")  # EE.  UU.  (spaced plural abbreviation "EE. UU.")
_LINK = re.compile(r"\S*(?:@|://|www\.)")
_LIST_LABEL = re.compile(r"\(?(?:\d{1,3}|[^\W\d_])[.)]")
# every character for which str.isspace() holds, mapped to " " (a test checks the list)
SPACES = dict.fromkeys(
    map(ord, "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"),
    " ",
) | dict.fromkeys(range(0x2000, 0x200B), " ")
SEGMENT_BATCH = 100_000  # sentences turned into a frame at a time


Suffixes = tuple[tuple[int, frozenset[str]], ...]  # (length, abbreviations of that length)


@cache
def _tables(lang: str) -> tuple[Suffixes, Suffixes]:
    """The never-final and may-end abbreviations for ``lang`` (common ones included), grouped
    by length, so that a text's ending is looked up once per length."""
    none: frozenset[str] = frozenset()
    tables = (
        _NEVER_FINAL[""] | _NEVER_FINAL.get(lang, none),
        _MAY_END[""] | _MAY_END.get(lang, none),
    )
    return tuple(
        tuple(
            (n, frozenset(a for a in table if len(a) == n)) for n in sorted({len(a) for a in table})
        )
        for table in tables
    )  # type: ignore[return-value]


def _has_word(fragment: str) -> bool:
    return any(ch.isalnum() for ch in fragment)


def _ends_with(lowered: str, abbreviations: Suffixes) -> bool:
    """``lowered`` ends with one of ``abbreviations`` as a whole word."""
    size = len(lowered)
    for n, table in abbreviations:
        if n > size:
            break
        if lowered[size - n :] in table and (n == size or not lowered[size - n - 1].isalnum()):
            return True
    return False


def _abbreviation(prev: str, lang: str) -> Kind | None:
    """What the text before a cut ends with: an abbreviation of some kind, initials, or neither.

    Args:
        prev: the stripped text before the cut.
        lang: ISO 639-1 code, selecting the abbreviation tables.

    Returns:
        ``"never"`` (never ends a sentence), ``"final"`` (may end one), ``"initial"``, or None.
    """
    tail = prev[-64:]  # abbreviations are short; avoid lowering a whole paragraph per cut
    lowered = tail.lower()
    never, may_end = _tables(lang)
    if _ends_with(lowered, never):
        return "never"
    if _ends_with(lowered, may_end):
        return "final"
    tokens = [t.lstrip(_OPENERS) for t in tail.split()]
    token, before = tokens[-1], (tokens[-2] if len(tokens) > 1 else "")
    if _DOUBLED.fullmatch(token) and token.isupper():  # EE. | UU.: only the second half may end
        return "final" if _DOUBLED.fullmatch(before) else "never"
    if _INITIALS.fullmatch(token) and token.isupper():
        # a lone capital after a lowercase word is more likely "grupo B." than an initial
        lone = len(token) == 2
        if not lone or not before or before[0].isupper() or _INITIALS.fullmatch(before):
            return "initial"
        return None
    if (_DOTTED.fullmatch(token) and token[0].isupper()) or _LINK.match(token):
        return "final"  # EE.UU., Ph.D., and addresses: "Visite www.ex.com. Luego."
    return None


def _joins(prev: str, nxt: str, lang: str) -> bool:
    """Whether the cut between two stripped fragments is a false sentence boundary."""
    if not _has_word(prev) or not _has_word(nxt) or _LIST_LABEL.fullmatch(prev):
        return True
    kind = _abbreviation(prev, lang)
    if kind == "never":
        return True
    first = next(ch for ch in nxt if ch.isalnum())
    if first.islower():
        return prev[-1] not in "?!"  # "«¿Vienes?» preguntó" joins; "¿Vienes? ¿qué?" does not
    if first.isdigit():
        return kind is not None
    return kind == "initial"


def _sentencex_cuts(text: str, lang: str) -> list[int]:
    """End offsets of sentencex's sentences, found by scanning ``text`` forward."""
    # sentencex panics on some non-ASCII spaces ("A\xa0." in 1.0.32): give it plain spaces, one
    # for one so offsets hold; a panic (a BaseException from Rust) leaves the text uncut.
    spaced = text.translate(SPACES)
    try:
        pieces = list(segment(lang, spaced))
    except BaseException as err:
        if type(err).__name__ != "PanicException":
            raise
        logger.warning("sentencex failed on a paragraph (%s); kept it as one piece", err)
        pieces = [spaced]
    cuts: list[int] = []
    pos = 0
    for sentence in pieces:
        piece = str(sentence).strip()
        if not piece:
            continue
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if spaced.startswith(piece, pos):
            pos += len(piece)
        else:  # not verbatim: consume as many non-space characters as the piece holds
            need = sum(not ch.isspace() for ch in piece)
            while pos < len(text) and need > 0:
                need -= 0 if text[pos].isspace() else 1
                pos += 1
        cuts.append(pos)
    return cuts


def _token_end(text: str, cut: int) -> int:
    """Rule 0: move a cut that falls inside a token to the token's end."""
    if cut >= len(text) or text[cut].isspace() or text[cut] in "¿¡«“‘([{":
        return cut
    while cut < len(text) and not text[cut].isspace():
        cut += 1
    return cut


def _missed_cuts(text: str, lang: str) -> list[int]:
    """Rule 3: cuts after an abbreviation that may end a sentence, before an uppercase word."""
    cuts = []
    tokens = list(re.finditer(r"\S+", text))
    for token, following in pairwise(tokens):
        if not (token.group().endswith(".") and following.group().lstrip(_OPENERS)[:1].isupper()):
            continue
        if _abbreviation(text[max(0, token.end() - 64) : token.end()], lang) == "final":
            cuts.append(token.end())
    return cuts


def _repair(text: str, lang: str, cuts: list[int]) -> list[int]:
    candidates = sorted({_token_end(text, c) for c in cuts} | set(_missed_cuts(text, lang)))
    candidates = [c for c in candidates if 0 < c < len(text)]
    kept: list[int] = []
    start = 0
    for i, cut in enumerate(candidates):
        stop = candidates[i + 1] if i + 1 < len(candidates) else len(text)
        prev, nxt = text[start:cut].strip(), text[cut:stop].strip()
        if prev and nxt and not _joins(prev, nxt, lang):
            kept.append(cut)
            start = cut
    return kept


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + len(piece.rstrip())


def split_sentences(
    text: str, lang: str, repair: bool = True, max_chars: int = 2000
) -> list[tuple[int, int]]:
    """Split one paragraph into sentence spans.

    Args:
        text: one paragraph (no newlines).
        lang: ISO 639-1 code; sentencex's rules and the abbreviation tables depend on it.
        repair: apply the repair rules (module docstring) to sentencex's output.
        max_chars: longer sentences are cut into pieces of at most this many characters.

    Returns:
        Spans ``(start, end)``: ``text[start:end]`` is a sentence without surrounding whitespace;
        spans are in order, non-overlapping, non-empty, and cover every non-space character.
    """
    if not text.strip():
        return []
    cuts = _sentencex_cuts(text, lang)
    if repair:
        cuts = _repair(text, lang, cuts)
    spans = (_strip_span(text, a, b) for a, b in pairwise([0, *cuts, len(text)]))
    return [piece for a, b in spans if a < b for piece in _pieces(text, a, b, max_chars)]


def _pieces(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """The span ``[start, end)`` cut into stripped pieces of at most ``max_chars``, each at
    the last whitespace of its window (in the window's second half), else at the limit."""
    while end - start > max_chars:
        limit = start + max_chars
        half = start + max_chars // 2
        space = max(text.rfind(blank, half, limit + 1) for blank in " \t\u00a0")
        cut = space if space > start else limit
        yield _strip_span(text, start, cut)
        start = _strip_span(text, cut, end)[0]
    yield start, end


def segment_documents(
    documents: pl.DataFrame, config: SegmentConfig, langs: tuple[str, str] | None = None
) -> pl.DataFrame:
    """Split every document into sentences with offsets into the document text.

    Args:
        documents: frame with ``doc_id``, ``lang``, ``text`` (paragraphs joined by newlines),
            ``boilerplate_paragraphs`` (indexes of flagged paragraphs, kept whole and unsplit)
            and, optionally, ``foreign_paragraphs`` (indexes of paragraphs in another language,
            split by that language's rules, their sentences in that language) with
            ``foreign_langs`` (their languages; without it, the other one of ``langs``).
        config: the stage configuration (``repair`` toggles the repair step).
        langs: the build's two languages (needed for foreign paragraphs without languages).

    Returns:
        The ``sentences`` frame (:data:`alinea.schema.SENTENCES`), in input document order, then
        sentence index, in one chunk (the batches never show in the published files).
    """
    frames = list(sentence_batches(documents, config, langs=langs))
    frame = pl.concat(frames).rechunk() if len(frames) > 1 else frames[0]
    return check_frame(frame, SENTENCES, "segment")


def sentence_batches(
    documents: pl.DataFrame,
    config: SegmentConfig,
    size: int | None = None,
    langs: tuple[str, str] | None = None,
) -> Iterator[pl.DataFrame]:
    """The ``sentences`` frame in order, as frames of at most ``size`` rows (default
    ``SEGMENT_BATCH``; at least one frame, maybe empty): documents are read one at a time and
    Python objects exist for one batch of sentences at most, whatever the corpus.
    """
    size = size or SEGMENT_BATCH
    schema = polars_schema(SENTENCES)
    batch: dict[str, list[Any]] = {name: [] for name in schema}
    columns = ["doc_id", "lang", "text", "boilerplate_paragraphs"]
    frame = documents.select(columns)
    for name, dtype in (("foreign_paragraphs", pl.Int32()), ("foreign_langs", pl.String())):
        column = documents[name] if name in documents.columns else None
        frame = frame.with_columns(
            column if column is not None else pl.lit(None, dtype=pl.List(dtype)).alias(name)
        )
    made = False
    for doc_id, lang, text, boilerplate, foreign, foreign_langs in frame.iter_rows():
        flags = set(boilerplate or ()), _foreign(lang, foreign, foreign_langs, langs)
        for row in _document_sentences(doc_id, lang, text or "", flags, config):
            for values, value in zip(batch.values(), row, strict=True):
                values.append(value)
            if len(batch["sent_id"]) >= size:
                yield pl.DataFrame(batch, schema=schema)
                made = True
                batch = {name: [] for name in schema}
    if batch["sent_id"] or not made:
        yield pl.DataFrame(batch, schema=schema)


def _foreign(
    lang: str,
    indexes: Sequence[int] | None,
    foreign_langs: Sequence[str] | None,
    langs: tuple[str, str] | None,
) -> dict[int, str]:
    """The language of each paragraph of ``indexes``: its ``foreign_langs`` entry, else (a
    frame without that column) the other one of ``langs``."""
    if not indexes:
        return {}
    if foreign_langs is not None:
        if len(foreign_langs) != len(indexes):
            raise ValueError(f"{len(indexes)} foreign paragraphs but {len(foreign_langs)} langs")
        return dict(zip(indexes, foreign_langs, strict=True))
    if langs is None or lang not in langs:
        raise ValueError(f"foreign paragraphs in a {lang!r} document need the build's langs")
    other = langs[1] if lang == langs[0] else langs[0]
    return dict.fromkeys(indexes, other)


def _document_sentences(
    doc_id: str,
    lang: str,
    text: str,
    flags: tuple[set[int], dict[int, str]],
    config: SegmentConfig,
) -> Iterator[tuple[Any, ...]]:
    """The rows of one document's sentences, in the order of :data:`alinea.schema.SENTENCES`
    (``flags``: the boilerplate paragraphs, the language of each foreign paragraph)."""
    boilerplate, foreign = flags
    offset = idx = 0
    for para, paragraph in enumerate(text.split("\n")):
        flag = para in boilerplate  # a credit line or cross-link stays one unsplit sentence
        in_lang = foreign.get(para, lang)
        if flag:
            spans = [_strip_span(paragraph, 0, len(paragraph))] if paragraph.strip() else []
        else:
            spans = split_sentences(paragraph, in_lang, config.repair, config.max_sentence_chars)
        for start, end in spans:
            a, b = offset + start, offset + end
            yield (f"{doc_id}:{idx}", doc_id, in_lang, para, idx, text[a:b], a, b, flag)
            idx += 1
        offset += len(paragraph) + 1
