"""Comparable-mode mining: finds shuffled translations among distractors, calibrated scores,
1-2 merges, the neural rescoring path, and the seed gold."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.align import calibration
from alinea.align.beads import Bead
from alinea.align.embedders import load_encoder
from alinea.align.mining import MiningConfig, mine
from alinea.errors import CalibrationError, ModelNotAvailableError, UsageError

# (pt, es) translations written for these tests
PAIRS = [
    (
        "O presidente russo chegou a Pyongyang na madrugada de quarta-feira.",
        "El presidente ruso llegó a Pyongyang en la madrugada del miércoles.",
    ),
    (
        "Os dois líderes assinaram um tratado de assistência mútua.",
        "Los dos líderes firmaron un tratado de asistencia mutua.",
    ),
    ("A visita é a primeira desde o ano 2000.", "La visita es la primera desde el año 2000."),
    (
        "Kim agradeceu o apoio da Rússia à sua política externa.",
        "Kim agradeció el apoyo de Rusia a su política exterior.",
    ),
    ("O acordo substitui o tratado de 1961.", "El acuerdo sustituye al tratado de 1961."),
    (
        "Seul e Washington manifestaram preocupação com a aproximação.",
        "Seúl y Washington expresaron su preocupación por el acercamiento.",
    ),
    (
        "A cerimónia incluiu uma banda militar e danças sincronizadas.",
        "La ceremonia incluyó una banda militar y bailes sincronizados.",
    ),
    (
        "As sanções da ONU deveriam ser revistas, disse Putin.",
        "Las sanciones de la ONU deberían ser revisadas, dijo Putin.",
    ),
]
PT_ONLY = [
    "O Benfica venceu o campeonato pela quinta vez consecutiva.",
    "Choveu intensamente em Lisboa durante todo o fim de semana.",
    "O preço do café subiu doze por cento em maio.",
]
ES_ONLY = [
    "El museo del Prado abrirá una nueva sala en otoño.",
    "La selección argentina entrenó a puerta cerrada.",
    "Las ventas de coches eléctricos crecieron en marzo.",
]


def comparable_texts() -> tuple[list[str], list[str], set[tuple[int, int]]]:
    """PT side in order with distractors; ES side reversed, two pairs dropped, distractors."""
    kept = PAIRS[:6]
    pt = [p for p, _ in PAIRS] + PT_ONLY
    es = [e for _, e in reversed(kept)] + ES_ONLY
    gold = {(i, len(kept) - 1 - i) for i in range(len(kept))}
    return pt, es, gold


def links(beads: Sequence[Bead]) -> set[tuple[int, int]]:
    return {(i, j) for bead in beads for i in bead.src for j in bead.tgt}


def test_finds_reordered_pairs_among_distractors() -> None:
    pt, es, gold = comparable_texts()
    beads = mine(pt, es)
    assert links(beads) == gold
    assert all(0.0 <= b.score <= 1.0 for b in beads)
    assert beads == sorted(beads)


def test_each_sentence_used_once() -> None:
    pt, es, _ = comparable_texts()
    beads = mine(pt + pt[:2], es)  # duplicated PT sentences compete for one partner
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    assert len(src) == len(set(src)) and len(tgt) == len(set(tgt))


@pytest.mark.parametrize("src, tgt", [([], ["Hola."]), (["Olá."], []), ([], [])])
def test_empty_sides(src: list[str], tgt: list[str]) -> None:
    assert mine(src, tgt) == []


def test_threshold_trades_recall_for_precision() -> None:
    pt, es, gold = comparable_texts()
    found = [links(mine(pt, es, MiningConfig(threshold=t))) for t in (0.0, 0.5, 0.99)]
    assert found[0] >= found[1] >= found[2]  # a higher threshold only removes pairs
    precision_default = len(links(mine(pt, es)) & gold) / max(1, len(links(mine(pt, es))))
    assert precision_default >= 0.95


def test_split_sentence_becomes_one_to_two() -> None:
    pt = [
        "O presidente russo chegou a Pyongyang e foi recebido por Kim com um abraço no aeroporto.",
        "O preço do café subiu doze por cento em maio.",
    ]
    es = [
        "Las ventas de coches eléctricos crecieron en marzo.",
        "El presidente ruso llegó a Pyongyang.",
        "Fue recibido por Kim con un abrazo en el aeropuerto.",
    ]
    # a half pair scores low as a 1-1 candidate (merged beads are not scored yet): low threshold
    beads = mine(pt, es, MiningConfig(threshold=0.05))
    assert [(b.src, b.tgt) for b in beads] == [((0,), (1, 2))]
    assert beads[0].kind == "1-2"


def test_neighbour_sharing_words_is_not_merged() -> None:
    pt = ["Os dois líderes assinaram um tratado de assistência mútua em Pyongyang."]
    es = [
        "Los dos líderes firmaron un tratado de asistencia mutua.",
        "Pyongyang recibió a los líderes con un tratado de fiestas.",  # shares words, adds nothing
    ]
    beads = mine(pt, es, MiningConfig(threshold=0.05))
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,))]
    merged = mine(pt, es, MiningConfig(threshold=0.05, merge_cover=0.0))
    assert [(b.src, b.tgt) for b in merged] == [((0,), (0, 1))]  # what the gate prevents


class OracleEncoder:
    """A stand-in encoder that knows the test's translations: both sides of a pair share one
    axis, every other sentence gets an axis of its own (cosine 1 for translations, 0 else)."""

    method_id = "test-oracle.v1"

    def __init__(self) -> None:
        self.axis = {text: k for k, pair in enumerate(PAIRS) for text in pair}
        for text in PT_ONLY + ES_ONLY:
            self.axis[text] = len(self.axis)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, self.axis[text]] = 1.0
        return vectors


def test_encoder_evidence_is_used_for_uncertain_pairs() -> None:
    pt, es, gold = comparable_texts()
    config = MiningConfig(rescore_band=(0.0, 1.0))  # rescore every best candidate
    beads = mine(pt, es, config, encoder=OracleEncoder())
    assert links(beads) == gold
    assert all(b.score > 0.5 for b in beads)  # the oracle makes every translation certain


def test_missing_model_is_a_clear_error_without_network(tmp_path: Path) -> None:
    with pytest.raises(
        ModelNotAvailableError, match=r"not available locally|needs sentence-transformers"
    ):
        load_encoder(f"st:{tmp_path / 'no-such-model'}")
    with pytest.raises(UsageError):
        load_encoder("labse")


REPO = Path(__file__).resolve().parents[2]


def _seed_predictions(
    dataset: Path,
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], str], set[str]]:
    """Pairs of the seed build (the session's, which equals the committed datasets/) and gold."""
    import polars as pl

    pairs = pl.read_parquet(dataset / "sentence_pairs" / "train.parquet")
    sentences = pl.read_parquet(dataset / "sentences" / "train.parquet")
    boilerplate = set(sentences.filter(pl.col("is_boilerplate"))["sent_id"])
    with (REPO / "tests" / "golden" / "seed_sentence_pairs.tsv").open(encoding="utf-8") as f:
        gold = {
            (r["pt_sent_id"], r["es_sent_id"]): r["grade"]
            for r in csv.DictReader(f, delimiter="\t")
        }
    predicted = {
        (a, b)
        for row in pairs.iter_rows(named=True)
        for a in row["pt_sent_ids"]
        for b in row["es_sent_ids"]
    }
    return predicted, gold, boilerplate


def test_seed_pairs_never_boilerplate_and_mostly_right(seed_build: Path) -> None:
    """The seed pairs against the hand gold (a regression floor; targets below)."""
    predicted, gold, boilerplate = _seed_predictions(seed_build)
    assert not {s for pair in predicted for s in pair} & boilerplate
    assert len(predicted & set(gold)) / len(predicted) >= 0.9, sorted(predicted - set(gold))
    strong = {k for k, grade in gold.items() if grade == "strong"}
    assert len(strong & predicted) >= 9


def test_seed_precision_target(seed_build: Path) -> None:
    predicted, gold, _ = _seed_predictions(seed_build)
    assert len(predicted & set(gold)) / len(predicted) >= 0.95, sorted(predicted - set(gold))


@pytest.mark.xfail(
    strict=True, reason="issue 3 target not met yet: 9 of 11 strong seed pairs found"
)
def test_seed_every_strong_pair_found(seed_build: Path) -> None:
    predicted, gold, _ = _seed_predictions(seed_build)
    strong = {k for k, grade in gold.items() if grade == "strong"}
    assert strong <= predicted, sorted(strong - predicted)


WORDS = ["acordo", "acuerdo", "Putin", "Kim", "tratado", "2024", "mútua", "mutua", "de", "la", "o"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join), max_size=12),
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join), max_size=12),
)
def test_beads_are_in_bounds_and_disjoint(src: list[str], tgt: list[str]) -> None:
    beads = mine(src, tgt, MiningConfig(threshold=0.0))
    src_used = [i for b in beads for i in b.src]
    tgt_used = [j for b in beads for j in b.tgt]
    assert all(0 <= i < len(src) for i in src_used) and all(0 <= j < len(tgt) for j in tgt_used)
    assert len(src_used) == len(set(src_used)) and len(tgt_used) == len(set(tgt_used))
    assert all(0.0 <= b.score <= 1.0 and b.kind in {"1-1", "1-2", "2-1"} for b in beads)
    for bead in beads:  # merged sides are consecutive sentences
        for side in (bead.src, bead.tgt):
            assert list(side) == list(range(side[0], side[0] + len(side)))


