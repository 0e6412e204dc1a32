"""The EM loop shared by IBM-1 and the HMM, and training by agreement.

:func:`train` runs ``ibm1_iterations`` of IBM-1, then ``hmm_iterations`` of the HMM, over one
direction or two. Each iteration runs every direction's E-step, then an optional hook that may
rewrite the posteriors, then every direction's M-step.

:func:`agree` is that hook for the two directions of one model (Liang, Taskar & Klein 2006):
each token's non-NULL posterior mass is shared in proportion to the product of the two
directions' link posteriors (each direction keeps its own NULL mass), so both M-steps use what
both directions confirm.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from alinea.align.words.base import TranslationConfig
from alinea.align.words.hmm import Hmm
from alinea.align.words.ibm1 import Ibm1
from alinea.align.words.table import Corpus, DirectionModel

logger = logging.getLogger(__name__)

Hook = Callable[[Sequence[Corpus], Sequence[np.ndarray]], list[np.ndarray]]


class EStep(Protocol):
    """An E-step unit: cell posteriors and, if the model has any, expected jump counts."""

    @property
    def name(self) -> str: ...

    def e_step(
        self, model: DirectionModel, corpus: Corpus
    ) -> tuple[np.ndarray, np.ndarray | None]: ...


def train(
    directions: Sequence[tuple[DirectionModel, Corpus]],
    config: TranslationConfig,
    between: Hook | None = None,
) -> None:
    """Train each model on its prepared corpus, IBM-1 first, then the HMM.

    Args:
        directions: the models with their corpora (from ``prepare``); several directions
            must hold the same pairs.
        config: the numbers of IBM-1 and HMM iterations.
        between: called with the corpora and the E-step posteriors of every iteration;
            its posteriors replace them in the M-steps (e.g. :func:`agree`).
    """
    if not all(corpus.cells for _, corpus in directions):  # nothing to learn: the prior alone
        for model, corpus in directions:
            model.m_step(corpus, np.zeros(0), None)
        return
    schedule: list[tuple[EStep, int]] = [
        (Ibm1(), config.ibm1_iterations),
        (Hmm(), config.hmm_iterations),
    ]
    iteration = 0
    for unit, count in schedule:
        for _ in range(count):
            iteration += 1
            start = time.perf_counter()
            steps = [unit.e_step(model, corpus) for model, corpus in directions]
            posts = [post for post, _ in steps]
            if between is not None:
                posts = between([corpus for _, corpus in directions], posts)
            for (model, corpus), post, (_, jumps) in zip(directions, posts, steps, strict=True):
                model.m_step(corpus, post, jumps)
            seconds = time.perf_counter() - start
            logger.debug("EM iteration %d (%s): %.3f s", iteration, unit.name, seconds)


def agree(corpora: Sequence[Corpus], posts: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The agreement hook of a forward and a reverse direction (the same pairs, swapped).

    Args:
        corpora: the forward and the reverse corpus.
        posts: their E-step posteriors, in ``concat(cells)`` order.

    Returns:
        Both directions' posteriors, their links shared by the product of the two.
    """
    fwd, _ = corpora
    post_f, post_r = posts
    out_f = np.empty_like(post_f)
    out_r = np.empty_like(post_r)
    off_f = off_r = 0
    for e, f in fwd.encoded:
        width_i, width_j = len(e) - 1, len(f)
        size_f, size_r = width_j * (width_i + 1), width_i * (width_j + 1)
        pf = post_f[off_f : off_f + size_f].reshape(width_j, width_i + 1)
        pr = post_r[off_r : off_r + size_r].reshape(width_i, width_j + 1)
        links = pf[:, 1:] * pr[:, 1:].T  # (J, I)
        block_f = out_f[off_f : off_f + size_f].reshape(width_j, width_i + 1)
        block_f[:, 0] = pf[:, 0]
        block_f[:, 1:] = _share(links, 1.0 - pf[:, 0], axis=1)
        block_r = out_r[off_r : off_r + size_r].reshape(width_i, width_j + 1)
        block_r[:, 0] = pr[:, 0]
        block_r[:, 1:] = _share(links.T, 1.0 - pr[:, 0], axis=1)
        off_f += size_f
        off_r += size_r
    return [out_f, out_r]


def _share(weights: np.ndarray, mass: np.ndarray, axis: int) -> np.ndarray:
    """``weights`` rescaled along ``axis`` to sum to ``mass`` (zero rows stay zero)."""
    totals = weights.sum(axis=axis, keepdims=True)
    shared: np.ndarray = weights / np.maximum(totals, 1e-300) * np.expand_dims(mass, axis)
    return shared
