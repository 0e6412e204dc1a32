"""Lexical priors: the ones shipped with alinea (``prior.<l1>-<l2>.npz`` beside this module),
learned from CC0 text only (``prior.pt-es.npz`` from the TICO-19 test set, pt_BR and es_LA,
rebuilt by ``scripts/build_word_prior.py``), or a file the user wrote with ``alinea wordprior``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from alinea.align.words.bitext import load_prior
from alinea.align.words.translation import AlignmentModel, LexicalCounts, TokenPair

HERE = Path(__file__).parent
SHIPPED = "shipped"  # the prior option that names the package's own prior for the pair


def prior_file(spec: str | None, src_lang: str, tgt_lang: str) -> Path | None:
    """The prior file ``spec`` names for this language pair: ``shipped`` (either orientation;
    None when alinea ships none), a path, or None."""
    if spec is None:
        return None
    if spec != SHIPPED:
        return Path(spec)
    for pair in (f"{src_lang}-{tgt_lang}", f"{tgt_lang}-{src_lang}"):
        path = HERE / f"prior.{pair}.npz"
        if path.is_file():
            return path
    return None


def prior_id(path: Path) -> str:
    """A prior's identity in signatures: its name and a digest of its bytes."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    return f"{path.stem}.sha-{digest}"


def read_prior(
    spec: str | None, src_lang: str, tgt_lang: str
) -> tuple[LexicalCounts, LexicalCounts] | None:
    """The counts of the prior ``spec`` names (:func:`prior_file`), oriented ``src -> tgt``."""
    path = prior_file(spec, src_lang, tgt_lang)
    return load_prior(path, src_lang, tgt_lang) if path else None


def learn_prior(
    pairs: Sequence[TokenPair], langs: tuple[str, str], min_count: float = 0.5
) -> tuple[LexicalCounts, LexicalCounts]:
    """Both directions' expected counts on a parallel corpus (``alinea wordprior``), entries
    below ``min_count`` dropped."""
    return AlignmentModel(*langs).fit(pairs).counts(min_count)
