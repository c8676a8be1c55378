"""The Brightway 2.5 adapter: factor sets into a Brightway project, per-unit scores out.

Each factor set becomes its own Brightway project, named after its content
hash, in isbenefit's data directory (never the user's default Brightway
directory). Per-unit scores of all activities come from one transposed
("adjoint") sparse solve per indicator: A^T y = B^T c gives, in y, the score of
one unit of every activity at once.

Process-wide state. bw2data keeps some state per process, and isbenefit runs it in a
worker thread beside the ledger checks (`isbenefit.api.assess`); this module is where
that state is handled, and the only place:

1. bw2data reads BRIGHTWAY2_DIR once, when it is imported: `bw2data.projects` (a
   `ProjectManager` made at import) creates its base directory, a projects.db and a
   "default" project there, in the user's default Brightway directory when the variable
   is unset; there is no argument for it. `_import_bw2data` therefore sets BRIGHTWAY2_DIR
   to isbenefit's own directory for the import only and restores it (or removes it)
   right after, under `_LOCK`. It also sets BRIGHTWAY_NO_STRUCTLOG for the import, so that
   bw2data's feedback lines go through the standard `logging` logger
   ``brightway-stdout-feedback`` (see 3) rather than structlog printing to stdout. The
   import happens on the thread that first opens Brightway; `api.assess` opens it on its
   calling thread before it starts its worker, so no worker thread writes os.environ.
2. bw2calc warns when it is imported without a fast sparse solver (pypardiso), with no
   switch to say it is not wanted. Only that one import (with bw2data's) runs inside
   `warnings.catch_warnings()`, once per process, on the thread described in 1. Warnings
   Brightway gives later (such as a method characterising no flow of a database) are not
   filtered: they reach the user.
3. `bw2data.projects` is one per process: its base directory and current project hold
   for every thread. Directories are passed to it (`projects.change_base_directories`),
   never through the environment, and every use isbenefit makes of it is inside
   `quiet()`, which holds `_LOCK`, so two isbenefit threads never interleave a switch of
   directory or project. Inside `quiet()` bw2data's feedback lines of the current thread
   go to isbenefit's debug log instead of stdout (a filter on bw2data's logger, keyed on a
   thread-local mark; other threads' lines pass). When bw2data was imported before
   isbenefit, with structlog, its lines are printed as its importer arranged.
4. bw2data shows a tqdm progress bar on stderr while it writes a database, unless its
   `config.is_test` is set; isbenefit sets it while writing its own project (under
   `_LOCK`) and restores it.
5. Processes share the data directory: two runs started together on an empty one would
   both create bw2data's projects.db and build the same project ("database is locked",
   `UnknownObject`). The import and each build therefore hold a file lock
   (`isbenefit-build.lock` in the Brightway folder, `filelock`): the second run waits,
   then finds the project ready and reuses it. The lock is the system's (flock), released
   when its process ends however it ends. A data directory that cannot be written (read-only,
   full) is used without the lock when its project is already built; otherwise the
   failure is a `WriteError` naming the folder and the fix.

No sys.stdout or sys.stderr is swapped, and no warnings filter is changed after the import.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import logging
import math
import os
import sqlite3
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from isbenefit.errors import BrightwayError, WriteError
from isbenefit.paths import DATA_DIR_ENV
from isbenefit.paths import data_dir as resolve_data_dir
from isbenefit.scoring.factorset import INDICATORS, FactorSet
from isbenefit.units import pint_without_dask
from isbenefit.writing import make_folder, write_atomic

if TYPE_CHECKING:  # imported when a project is opened: a run on kept scores never is
    from filelock import FileLock

LOGGER = logging.getLogger(__name__)
BIOSPHERE = "isbenefit-biosphere"
FLOWS = {
    "co2e_kg": ("co2e", "carbon dioxide equivalent, GWP100", "kilogram", "emission"),
    "water_m3": ("water", "freshwater consumed", "cubic meter", "natural resource"),
}
LOGNORMAL = 2
FEEDBACK_LOGGER = "brightway-stdout-feedback"  # bw2data's logger with BRIGHTWAY_NO_STRUCTLOG
# Held by every use isbenefit makes of bw2data's process-wide `projects` (module docstring).
_LOCK = threading.RLock()
_OWN_CALLS = threading.local()  # `depth` > 0 while this thread is inside quiet()
BUILD_LOCK = "isbenefit-build.lock"  # in the Brightway folder (module docstring, 5)
_FILE_LOCKS: dict[Path, FileLock] = {}  # one per Brightway folder, used under _LOCK
DATA_DIR_FIX = f"give another data directory with --data-dir or ${DATA_DIR_ENV}"
# SQLite's primary result codes of a database it cannot write, as the errno they amount to.
_SQLITE_FAULTS = {8: errno.EROFS, 13: errno.ENOSPC, 14: errno.EACCES}


@dataclass(frozen=True)
class Scores:
    """Per-unit scores of activities, one array per indicator, aligned with ``ids``."""

    ids: tuple[str, ...]
    values: dict[str, np.ndarray]
    source: str


def project_name(factor_set: FactorSet) -> str:
    return f"isbenefit-{factor_set.id}-{factor_set.sha256[:16]}"


def method_key(factor_set: FactorSet, indicator: str) -> tuple[str, str, str]:
    return ("isbenefit", factor_set.id, indicator)


def open_brightway(data_dir: Path | str | None) -> tuple[ModuleType, Path]:
    """bw2data, with its base directory inside isbenefit's data directory.

    The first call imports bw2data and bw2calc (module docstring, 1 and 2): make it on
    the thread that runs isbenefit, as `api.assess` does before it starts its worker.
    Later calls only pass the directory to `bw2data.projects` when it points elsewhere.
    """
    base = resolve_data_dir(data_dir) / "brightway"
    make_folder(base, DATA_DIR_FIX)
    with quiet(), _build_lock(base), _data_dir_faults(base):
        bw2data = _import_bw2data(base)
        if Path(bw2data.projects._base_data_dir).resolve() != base.resolve():
            bw2data.projects.change_base_directories(base, project_name="default", update=False)
    return bw2data, base


def _import_bw2data(base: Path) -> ModuleType:
    """Import bw2data (and bw2calc) once per process; see the module docstring, 1 and 2.

    BRIGHTWAY2_DIR is ``base`` only while bw2data is imported: bw2data reads it then and
    never again. BRIGHTWAY_NO_STRUCTLOG likewise. Both are restored right after, so the
    user's BRIGHTWAY2_DIR is what `user_database.user_brightway_dir` reads later.
    """
    if "bw2data" in sys.modules and "bw2calc" in sys.modules:
        return sys.modules["bw2data"]
    logging.getLogger(FEEDBACK_LOGGER).addFilter(_own_calls_filter)  # no-op when present
    saved = {name: os.environ.get(name) for name in ("BRIGHTWAY2_DIR", "BRIGHTWAY_NO_STRUCTLOG")}
    if "bw2data" not in sys.modules:
        os.environ["BRIGHTWAY2_DIR"] = str(base)
        os.environ["BRIGHTWAY_NO_STRUCTLOG"] = "1"
    try:
        with warnings.catch_warnings(), pint_without_dask():
            warnings.simplefilter("ignore")
            import bw2calc  # noqa: F401 - imported here, once, for its import-time warning
            import bw2data
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return bw2data


def _own_calls_filter(record: logging.LogRecord) -> bool:
    """bw2data's feedback lines from isbenefit's own calls go to isbenefit's debug log."""
    if getattr(_OWN_CALLS, "depth", 0):
        LOGGER.debug("bw2data: %s", record.getMessage())
        return False
    return True


