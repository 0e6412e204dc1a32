"""Shared fixtures. Everything runs offline: no hub is ever contacted, no socket leaves the
machine, and nothing is written outside pytest's temporary folders."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests.validators import assert_valid, exchange_files

if TYPE_CHECKING:
    from alinea.engine import Executor

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATASET_NAME = "pyongyang-summit-2024"  # as in the Makefile's `build` target
LANGS = "pt,es"  # as in the Makefile's `build` target
COMMITTED_DATASET = REPO / "datasets" / DATASET_NAME
SEED_BUILD_ARGS = ("build", str(SEEDS), "--name", DATASET_NAME, "--langs", LANGS)
TINY_PT = "O acordo prevê assistência mútua em caso de agressão contra uma das partes do tratado."
TINY_ES = (
    "El acuerdo prevé asistencia mutua en caso de agresión contra una de las partes del tratado."
)

# Hypothesis keeps no example database (the explicit @example cases stay); its other caches go
# under pytest's temporary folder (see pytest_sessionstart), not into ./.hypothesis.
settings.register_profile("alinea", database=None)
settings.load_profile("alinea")


@dataclass(frozen=True)
class SeedBuild:
    """The session's one build of ``seeds/``: its dataset folder and the ``--json`` summary."""

    dataset: Path
    summary: dict[str, Any]


@pytest.fixture(scope="session", autouse=True)
def _isolated_hf_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep `datasets` caches out of the user's home (for session fixtures and subprocesses too)."""
    cache = tmp_path_factory.getbasetemp() / "hf-cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HOME", str(cache))
        patch.setenv("HF_DATASETS_CACHE", str(cache / "datasets"))
        patch.setenv("ALINEA_CACHE", str(tmp_path_factory.getbasetemp() / "alinea-cache"))
        yield


@pytest.fixture(scope="session", autouse=True)
def _exchange_files_are_valid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the last test: every TMX and TBX v3 file any test wrote (builds' exports included)
    passes the formats' own validators (tests/validators.py). The failure is reported at the
    last test's teardown; the files' paths name the tests that wrote them."""
    yield
    assert_valid(*exchange_files(tmp_path_factory.getbasetemp()))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Hypothesis' caches (unicode tables, constants of local modules, written from collection
    on) go under the session's temporary folder instead of ./.hypothesis."""
    factory = getattr(session.config, "_tmp_path_factory", None)  # set by pytest's tmp_path plugin
    if factory is not None:
        set_hypothesis_home_dir(factory.getbasetemp() / "hypothesis")


def pytest_sessionfinish(session: pytest.Session) -> None:
    set_hypothesis_home_dir(None)


@pytest.fixture(scope="session", autouse=True)
def _no_remote_connections() -> Iterator[None]:
    """Any test that opens a network connection fails (local AF_UNIX sockets stay allowed)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> None:
        if self.family != getattr(socket, "AF_UNIX", None):
            raise AssertionError(f"alinea tried to open a network connection to {address!r}")
        real_connect(self, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guarded)
        yield


@pytest.fixture(scope="session")
def seed_build_run(tmp_path_factory: pytest.TempPathFactory) -> SeedBuild:
    """Build ``seeds/`` once per session, exactly as ``make build`` does (plus ``--json``)."""
    from typer.testing import CliRunner

    from alinea.cli import app

    out = tmp_path_factory.mktemp("seed-build")
    result = CliRunner().invoke(app, [*SEED_BUILD_ARGS, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return SeedBuild(out / DATASET_NAME, json.loads(result.stdout))


@pytest.fixture(scope="session")
def seed_build(seed_build_run: SeedBuild) -> Path:
    """The dataset folder of the session's seed build. Read it, never write into it."""
    return seed_build_run.dataset


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def tiny_news(tmp_path: Path) -> Path:
    """A folder ``news/`` with one Portuguese and one Spanish sentence (a build in well under a
    second once the models are loaded): for tests of what a build does, not of what it finds."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "pt.txt").write_text(TINY_PT + "\n", encoding="utf-8")
    (folder / "es.txt").write_text(TINY_ES + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test (even a local one)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("alinea tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Executor]:
    """A local Ray with 2 CPUs for the module that asks for it (no dashboard, no usage
    statistics); the executor joins it."""
    from alinea.engine import Engine, EngineConfig

    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        with Engine(EngineConfig("ray")) as executor:  # joins the running Ray
            yield executor
    finally:
        ray.shutdown()
