"""Frozen configuration of each stage; the CLI options map onto these fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alinea.align.sentences import AlignConfig
    from alinea.align.words import WordAlignConfig

MiB = 1024 * 1024


@dataclass(frozen=True)
class IngestConfig:
    """How inputs become documents.

    Attributes:
        langs: the two ISO 639-1 codes to keep; empty means "the two languages found".
        max_file_bytes: a larger file is refused with a clear error rather than read.
        min_lang_confidence: a document whose best language scores below this is skipped.
    """

    langs: tuple[str, ...] = ()
    max_file_bytes: int = 256 * MiB
    min_lang_confidence: float = 0.5


@dataclass(frozen=True)
class SegmentConfig:
    """How documents become sentences (sentencex plus a repair step)."""

    repair: bool = True


def _default_align() -> AlignConfig:
    from alinea.align.sentences import AlignConfig

    return AlignConfig()


def _default_words() -> WordAlignConfig:
    from alinea.align.words.aligner import COMPARABLE_TRANSLATION, WordAlignConfig

    return WordAlignConfig(translation=COMPARABLE_TRANSLATION)


@dataclass(frozen=True)
class BuildConfig:
    """Everything ``alinea build`` needs."""

    name: str
    ingest: IngestConfig = field(default_factory=IngestConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    align: AlignConfig = field(default_factory=_default_align)
    words: WordAlignConfig = field(default_factory=_default_words)
