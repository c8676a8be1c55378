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
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from isbenefit.errors import ClusterError, SettingsError

INSTALL = "pip install 'isbenefit[scale]'"
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://\S+$")
# What the functions sent to workers do, as a user knows it (by the function's name).
# A batch's documents are not named here: a batch reports its lost documents itself.
_PARTS = {
    "draw_block": "the factor draws, block {n} of {total} (1,000 iterations each)",
    "part_work": "the Monte Carlo run, part {n} of {total} of the organisation blocks",
}
WORKER_LOST = "the Dask worker making it died (killed, or out of memory)"
WORKER_LOST_FIX = (
    "Fix: give each worker more memory (local:N with a smaller N gives each worker a "
    "larger share of this machine; on a cluster, dask worker --memory-limit or fewer "
    "--nworkers per machine, whose logs say why a worker stopped), run fewer --iterations, "
    "or run without --scheduler"
)
NO_WORKER = "no Dask worker was left to make it"
NO_WORKER_FIX = (
    "Fix: start workers again (dask worker {address}; the logs of those that stopped say "
    "why, and dask worker --memory-limit gives them more memory), or run with "
    "--scheduler local:N or without --scheduler"
)
# How long a cluster may have no worker before the work waiting for one is given up.
# Work handed to a cluster without workers waits until one joins (Dask's scheduler keeps
# it, by default for ever), so a cluster that lost every worker for good would hold the
# command for ever. A nanny restarts a killed worker within seconds and Kubernetes a
# worker's pod within about half a minute: one minute outlasts a replacement and is short
# beside a run. Dask's own setting for it, distributed.scheduler.no-workers-timeout (e.g.
# DASK_DISTRIBUTED__SCHEDULER__NO_WORKERS_TIMEOUT=5m where the command runs), overrides it.
NO_WORKER_WAIT = 60.0
_LOOK_EVERY = 1.0  # seconds between two questions to the scheduler about its workers
_POLL = 0.1  # seconds between two looks for finished parts (as distributed.as_completed)


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
    no_worker_wait()  # a setting that is no duration stops here, before a scheduler reads it
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


def no_worker_wait() -> float:
    """Seconds without a worker before the work waiting for one is given up: Dask's
    distributed.scheduler.no-workers-timeout where set, else `NO_WORKER_WAIT`;
    SettingsError when that setting is not a duration."""
    import dask
    from dask.utils import parse_timedelta

    setting = dask.config.get("distributed.scheduler.no-workers-timeout", None)
    if setting is None:
        return NO_WORKER_WAIT
    try:
        return float(parse_timedelta(setting))
    except (KeyError, ValueError, IndexError, TypeError):  # as parse_timedelta says it
        raise SettingsError(
            f"Dask's setting distributed.scheduler.no-workers-timeout is {setting!r}, not a "
            "duration. Fix: give one such as 10m or 600s (e.g. in "
            "DASK_DISTRIBUTED__SCHEDULER__NO_WORKERS_TIMEOUT), or unset it (one minute)"
        ) from None


def mapper(client: Any) -> Callable[[Callable[[Any, Any], Any], Any, Sequence[Any]], list[Any]]:
    """``mapper(function, shared, parts)``: ``function(shared, part)`` for every part on the
    cluster, results in the order of the parts; ``shared`` is sent to each worker once.
    ClusterError when a worker dies running a part, or the cluster has no worker left."""

    def run(function: Callable[[Any, Any], Any], shared: Any, parts: Sequence[Any]) -> list[Any]:
        if not parts:
            return []
        results: list[Any] = [None] * len(parts)
        index: dict[Any, int] = {}
        try:
            with _on_workers(client, function, shared, parts) as futures:
                index.update((future.key, i) for i, future in enumerate(futures))
                for future in _finished(client, futures):
                    results[index[future.key]] = future.result()
        except _lost() as error:
            part = _part(function, _lost_index(error, index), len(parts))
            raise ClusterError(
                f"a Dask worker died (killed, or out of memory) while running {part}. "
                f"{WORKER_LOST_FIX}"
            ) from None
        except _unrunnable():
            work = _part(function, None, len(parts))
            raise ClusterError(
                f"no Dask worker was left to run {work}: {_no_worker_fix(client)}"
            ) from None
        return results

    return run


