"""Beads: the unit every sentence aligner returns (a group of source and target sentences)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Bead:
    """Source sentence indexes ``src`` aligned to target sentence indexes ``tgt``.

    Indexes are consecutive within a side and 0-based; one side may be empty (an insertion or a
    deletion, parallel mode only). ``score`` is in [0, 1]; higher is more confident.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    @property
    def kind(self) -> str:
        """The bead's shape, e.g. ``1-1``, ``2-1``, ``0-1``."""
        return f"{len(self.src)}-{len(self.tgt)}"
