"""The dataset card (``README.md``): Hugging Face YAML metadata and a human-readable body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import yaml

from alinea import langid
from alinea.paragraph_langs import counts_text, foreign_counts
from alinea.schema import Schema, features_yaml

STATUSES = ("paired", "unpaired", "candidate", "reviewed")


@dataclass(frozen=True)
class ConfigStats:
    """What the card says of one config: its columns, rows, Arrow size in bytes, how many
    parquet files hold it and the path (or glob) that declares them, in the config's folder."""

    schema: Schema
    n_rows: int
    n_bytes: int
    n_files: int
    data_files: str


TAGS = [
    "alinea",
    "comparable-corpora",
    "bitext-mining",
    "sentence-alignment",
    "word-alignment",
    "terminology",
    "news",
]
DEFAULT_CONFIG_ORDER = ("sentence_pairs", "sentences", "documents")
LICENSE_NOTE = (
    "The texts are news articles that remain under their publishers' copyright; they are "
    "included for research on alignment and terminology, and alinea grants no licence to them. "
    "The annotations alinea adds (segmentation, flags, alignments, glossary) are under the "
    "same terms as alinea itself (MIT)."
)


def size_category(n_rows: int) -> str:
    """The Hub's size bucket for the largest config."""
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if n_rows < limit:
            return label
    return "1M<n<10M" if n_rows < 10_000_000 else "n>10M"


def card_metadata(
    pretty_name: str,
    langs: tuple[str, str],
    configs: dict[str, ConfigStats],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The card's YAML block: languages (and, when the build was given locales, the Hub's
    ``language_bcp47`` list of them), configs with their data files, features and split sizes."""
    default = next(name for name in DEFAULT_CONFIG_ORDER if name in configs)
    bcp47 = {"language_bcp47": list(locales)} if locales and locales != langs else {}
    return {
        "pretty_name": pretty_name,
        "language": list(langs),
        **bcp47,
        "multilinguality": ["multilingual"],
        "license": "other",
        "license_name": "publishers-copyright",
        "license_details": LICENSE_NOTE,
        "task_categories": ["translation", "sentence-similarity"],
        "tags": TAGS,
        "size_categories": [size_category(max(c.n_rows for c in configs.values()))],
        "source_datasets": ["original"],
        "alinea_signature": signature,
        "configs": [
            {
                "config_name": name,
                **({"default": True} if name == default else {}),
                "data_files": [{"split": "train", "path": f"{name}/{stats.data_files}"}],
            }
            for name, stats in configs.items()
        ],
        "dataset_info": [
            {
                "config_name": name,
                "features": features_yaml(stats.schema),
                "splits": [
                    {"name": "train", "num_bytes": stats.n_bytes, "num_examples": stats.n_rows}
                ],
                "dataset_size": stats.n_bytes,
            }
            for name, stats in configs.items()
        ],
    }


def _config_section(name: str, stats: ConfigStats) -> str:
    size = f"{stats.n_rows} rows"
    if stats.n_files > 1:
        size += f" in {stats.n_files} files `{name}/{stats.data_files}`"
    rows = "\n".join(f"| `{c.name}` | {c.doc} |" for c in stats.schema)
    return f"### `{name}` ({size})\n\n| column | meaning |\n|---|---|\n{rows}\n"


def _sources_table(documents: pl.DataFrame) -> str:
    lines = ["| doc_id | language | source | title |", "|---|---|---|---|"]
    for row in documents.select("doc_id", "lang", "source", "title").iter_rows(named=True):
        title = (row["title"] or "").replace("|", "\\|")
        lines.append(f"| `{row['doc_id']}` | {row['lang']} | `{row['source']}` | {title} |")
    return "\n".join(lines)


def _foreign_note(documents: pl.DataFrame) -> str:
    counts = documents["foreign_paragraphs"].list.len()
    per_lang = foreign_counts(documents)
    langs = f" ({counts_text(per_lang)})" if per_lang else ""
    return (
        "Paragraphs in another language than their document's, the pair's other one or a third "
        "(kept, listed in `documents.foreign_paragraphs` with their languages in "
        "`documents.foreign_langs`, their sentences labelled with that language, never "
        f"aligned): {int(counts.sum())} in {int((counts > 0).sum())} documents{langs}."
    )


def _exports_note(langs: tuple[str, str], locales: tuple[str, str] | None) -> str:
    note = "Exchange formats for translators (when the build produces them) are in `exports/`"
    if locales and locales != langs:
        note += f"; they name the languages `{locales[0]}` and `{locales[1]}`"
    return note + "."


def glossary_note(glossary: pl.DataFrame | None, signature: str) -> str:
    """Entries per status, what the confidence threshold means, what the exports carry."""
    if glossary is None:
        return ""
    counts = dict(glossary.group_by("status").len().iter_rows())
    listed = ", ".join(
        f"{counts.get(s, 0)} {s}" for s in STATUSES if counts.get(s) or s != "reviewed"
    )
    fields = dict(part.split(":", 1) for part in signature.split("|") if ":" in part)
    threshold = fields.get("glossary.threshold", "?")
    exported = (
        "carry every entry, candidates included (`--include-candidates`)"
        if fields.get("exports.include_candidates") == "yes"
        else "carry the paired, unpaired and reviewed entries, not the candidates"
    )
    return (
        f"\n\nGlossary: {glossary.height} entries ({listed}). An entry is `paired` when its "
        f"calibrated confidence, the estimated probability that its two terms translate each "
        f"other, is at least {threshold}, and it looks like a term; a pair below that, or one "
        f"of a verb form or a plain word, is a `candidate` (a best guess, kept here with its "
        f"score); `unpaired` entries are recurring terms of one language. "
        f"The glossary files in `exports/` {exported}."
    )


def render_card(
    name: str,
    langs: tuple[str, str],
    configs: dict[str, ConfigStats],
    documents: pl.DataFrame,
    signature: str,
    locales: tuple[str, str] | None = None,
    glossary: pl.DataFrame | None = None,
) -> str:
    """The whole ``README.md``: YAML front matter, then what the dataset is and how to load it
    (``locales``: how the exports name the languages, when not by their codes; ``glossary``:
    the glossary config, whose entries per status the card counts)."""
    names = " and ".join(langid.language_name(lang) for lang in langs)
    metadata = card_metadata(f"{name} ({names})", langs, configs, signature, locales)
    front = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000)
    sections = "\n".join(_config_section(name, stats) for name, stats in configs.items())
    first = next(iter(configs))
    return f"""---
{front}---

# {name}

{names} news coverage prepared by [alinea](https://pypi.org/project/alinea/): documents split
into sentences with character offsets and site boilerplate flagged; where the build aligned them,
sentence pairs mined across the two languages, each with a calibrated score in [0, 1] (the
probability that the two sides say the same thing) and a TMX export in `exports/`.

Build signature: `{signature}`

## Loading

```python
from datasets import load_dataset

ds = load_dataset("/absolute/path/to/{name}", "{first}", split="train")
```

{_exports_note(langs, locales)}{glossary_note(glossary, signature)}

## Configs

{sections}
## Sources

{_sources_table(documents)}

{_foreign_note(documents)}

## Licence and provenance

{LICENSE_NOTE}
"""
