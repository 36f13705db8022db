"""Where a command's chunks of work run: a local process pool, or a Dask cluster.

Both give the results in input order, so a command writes the same bytes on either engine and
for any number of workers. The Dask engine starts a ``LocalCluster`` of single-threaded worker
processes, or connects to a running scheduler; each worker uses the active schema file (the
same path must be readable there) and compiles the patterns once when it joins.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from stancekit.files import InputError, StageError
from stancekit.labeling.pipeline import n_workers, parallel_map, warm
from stancekit.schema import active_file

if TYPE_CHECKING:
    from distributed import Client

ENGINES = ("local", "dask")
WINDOW = 4  # chunks in flight per worker: enough to keep workers busy, little to hold

T = TypeVar("T")
R = TypeVar("R")


def check_engine(engine: str, scheduler: str | None) -> None:
    """Refuse an unknown engine, a scheduler address without the Dask engine, or the Dask
    engine without Dask installed."""
    if engine not in ENGINES:
        raise InputError(f"--engine {engine}", f"unknown engine; use one of {', '.join(ENGINES)}")
    if scheduler is not None and engine != "dask":
        raise InputError(f"--scheduler {scheduler}", "needs --engine dask")
    if engine == "dask" and importlib.util.find_spec("distributed") is None:
        raise StageError("--engine dask needs Dask: pip install 'stancekit[dask]'")


def ordered_map(fn: Callable[[T], R], chunks: Iterable[T], engine: str = "local",
                workers: int = 1, scheduler: str | None = None) -> Iterator[R]:
    """``fn`` over *chunks*, results in input order, on *engine* with *workers* processes (0:
    all cores) or on the Dask *scheduler* at that address."""
    check_engine(engine, scheduler)
    if engine == "local":
        yield from parallel_map(fn, chunks, n_workers(workers))
        return
    with dask_client(workers, scheduler) as client:
        yield from _submit_in_order(client, fn, chunks)


@contextlib.contextmanager
def dask_client(workers: int, scheduler: str | None) -> Iterator[Client]:
    """A Dask client on *scheduler*, or on a new local cluster of *workers* processes."""
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(LocalCluster(
                n_workers=n_workers(workers), threads_per_worker=1, processes=True,
                dashboard_address=None))
            address = cluster
        else:
            address = scheduler
        try:
            client = stack.enter_context(Client(address, timeout="10s"))
        except OSError as e:
            raise StageError(f"cannot reach the Dask scheduler {scheduler}: {e}") from None
        client.register_plugin(_warm_plugin(active_file().path), name="stancekit-warm")
        yield client


def _submit_in_order(client: Client, fn: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
    window = WINDOW * max(1, sum(client.nthreads().values()))
    pending: deque = deque()
    try:
        for chunk in chunks:
            pending.append(client.submit(fn, chunk, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.cancel(list(pending))


def _warm_plugin(schema: Path) -> object:
    """A worker plugin that makes *schema* active and compiles the patterns on each worker, as it
    joins or now (registering it again under its name replaces an earlier run's)."""
    from distributed import WorkerPlugin

    class Warm(WorkerPlugin):
        def setup(self, worker: object) -> None:
            warm(schema)

    return Warm()
