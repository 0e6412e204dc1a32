"""What every stage's config shares (the configs themselves live beside their stages).

A stage config is a frozen dataclass. Each of its fields changes the stage's output unless it
is declared with :func:`runtime` (batch sizes, memory bounds: how fast, never what). A stage's
method id pins the defaults of its fields (a new default is a new id), so the build signature
names the method ids and, as ``<stage>.<field>:<value>``, every output field that differs from
its default (:func:`changed_fields`); an unchanged config adds nothing. Options are validated
in ``__post_init__`` with the helpers below, so the CLI and Python callers get the same
one-line :class:`~alinea.errors.UsageError`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator
from typing import Any

from alinea.errors import UsageError

MiB = 1024 * 1024
_RUNTIME = {"output": False}


def runtime(default: Any) -> Any:
    """A dataclass field that changes how a stage runs, never what it outputs."""
    return dataclasses.field(default=default, metadata=_RUNTIME)


def output_values(config: object, prefix: str = "") -> Iterator[tuple[str, object]]:
    """``(dotted name, value)`` of every output field of ``config``, nested configs flattened."""
    for f in dataclasses.fields(config):  # type: ignore[arg-type]
        if not f.metadata.get("output", True):
            continue
        value = getattr(config, f.name)
        name = f"{prefix}{f.name}"
        nested = dataclasses.is_dataclass(value) and not isinstance(value, type)
        if nested and not hasattr(value, "signature_id"):  # a calibration is one value
            yield from output_values(value, f"{name}.")
        else:
            yield name, value


def changed_fields(stage: str, config: object) -> dict[str, object]:
    """``{"<stage>.<field>": value}`` for the output fields that differ from the defaults of
    ``type(config)`` (an unchanged config gives ``{}``)."""
    defaults = dict(output_values(type(config)()))
    return {
        f"{stage}.{name}": signature_value(value)
        for name, value in output_values(config)
        if signature_value(value) != signature_value(defaults[name])
    }


def signature_value(value: object) -> str:
    """A value as a signature shows it: ``none``, ``yes``/``no``, numbers, ``a,b`` sequences
    (``1-2`` pairs), and an object's own ``signature_id`` (a calibration's version)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (frozenset, set)):
        return ",".join(sorted(map(signature_value, value)))
    if isinstance(value, (tuple, list)):
        if value and all(isinstance(v, (tuple, list)) for v in value):
            return ",".join("-".join(map(signature_value, v)) for v in value)
        return ",".join(map(signature_value, value))
    ident = getattr(value, "signature_id", None)
    return str(ident if ident is not None else value).replace("|", "/")


def check_range(name: str, value: float | None, low: float, high: float | None = None) -> None:
    """Raise :class:`UsageError` unless ``low <= value <= high`` (None passes)."""
    if value is None:
        return
    if value < low or (high is not None and value > high):
        bound = f"in [{low:g}, {high:g}]" if high is not None else f"at least {low:g}"
        raise UsageError(f"{name}: expected a number {bound}, got {value:g}")


def check_choice(name: str, value: str, choices: Collection[str]) -> None:
    """Raise :class:`UsageError` unless ``value`` is one of ``choices``."""
    if value not in choices:
        *rest, last = choices
        options = f"{', '.join(rest)} or {last}" if rest else last
        raise UsageError(f"{name}: expected {options}, got {value!r}")
