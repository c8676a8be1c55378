"""Scores from a user's own Brightway database (ecoinvent, a national database, ...).

The user's project is opened in the user's Brightway directory (`--brightway-dir`, else
the BRIGHTWAY2_DIR isbenefit was started with, else Brightway's default) without
writing to it. The mapped activities are found by code, or by name, location and
reference product; their per-unit scores come from one LU factorisation of the
transposed technosphere matrix, solved once per indicator (A^T y = B^T c).
The result is a factor set like any other, so the rest of the pipeline is unchanged.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from isbenefit import units
from isbenefit.brightway import (
    USER_BRIGHTWAY_DIR,
    Scores,
    characterization_vector,
    open_brightway,
    quiet,
    solve_transposed,
)
from isbenefit.bw_mapping import (
    BRIGHTWAY_UNITS,
    DEFAULT_CO2E_METHODS,
    MappedActivity,
    Mapping,
)
from isbenefit.errors import InputError, Problem
from isbenefit.factorset import ACTIVITY_COLUMNS, INDICATORS, ORIGIN, FactorSet


def user_brightway_dir(override: Path | str | None) -> Path:
    if override is not None:
        return Path(override).expanduser().resolve()
    if USER_BRIGHTWAY_DIR:
        return Path(USER_BRIGHTWAY_DIR)
    import platformdirs

    return Path(platformdirs.user_data_dir(appname="Brightway3", appauthor="pylca"))


@dataclass(frozen=True)
class _Opened:
    """A user's project, opened, with the mapping resolved in it."""

    bw2data: ModuleType
    name: str
    methods: dict[str, tuple[str, ...] | None]
    nodes: dict[str, int]
    per_unit: np.ndarray  # database units per isbenefit unit, in mapping order