def factor_scores(factor_set: FactorSet, data_dir: Path | str | None = None) -> Scores:
    """Per-unit scores of every activity of ``factor_set``, computed by bw2calc.

    The scores a project gave are kept beside it (`cached_scores`): a later run reads them
    back, the same float64 values, without importing Brightway.
    """
    cached = cached_scores(factor_set, data_dir)
    if cached is not None:
        return cached
    with quiet():
        bw2data, base = open_brightway(data_dir)
        name = project_name(factor_set)
        marker = base / "isbenefit-ready" / f"{name}.json"
        with _build_lock(base), _data_dir_faults(base):
            if not marker.is_file():  # checked again under the lock: another run may have built it
                _build_project(bw2data, factor_set, name)
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.write_text(json.dumps(factor_set.describe(), sort_keys=True) + "\n")
            else:
                bw2data.projects.set_current(name, update=False)
        scores = _adjoint_scores(bw2data, factor_set)
    _keep_scores(factor_set, scores, base)
    return scores


SCORES_FOLDER = "isbenefit-scores"  # in the Brightway folder: one .npz per project


def _scores_file(factor_set: FactorSet, base: Path) -> Path:
    return base / SCORES_FOLDER / f"{project_name(factor_set)}.npz"


def cached_scores(factor_set: FactorSet, data_dir: Path | str | None = None) -> Scores | None:
    """The scores `factor_scores` computed for this factor set before, or None.

    The project (and so the file) is named after the factor set's content hash, so a
    changed factor set never meets old scores; a file that does not name the same
    activities, or cannot be read, is ignored.
    """
    base = resolve_data_dir(data_dir) / "brightway"
    if not (base / "isbenefit-ready" / f"{project_name(factor_set)}.json").is_file():
        return None  # the project itself is gone: build it again
    stored = _kept(_scores_file(factor_set, base), factor_set, (*INDICATORS, "source"))
    if stored is None:
        return None
    values = {indicator: stored[indicator] for indicator in INDICATORS}
    return Scores(tuple(factor_set.activities["id"]), values, source=str(stored["source"]))


