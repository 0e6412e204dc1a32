"""The README's CLI tour shows what its commands print now (scripts/readme_tour.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import readme_tour as tour


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("done in 2.56 s", "done in <N> s "),
        ("done in 12 s", "done in <N> s "),
        ("│ align   │    0.42 s │", "│ align   │ <N> s │"),
        ("│ align   │   10.42 s │", "│ align   │ <N> s │"),
        ('  "seconds": 28.23', '  "seconds": <N>'),
        ('{"load_seconds": 1e-05, "n": 3}', '{"load_seconds": <N>, "n": 3}'),
        ("sentence pairs: 18   word links: 435", "sentence pairs: 18   word links: 435"),
        ("3 sentences, 2 stages", "3 sentences, 2 stages"),
        ('"seconds_total": 4', '"seconds_total": 4'),
    ],
)
def test_normalise_hides_durations_only(line: str, expected: str) -> None:
    assert tour.normalise(line) == expected


def test_parse_blocks_commands_outputs_and_elision() -> None:
    lines = [
        "intro",
        "```console",
        "$ echo a",
        "a",
        "$ touch x",
        "$ seq 5",
        "1",
        "...",
        "```",
        "```bash",
        "$ not a tour command",
        "```",
    ]
    [block] = tour.parse_blocks(lines)
    assert (block.start, block.end) == (2, 8)
    assert [step.command for step in block.steps] == ["echo a", "touch x", "seq 5"]
    assert [step.output for step in block.steps] == [("a",), (), ("1", "...")]
    assert [step.elided_at() for step in block.steps] == [None, None, 1]


@pytest.mark.parametrize(
    "lines",
    [["```console", "output before any command", "```"], ["```console", "$ echo never closed"]],
)
def test_parse_blocks_refuses_malformed_blocks(lines: list[str]) -> None:
    with pytest.raises(tour.TourError):
        tour.parse_blocks(lines)


@pytest.mark.parametrize(
    ("readme_output", "fresh", "shown"),
    [
        (("1", "..."), ["1", "2", "3"], ["1", "..."]),
        (("1", "..."), ["1"], ["1"]),  # nothing left to elide: no marker
        (("1",), ["1", "2"], ["1", "2"]),
    ],
)
def test_shown_output_keeps_the_elision_marker(
    readme_output: tuple[str, ...], fresh: list[str], shown: list[str]
) -> None:
    assert tour.shown_output(tour.Step("seq 3", readme_output), fresh) == shown


def test_clean_output_drops_colour_trailing_space_and_scratch_path(tmp_path: Path) -> None:
    raw = f"\x1b[1mbold\x1b[0m  \n{tmp_path}/datasets/a\nin {tmp_path}\n\n\n"
    assert tour.clean_output(raw, tmp_path) == ["bold", "datasets/a", "in ."]


TINY_README = """# demo

```console
$ printf 'a\\nb\\nc\\n' > letters.txt
$ cat letters.txt
stale
$ echo "took 9.99 s"; echo oops >&2
took 1.00 s
$ cat letters.txt
a
...
$ ls seeds | head -1
$ pwd
```

Text after.
"""


def test_write_then_check_round_trip(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(TINY_README, encoding="utf-8")
    assert tour.check(readme) != ""
    assert tour.write(readme)
    text = readme.read_text(encoding="utf-8")
    assert "$ cat letters.txt\na\nb\nc\n$ echo" in text
    assert "took 1.00 s" not in text and "oops\n" in text  # stderr shown, real duration
    assert "$ cat letters.txt\na\n...\n$ ls" in text
    assert "000_60150220a1ea2e6b.txt\n$ pwd\n.\n```\n\nText after.\n" in text
    assert tour.check(readme) == ""
    readme.write_text(text.replace("took ", "took 0"), encoding="utf-8")
    assert tour.check(readme) == ""  # durations differ only


def test_main_check_exits_1_with_a_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("```console\n$ echo fresh\nstale\n```\n", encoding="utf-8")
    assert tour.main(["--check", "--readme", str(readme)]) == 1
    assert "-stale\n+fresh\n" in capsys.readouterr().out
    assert tour.main(["--write", "--readme", str(readme)]) == 0
    assert tour.main(["--check", "--readme", str(readme)]) == 0


def test_every_cli_command_is_in_the_tour() -> None:
    import typer.main

    from alinea.cli import app

    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    commands = set(group.commands)
    lines = tour.README.read_text(encoding="utf-8").split("\n")
    shown = {
        step.command.split()[1]
        for block in tour.parse_blocks(lines)
        for step in block.steps
        if step.command.startswith("alinea ")
    }
    assert commands <= shown, f"commands missing from the README tour: {commands - shown}"


def test_readme_tour_is_current() -> None:
    diff = tour.check()
    assert not diff, (
        "The README's console blocks differ from what the commands print now; run "
        "`.venv/bin/python scripts/readme_tour.py --write` and review the change.\n" + diff
    )
