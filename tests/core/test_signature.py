"""The build signature comes from the stage configs: every output field of every stage changes
it, an unchanged config leaves it byte-identical, and a method id pins its defaults."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from alinea.align import calibration
from alinea.config import output_values, signature_value
from alinea.errors import UsageError
from alinea.glossary import calibration as glossary_calibration
from alinea.glossary.decisions import Decisions
from alinea.pipeline import BuildConfig
from alinea.signature import parse_signature

LANGS = ("pt", "es")
DIGEST = "0123456789abcdef"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "method_defaults.json"
STAGES = ("ingest", "segment", "align", "words", "glossary", "exports")
METHOD_STAGES = STAGES[:-1]  # the exports have no method id: their options show as fields
# fields whose effect the signature shows elsewhere
EXEMPT = {"ingest.langs": "the signature's langs field names the languages in effect"}
# values for fields that a generic change cannot produce (a choice, or a value that must stay valid)
OVERRIDES: dict[str, Any] = {
    "align.mode": "parallel",
    "align.encoder": "st:/models/labse",
    "align.mining.models": dataclasses.replace(calibration.shipped(), version="refit"),
    "align.mining.rescore_band": (0.1, 0.8),
    "align.parallel.shapes": ((0, 1), (1, 0), (1, 1), (1, 2), (2, 1)),
    "words.matching": "match",
    "words.model": "/models/mbert",
    "words.prior": None,
    "glossary.candidates.extra_stopwords": frozenset({"ainda"}),
    "glossary.general_midpoint": None,
    "glossary.decisions": Decisions(("pt", "es"), (), "0123abcd"),
    "glossary.models": dataclasses.replace(glossary_calibration.shipped(), version="refit"),
    "glossary.threshold": 0.97,  # not the default in effect
    "exports.locales": (("pt", "pt-BR"),),
}


def default_signature(config: BuildConfig | None = None) -> str:
    return (config or BuildConfig("ds")).signature(LANGS, DIGEST)


def output_fields() -> list[str]:
    config = BuildConfig("ds")
    return [
        f"{stage}.{name}" for stage in STAGES for name, _ in output_values(getattr(config, stage))
    ]


def test_exempt_fields_are_output_fields_shown_elsewhere() -> None:
    assert set(EXEMPT) <= set(output_fields())
    assert parse_signature(BuildConfig("ds").signature(("es", "gl"), DIGEST))["langs"] == "es,gl"


def changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value / 2 if value else 0.1
    if value is None:
        return 0.5
    raise AssertionError(f"no generic change for {value!r}: add an override")


def with_field(config: Any, dotted: str, value: Any) -> Any:
    head, _, rest = dotted.partition(".")
    inner = with_field(getattr(config, head), rest, value) if rest else value
    return dataclasses.replace(config, **{head: inner})


@pytest.mark.parametrize("field", [f for f in output_fields() if f not in EXEMPT])
def test_every_output_field_changes_the_signature(field: str) -> None:
    base = BuildConfig("ds")
    if field.startswith("align.parallel."):  # parallel options only matter in parallel mode
        base = with_field(base, "align.mode", "parallel")
    current = base
    for part in field.split("."):
        current = getattr(current, part)
    new = OVERRIDES[field] if field in OVERRIDES else changed(current)
    assert signature_value(new) != signature_value(current)
    assert default_signature(with_field(base, field, new)) != default_signature(base)


def test_unchanged_configs_give_the_same_signature() -> None:
    rebuilt = BuildConfig.from_options("ds")  # the CLI's path to the same defaults
    assert default_signature(rebuilt) == default_signature()
    assert default_signature(with_field(rebuilt, "align.mining.k", 4)) == default_signature()


def test_default_signature_names_methods_calibration_prior_and_encoder() -> None:
    fields = parse_signature(default_signature())
    assert list(fields) == [
        "name", "langs", "input", "ingest", "langid", "boilerplate", "segment", "align",
        "calibration", "threshold", "words", "prior", "words.translation.null_prob",
        "glossary", "glossary.calibration", "glossary.threshold", "version",
    ]  # fmt: skip
    assert fields["align"] == "margin-mine.v7+e5small-q4.v1"
    assert fields["calibration"] == calibration.shipped().version
    assert fields["threshold"] == "0.22"
    assert fields["prior"].startswith("prior.pt-es.sha-")
    assert fields["glossary.calibration"] == glossary_calibration.shipped().version
    assert fields["glossary.threshold"] == str(glossary_calibration.shipped().threshold)
    encoder = with_field(BuildConfig("ds"), "align.encoder", "st:/some/path/LaBSE")
    assert parse_signature(default_signature(encoder))["align"] == "margin-mine.v7+st-LaBSE.v1"


@pytest.mark.parametrize(
    ("locales", "shown"),
    [
        ((), None),
        ((("pt", "pt"), ("es", "es")), None),  # the plain codes are the default
        ((("pt", "pt-BR"),), "pt=pt-BR"),
        ((("es", "es-ar"), ("pt", "PT-br")), "es=es-AR,pt=pt-BR"),  # sorted, canonical case
        ((("pt", "pt-BR"), ("es", "es-AR")), "es=es-AR,pt=pt-BR"),  # the order given is no change
    ],
)
def test_locales_show_in_the_signature_when_set(
    locales: tuple[tuple[str, str], ...], shown: str | None
) -> None:
    config = BuildConfig.from_options("ds", langs=LANGS, locales=locales)
    fields = parse_signature(default_signature(config))
    assert fields.get("exports.locales") == shown
    assert (default_signature(config) == default_signature()) == (shown is None)
    assert list(fields)[-2:] == (
        ["exports.locales", "version"] if shown else ["glossary.threshold", "version"]
    )


def test_fields_of_the_mode_not_in_use_stay_out() -> None:
    parallel_only = with_field(BuildConfig("ds"), "align.parallel.band", 4)
    assert default_signature(parallel_only) == default_signature()


def stage_defaults() -> dict[str, dict[str, str]]:
    config = BuildConfig("ds")
    out = {}
    for stage in METHOD_STAGES:
        stage_config = type(getattr(config, stage))()
        fields = stage_config.signature_fields(*(LANGS,) * (stage == "words"))
        key = f"{stage}:{fields[stage]}"
        out[key] = {name: signature_value(v) for name, v in output_values(stage_config)}
    return out


def test_method_ids_pin_their_defaults() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = stage_defaults()
    for key, defaults in current.items():
        assert key in golden, f"{key}: a new method id; record its defaults in {GOLDEN.name}"
        assert golden[key] == defaults, (
            f"{key}: defaults changed without a new method id (bump the stage's METHOD_ID)"
        )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: BuildConfig("bad name"), "--name: 'bad name' is not a folder name"),
        (
            lambda: BuildConfig.from_options("ds", mode="sideways"),
            "--mode: expected comparable or parallel",
        ),
        (
            lambda: BuildConfig.from_options("ds", encoder="labse"),
            "--encoder: unknown encoder 'labse'",
        ),
        (
            lambda: BuildConfig.from_options("ds", threshold=1.5),
            "--threshold: expected a number in [0, 1], got 1.5",
        ),
        (
            lambda: BuildConfig.from_options("ds", langs=("pt", "pt")),
            "--langs: expected two different codes",
        ),
        (
            lambda: BuildConfig.from_options("ds", max_file_mb=0),
            "--max-file-mb: expected a number at least",
        ),
        (
            lambda: BuildConfig.from_options("ds", langs=LANGS, locales=(("gl", "gl-ES"),)),
            "--locale: gl is not one of the build's languages (pt, es)",
        ),
        (
            lambda: BuildConfig.from_options("ds", locales=(("pt", "pt PT"),)),
            "--locale: 'pt PT' is not a locale such as pt-PT",
        ),
    ],
)
def test_configs_validate_options_with_one_line_errors(make: Any, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        make()
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
