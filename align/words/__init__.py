"""Word alignment of sentence pairs (HMM by agreement + orthography, simalign's matching)."""

from alinea.align.words.aligner import WordAlignConfig, WordAligner, WordAlignment
from alinea.align.words.translation import AlignmentModel, LexicalCounts, TranslationConfig

__all__ = [
    "AlignmentModel",
    "LexicalCounts",
    "TranslationConfig",
    "WordAlignConfig",
    "WordAligner",
    "WordAlignment",
]
