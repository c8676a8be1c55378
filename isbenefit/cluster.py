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

from isbenefit.errors import SettingsError

INSTALL = "pip install 'isbenefit[scale]'"
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://\S+$")


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
        finally:
            client.cancel([*futures, handle])

    return run


def as_done(
    client: Any, function: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]
) -> Iterator[tuple[int, Any]]:
    """(index, ``function(shared, item)``) for every item, as each finishes on the cluster;
    what is left is cancelled when the caller stops early."""
    if not items:
        return
    distributed = distributed_module()
    [handle] = client.scatter([shared], broadcast=True, hash=False)
    futures = client.map(function, [handle] * len(items), list(items), pure=False)
    index = {future.key: i for i, future in enumerate(futures)}
    try:
        for future in distributed.as_completed(futures):
            yield index[future.key], future.result()
    finally:
        client.cancel([*futures, handle])
