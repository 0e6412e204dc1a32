"""alinea: comparable multilingual news into alignment and terminology datasets."""

from alinea._version import __version__

__all__ = ["__version__"]