def _keep_scores(factor_set: FactorSet, scores: Scores, base: Path) -> None:
    _keep(
        _scores_file(factor_set, base),
        {**scores.values, "ids": np.array(scores.ids, dtype=str), "source": scores.source},
    )


def _draws_file(factor_set: FactorSet, base: Path, iterations: int, seed: int) -> Path:
    return base / SCORES_FOLDER / f"{project_name(factor_set)}.draws-{iterations}-{seed}.npz"


def _kept(path: Path, factor_set: FactorSet, names: tuple[str, ...]) -> dict[str, Any] | None:
    """Arrays `_keep` wrote for ``factor_set``'s activities, or None (missing, unreadable,
    or for other activities)."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            if tuple(stored["ids"].tolist()) != tuple(factor_set.activities["id"]):
                return None
            return {name: stored[name] for name in names}
    except (OSError, KeyError, ValueError):
        return None


def _keep(path: Path, arrays: dict[str, Any]) -> None:
    """Keep ``arrays`` (with the activity ``ids``) for `_kept`; a folder that cannot be
    written keeps none, and the next run computes them again."""
    buffer = io.BytesIO()
    named: dict[str, Any] = {name: np.asarray(values) for name, values in arrays.items()}
    np.savez(buffer, **named)
    try:
        write_atomic(path, buffer.getvalue())
    except WriteError as error:
        LOGGER.debug("not kept: %s", error)


def _build_project(bw2data: ModuleType, factor_set: FactorSet, name: str) -> None:
    LOGGER.info("building Brightway project %s", name)
    if name in bw2data.projects:
        bw2data.projects.delete_project(name, delete_dir=True)
    bw2data.projects.set_current(name, update=False)
    with _no_progress_bars(bw2data):
        bw2data.Database(BIOSPHERE).write(
            {
                (BIOSPHERE, code): {
                    "name": label,
                    "unit": unit,
                    "type": kind,
                    "categories": ("isbenefit",),
                }
                for code, label, unit, kind in FLOWS.values()
            }
        )
        bw2data.Database(factor_set.id).write(_activity_data(factor_set))
    for indicator, (code, label, *_rest) in FLOWS.items():
        method = bw2data.Method(method_key(factor_set, indicator))
        method.register(unit=label, description=f"isbenefit {indicator}")
        method.write([((BIOSPHERE, code), 1.0)])


def _activity_data(factor_set: FactorSet) -> dict[tuple[str, str], dict[str, Any]]:
    data = {}
    for record in factor_set.activities.to_dict("records"):
        key = (factor_set.id, str(record["id"]))
        exchanges: list[dict[str, Any]] = [{"input": key, "amount": 1.0, "type": "production"}]
        for indicator, (code, *_rest) in FLOWS.items():
            amount = float(record[indicator])
            if amount != 0.0:
                exchanges.append(_biosphere_exchange((BIOSPHERE, code), amount, record["gsd"]))
        data[key] = {
            "name": record["name"],
            "unit": record["unit"],
            "location": record["location"],
            "reference product": record["name"],
            "type": "process",
            "exchanges": exchanges,
        }
    return data


def _biosphere_exchange(flow: tuple[str, str], amount: float, gsd: float) -> dict[str, Any]:
    exchange: dict[str, Any] = {"input": flow, "amount": amount, "type": "biosphere"}
    if gsd > 1.0:
        # stats_arrays lognormal: loc = ln|amount|, scale = ln(gsd); sign kept by `negative`.
        exchange.update(
            {
                "uncertainty type": LOGNORMAL,
                "loc": math.log(abs(amount)),
                "scale": math.log(gsd),
                "negative": amount < 0,
            }
        )
    return exchange


def _adjoint_scores(bw2data: ModuleType, factor_set: FactorSet) -> Scores:
    import bw2calc

    node_ids, datapackage = inventory_datapackage(bw2data, factor_set.id)
    codes = list(factor_set.activities["id"])
    missing = [code for code in codes if code not in node_ids]
    if missing:
        raise BrightwayError(
            f"Brightway project {bw2data.projects.current!r} lacks activities {missing[:5]}; "
            "delete isbenefit's data directory to rebuild it"
        )
    lca = bw2calc.LCA({node_ids[codes[0]]: 1.0}, data_objs=[datapackage])
    lca.lci()
    columns = np.array([lca.dicts.activity[node_ids[code]] for code in codes])
    values = {}
    for indicator in INDICATORS:
        weights = characterization_vector(bw2data, method_key(factor_set, indicator), lca)
        values[indicator] = adjoint_solve(lca.technosphere_matrix, lca.biosphere_matrix, weights)
        values[indicator] = values[indicator][columns]
    return Scores(tuple(codes), values, source=f"brightway:{bw2data.projects.current}")


def inventory_datapackage(bw2data: ModuleType, database: str) -> tuple[dict[str, int], Any]:
    """The database's exchanges as a float64 datapackage for bw2calc, with distributions.

    bw2data's own processed arrays hold amounts as float32, which would shift
    factors in the eighth digit; the stored exchanges keep the full float, so
    the matrices are built from them. Each exchange's stats_arrays uncertainty
    goes along, for Monte Carlo draws.
    """
    import bw_processing
    from bw2data.backends.schema import ActivityDataset, ExchangeDataset

    nodes = ActivityDataset.select(
        ActivityDataset.id, ActivityDataset.database, ActivityDataset.code
    )
    ids = {(node.database, node.code): node.id for node in nodes}
    rows: dict[str, list[tuple[Any, ...]]] = {"technosphere": [], "biosphere": []}
    for exchange in ExchangeDataset.select().where(ExchangeDataset.output_database == database):
        data = exchange.data
        matrix = "biosphere" if data["type"] == "biosphere" else "technosphere"
        rows[matrix].append(
            (
                ids[(exchange.input_database, exchange.input_code)],
                ids[(exchange.output_database, exchange.output_code)],
                float(data["amount"]),
                data["type"] in ("technosphere", "generic consumption"),
                _distribution(data),
            )
        )
    package = bw_processing.create_datapackage(sum_intra_duplicates=True)
    for matrix, entries in rows.items():
        package.add_persistent_vector(
            matrix=f"{matrix}_matrix",
            name=matrix,
            indices_array=np.array([e[:2] for e in entries], dtype=bw_processing.INDICES_DTYPE),
            data_array=np.array([e[2] for e in entries], dtype=float),
            flip_array=np.array([e[3] for e in entries], dtype=bool),
            distributions_array=np.array(
                [e[4] for e in entries], dtype=bw_processing.UNCERTAINTY_DTYPE
            ),
        )
    codes = {code: node_id for (db, code), node_id in ids.items() if db == database}
    return codes, package


def _distribution(data: dict[str, Any]) -> tuple[Any, ...]:
    """An exchange's stats_arrays uncertainty as a row of bw_processing.UNCERTAINTY_DTYPE."""
    kind = int(data.get("uncertainty type", 0) or 0)
    amount = float(data["amount"])
    return (
        kind,
        float(data.get("loc", amount if kind < 2 else np.nan)),
        float(data.get("scale", np.nan)),
        float(data.get("shape", np.nan)),
        float(data.get("minimum", np.nan)),
        float(data.get("maximum", np.nan)),
        bool(data.get("negative", False)),
    )