def _permuted(model: calibration.Logistic, order: list[int]) -> calibration.Logistic:
    pick = lambda values: tuple(values[k] for k in order)  # noqa: E731
    return calibration.Logistic(
        pick(model.features), pick(model.mean), pick(model.scale), pick(model.weights), model.bias
    )


def test_features_are_stacked_in_the_calibration_files_order() -> None:
    pt, es, _ = comparable_texts()
    shipped = calibration.shipped()
    reverse = list(range(len(shipped.lexical.features)))[::-1]
    models = replace(shipped, lexical=_permuted(shipped.lexical, reverse))
    assert models.lexical.features != shipped.lexical.features
    default = mine(pt, es, MiningConfig(threshold=0.0))
    reordered = mine(pt, es, MiningConfig(threshold=0.0, models=models))
    assert [(b.src, b.tgt, b.score) for b in reordered] == [
        (b.src, b.tgt, b.score) for b in default
    ]


def _drop_last(model: calibration.Logistic) -> calibration.Logistic:
    return calibration.Logistic(
        model.features[:-1], model.mean[:-1], model.scale[:-1], model.weights[:-1], model.bias
    )


def _rename_cos(model: calibration.Logistic) -> calibration.Logistic:
    names = tuple("cosine" if name == "cos" else name for name in model.features)
    return replace(model, features=names)


