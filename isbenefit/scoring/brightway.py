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

No sys.stdout or sys.stderr is swapped, and no warnings filter is changed after the import.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import bicgstab, splu, spsolve

from isbenefit.errors import BrightwayError
from isbenefit.paths import data_dir as resolve_data_dir
from isbenefit.scoring.factorset import INDICATORS, FactorSet

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
    base.mkdir(parents=True, exist_ok=True)
    with quiet():
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
        with warnings.catch_warnings():
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
    """Per-unit scores of every activity of ``factor_set``, computed by bw2calc."""
    with quiet():
        bw2data, base = open_brightway(data_dir)
        name = project_name(factor_set)
        marker = base / "isbenefit-ready" / f"{name}.json"
        if not marker.is_file():
            _build_project(bw2data, factor_set, name)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps(factor_set.describe(), sort_keys=True) + "\n")
        else:
            bw2data.projects.set_current(name, update=False)
        return _adjoint_scores(bw2data, factor_set)


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
    (baseline and symbiosis alike) sees the same value.
    """
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
    """
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
def _no_progress_bars(bw2data: ModuleType) -> Iterator[None]:
    """bw2data's own switch for the tqdm bar of `Database.write` (module docstring, 4)."""
    config = bw2data.config
    before = getattr(config, "is_test", False)
    config.is_test = True
    try:
        yield
    finally:
        config.is_test = before
