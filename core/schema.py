"""The published configs, declared once: column names and types are public API.

Each config is a tuple of :class:`Column`. From that one declaration come the polars schema the
stages are checked against, the Arrow schema of the parquet files, and the ``features`` of the
dataset card (the Hugging Face ``datasets`` YAML form). Configs whose columns depend on the
language pair (``sentence_pairs``, ``word_alignments``, ``glossary``) are functions of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from alinea.errors import SchemaError


@dataclass(frozen=True)
class Value:
    """A scalar: ``string``, ``bool``, ``int32``, ``int64`` or ``float32``."""

    dtype: str


@dataclass(frozen=True)
class ListOf:
    """A variable-length list of one element type."""

    item: DType


@dataclass(frozen=True)
class Translation:
    """One text per language, keyed by language code (``datasets.Translation``)."""

    languages: tuple[str, ...]


DType = Value | ListOf | Translation


@dataclass(frozen=True)
class Column:
    """One column of a published config."""

    name: str
    dtype: DType
    doc: str


Schema = tuple[Column, ...]

STRING, BOOL, INT32, FLOAT32 = Value("string"), Value("bool"), Value("int32"), Value("float32")

_ARROW_SCALARS: dict[str, pa.DataType] = {
    "string": pa.string(),
    "bool": pa.bool_(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float32": pa.float32(),
}
_POLARS_SCALARS: dict[str, pl.DataType] = {
    "string": pl.String(),
    "bool": pl.Boolean(),
    "int32": pl.Int32(),
    "int64": pl.Int64(),
    "float32": pl.Float32(),
}

DOCUMENTS: Schema = (
    Column("doc_id", STRING, "stable id: file stem, or the .jsonl `id` (else `<stem>-<line>`)"),
    Column("lang", STRING, "ISO 639-1 code detected by lingua"),
    Column(
        "lang_confidence",
        FLOAT32,
        "lingua's confidence in `lang` (1.0 when the input declares `lang`)",
    ),
    Column("source", STRING, "input file, relative to the input argument's parent"),
    Column("title", STRING, "title (.md heading or .jsonl `title`), else null"),
    Column("url", STRING, "source address (.jsonl `url`), else null"),
    Column("date", STRING, "publication date (.jsonl `date`), else null"),
    Column("text", STRING, "kept paragraphs joined by newlines; sentence offsets point here"),
    Column("n_paragraphs", INT32, "paragraphs kept"),
    Column(
        "boilerplate_paragraphs", ListOf(INT32), "indexes of the paragraphs flagged as boilerplate"
    ),
    Column(
        "foreign_paragraphs",
        ListOf(INT32),
        "indexes of the paragraphs in another language than the document's: the build's "
        "other language or a third one (kept, never aligned)",
    ),
    Column(
        "foreign_langs",
        ListOf(STRING),
        "language of each paragraph of `foreign_paragraphs`, in the same order (ISO 639-1; "
        "`und` for another script lingua cannot name)",
    ),
    Column("dropped_blank", INT32, "blank lines dropped"),
    Column("dropped_duplicate", INT32, "exact duplicate paragraphs dropped"),
)

SENTENCES: Schema = (
    Column("sent_id", STRING, "`<doc_id>:<idx>`"),
    Column("doc_id", STRING, "document the sentence belongs to"),
    Column(
        "lang",
        STRING,
        "language of the sentence: its document's, or in a paragraph of "
        "`documents.foreign_paragraphs` that paragraph's `foreign_langs` (such sentences are "
        "never aligned)",
    ),
    Column("para", INT32, "paragraph index within the document"),
    Column("idx", INT32, "sentence index within the document"),
    Column("text", STRING, "the sentence, equal to `document.text[start:end]`"),
    Column("start", INT32, "character offset of the first character in the document text"),
    Column("end", INT32, "character offset one past the last character"),
    Column("is_boilerplate", BOOL, "cross-link or credit line; kept, never aligned or mined"),
)


def sentence_pairs_schema(l1: str, l2: str) -> Schema:
    """Columns of the ``sentence_pairs`` config for the language pair ``l1``-``l2``."""
    return (
        Column("pair_id", STRING, "stable id of the pair"),
        Column("translation", Translation((l1, l2)), "the two sides' texts keyed by language"),
        Column(f"{l1}_doc_id", STRING, f"{l1} document"),
        Column(f"{l2}_doc_id", STRING, f"{l2} document"),
        Column(f"{l1}_sent_ids", ListOf(STRING), f"{l1} sentences joined into this side"),
        Column(f"{l2}_sent_ids", ListOf(STRING), f"{l2} sentences joined into this side"),
        Column("score", FLOAT32, "calibrated score in [0, 1]"),
        Column("kind", STRING, "bead shape: `1-1`, `1-2`, `2-1`, ..."),
        Column("method", STRING, "versioned method id"),
    )


def word_alignments_schema(l1: str, l2: str) -> Schema:
    """Columns of the ``word_alignments`` config for the language pair ``l1``-``l2``."""
    return (
        Column("pair_id", STRING, "sentence pair the links belong to"),
        Column(f"{l1}_tokens", ListOf(STRING), f"{l1} tokens"),
        Column(f"{l2}_tokens", ListOf(STRING), f"{l2} tokens"),
        Column("links", ListOf(ListOf(INT32)), f"`[i, j]`: {l1} token i is linked to {l2} token j"),
        Column("link_scores", ListOf(FLOAT32), "one score in [0, 1] per link"),
        Column("method", STRING, "versioned method id"),
    )


def glossary_schema(l1: str, l2: str) -> Schema:
    """Columns of the ``glossary`` config for the language pair ``l1``-``l2``."""
    per_lang: list[Column] = []
    for lang in (l1, l2):
        per_lang += [
            Column(f"{lang}_variants", ListOf(STRING), f"other {lang} forms of the term"),
            Column(f"{lang}_freq", INT32, f"occurrences in {lang} sentences"),
            Column(f"{lang}_docs", INT32, f"{lang} documents containing the term"),
            Column(f"{lang}_example", STRING, f"a {lang} sentence containing the term"),
            Column(f"{lang}_example_sent_id", STRING, f"id of that {lang} sentence"),
        ]
    return (
        Column("term_id", STRING, "stable id of the concept"),
        Column(l1, STRING, f"preferred {l1} term (null when unpaired on this side)"),
        Column(l2, STRING, f"preferred {l2} term (null when unpaired on this side)"),
        Column("type", STRING, "`term`, `acronym` or `name`"),
        Column(
            "status",
            STRING,
            "`paired`, `candidate` (both sides, calibrated confidence below the threshold or "
            "not a term, such as a verb form or a plain word: a best guess, not in the "
            "translator exports by default), `unpaired` (one side only) "
            "or `reviewed` (kept by a translator's decision, `alinea build --decisions`)",
        ),
        *per_lang,
        Column("score", FLOAT32, "termhood times calibrated pairing confidence, in [0, 1]"),
    )


CONFIG_SCHEMAS: dict[str, Callable[[str, str], Schema]] = {
    "documents": lambda l1, l2: DOCUMENTS,
    "sentences": lambda l1, l2: SENTENCES,
    "sentence_pairs": sentence_pairs_schema,
    "word_alignments": word_alignments_schema,
    "glossary": glossary_schema,
}


def arrow_type(dtype: DType) -> pa.DataType:
    """The Arrow type ``datasets`` uses for ``dtype``."""
    if isinstance(dtype, Value):
        return _ARROW_SCALARS[dtype.dtype]
    if isinstance(dtype, ListOf):
        return pa.list_(arrow_type(dtype.item))
    return pa.struct([(lang, pa.string()) for lang in sorted(dtype.languages)])


def polars_type(dtype: DType) -> pl.DataType:
    """The polars type a stage's frame holds for ``dtype``."""
    if isinstance(dtype, Value):
        return _POLARS_SCALARS[dtype.dtype]
    if isinstance(dtype, ListOf):
        return pl.List(polars_type(dtype.item))
    return pl.Struct([pl.Field(lang, pl.String()) for lang in sorted(dtype.languages)])