@contextmanager
def _opened(
    mapping: Mapping,
    project: str | None,
    brightway_dir: Path | str | None,
    data_dir: Path | str | None,
) -> Iterator[_Opened]:
    """Open the user's project, resolve the mapping, and return to isbenefit's own
    directory afterwards, whatever happens."""
    name = _project_name(mapping, project)
    bw2data = _open_user_project(name, user_brightway_dir(brightway_dir), mapping, data_dir)
    try:
        with quiet():
            methods = _methods(bw2data, mapping)
            nodes, per_unit = _resolve(bw2data, mapping)
            yield _Opened(
                bw2data,
                name,
                methods,
                nodes,
                np.array([per_unit[e.id] for e in mapping.activities]),
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
        values = _solve(opened, lca, mapping, _weights(opened, lca))
    scores = {k: values[k] * opened.per_unit for k in INDICATORS}
    return _as_factor_set(mapping, opened.name, opened.nodes, scores), Scores(
        tuple(e.id for e in mapping.activities), scores, source=f"brightway:{opened.name}"
    )


def database_score_samples(
    mapping: Mapping,
    project: str | None,
    iterations: int,
    seed: int,
    brightway_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> dict[str, np.ndarray]:
    """Per-unit scores of the mapped activities drawn ``iterations`` times from the
    database's own distributions (iterations x activities); one draw of the whole
    database per iteration, shared by every line that uses it (paired sampling)."""
    samples = {k: np.zeros((iterations, len(mapping.activities))) for k in INDICATORS}
    with _opened(mapping, project, brightway_dir, data_dir) as opened:
        lca = _lca(opened, mapping, seed)
        weights = _weights(opened, lca)  # characterisation factors are not redrawn
        for iteration in range(iterations):
            if iteration:
                next(lca)
            for indicator, values in _solve(opened, lca, mapping, weights).items():
                samples[indicator][iteration] = values
    return {k: values * opened.per_unit for k, values in samples.items()}


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
    zero for an indicator without a method."""
    columns = np.array([lca.dicts.activity[opened.nodes[e.id]] for e in mapping.activities])
    solved = solve_transposed(
        lca.technosphere_matrix, [lca.biosphere_matrix.T @ w for w in weights.values()]
    )
    values = {k: np.zeros(len(columns)) for k in opened.methods}
    values.update({k: solution[columns] for k, solution in zip(weights, solved, strict=True)})
    return values


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
        with sqlite3.connect(f"file:{registry}?mode=ro", uri=True) as connection:
            known = [row[0] for row in connection.execute("SELECT name FROM projectdataset")]
    if name not in known:
        raise InputError(
            [
                mapping.problem(
                    f"Brightway project {name!r} not found in {base}",
                    f"use one of {', '.join(sorted(known)) or '(none)'}, or give --brightway-dir",
                )
            ]
        )
    bw2data, _ = open_brightway(data_dir)
    with quiet():
        bw2data.projects.change_base_directories(base, project_name=name, update=False)
        bw2data.projects.set_current(name, writable=False, update=False)
    return bw2data


def _methods(bw2data: ModuleType, mapping: Mapping) -> dict[str, tuple[str, ...] | None]:
    chosen = dict(mapping.methods)
    if chosen["co2e_kg"] is None:
        chosen["co2e_kg"] = next((m for m in DEFAULT_CO2E_METHODS if m in bw2data.methods), None)
    problems = [
        mapping.problem(
            f"impact method {method!r} not in project {bw2data.projects.current!r}",
            "name a method that `bw2data.methods` lists",
            column=indicator,
        )
        for indicator, method in chosen.items()
        if method is not None and method not in bw2data.methods
    ]
    if chosen["co2e_kg"] is None:
        problems.append(
            mapping.problem(
                "no CO2e method given and IPCC 2021 GWP100 is not in the project",
                "add [methods] co2e_kg = [...] to the mapping",
            )
        )
    if problems:
        raise InputError(problems)
    return chosen


def _resolve(bw2data: ModuleType, mapping: Mapping) -> tuple[dict[str, int], dict[str, float]]:
    problems: list[Problem] = []
    nodes: dict[str, int] = {}
    per_unit: dict[str, float] = {}
    for entry in mapping.activities:
        node = _find(bw2data, entry)
        if node is None:
            problems.append(
                mapping.problem(
                    f"ledger activity {entry.id}: no such activity in database {entry.database!r}",
                    "check database, code (or name, location, reference_product)",
                    entry,
                    "code" if entry.code else "name",
                    entry.code or entry.name,
                )
            )
            continue
        factor = entry.per_unit or _unit_factor(entry.unit, str(node.get("unit", "")))
        if factor is None:
            problems.append(
                mapping.problem(
                    f"ledger activity {entry.id}: unit {entry.unit!r} and the database unit "
                    f"{node.get('unit')!r} do not convert",
                    f"add per_unit = database units per {entry.unit}",
                    entry,
                    "unit",
                    entry.unit,
                )
            )
            continue
        nodes[entry.id], per_unit[entry.id] = node.id, factor
    if problems:
        raise InputError(problems)
    return nodes, per_unit


def _find(bw2data: ModuleType, entry: MappedActivity) -> Any:
    if entry.database not in bw2data.databases:
        return None
    if entry.code:
        try:
            return bw2data.get_node(database=entry.database, code=entry.code)
        except Exception:
            return None
    wanted = {
        "name": entry.name,
        "location": entry.location,
        "reference product": entry.reference_product,
    }
    matches = [
        node
        for node in bw2data.Database(entry.database).search(entry.name or "", limit=None)
        if all(value is None or node.get(key) == value for key, value in wanted.items())
    ]
    return matches[0] if len(matches) == 1 else None


def _unit_factor(unit: str, database_unit: str) -> float | None:
    target = BRIGHTWAY_UNITS.get(database_unit.strip().lower())
    if target is None:
        return None
    try:
        return units.conversion_factor(unit, target)
    except units.UnitError:
        return None


def _as_factor_set(
    mapping: Mapping, project: str, nodes: dict[str, int], scores: dict[str, np.ndarray]
) -> FactorSet:
    origin = f"brightway:{project}"
    rows = []
    for index, entry in enumerate(mapping.activities):
        rows.append(
            {
                "id": entry.id,
                "name": entry.name or entry.id,
                "kind": entry.kind,
                "unit": entry.unit,
                "location": entry.location or "",
                "co2e_kg": float(scores["co2e_kg"][index]),
                "water_m3": float(scores["water_m3"][index]),
                "gsd": 1.0,
                "source": f"{origin}/{entry.database}",
                "source_ref": f"{entry.database} node {nodes[entry.id]}"
                f"{' code ' + entry.code if entry.code else ''}",
                "year": "",
                "notes": f"mapping {mapping.path.name} entry {entry.row}",
                ORIGIN: f"{origin}/{entry.database}",
            }
        )
    table = pd.DataFrame(rows, columns=[*ACTIVITY_COLUMNS, ORIGIN]).set_index("id", drop=False)
    sources = {
        f"{origin}/{db}": {
            "key": f"{origin}/{db}",
            "title": db,
            "publisher": f"Brightway project {project}",
            "year": "",
            "url": "",
            "licence": "the database's own licence",
        }
        for db in sorted({e.database for e in mapping.activities})
    }
    digest = hashlib.sha256(mapping.path.read_bytes() + project.encode()).hexdigest()
    meta = {
        "id": f"brightway-{project}",
        "version": digest[:12],
        "title": f"Scores from Brightway project {project}",
        "licence": "the databases' own licences",
        "sources": list(sources.values()),
    }
    return FactorSet(mapping.path, meta, table, digest, sources)