def score_samples(
    factor_set: FactorSet, iterations: int, seed: int, data_dir: Path | str | None = None
) -> dict[str, np.ndarray]:
    """Per-unit scores of every activity drawn ``iterations`` times: (iterations x activities).

    The draws come from bw2calc with the exchanges' distributions; one draw of the
    whole database per iteration, so every use of an activity in that iteration
    (baseline and symbiosis alike) sees the same value. The same seed gives the same
    draws, so they are kept beside the project and read back by a later run with the same
    iterations and seed, without importing Brightway.
    """
    path = _draws_file(factor_set, resolve_data_dir(data_dir) / "brightway", iterations, seed)
    kept = _kept(path, factor_set, INDICATORS)
    if kept is not None and all(kept[k].shape[0] == iterations for k in INDICATORS):
        return {indicator: kept[indicator].astype(float) for indicator in INDICATORS}
    with quiet():
        factor_scores(factor_set, data_dir)  # builds or opens the cached project
        bw2data, _ = open_brightway(data_dir)
        import bw2calc

        bw2data.projects.set_current(project_name(factor_set), update=False)
        node_ids, datapackage = inventory_datapackage(bw2data, factor_set.id)
        codes = list(factor_set.activities["id"])
        lca = bw2calc.LCA(
            {node_ids[codes[0]]: 1.0},
            data_objs=[datapackage],
            use_distributions=True,
            seed_override=seed,
        )
        lca.load_lci_data()
        columns = np.array([lca.dicts.activity[node_ids[code]] for code in codes])
        weights = {
            indicator: characterization_vector(bw2data, method_key(factor_set, indicator), lca)
            for indicator in INDICATORS
        }
        samples = {indicator: np.empty((iterations, len(codes))) for indicator in INDICATORS}
        for iteration in range(iterations):
            if iteration:
                next(lca)
            for indicator, weight in weights.items():
                scores = adjoint_solve(lca.technosphere_matrix, lca.biosphere_matrix, weight)
                samples[indicator][iteration] = scores[columns]
    _keep(path, {**samples, "ids": np.array(codes, dtype=str)})
    return samples


