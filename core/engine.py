"""Executors: how a build runs its shards (one plan, several engines).

A stage splits its work into shards that depend only on the inputs and the config (see
:func:`shard_plan`) and maps one top-level function over them. An executor only runs that map:
:class:`SerialExecutor` in this process (the reference), :class:`RayExecutor` on a local Ray or
a running cluster. Both return results in submission order, so whatever is reduced from them is
reduced in shard order and every executor writes the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, TypeVar

from alinea.config import check_choice, check_range
from alinea.errors import EngineError, UsageError

logger = logging.getLogger(__name__)
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
ENGINES = ("serial", "ray")
Progress = Callable[[str, int, int], None]  # (stage, done, total)


def shard_of(key: str, shards: int) -> int:
    """The shard of ``key`` among ``shards``: a stable hash (the same on every machine and run,
    unlike Python's ``hash``)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_plan(keys: Sequence[str], shards: int) -> list[list[int]]:
    """The item indexes of each shard, in item order; empty shards are dropped."""
    plan: list[list[int]] = [[] for _ in range(shards)]
    for index, key in enumerate(keys):
        plan[shard_of(key, shards)].append(index)
    return [items for items in plan if items]


class Executor(Protocol):
    """Maps ``fn(shared, item)`` over items; results in submission order. Items mapped
    again and again (the shards of an EM loop) are placed once with :meth:`scatter`."""

    workers: int

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]: ...

    def scatter(self, items: Iterable[T]) -> list[T]: ...


class SerialExecutor:
    """Every shard in this process, one after the other: the reference executor."""

    workers = 1

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(shared, item)

    def scatter(self, items: Iterable[T]) -> list[T]:
        """The items themselves: they are already where the tasks run."""
        return list(items)


def _call(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> Any:
    return fn(shared, item)


class RayExecutor:
    """Shards as Ray tasks, at most ``2 x workers`` in flight (memory stays bounded by the
    window, not the corpus); ``shared`` is put in the object store once per map."""

    def __init__(self, ray: Any, workers: int) -> None:
        self._ray = ray
        self.workers = workers
        self._task = ray.remote(num_cpus=1)(_call)

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]:
        shared_ref = self._ray.put(shared)
        window: deque[Any] = deque()
        for item in items:
            window.append(self._task.remote(fn, shared_ref, item))
            if len(window) >= 2 * self.workers:
                yield self._result(window.popleft())
        while window:
            yield self._result(window.popleft())

    def scatter(self, items: Iterable[T]) -> list[T]:
        """The items in the object store, once, each placed as soon as it is made (a generator
        of items never holds more than one here): a task given one of these handles reads the
        stored item (the handles stand in for the items, hence the type)."""
        return [self._ray.put(item) for item in items]

    def _result(self, ref: Any) -> Any:
        """A task's result; its own error is raised as itself (Ray's error subclasses it), a
        failure of Ray (a worker or node lost after Ray's retries) as one line."""
        exceptions = self._ray.exceptions
        try:
            return self._ray.get(ref)
        except exceptions.RayTaskError:
            raise
        except exceptions.RayError as err:
            reason = (str(err).strip().splitlines() or [""])[0]
            raise EngineError(f"--engine ray: {type(err).__name__}: {reason}") from None


@dataclass(frozen=True)
class EngineConfig:
    """Where a build runs; never changes its output.

    Attributes:
        engine: ``serial`` (this process) or ``ray``.
        address: a Ray cluster to join (``auto``: the one this machine belongs to); None
            starts a local Ray.
        workers: shards run at once (None: the local machine's cores, or the cluster's CPUs).
    """

    engine: str = "serial"
    address: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        check_choice("--engine", self.engine, ENGINES)
        check_range("--workers", self.workers, 1)
        if self.engine == "serial" and (self.address is not None or self.workers is not None):
            raise UsageError("--address and --workers need --engine ray")


class Engine:
    """The executor of an :class:`EngineConfig`, as a context manager. With ``ray``, a Ray this
    process already runs is used as it is; otherwise one is started (``address`` None) or
    joined, and disconnected on exit (a joined cluster keeps running)."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.executor: Executor = SerialExecutor()
        self._started: Any = None

    def __enter__(self) -> Executor:
        if self.config.engine == "ray":
            ray = _import_ray()
            if not ray.is_initialized():
                _init_ray(ray, self.config)
                self._started = ray
            cpus = int(ray.cluster_resources().get("CPU", 1))
            self.executor = RayExecutor(ray, self.config.workers or cpus)
            logger.info("engine: ray, %d workers (%d CPUs)", self.executor.workers, cpus)
        return self.executor

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._started is not None:
            self._started.shutdown()


def _import_ray() -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # before the import reads it
    try:
        import ray
    except ImportError:
        raise UsageError("--engine ray needs Ray: pip install 'alinea[ray]'") from None
    return ray


def _init_ray(ray: Any, config: EngineConfig) -> None:
    """Start a local Ray with ``workers`` CPUs (default: this machine's cores), or join the
    cluster at ``address``; quietly: no dashboard, workers' output not copied here. SIGTERM
    keeps the handler it had (Ray's own exits with code 15, skipping the build's message)."""
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
    if config.address is None:
        options["num_cpus"] = config.workers or os.cpu_count() or 1
    else:
        options["address"] = config.address
    main = threading.current_thread() is threading.main_thread()
    sigterm = signal.getsignal(signal.SIGTERM) if main else None
    try:
        ray.init(logging_level=logging.ERROR, **options)
        if sigterm is not None:
            signal.signal(signal.SIGTERM, sigterm)
    except (ConnectionError, RuntimeError, ValueError) as err:
        where = f"--address {config.address}" if config.address else "--engine ray"
        raise UsageError(f"{where}: cannot start Ray ({err})") from None
