"""Terminology mining stages (installed from the `glossary/` folder)."""

if __name__ != "alinea.glossary":  # the bare name would collide with PyPI's `glossary` package
    raise ImportError(f"import this package as 'alinea.glossary', not {__name__!r}")
