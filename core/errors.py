"""One error tree for alinea: every failure a user can cause is an ``AlineaError``.

Messages say what was expected, what was found, where, and how to fix it, on one line.
"""

from __future__ import annotations

from pathlib import Path


class AlineaError(Exception):
    """Base class of every error alinea raises on purpose."""

    exit_code: int = 1


class UsageError(AlineaError, ValueError):
    """An option or argument that cannot work (exit code 2)."""

    exit_code = 2


class InputError(AlineaError, ValueError):
    """An input file or directory that cannot be read as documents."""

    def __init__(self, path: Path | str, problem: str, hint: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        message = f"{self.path}: {problem}"
        super().__init__(f"{message}; {hint}" if hint else message)


class InputNotFoundError(InputError, FileNotFoundError):
    """A path given on the command line does not exist."""


class EmptyInputError(InputError):
    """An empty file, or a directory with no readable documents."""


class BinaryInputError(InputError):
    """A file that holds binary data rather than text."""


class EncodingError(InputError, UnicodeError):
    """A file that is not valid UTF-8."""


class InputFormatError(InputError):
    """A structured input (``.jsonl``) that breaks its format."""


class InputTooLargeError(InputError):
    """A file larger than the configured limit."""


class LanguageError(AlineaError, ValueError):
    """No document is in the requested languages, or the languages cannot be told apart."""


class OutputError(AlineaError, OSError):
    """An output location that alinea refuses to write (or failed to write)."""


class EngineError(AlineaError, RuntimeError):
    """The distributed engine lost work it cannot redo (a worker or node died, a cluster went
    away), after its own retries."""


class SchemaError(AlineaError, TypeError):
    """A frame that does not match the schema declared for its stage."""


class ModelNotAvailableError(AlineaError, LookupError):
    """A model named by the user is not on this machine (alinea never downloads one)."""


class CalibrationError(AlineaError, ValueError):
    """A calibration file that does not fit the features the stage computes."""