def arrow_schema(schema: Schema) -> pa.Schema:
    """Arrow schema for a config, in declaration order."""
    return pa.schema([pa.field(c.name, arrow_type(c.dtype)) for c in schema])


def polars_schema(schema: Schema) -> pl.Schema:
    """polars schema for a config, in declaration order."""
    return pl.Schema([(c.name, polars_type(c.dtype)) for c in schema])


def _feature_yaml(dtype: DType) -> Any:
    if isinstance(dtype, Value):
        return dtype.dtype
    if isinstance(dtype, ListOf):
        return {"list": _feature_yaml(dtype.item)}
    return {"translation": {"languages": list(dtype.languages)}}


def features_yaml(schema: Schema) -> list[dict[str, Any]]:
    """The ``dataset_info.features`` list of a dataset card, as ``datasets`` writes it."""
    return [
        {"name": c.name, "list": _feature_yaml(c.dtype.item)}
        if isinstance(c.dtype, ListOf)
        else {"name": c.name, "dtype": _feature_yaml(c.dtype)}
        for c in schema
    ]


def features_json(schema: Schema) -> str:
    """The ``huggingface`` key-value metadata of a parquet file: the features, for ``datasets``."""

    def encode(dtype: DType) -> dict[str, Any]:
        if isinstance(dtype, Value):
            return {"dtype": dtype.dtype, "_type": "Value"}
        if isinstance(dtype, ListOf):
            return {"feature": encode(dtype.item), "_type": "List"}
        return {"languages": list(dtype.languages), "_type": "Translation"}

    features = {c.name: encode(c.dtype) for c in schema}
    return json.dumps({"info": {"features": features}}, separators=(",", ":"))


def check_frame(frame: pl.DataFrame, schema: Schema, stage: str) -> pl.DataFrame:
    """Raise :class:`SchemaError` unless ``frame`` has exactly the declared columns and types.

    Args:
        frame: the frame a stage produced.
        schema: the declared columns.
        stage: the stage's name, for the message.

    Returns:
        The frame, unchanged, so the check can be chained.
    """
    expected = polars_schema(schema)
    if frame.schema != expected:
        found = ", ".join(f"{n}: {t}" for n, t in frame.schema.items())
        wanted = ", ".join(f"{n}: {t}" for n, t in expected.items())
        raise SchemaError(f"stage {stage!r} produced columns ({found}); expected ({wanted})")
    return frame


def to_arrow_table(frame: pl.DataFrame, schema: Schema) -> pa.Table:
    """Convert a checked frame to an Arrow table with the declared (``datasets``) types."""
    table = frame.to_arrow()
    return table.cast(arrow_schema(schema))


def column_names(schema: Sequence[Column]) -> list[str]:
    """Names of a config's columns in order."""
    return [c.name for c in schema]
