"""Why parallel mode made each bead: the terms of its cost on the aligner's best path.

Parallel mode keeps no calibrated features: it picks the monotonic path of beads whose summed
cost is least (:mod:`alinea.align.parallel`). A bead with both sides costs its mean side size
times its dissimilarity (the weighted, baseline-normalised ``1 - cos`` of each evidence:
lexical, and neural with an encoder), plus a length term and a merge term
(:meth:`alinea.align.spans.Scorer.terms`); a sentence left alone (a 1-0 or 0-1 bead) costs
``skip_cost``. :func:`explain_path` gives those terms for every bead of the path the aligner
chose (the path is not searched again).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from alinea.align.beads import Bead
from alinea.align.parallel import METHOD_ID, ParallelConfig, Shape, path_beads
from alinea.align.spans import Scorer

EVIDENCE = ("lexical", "neural")  # the scorer's features, in order
DIGITS = 4


@dataclass(frozen=True)
class BeadCost:
    """One bead of the path and the terms of its cost.

    Attributes:
        bead: the bead (its score as :func:`alinea.align.parallel.align_parallel` gives it).
        evidence: per evidence, its ``weight``, ``cos``, random ``baseline`` and weighted
            normalised ``dissimilarity`` (empty for a lone sentence).
        terms: ``dissimilarity`` (the evidence's sum), ``similarity_cost``, ``length_cost`` and
            ``merge_cost`` (empty for a lone sentence).
        cost: the bead's cost on the path (the three costs' sum, or ``skip_cost``).
        skip_cost: what leaving a sentence alone costs.
    """

    bead: Bead
    cost: float
    skip_cost: float
    evidence: dict[str, dict[str, float]] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """``on_best_path`` for a pair; ``deletion`` / ``insertion`` for a lone source / target
        sentence (cheaper left alone than in any bead of a cheaper path)."""
        if self.bead.src and self.bead.tgt:
            return "on_best_path"
        return "deletion" if self.bead.src else "insertion"

    def as_json(self) -> dict[str, object]:
        """The JSON form (floats rounded to :data:`DIGITS` decimals)."""
        out: dict[str, object] = {
            "decision": "kept" if self.reason == "on_best_path" else "dropped",
            "reason": self.reason,
            "method": METHOD_ID,
            "shape": self.bead.kind,
        }
        if self.evidence:
            out["evidence"] = {
                name: {key: round(value, DIGITS) for key, value in parts.items()}
                for name, parts in self.evidence.items()
            }
        out |= {key: round(value, DIGITS) for key, value in self.terms.items()}
        out |= {"cost": round(self.cost, DIGITS), "skip_cost": self.skip_cost}
        out["score"] = round(self.bead.score, DIGITS)
        return out


def explain_path(path: list[Shape], scorer: Scorer, config: ParallelConfig) -> list[BeadCost]:
    """The beads of ``path`` (:func:`alinea.align.parallel.best_path`), in order, each with
    the terms of its cost under ``scorer``."""
    beads = path_beads(path, scorer)
    out = []
    for bead in beads:
        a, b = len(bead.src), len(bead.tgt)
        if not a or not b:
            out.append(BeadCost(bead, config.skip_cost, config.skip_cost))
            continue
        s, t = np.array(bead.src[:1]), np.array(bead.tgt[:1])
        parts = scorer.terms(scorer.dots(s, a, t, b), s, a, t, b)
        evidence = {
            name: {
                "weight": weight,
                "cos": float(parts[f"cos_{k}"][0]),
                "baseline": float(parts[f"baseline_{k}"][0]),
                "dissimilarity": float(parts[f"dissimilarity_{k}"][0]),
            }
            for k, (name, weight) in enumerate(zip(EVIDENCE, scorer.weights, strict=False))
        }
        names = ("dissimilarity", "similarity_cost", "length_cost", "merge_cost")
        terms = {name: float(parts[name][0]) for name in names}
        cost = terms["similarity_cost"] + terms["length_cost"] + terms["merge_cost"]
        out.append(BeadCost(bead, cost, config.skip_cost, evidence, terms))
    return out
