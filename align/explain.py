"""Why comparable mode kept or dropped a pair: each feature's share of the calibrated score.

A candidate's probability is ``sigmoid(logit)`` with ``logit = bias + sum_i w_i * (x_i -
mean_i) / scale_i`` (:class:`alinea.align.calibration.Logistic`); the terms of that sum are the
features' contributions. :func:`explain` reads what selection computed (a
:class:`alinea.align.mining.Decision`: the candidates, their final probabilities, the threshold
and the pairs chosen) and explains every pair it emitted and, for each source sentence left
without a pair, its best candidate and why it lost: below the threshold, its target taken by a
better pair, or no candidate left (none retrieved, or each one pruned because its target had
enough better candidates to be taken in any case, :func:`alinea.align.pair_features.winnable`).
Nothing is selected a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alinea.align.beads import Bead
from alinea.align.calibration import Logistic
from alinea.align.mining import Decision, MiningConfig

DIGITS = 4  # decimals of the floats in the JSON form (the score's)


@dataclass(frozen=True)
class Term:
    """One feature's share of a logit: its raw value, standardised value, weight and
    contribution ``weight * standard``."""

    name: str
    value: float
    standard: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Explanation:
    """Why one candidate pair ``(src, tgt)`` (sentence indexes) was kept or dropped.

    Attributes:
        src: the source sentence the candidate pairs (None: a target sentence without any
            candidate).
        tgt: its target sentence (None: a source sentence without any candidate).
        decision: ``kept`` or ``dropped``.
        reason: ``selected``, ``below_threshold``, ``target_taken``, ``source_taken`` or
            ``no_candidate``.
        calibration: version of the calibration in effect.
        threshold: the threshold in effect.
        model: the model that gave the probability (``lexical``, ``lexical_large``, ``neural``;
            prefixed ``lexicon.`` for the second pass's models, :mod:`alinea.align.lexicon`).
        terms: each feature of the model, in its order.
        bias: the model's bias.
        logit: the logit as the model computes it (``bias`` plus the contributions).
        probability: the probability selection used.
        lexical_probability: for a candidate the encoder rescored, its lexical probability.
        taken_by: for ``target_taken`` (``source_taken``), the emitted bead that holds the
            target (source).
        bead: for ``kept``, the emitted bead (the candidate, or a 1-2 / 2-1 grown from it).
        side: the sentence a dropped line explains, ``src`` or ``tgt`` (a target sentence
            left without a pair, by its best candidate).
    """

    src: int | None
    tgt: int | None
    decision: str
    reason: str
    calibration: str
    threshold: float
    model: str | None = None
    terms: tuple[Term, ...] = ()
    bias: float = 0.0
    logit: float = 0.0
    probability: float = 0.0
    lexical_probability: float | None = None
    taken_by: Bead | None = None
    bead: Bead | None = None
    side: str = "src"

    @property
    def order(self) -> tuple[int, tuple[int, ...], int]:
        """Where the explanation comes in the output: by its first source sentence, then the
        target sentences' lines by target sentence."""
        if self.side == "tgt":
            return (1, (-1 if self.tgt is None else self.tgt,), 0)
        first = self.bead.src if self.bead else (-1 if self.src is None else self.src,)
        return (0, first, -1 if self.tgt is None else self.tgt)

    def as_json(self, src_ids: Sequence[int], tgt_ids: Sequence[int]) -> dict[str, object]:
        """The JSON form, sentences named by their ids ``src_ids[i]`` / ``tgt_ids[j]``."""
        out: dict[str, object] = {
            "decision": self.decision,
            "reason": self.reason,
            "calibration": self.calibration,
            "threshold": self.threshold,
            "side": "pair" if self.decision == "kept" else self.side,
        }
        if self.src is None or self.tgt is None:
            return out
        out["pair"] = [src_ids[self.src], tgt_ids[self.tgt]]
        out["model"] = self.model
        out["features"] = {
            t.name: {
                "value": _round(t.value),
                "standard": _round(t.standard),
                "weight": _round(t.weight),
                "contribution": _round(t.contribution),
            }
            for t in self.terms
        }
        out |= {"bias": _round(self.bias), "logit": _round(self.logit)}
        out["probability"] = _round(self.probability)
        if self.lexical_probability is not None:
            out["lexical_probability"] = _round(self.lexical_probability)
        if self.taken_by is not None:
            bead = self.taken_by
            out["taken_by"] = {
                "src_ids": [src_ids[i] for i in bead.src],
                "tgt_ids": [tgt_ids[j] for j in bead.tgt],
                "score": _round(bead.score),
            }
        return out


def _round(value: float) -> float:
    return round(float(value), DIGITS)


def terms(model: Logistic, columns: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate (row) and feature (column, in ``model.features`` order): the standardised
    value and its contribution to the logit (the model's own standardisation)."""
    standard = model.standardised(columns)
    return standard, standard * np.asarray(model.weights)


def explain(decision: Decision, config: MiningConfig) -> list[Explanation]:
    """Explain every bead of ``decision`` (by the 1-1 candidate it was selected as) and the
    best candidate of every source sentence no bead holds, in source order; then the best
    candidate of every target sentence that neither a bead nor those lines hold, in target
    order.

    Args:
        decision: what selection computed (:func:`alinea.align.mining.decide`).
        config: the mining options it ran with.
    """
    plan, prob = decision.plan, decision.prob
    candidates = plan.candidates
    n, m = len(plan.src), len(plan.tgt)
    models = plan.models  # the first pass's, or the second's (with a learned lexicon)
    prefix = "" if models is config.calibration() else "lexicon."
    # the candidates the encoder's model scored (none without an encoder)
    rescored = plan.subset if decision.neural else np.zeros(0, dtype=np.int64)
    position = np.full(len(prob), -1, dtype=np.int64)  # candidate -> its row in ``rescored``
    position[rescored] = np.arange(len(rescored))
    keys = candidates.src.astype(np.int64) * m + candidates.tgt
    by_key = np.argsort(keys, kind="stable")
    sorted_keys = keys[by_key]
    bead_of_src = {i: bead for bead in decision.beads for i in bead.src}
    bead_of_tgt = {j: bead for bead in decision.beads for j in bead.tgt}
    # (candidate, reason, the bead it became or the one that took its other sentence, side)
    chosen: list[tuple[int, str, Bead | None, str]] = []
    for i, j, _ in decision.pairs:
        at = by_key[np.searchsorted(sorted_keys, i * m + j)]
        chosen.append((int(at), "selected", bead_of_src[i], "src"))
    dropped: list[Explanation] = []
    sides = (
        ("src", candidates.src, candidates.tgt, n, bead_of_src, bead_of_tgt, "target_taken"),
        ("tgt", candidates.tgt, candidates.src, m, bead_of_tgt, bead_of_src, "source_taken"),
    )
    for side, own, other, size, held, held_other, taken_reason in sides:
        shown = set(held)
        if side == "tgt":  # the target sentences the source lines show are explained there
            shown |= {int(candidates.tgt[t]) for t, _, _, _ in chosen}
        order = np.lexsort((other, -prob, own))
        first = order[np.r_[True, np.diff(own[order]) != 0]] if len(order) else order
        best = {int(own[t]): int(t) for t in first}
        for k in range(size):
            if k in shown:
                continue
            if k not in best:
                ends: tuple[int | None, int | None] = (k, None) if side == "src" else (None, k)
                dropped.append(
                    Explanation(
                        src=ends[0],
                        tgt=ends[1],
                        decision="dropped",
                        reason="no_candidate",
                        calibration=models.version,
                        threshold=decision.threshold,
                        side=side,
                    )
                )
                continue
            t = best[k]
            if prob[t] < decision.threshold:
                chosen.append((t, "below_threshold", None, side))
            else:
                chosen.append((t, taken_reason, held_other.get(int(other[t])), side))
    cells = n * m
    lexical_name = "lexical_large" if models.lexical_model(cells) is models.large else "lexical"
    lexical_name, neural_name = prefix + lexical_name, prefix + "neural"
    out = dropped
    for group, model, name in (
        ([c for c in chosen if position[c[0]] < 0], models.lexical_model(cells), lexical_name),
        ([c for c in chosen if position[c[0]] >= 0], models.neural, neural_name),
    ):
        if not group:
            continue
        rows = np.array([t for t, _, _, _ in group], dtype=np.int64)
        columns = candidates.subset(rows)
        if name == neural_name:
            columns |= {k: v[position[rows]] for k, v in decision.neural.items()}
        standard, share = terms(model, columns)
        logit = model.logit(columns)
        for k, (t, reason, taken, side) in enumerate(group):
            i = int(candidates.src[t])
            values = tuple(
                Term(f, float(columns[f][k]), float(standard[k, c]), w, float(share[k, c]))
                for c, (f, w) in enumerate(zip(model.features, model.weights, strict=True))
            )
            out.append(
                Explanation(
                    src=i,
                    tgt=int(candidates.tgt[t]),
                    decision="kept" if reason == "selected" else "dropped",
                    reason=reason,
                    calibration=models.version,
                    threshold=decision.threshold,
                    model=name,
                    terms=values,
                    bias=model.bias,
                    logit=float(logit[k]),
                    probability=float(prob[t]),
                    lexical_probability=float(plan.prob[t]) if name == neural_name else None,
                    taken_by=None if reason in ("selected", "below_threshold") else taken,
                    bead=taken if reason == "selected" else None,
                    side=side,
                )
            )
    return sorted(out, key=lambda e: e.order)