def characterization_vector(bw2data: ModuleType, method: tuple[str, ...], lca: Any) -> np.ndarray:
    """Characterisation factors of ``method`` aligned with the LCA's biosphere rows."""
    if method not in bw2data.methods:
        raise BrightwayError(
            f"impact method {method!r} is not in Brightway project {bw2data.projects.current!r}"
        )
    weights = np.zeros(lca.biosphere_matrix.shape[0])
    for flow, factor, *_rest in bw2data.Method(method).load():
        flow_id = flow if isinstance(flow, int) else bw2data.get_id(tuple(flow))
        row = lca.dicts.biosphere.get(flow_id)
        if row is not None:
            weights[row] += float(factor["amount"] if isinstance(factor, dict) else factor)
    return weights


def adjoint_solve(technosphere: Any, biosphere: Any, weights: np.ndarray) -> np.ndarray:
    """Scores of one unit of every activity: solve A^T y = B^T c for characterisation c."""
    return solve_transposed(technosphere, [biosphere.T @ weights])[0]


DIRECT_UP_TO = 5_000  # activities; above, an iterative solver (see solve_transposed)
RESIDUAL = 1e-11


def solve_transposed(technosphere: Any, right_hand_sides: list[np.ndarray]) -> list[np.ndarray]:
    """Solve A^T y = b for each b.

    Small systems are factorised once (exact to rounding). Large ones, such as an
    ecoinvent-sized database, use BiCGSTAB: with scipy's SuperLU the fill-in of a
    20,000-activity technosphere with loops can take minutes, while the iteration
    converges in milliseconds because A = I - (inputs per unit output). A solution
    whose residual is not below 1e-11 of the right-hand side is redone directly.

    BLAS runs on one thread here: BiCGSTAB's inner products are of one vector's length,
    where threads cost more to wake than they save, and on a busy machine a BLAS thread
    that waits for a core stalls every step (Monte Carlo ran 5x slower on 2 shared cores).
    """
    with _blas_threads().limit(limits=1, user_api="blas"):
        return _solve_transposed(technosphere, right_hand_sides)


