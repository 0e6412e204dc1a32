"""The layering rules: the base layer imports no stage, and the CLI modules form no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FOLDERS = {
    "alinea": REPO / "core",
    "alinea.align": REPO / "align",
    "alinea.glossary": REPO / "glossary",
}
BASE = {"alinea.errors", "alinea.schema", "alinea.config", "alinea.signature", "alinea.text"}
ALLOWED_IN_BASE = BASE | {"alinea._version", "alinea"}


def module_file(name: str) -> Path | None:
    """The source file of an alinea module (a package's ``__init__.py``), or None."""
    for package, folder in sorted(FOLDERS.items(), key=lambda kv: -len(kv[0])):
        if name == package:
            return folder / "__init__.py"
        if name.startswith(package + "."):
            rest = name[len(package) + 1 :].split(".")
            path = folder.joinpath(*rest)
            for candidate in (path.with_suffix(".py"), path / "__init__.py"):
                if candidate.is_file():
                    return candidate
    return None


def imports_of(name: str) -> set[str]:
    """alinea modules imported anywhere in ``name``'s source (also inside functions)."""
    path = module_file(name)
    assert path is not None, name
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.startswith("alinea") and module_file(m) is not None}


def closure(name: str) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(imports_of(current))
    return seen - {name}


@pytest.mark.parametrize("module", sorted(BASE))
def test_base_layer_imports_no_stage(module: str) -> None:
    assert closure(module) <= ALLOWED_IN_BASE, closure(module) - ALLOWED_IN_BASE


def test_the_walk_sees_stage_imports() -> None:
    # the check above is only as good as the walk: it must find what a stage module imports
    assert "alinea.align.sentences" in closure("alinea.pipeline")
    assert "alinea.config" in imports_of("alinea.align.mining")


def test_cli_groups_do_not_import_the_app() -> None:
    groups = sorted(p.stem for p in (REPO / "core").glob("cli_*.py"))
    assert groups == [
        "cli_align",
        "cli_build",
        "cli_cache",
        "cli_common",
        "cli_glossary",
        "cli_report",
        "cli_words",
    ]
    for group in groups:
        assert "alinea.cli" not in closure(f"alinea.{group}"), group
