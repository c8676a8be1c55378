"""Running work on a Dask cluster (the optional extra `scale`), imported only when asked for.

`--scheduler local[:N]` starts a `dask.distributed.LocalCluster` of N worker processes
(one thread each) for the run; `--scheduler tcp://HOST:PORT` connects to a running
scheduler. The Python API takes a `dask.distributed.Client`. Work is cut into parts
whose results do not depend on where they run, so a cluster gives the bytes one
process gives (docs/scale.md).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from isbenefit.errors import ClusterError, SettingsError

INSTALL = "pip install 'isbenefit[scale]'"
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://\S+$")
# What the functions sent to workers do, as a user knows it (by the function's name).
_PARTS = {
    "draw_block": "the factor draws, block {n} of {total} (1,000 iterations each)",
    "part_work": "the Monte Carlo run, part {n} of {total} of the organisation blocks",
    "render_remote": "document {n} of {total}",
}
WORKER_LOST = "the Dask worker making it died (killed, or out of memory)"
WORKER_LOST_FIX = (
    "Fix: give each worker more memory (local:N with a smaller N gives each worker a "
    "larger share of this machine; on a cluster, dask worker --memory-limit or fewer "
    "--nworkers per machine, whose logs say why a worker stopped), run fewer --iterations, "
    "or run without --scheduler"
)


def check_scheduler(spec: str) -> str:
    """The scheduler as given, or SettingsError saying what is accepted."""
    spec = spec.strip()
    found = _LOCAL.match(spec)
    if found and (found.group(1) is None or int(found.group(1)) >= 1):
        return spec
    if _ADDRESS.match(spec):
        return spec
    raise SettingsError(
        f"--scheduler {spec!r} is not a scheduler. Fix: give local (one worker per core), "
        "local:N (N worker processes on this machine) or the address of a running Dask "
        "scheduler, e.g. tcp://10.0.0.5:8786"
    )


def distributed_module() -> Any:
    try:
        import distributed
    except ImportError:
        raise SettingsError(
            "--scheduler needs Dask's distributed scheduler, which is not installed. "
            f"Fix: {INSTALL}"
        ) from None
    return distributed


@contextlib.contextmanager
def client_for(spec: str) -> Iterator[Any]:
    """A `dask.distributed.Client` for ``spec`` (`check_scheduler`), closed on exit; a
    local cluster started for it is shut down too."""
    spec = check_scheduler(spec)
    distributed = distributed_module()
    found = _LOCAL.match(spec)
    if found is None:
        try:
            client = distributed.Client(spec, timeout="20s")
        except OSError as error:
            raise SettingsError(
                f"--scheduler {spec}: no Dask scheduler answers there ({error}). Fix: start "
                "one (dask scheduler) with workers (dask worker ADDRESS), or check the address"
            ) from None
        with client:
            yield client
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = int(found.group(1) or cores or 1)
    import dask

    with (
        # A worker's statistical profiler samples the running task's stack every 10 ms:
        # measurable on numpy-bound tasks, and nobody reads it here.
        dask.config.set({"distributed.worker.profile.enabled": False}),
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,  # logging.CRITICAL: the run's own messages only
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def workers_of(client: Any) -> int:
    """How many workers the client's cluster has now (at least 1)."""
    return max(1, len(client.scheduler_info().get("workers", {})))


def mapper(client: Any) -> Callable[[Callable[[Any, Any], Any], Any, Sequence[Any]], list[Any]]:
    """``mapper(function, shared, parts)``: ``function(shared, part)`` for every part on the
    cluster, results in the order of the parts; ``shared`` is sent to each worker once."""

    def run(function: Callable[[Any, Any], Any], shared: Any, parts: Sequence[Any]) -> list[Any]:
        if not parts:
            return []
        [handle] = client.scatter([shared], broadcast=True, hash=False)
        futures = client.map(function, [handle] * len(parts), list(parts), pure=False)
        try:
            return list(client.gather(futures))
        except _lost() as error:
            part = _part(function, _lost_index(error, futures), len(parts))
            raise ClusterError(
                f"a Dask worker died (killed, or out of memory) while running {part}. "
                f"{WORKER_LOST_FIX}"
            ) from None
        finally:
            client.cancel([*futures, handle])

    return run


def _lost() -> tuple[type[BaseException], ...]:
    """What Dask raises for a task whose worker died: `KilledWorker` once the scheduler
    gives up retrying it elsewhere, or a cancelled future when the data sent to every
    worker died with them."""
    import concurrent.futures

    return (distributed_module().KilledWorker, concurrent.futures.CancelledError)


def _lost_index(error: BaseException, futures: Sequence[Any]) -> int | None:
    """The part whose worker died; None when the cluster cancelled the parts left after
    losing the data they share (any of them may be named then)."""
    key = (
        getattr(error, "task", None)
        if isinstance(error, distributed_module().KilledWorker)
        else None
    )
    return next((i for i, future in enumerate(futures) if future.key == key), None)


def _part(function: Callable[..., Any], index: int | None, total: int) -> str:
    name = getattr(function, "__name__", "a task")
    template = _PARTS.get(name, f"{name}, part {{n}} of {{total}}")
    if index is None:  # the cluster did not say which: name the work, not a number
        return template.split(",")[0]
    return template.format(n=index + 1, total=total)


def as_done(
    client: Any,
    function: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence[Any],
    lost: Callable[[str], Any],
) -> Iterator[tuple[int, Any]]:
    """(index, ``function(shared, item)``) for every item, as each finishes on the cluster,
    or (index, ``lost(WORKER_LOST)``) for an item whose worker died (`WORKER_LOST_FIX` says
    what to do); what is left is cancelled when the caller stops early."""
    if not items:
        return
    distributed = distributed_module()
    [handle] = client.scatter([shared], broadcast=True, hash=False)
    futures = client.map(function, [handle] * len(items), list(items), pure=False)
    index = {future.key: i for i, future in enumerate(futures)}
    try:
        for future in distributed.as_completed(futures):
            try:
                done = future.result()
            except _lost():
                done = lost(WORKER_LOST)
            yield index[future.key], done
    finally:
        client.cancel([*futures, handle])
