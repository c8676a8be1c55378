"""Scores from a user's own Brightway database (ecoinvent, a national database, ...).

The user's project is opened in the user's Brightway directory (`--brightway-dir`, else
BRIGHTWAY2_DIR from the environment, else Brightway's default) without writing to it.
The directory is passed to bw2data's process-wide `projects` and handed back to
isbenefit's own before the lock of `brightway.quiet()` is released (see the docstring of
`isbenefit.scoring.brightway` for that state). The mapped activities are found by code,
or by name, location and reference product (`bw_resolve`); their per-unit scores come
from the transposed technosphere matrix, solved once per indicator for all of them at
once (A^T y = B^T c; see `brightway.solve_transposed`). The result is a factor set like
any other, so the rest of the pipeline is unchanged. Processed (float32) datapackages
are read, as Brightway itself does: reading ecoinvent's exchanges from SQLite would take
minutes.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from isbenefit.errors import InputError
from isbenefit.scoring import resolve as bw_resolve
from isbenefit.scoring.brightway import (
    LOGNORMAL,
    Scores,
    characterization_vector,
    open_brightway,
    quiet,
    solve_transposed,
)
from isbenefit.scoring.factorset import ACTIVITY_COLUMNS, INDICATORS, ORIGIN, FactorSet
from isbenefit.scoring.mapping import Mapping
from isbenefit.scoring.resolve import Found


def user_brightway_dir(override: Path | str | None) -> Path:
    """``override``, else BRIGHTWAY2_DIR, else Brightway's default directory.

    isbenefit sets BRIGHTWAY2_DIR only while it imports bw2data and restores it then
    (`brightway._import_bw2data`), so the environment holds the user's value here.
    """
    if override is not None:
        return Path(override).expanduser().resolve()
    configured = os.environ.get("BRIGHTWAY2_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir(appname="Brightway3", appauthor="pylca"))


@dataclass(frozen=True)
class _Opened:
    """A user's project, opened, with the mapping resolved in it."""

    bw2data: ModuleType
    name: str
    methods: dict[str, tuple[str, ...] | None]
    found: dict[str, Found]
    per_unit: np.ndarray  # database units per isbenefit unit, in mapping order

    @cached_property
    def nodes(self) -> dict[str, int]:
        """Node id per mapped activity id; made once (read inside per-activity loops)."""
        return {key: found.node_id for key, found in self.found.items()}


@contextmanager
def _opened(
    mapping: Mapping,
    project: str | None,
    brightway_dir: Path | str | None,
    data_dir: Path | str | None,
) -> Iterator[_Opened]:
    """Open the user's project, resolve the mapping, and return to isbenefit's own
    directory afterwards, whatever happens; all under the lock of `brightway.quiet()`, so
    no other isbenefit thread sees bw2data on the user's directory."""
    name = _project_name(mapping, project)
    with quiet():
        bw2data = _open_user_project(name, user_brightway_dir(brightway_dir), mapping, data_dir)
        try:
            chosen = bw_resolve.methods(bw2data, mapping)
            found = bw_resolve.resolve(bw2data, mapping)
            bw_resolve.check_processed(bw2data, mapping)
            yield _Opened(
                bw2data,
                name,
                chosen,
                found,
                np.array([found[e.id].per_unit for e in mapping.activities]),
            )
        finally:
            open_brightway(data_dir)


