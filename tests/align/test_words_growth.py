"""Word alignment: the prefix back-off of the translation table and link growing."""

from __future__ import annotations

import numpy as np

from alinea.align.words import WordAlignConfig, WordAligner
from alinea.align.words.aligner import grow_links
from alinea.align.words.em import train
from alinea.align.words.hmm import Hmm
from alinea.align.words.table import DirectionModel
from alinea.align.words.translation import TranslationConfig

# "livros" / "novos" occur once, together: only the prefix class of "livros" ("livr", seen with
# "libr" words) tells which of "libros" / "nuevos" translates it.
CORPUS = [
    (["o", "livro"], ["el", "libro"]),
    (["um", "livro"], ["un", "libro"]),
    (["livro", "velho"], ["libro", "viejo"]),
    (["livros", "novos"], ["libros", "nuevos"]),
]


def _posteriors(backoff: float) -> np.ndarray:
    config = TranslationConfig(hmm_iterations=0, cognate_prior=0.0, backoff=backoff)
    model = DirectionModel(config)
    train([(model, model.prepare(CORPUS))], config)
    return Hmm().posteriors(model.parameters(), model.encode_known([CORPUS[-1]]))[
        0
    ]  # (source, target)


def test_a_rare_word_borrows_the_translations_of_its_prefix_class() -> None:
    plain = _posteriors(0.0)
    assert np.isclose(plain[0, 0], plain[1, 0])  # nothing tells the two words apart
    smoothed = _posteriors(4.0)
    assert smoothed[0, 0] > smoothed[1, 0] + 0.2  # "libros" comes from "livros"
    assert smoothed[1, 1] > smoothed[0, 1] + 0.2  # so "nuevos" comes from "novos"


def test_links_grow_along_rows_and_columns_onto_unaligned_tokens() -> None:
    score = np.array(
        [
            [0.9, 0.4, 0.0],  # PT "da" -> ES "de" (chosen), "la" (grown: "la" is unaligned)
            [0.0, 0.35, 0.8],  # "casa" -> "casa"; (1, 1) would link two aligned tokens
            [0.35, 0.0, 0.0],  # two rows below (0, 0): not a neighbour
        ]
    )
    chosen = score >= 0.5
    grown = grow_links(score, chosen, 0.3)
    assert np.argwhere(grown).tolist() == [[0, 0], [0, 1], [1, 2]]
    assert not grow_links(score, chosen, 0.5)[0, 1]  # below the threshold
    assert not grow_links(score, np.zeros_like(chosen), 0.3).any()  # grows from links only


def test_growing_repeats_from_grown_links() -> None:
    score = np.array([[0.9, 0.4, 0.4, 0.0]])
    assert grow_links(score, score >= 0.5, 0.3).tolist() == [[True, True, True, False]]


def test_diagonal_neighbours_do_not_grow() -> None:
    score = np.array([[0.9, 0.0], [0.0, 0.45]])
    chosen = np.array([[True, False], [False, False]])
    assert grow_links(score, chosen, 0.3).sum() == 1


def test_growing_can_be_switched_off() -> None:
    pairs = [(["o", "gato", "verde"], ["el", "gato", "verde"])] * 3
    grown = WordAligner("pt", "es").fit(pairs).align(pairs)[0]
    matched = WordAligner("pt", "es", WordAlignConfig(grow_score=None)).fit(pairs).align(pairs)[0]
    assert set(matched.links) <= set(grown.links)
    assert min(matched.scores) >= WordAlignConfig().min_score