def as_done(
    client: Any,
    function: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence[Any],
    lost: Callable[[str], Any],
) -> Iterator[tuple[int, Any]]:
    """(index, ``function(shared, item)``) for every item, as each finishes on the cluster,
    or (index, ``lost(WORKER_LOST)``) for an item whose worker died, or (index,
    ``lost(NO_WORKER)``) for each item left once the cluster has had no worker for
    `no_worker_wait` seconds (`fixes` says what to do); what is left is cancelled when the
    caller stops early."""
    if not items:
        return
    given: set[int] = set()
    try:
        with _on_workers(client, function, shared, items) as futures:
            index = {future.key: i for i, future in enumerate(futures)}
            for future in _finished(client, futures):
                try:
                    done = future.result()
                except _lost():
                    done = lost(WORKER_LOST)
                except _unrunnable():
                    done = lost(NO_WORKER)
                given.add(index[future.key])
                yield index[future.key], done
    except _NoWorkerError:
        for i in range(len(items)):
            if i not in given:
                yield i, lost(NO_WORKER)


def fixes(client: Any, errors: Iterable[str | None]) -> list[str]:
    """What to do about the items `as_done` lost, once for each way they were lost."""
    found = set(errors)
    said = [WORKER_LOST_FIX] if WORKER_LOST in found else []
    if NO_WORKER in found:
        fix = _no_worker_fix(client)
        said.append(fix[0].upper() + fix[1:])
    return said


class _NoWorkerError(Exception):
    """The cluster has had no worker for `no_worker_wait` seconds."""


@contextlib.contextmanager
def _on_workers(
    client: Any, function: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]
) -> Iterator[list[Any]]:
    """The futures of ``function(shared, item)`` for every item, cancelled on exit."""
    try:
        [handle] = client.scatter([shared], broadcast=True, hash=False, timeout=no_worker_wait())
    except OSError:  # TimeoutError included: the scheduler found no worker to send it to
        raise _NoWorkerError from None
    futures = client.map(function, [handle] * len(items), list(items), pure=False)
    try:
        yield futures
    finally:
        client.cancel([*futures, handle])


def _finished(client: Any, futures: Sequence[Any]) -> Iterator[Any]:
    """The futures as each finishes (done, erred or cancelled). `_NoWorkerError` once the
    cluster has had no worker for `no_worker_wait` seconds while some are still waiting:
    Dask's scheduler would keep them waiting for a worker, by default for ever."""
    finished = distributed_module().as_completed(futures)
    wait = no_worker_wait()
    alone_since: float | None = None
    next_look = time.monotonic() + _LOOK_EVERY
    while not finished.is_empty():
        if finished.has_ready():
            yield from finished.next_batch(block=False)
            continue
        now = time.monotonic()
        if now >= next_look:
            next_look = now + _LOOK_EVERY
            if _has_workers(client):
                alone_since = None
            elif alone_since is None:
                alone_since = now
            elif now - alone_since >= wait:
                raise _NoWorkerError
        time.sleep(_POLL)


def _has_workers(client: Any) -> bool:
    try:
        return bool(client.nthreads())  # asks the scheduler now (scheduler_info() is cached)
    except OSError:  # the scheduler does not answer: none of its workers can be reached
        return False


def _no_worker_fix(client: Any) -> str:
    address = client.scheduler.address
    return (
        f"the Dask cluster at {address} had no worker for {no_worker_wait():g} s (its "
        "workers stopped: killed, out of memory or their machine gone; or none joined). "
        + NO_WORKER_FIX.format(address=address)
    )


def _lost() -> tuple[type[BaseException], ...]:
    """What Dask raises for a task whose worker died: `KilledWorker` once the scheduler
    gives up retrying it elsewhere, or a cancelled future when the data sent to every
    worker died with them."""
    import concurrent.futures

    return (distributed_module().KilledWorker, concurrent.futures.CancelledError)


def _unrunnable() -> tuple[type[BaseException], ...]:
    """What says no worker was there to run a task: `_NoWorkerError`, or what Dask's
    scheduler raises for a task that waited longer than its own
    distributed.scheduler.no-workers-timeout (where the scheduler has it set)."""
    scheduler = distributed_module().scheduler
    return (_NoWorkerError, scheduler.NoValidWorkerError, scheduler.NoWorkerError)


def _lost_index(error: BaseException, index: dict[Any, int]) -> int | None:
    """The part whose worker died; None when the cluster cancelled the parts left after
    losing the data they share (any of them may be named then)."""
    if not isinstance(error, distributed_module().KilledWorker):
        return None
    return index.get(getattr(error, "task", None))


def _part(function: Callable[..., Any], index: int | None, total: int) -> str:
    name = getattr(function, "__name__", "a task")
    template = _PARTS.get(name, f"{name}, part {{n}} of {{total}}")
    if index is None:  # the cluster did not say which: name the work, not a number
        return template.split(",")[0]
    return template.format(n=index + 1, total=total)