def database_factor_set(
    mapping: Mapping,
    project: str | None,
    brightway_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> tuple[FactorSet, Scores]:
    """A factor set of the mapped activities, scored on the user's database."""
    with _opened(mapping, project, brightway_dir, data_dir) as opened:
        lca = _lca(opened, mapping)
        weights = _weights(opened, lca)
        values = _solve(opened, lca, mapping, weights)
        uncertainty = _gsds(opened, lca, mapping, weights)
        described = _described(opened, mapping)
    scores = {k: values[k] * opened.per_unit for k in INDICATORS}
    table = _activities_table(mapping, opened, scores, uncertainty, described)
    return _as_factor_set(mapping, opened.name, table, described), Scores(
        tuple(e.id for e in mapping.activities), scores, source=f"brightway:{opened.name}"
    )


def iter_score_draws(
    mapping: Mapping,
    project: str | None,
    iterations: int,
    seed: int,
    brightway_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> Iterator[dict[str, np.ndarray]]:
    """Yield, per Monte Carlo iteration, the per-unit scores of the mapped activities
    (indicator -> vector in mapping order, in the ledger's units).

    Each iteration redraws the whole database once (``next(lca)``, bw2calc with
    ``use_distributions=True, seed_override=seed``) and solves A^T y = B^T c, so every
    line that uses an activity in that iteration, baseline or symbiosis, sees the same
    draw. The same seed gives the same draws. The user's project is read before the
    first draw; bw2data is back on isbenefit's own directory while draws are taken.
    """
    with _opened(mapping, project, brightway_dir, data_dir) as opened:
        lca = _lca(opened, mapping, seed)
        weights = _weights(opened, lca)  # characterisation factors are not redrawn
    for iteration in range(iterations):
        if iteration:
            with quiet():
                next(lca)
        yield {
            k: values * opened.per_unit
            for k, values in _solve(opened, lca, mapping, weights).items()
        }


def database_score_samples(
    mapping: Mapping,
    project: str | None,
    iterations: int,
    seed: int,
    brightway_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> dict[str, np.ndarray]:
    """Per-unit scores of the mapped activities drawn ``iterations`` times from the
    database's own distributions (iterations x activities); see :func:`iter_score_draws`."""
    samples = {k: np.zeros((iterations, len(mapping.activities))) for k in INDICATORS}
    draws = iter_score_draws(mapping, project, iterations, seed, brightway_dir, data_dir)
    for iteration, drawn in enumerate(draws):
        for indicator, values in drawn.items():
            samples[indicator][iteration] = values
    return samples


def _lca(opened: _Opened, mapping: Mapping, seed: int | None = None) -> Any:
    """A bw2calc LCA with matrices loaded; drawing from distributions when seeded."""
    import bw2calc

    lca = bw2calc.LCA(
        {opened.nodes[mapping.activities[0].id]: 1.0},
        method=opened.methods["co2e_kg"],
        use_distributions=seed is not None,
        seed_override=seed,
    )
    lca.load_lci_data()
    lca.load_lcia_data()
    return lca


def _weights(opened: _Opened, lca: Any) -> dict[str, np.ndarray]:
    """Characterisation vectors of the chosen methods, aligned with the LCA's flows."""
    return {
        k: characterization_vector(opened.bw2data, m, lca)
        for k, m in opened.methods.items()
        if m is not None
    }


def _solve(
    opened: _Opened, lca: Any, mapping: Mapping, weights: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per-unit scores (database units) of the mapped activities for every indicator;
    zero for an indicator without a method.

    y = A^-T B^T c holds the score of one unit of each product. A treatment activity
    written the ecoinvent way produces -1 unit of the waste it treats; its score per unit
    treated is then -y, so the sign of the production amount is applied.
    """
    nodes = [opened.nodes[e.id] for e in mapping.activities]
    rows = np.array([lca.dicts.product[node] for node in nodes])
    columns = np.array([lca.dicts.activity[node] for node in nodes])
    production = np.asarray(lca.technosphere_matrix[rows, columns]).ravel()
    sign = np.where(production < 0, -1.0, 1.0)
    solved = solve_transposed(
        lca.technosphere_matrix, [lca.biosphere_matrix.T @ w for w in weights.values()]
    )
    values = {k: np.zeros(len(rows)) for k in opened.methods}
    values.update({k: solution[rows] * sign for k, solution in zip(weights, solved, strict=True)})
    return values


def _gsds(
    opened: _Opened, lca: Any, mapping: Mapping, weights: dict[str, np.ndarray]
) -> list[tuple[float, str]]:
    """(gsd, note) per mapped activity.

    A score that comes from one exchange (no technosphere inputs, every characterised
    biosphere exchange lognormal with the same spread) keeps that spread; a supply-chain
    score is no single lognormal: gsd 1, and Monte Carlo on the database gives its range.
    """
    technosphere = lca.technosphere_matrix.tocsc()
    characterised = np.flatnonzero(np.any([w != 0 for w in weights.values()], axis=0))
    flows = {flow: row for flow, row in lca.dicts.biosphere.items() if row in set(characterised)}
    chain = "gsd 1: a supply-chain score; use Monte Carlo on the database for its range"
    result = []
    for entry in mapping.activities:
        node = opened.nodes[entry.id]
        if technosphere[:, lca.dicts.activity[node]].nnz != 1:
            result.append((1.0, chain))
            continue
        spreads = {
            (int(exc.get("uncertainty type", 0) or 0), float(exc.get("scale", 0.0) or 0.0))
            for exc in opened.bw2data.get_node(id=node).biosphere()
            if exc.input.id in flows
        }
        if len(spreads) == 1 and next(iter(spreads))[0] == LOGNORMAL:
            spread = next(iter(spreads))[1]
            result.append(
                (math.exp(spread), f"gsd from the lognormal of its exchange(s), scale {spread:g}")
            )
        else:
            result.append((1.0, "gsd 1: its exchange carries no lognormal uncertainty"))
    return result


def _described(opened: _Opened, mapping: Mapping) -> dict[str, dict[str, str]]:
    """Database metadata isbenefit records as a source: version and year where known."""
    described = {}
    for database in sorted({e.database for e in mapping.activities}):
        meta = opened.bw2data.databases[database]
        modified = str(meta.get("modified", "") or "")
        described[database] = {
            "version": str(meta.get("version", "") or ""),
            "year": modified[:4] if modified[:4].isdigit() else "",
        }
    return described


def _project_name(mapping: Mapping, project: str | None) -> str:
    name = project or mapping.project
    if not name:
        raise InputError(
            [
                mapping.problem(
                    "no Brightway project named", "give --brightway PROJECT or `project = ...`"
                )
            ]
        )
    return name


def _open_user_project(
    name: str, base: Path, mapping: Mapping, data_dir: Path | str | None
) -> ModuleType:
    registry = base / "projects.db"
    known: list[str] = []
    if registry.is_file():
        with closing(sqlite3.connect(f"file:{registry}?mode=ro", uri=True)) as connection:
            known = [row[0] for row in connection.execute("SELECT name FROM projectdataset")]
    if name not in known:
        raise InputError(
            [
                mapping.problem(
                    f"Brightway project {name!r} not found in {base}",
                    f"use one of {', '.join(sorted(known)) or '(none)'}, or give --brightway-dir",
                    column="project",
                    value=name,
                )
            ]
        )
    bw2data, _ = open_brightway(data_dir)
    with quiet():
        bw2data.projects.change_base_directories(base, project_name=name, update=False)
        bw2data.projects.set_current(name, writable=False, update=False)
    return bw2data


def _activities_table(
    mapping: Mapping,
    opened: _Opened,
    scores: dict[str, np.ndarray],
    uncertainty: list[tuple[float, str]],
    described: dict[str, dict[str, str]],
) -> pd.DataFrame:
    """The factor-set table: each row names the database activity it was scored on."""
    rows = []
    for index, entry in enumerate(mapping.activities):
        found = opened.found[entry.id]
        gsd, gsd_note = uncertainty[index]
        rows.append(
            {
                "id": entry.id,
                "name": found.name or entry.id,
                "kind": entry.kind,
                "unit": entry.unit,
                "location": found.location,
                "co2e_kg": float(scores["co2e_kg"][index]),
                "water_m3": float(scores["water_m3"][index]),
                "gsd": gsd,
                "source": _source_key(opened.name, entry.database),
                "source_ref": f"{found.name} | {found.location} | code {found.code}",
                "year": described[entry.database]["year"],
                "notes": f"mapping {mapping.path.name} entry {entry.row}; "
                f"{found.per_unit:g} {found.unit} per {entry.unit}; "
                f"methods {_method_names(opened)}; {gsd_note}",
                ORIGIN: _source_key(opened.name, entry.database),
            }
        )
    return pd.DataFrame(rows, columns=[*ACTIVITY_COLUMNS, ORIGIN]).set_index("id", drop=False)


def _source_key(project: str, database: str) -> str:
    return f"brightway:{project}/{database}"


def _method_names(opened: _Opened) -> str:
    return ", ".join(
        f"{indicator} = {' / '.join(method) if method else 'none (0)'}"
        for indicator, method in opened.methods.items()
    )


def _as_factor_set(
    mapping: Mapping,
    project: str,
    table: pd.DataFrame,
    described: dict[str, dict[str, str]],
) -> FactorSet:
    sources = {
        _source_key(project, db): {
            "key": _source_key(project, db),
            "title": f"{db} {info['version']}".strip(),
            "publisher": f"Brightway project {project}",
            "year": info["year"],
            "url": "",
            "licence": "the database's own licence",
        }
        for db, info in described.items()
    }
    digest = hashlib.sha256(mapping.path.read_bytes() + project.encode())
    for indicator in INDICATORS:
        digest.update(table[indicator].to_numpy(dtype=float).tobytes())
    sha256 = digest.hexdigest()
    meta = {
        "id": f"brightway-{project}",
        "version": sha256[:12],
        "title": f"Scores from Brightway project {project}",
        "licence": "the databases' own licences",
        "sources": list(sources.values()),
    }
    return FactorSet(mapping.path, meta, table, sha256, sources)
