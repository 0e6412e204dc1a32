"""The IBM Model 1 E-step (Brown et al. 1993): lexical translation only, no positions.

Every target token comes from one of the source tokens or NULL with probability proportional
to ``t(f | e)``, so a cell's posterior is its table entry divided by the sum over its row. It
needs no dynamic programming and runs over the whole corpus at once; in the EM loop it
initialises the translation table for the HMM.
"""

from __future__ import annotations

import logging

import numpy as np

from alinea.align.words.table import Parameters, Shard

logger = logging.getLogger(__name__)


class Ibm1:
    """IBM-1 E-step unit (no jump counts)."""

    name = "ibm1"

    def e_step(self, model: Parameters, corpus: Shard) -> tuple[np.ndarray, None]:
        """Posteriors of every cell of ``corpus`` (in ``concat(cells)`` order).

        Args:
            model: the direction's current parameters.
            corpus: training pairs (at least one).

        Returns:
            The posteriors and ``None``: IBM-1 has no jumps to count.
        """
        flat = np.concatenate(corpus.cells)
        widths = np.concatenate([np.full(len(f), len(e)) for e, f in corpus.encoded])
        probs = model.table[flat]
        sums = np.add.reduceat(probs, np.concatenate(([0], np.cumsum(widths)[:-1])))
        return probs / np.repeat(np.maximum(sums, 1e-300), widths), None
