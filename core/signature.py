"""Build signatures (sacrebleu style): ``key:value|key:value|...|version:X``.

A signature says how an artefact was made: the input digest, each stage's method id and the key
parameters. Fields that are None are dropped; the toolkit version always comes last.
"""

from __future__ import annotations

from collections.abc import Mapping

from alinea._version import __version__


def make_signature(fields: Mapping[str, object | None]) -> str:
    """Join ``fields`` in order as ``key:value`` with ``|``, ending with ``version:<alinea>``."""
    parts = [f"{key}:{value}" for key, value in fields.items() if value is not None]
    return "|".join([*parts, f"version:{__version__}"])


def parse_signature(signature: str) -> dict[str, str]:
    """Split a signature back into its fields (values may contain ``:``, never ``|``)."""
    return dict(part.split(":", 1) for part in signature.split("|"))
