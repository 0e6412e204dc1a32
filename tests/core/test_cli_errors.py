"""Bad input through the CLI: a one-line error naming the file, the right exit code, no
traceback, and no output folder left behind."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alinea.cli import app

PT = "O acordo prevê assistência mútua em caso de agressão contra uma das partes do tratado."
ES = "El acuerdo prevé asistencia mutua en caso de agresión contra una de las partes del tratado."
EN = "The agreement provides for mutual assistance in case of aggression against either party."

runner = CliRunner()


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def good_inputs(root: Path) -> list[Path]:
    return [write(root / "pt.txt", PT), write(root / "es.txt", ES)]


def missing(root: Path) -> list[Path]:
    return [*good_inputs(root), root / "nowhere.txt"]


def empty_dir(root: Path) -> list[Path]:
    (root / "empty").mkdir(parents=True)
    write(root / "empty" / "notes.pdf", b"%PDF")
    return [root / "empty"]


def empty_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "blank.txt", "  \n\n")]


def binary_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")]


def latin1_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "latin1.txt", "Olá, ação!".encode("latin-1"))]


def bad_json_line(root: Path) -> list[Path]:
    lines = json.dumps({"text": ES}) + "\n" + '{"text": "sin cerrar\n'
    return [*good_inputs(root), write(root / "news.jsonl", lines)]


def json_without_text(root: Path) -> list[Path]:
    lines = json.dumps({"text": ES}) + "\n\n" + json.dumps({"title": "sin texto"}) + "\n"
    return [*good_inputs(root), write(root / "news.jsonl", lines)]


def all_other_language(root: Path) -> list[Path]:
    return [write(root / "en1.txt", EN), write(root / "en2.txt", EN + " Really.")]


def unsupported_file(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "article.pdf", b"%PDF-1.4")]


def duplicate_ids(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "other" / "pt.txt", PT + " Outra.")]


def symlink_loop(root: Path) -> list[Path]:
    good = good_inputs(root)
    (root / "loop.txt").symlink_to("loop.txt")
    return [root / "loop.txt", *good]


def fifo_named(root: Path) -> list[Path]:
    good = good_inputs(root)
    os.mkfifo(root / "pipe.txt")
    return [*good, root / "pipe.txt"]


def utf16_without_bom(root: Path) -> list[Path]:
    return [*good_inputs(root), write(root / "wide.txt", (PT + "\n").encode("utf-16-le"))]


def late_nul(root: Path) -> list[Path]:
    text = (ES + "\n") * 100 + "a\x00b\n"  # the NUL after the first 8 KiB
    return [*good_inputs(root), write(root / "nul.txt", text)]


def jsonl_line(record: dict[str, object]) -> Callable[[Path], list[Path]]:
    def make(root: Path) -> list[Path]:
        lines = json.dumps({"text": ES}) + "\n" + json.dumps(record) + "\n"
        return [*good_inputs(root), write(root / "news.jsonl", lines)]

    return make


# case, inputs, exit code, the message on stderr after "error: " ({root}: the inputs' folder)
BAD_INPUTS: list[tuple[str, Callable[[Path], list[Path]], int, str]] = [
    ("missing path", missing, 1, "{root}/nowhere.txt: no such file or directory; check the path"),
    ("empty directory", empty_dir, 1,
     "{root}/empty: directory has no .txt, .md, .jsonl files; point at the documents"),
    ("empty file", empty_file, 1, "{root}/blank.txt: file is empty; remove it or add text"),
    ("binary file", binary_file, 1,
     "{root}/image.txt: file holds binary data, not text; give .txt, .md or .jsonl files in UTF-8"),
    ("not UTF-8", latin1_file, 1,
     "{root}/latin1.txt: not valid UTF-8 at byte 2 (b'\\xe1'); convert it, "
     "e.g. `iconv -f latin1 -t utf-8`"),
    ("jsonl not JSON", bad_json_line, 1,
     "{root}/news.jsonl: line 2: not valid JSON (Unterminated string starting at); "
     "write one object per line"),
    ("jsonl without text", json_without_text, 1,
     '{root}/news.jsonl: line 3: missing `text`; each line needs {{"text": "..."}}'),
    ("all in another language", all_other_language, 1,
     "found documents in one language only (en); alinea aligns two languages: "
     "add documents in the second language, or name both with --langs"),
    ("unsupported type", unsupported_file, 1,
     "{root}/article.pdf: unsupported file type '.pdf'; give .txt, .md, .jsonl files"),
    ("duplicate ids", duplicate_ids, 1,
     "{root}/other/pt.txt: document id 'pt' also used by pt.txt; "
     "give every document a unique id (file name or `id`)"),
    ("symlink loop", symlink_loop, 1, "{root}/loop.txt: symbolic link loop; check the path"),
    ("FIFO named", fifo_named, 1,
     "{root}/pipe.txt: is a FIFO, not a file; give .txt, .md, .jsonl files or folders"),
    ("UTF-16 without BOM", utf16_without_bom, 1,
     "{root}/wide.txt: file looks like UTF-16 without a byte-order mark; "
     "convert it: `iconv -f utf-16le -t utf-8`"),
    ("NUL after 8 KiB", late_nul, 1,
     "{root}/nul.txt: NUL character at byte 9401, which text never holds; "
     "remove it (`tr -d '\\000'`) or check that the file is text"),
    ("jsonl lang unknown", jsonl_line({"text": PT, "lang": "xx"}), 1,
     "{root}/news.jsonl: line 2: `lang` 'xx' is not a language code alinea knows; "
     'use ISO 639-1 codes such as "pt" or "es", a region may follow ("pt-BR")'),
    ("jsonl lang a number", jsonl_line({"text": PT, "lang": 123}), 1,
     "{root}/news.jsonl: line 2: `lang` must be a string, found a number; "
     'write a language code such as "pt" or "pt-BR"'),
    ("jsonl text a number", jsonl_line({"text": 5}), 1,
     '{root}/news.jsonl: line 2: `text` must be a string, found a number; '
     'each line needs {{"text": "..."}}'),
    ("jsonl text null", jsonl_line({"text": None}), 1,
     '{root}/news.jsonl: line 2: `text` must be a string, found null; '
     'each line needs {{"text": "..."}}'),
    ("jsonl text a list", jsonl_line({"text": [PT]}), 1,
     '{root}/news.jsonl: line 2: `text` must be a string, found a list; '
     'each line needs {{"text": "..."}}'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "make", "code", "message"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, case: str, make: Callable[[Path], list[Path]], code: int, message: str
) -> None:
    inputs = make(tmp_path / "in")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", *map(str, inputs), "--out", str(out), "--name", "ds"])
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr == f"error: {message.format(root=tmp_path / 'in')}\n"
    assert not out.exists(), "a failed build must leave no output folder"


def test_a_symlink_loop_named_first_without_name_is_one_line(tmp_path: Path) -> None:
    inputs = symlink_loop(tmp_path / "in")  # the dataset would be named after it
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", *map(str, inputs), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {tmp_path}/in/loop.txt: symbolic link loop; check the path\n"
    assert not out.exists()


# other commands: args ({root}: a scratch folder, {ds}: the committed dataset), exit code, message
OTHER_COMMANDS: list[tuple[str, list[str], int, str]] = [
    ("lookup markup", ["lookup", "[/]", "--dataset", "{ds}"], 1,
     "no entry matches '[/]'; try another spelling or a shorter query"),
    ("lookup long query", ["lookup", "q" * 10_000, "--dataset", "{ds}"], 1,
     f"no entry matches '{'q' * 60}…'; try another spelling or a shorter query"),
    ("wordalign markup path", ["wordalign", "{root}/x[/i]/no.txt", "--src-lang", "pt",
     "--tgt-lang", "es"], 1, "{root}/x[/i]/no.txt: no such file; check the path"),
    ("align a folder", ["align", "{root}", "{root}", "--src-lang", "pt", "--tgt-lang", "es"], 1,
     "{root}: is a directory; give a file (build reads directories)"),
    ("click error markup", ["build", "--[/]"], 2,
     "No such option: --[/] (see `alinea build --help`)"),
    ("st: path missing", ["build", "{root}", "--out", "{root}/out", "--encoder",
     "st:/nonexistent"], 1,
     "sentence-transformers model '/nonexistent' is not available locally (no such folder): "
     "give the folder of a saved model"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "args", "code", "message"), OTHER_COMMANDS, ids=[c[0] for c in OTHER_COMMANDS]
)
def test_other_commands_print_one_plain_line(
    tmp_path: Path, case: str, args: list[str], code: int, message: str
) -> None:
    from tests.conftest import COMMITTED_DATASET

    good_inputs(tmp_path)
    names = {"root": tmp_path, "ds": COMMITTED_DATASET}
    result = runner.invoke(app, [arg.format(**names) for arg in args])
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr == f"error: {message.format(**names)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["es.txt", "pt.txt"]


def test_document_in_unexpected_language_is_skipped_and_reported(tmp_path: Path) -> None:
    inputs = [*good_inputs(tmp_path / "in"), write(tmp_path / "in" / "en.txt", EN)]
    result = runner.invoke(
        app,
        ["build", *map(str, inputs), "--out", str(tmp_path / "out"), "--langs", "pt,es", "--json"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 2
    assert summary["languages"] == {
        "pt": {"documents": 1, "sentences": 1},
        "es": {"documents": 1, "sentences": 1},
    }
    assert summary["skipped"] == [
        {"source": "en.txt", "reason": "language is English (en), not one of pt, es"}
    ]
    assert summary["dataset"] == str(tmp_path / "out" / "pt")  # named after the first input


def test_all_documents_skipped_is_an_error(tmp_path: Path) -> None:
    inputs = all_other_language(tmp_path / "in")
    result = runner.invoke(
        app, ["build", *map(str, inputs), "--out", str(tmp_path / "out"), "--langs", "pt,es"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no document is in pt or es; check --langs or the inputs (2 skipped)\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--langs", "pt,xx", "--langs: unknown language code xx; use ISO 639-1 codes such as pt,es"),
        ("--langs", "pt", "--langs: expected two different codes such as pt,es, got 'pt'"),
        ("--langs", "pt,pt", "--langs: expected two different codes such as pt,es, got 'pt,pt'"),
        ("--name", "../escape",
         "--name: '../escape' is not a folder name; use letters, digits, '.', '_', '-'"),
        ("--mode", "bogus", "--mode: expected comparable or parallel, got 'bogus'"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(tmp_path: Path, option: str, value: str, message: str) -> None:
    inputs = good_inputs(tmp_path / "in")
    result = runner.invoke(
        app, ["build", *map(str, inputs), "--out", str(tmp_path / "out"), option, value]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {message}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build"], "Missing argument 'inputs'. (see `alinea build --help`)"),
        (["build", "x.txt"], "Missing option '--out' / '-o'. (see `alinea build --help`)"),
        (
            ["build", "x.txt", "-o", "out", "--threshold", "2"],
            "--threshold: expected a number in [0, 1], got 2",
        ),
        (
            ["build", "x.txt", "-o", "out", "--threshold", "high"],
            "Invalid value for '--threshold': Input should be a valid number, unable to parse "
            "string as a number (see `alinea build --help`)",
        ),
        (
            ["build", "x.txt", "-o", "out", "--max-file-mb", "0"],
            "--max-file-mb: expected a number at least",
        ),
        (
            ["build", "x.txt", "-o", "out", "--frobnicate"],
            "No such option: --frobnicate (Possible options: --force, --locale) "
            "(see `alinea build --help`)",
        ),
    ],
)
def test_command_line_errors_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)  # "out" would land here, were the build to run
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {message}")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    assert list(tmp_path.iterdir()) == []


def test_existing_foreign_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    inputs = good_inputs(tmp_path / "in")
    target = tmp_path / "out" / "ds"
    write(target / "thesis.tex", "precious")
    args = ["build", *map(str, inputs), "--out", str(tmp_path / "out"), "--name", "ds"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"error: {target}: folder exists and is not an alinea dataset; "
        "choose another --out/--name, or pass --force to replace it\n"
    )
    assert [p.name for p in target.iterdir()] == ["thesis.tex"]
    assert (target / "thesis.tex").read_text(encoding="utf-8") == "precious"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in target.iterdir()) == [
        "README.md", "documents", "exports", "glossary", "sentence_pairs", "sentences",
        "word_alignments",
    ]  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ds"]


# --- builds that cannot deliver what was asked, and outputs checked before any work (issue 13)


def no_portuguese(root: Path) -> list[Path]:
    return [write(root / "es1.txt", ES), write(root / "es2.txt", ES + " Y otra frase más.")]


def one_word_documents(root: Path) -> list[Path]:
    words = ["acordo", "cimeira", "tratado", "presidente", "acuerdo", "cumbre", "tratado", "ley"]
    return [write(root / f"d{i}.txt", word) for i, word in enumerate(words)]


def out_is_a_file(root: Path) -> list[Path]:
    write(root.parent / "out", "not a folder")
    return good_inputs(root)


# case, inputs, extra options, exit code, the message after "error: " ({root}, {out})
REFUSED_BUILDS: list[tuple[str, Callable[[Path], list[Path]], list[str], int, str]] = [
    ("a language without documents", no_portuguese, ["--langs", "pt,es"], 1,
     "no Portuguese (pt) document among the inputs (2 es, 0 skipped); "
     "add Portuguese documents, or check --langs"),
    ("no sentence pairs", one_word_documents, ["--langs", "pt,es", "--name", "ds"], 1,
     "no sentence pairs: no pair of the 1 pt and 1 es sentences scored 0.22 or more; give "
     "documents that report the same events (a few sentences each), or lower --threshold"),
    ("--out is a file", out_is_a_file, ["--name", "ds"], 1,
     "--out {out}: expected a folder, but it is a file; choose another --out"),
    ("--out under a file", out_is_a_file, ["--name", "ds", "--out", "{out}/inside"], 1,
     "--out {out}/inside: expected a folder, but it is under the file {out}; "
     "choose another --out"),
    ("the root as input, no --name", lambda root: [Path("/")], [], 2,
     "cannot name the dataset after the input '/'; give --name NAME"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "make", "options", "code", "message"),
    REFUSED_BUILDS,
    ids=[c[0] for c in REFUSED_BUILDS],
)
def test_a_build_that_cannot_deliver_is_refused_in_one_line(
    tmp_path: Path,
    case: str,
    make: Callable[[Path], list[Path]],
    options: list[str],
    code: int,
    message: str,
) -> None:
    inputs = make(tmp_path / "in")
    out = tmp_path / "out"
    before = sorted(tmp_path.rglob("*"))
    args = [o.format(out=out) for o in ["--out", str(out), *options]]
    result = runner.invoke(app, ["build", *map(str, inputs), *args])
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr == f"error: {message.format(root=tmp_path / 'in', out=out)}\n"
    assert sorted(tmp_path.rglob("*")) == before, "a refused build must write nothing"


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("seeds", "seeds"),
        ("news/000_a1.txt", "000_a1"),
        ("Notícias de hoje (2024).md", "Noticias-de-hoje-2024"),
        (".hidden.jsonl", "hidden"),
        ("新闻.txt", None),
    ],
)
def test_default_name_comes_from_the_first_input(
    tmp_path: Path, given: str, name: str | None
) -> None:
    from alinea.errors import UsageError
    from alinea.pipeline import default_name

    path = tmp_path / given
    if name is not None:
        assert default_name(path) == name
    else:
        with pytest.raises(UsageError, match="cannot name the dataset after the input"):
            default_name(path)