@functools.cache
def _blas_threads() -> Any:
    """threadpoolctl's controller of the BLAS libraries loaded, found once per process
    (finding them reads the process's memory map: milliseconds, too slow per solve)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _solve_transposed(technosphere: Any, right_hand_sides: list[np.ndarray]) -> list[np.ndarray]:
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import bicgstab, splu, spsolve

    transposed = csr_matrix(technosphere).T
    if transposed.shape[0] <= DIRECT_UP_TO:
        factorised = splu(transposed.tocsc())
        return [
            np.atleast_1d(factorised.solve(np.asarray(b, dtype=float))) for b in right_hand_sides
        ]
    system = transposed.tocsr()
    solutions = []
    for right_hand_side in right_hand_sides:
        b = np.asarray(right_hand_side, dtype=float)
        solution, info = bicgstab(system, b, rtol=1e-14, atol=0.0, maxiter=10_000)
        scale = max(float(np.linalg.norm(b)), 1e-300)
        if info != 0 or np.linalg.norm(system @ solution - b) > RESIDUAL * scale:
            solution = np.atleast_1d(spsolve(system.tocsc(), b))
        solutions.append(solution)
    return solutions


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """isbenefit's own use of bw2data: one thread at a time, its feedback lines off stdout.

    Holds `_LOCK` (bw2data's `projects` is one per process) and marks this thread, so the
    filter on bw2data's feedback logger sends this thread's lines to isbenefit's debug
    log (module docstring, 3). Nothing process-wide is swapped: not sys.stdout, not
    sys.stderr, not the warnings filters.
    """
    with _LOCK:
        _OWN_CALLS.depth = getattr(_OWN_CALLS, "depth", 0) + 1
        try:
            yield
        finally:
            _OWN_CALLS.depth -= 1


@contextlib.contextmanager
def _build_lock(base: Path) -> Iterator[None]:
    """Only one process at a time imports bw2data into, or builds a project in, ``base``.

    Held under `_LOCK` (inside `quiet()`), so one thread of this process at a time too.
    When the lock file cannot be made (a read-only data directory) the block runs without
    it: nothing can be written there, so there is nothing to race for.
    """
    from filelock import FileLock

    lock = _FILE_LOCKS.setdefault(base, FileLock(base / BUILD_LOCK))
    try:
        lock.acquire()
    except OSError as error:
        if not WriteError.covers(error):
            raise
        LOGGER.debug("no build lock in %s (%s); reading it as it is", base, error)
        locked = False
    else:
        locked = True
    try:
        yield
    finally:
        if locked:
            lock.release()


@contextlib.contextmanager
def _data_dir_faults(base: Path) -> Iterator[None]:
    """A data directory that cannot be written becomes a WriteError naming it."""
    try:
        yield
    except WriteError:
        raise
    except OSError as error:
        if not WriteError.covers(error):
            raise
        path = Path(error.filename) if isinstance(error.filename, str) else base
        raise WriteError.of(path, error, DATA_DIR_FIX, base) from error
    except Exception as error:
        code = _sqlite_fault(error)
        if code is None:
            raise
        fault = OSError(code, os.strerror(code))
        raise WriteError.of(base, fault, DATA_DIR_FIX, base) from error


def _sqlite_fault(error: BaseException) -> int | None:
    """The errno a database error amounts to when SQLite could not write, else None.

    bw2data's peewee wraps SQLite's own error (as its first argument and its context).
    """
    seen: list[BaseException] = [error]
    for candidate in seen:
        if isinstance(candidate, sqlite3.Error):
            return _SQLITE_FAULTS.get(getattr(candidate, "sqlite_errorcode", -1) & 0xFF)
        seen.extend(
            linked
            for linked in (*candidate.args[:1], candidate.__cause__, candidate.__context__)
            if isinstance(linked, BaseException) and linked not in seen
        )
    return None


@contextlib.contextmanager
def _no_progress_bars(bw2data: ModuleType) -> Iterator[None]:
    """bw2data's own switch for the tqdm bar of `Database.write` (module docstring, 4)."""
    config = bw2data.config
    before = getattr(config, "is_test", False)
    config.is_test = True
    try:
        yield
    finally:
        config.is_test = before
