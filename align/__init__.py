"""Sentence segmentation and alignment stages (installed from the `align/` folder)."""

if __name__ != "alinea.align":  # the bare name would collide with PyPI's `align` package
    raise ImportError(f"import this package as 'alinea.align', not {__name__!r}")