def _add_unknown(model: calibration.Logistic) -> calibration.Logistic:
    return calibration.Logistic(
        (*model.features, "unknown"),
        (*model.mean, 0.0),
        (*model.scale, 1.0),
        (*model.weights, 1.0),
        model.bias,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_rename_cos, "does not compute (['cosine'])"),
        (_add_unknown, "does not compute (['unknown'])"),
    ],
)
def test_a_calibration_for_other_features_is_an_error(change: Any, message: str) -> None:
    pt, es, _ = comparable_texts()
    shipped = calibration.shipped()
    models = replace(shipped, lexical=change(shipped.lexical))
    with pytest.raises(CalibrationError, match=re.escape(message)):
        mine(pt, es, MiningConfig(models=models))


def test_a_calibration_may_use_only_some_features() -> None:
    """The small-pool model reads fewer columns than the stage computes (the large-pool model
    reads them all); a model without one of its columns' weights still scores."""
    pt, es, _ = comparable_texts()
    shipped = calibration.shipped()
    models = replace(shipped, lexical=_drop_last(shipped.lexical))
    assert "floor_margin" not in models.lexical.features
    assert links(mine(pt, es, MiningConfig(models=models, threshold=0.0)))


def test_large_pools_use_the_large_model_and_threshold() -> None:
    shipped = calibration.shipped()
    assert shipped.large is not None
    cells = shipped.large_cells
    assert shipped.default_threshold(False, cells) == shipped.threshold
    assert shipped.default_threshold(True, cells + 1) == shipped.threshold_large
    assert MiningConfig(threshold=0.5).threshold_in_effect(False, cells + 1) == 0.5


def test_a_calibration_file_with_ragged_parameters_is_refused() -> None:
    data = {
        "features": ["cos", "margin"],
        "mean": [0.0],
        "scale": [1.0],
        "weights": [1.0],
        "bias": 0,
    }
    with pytest.raises(CalibrationError, match="differ in length"):
        calibration.Logistic.from_json(data)
