"""Finding a mapping's activities and methods in a user's Brightway project.

Every check here reads the project; none writes to it. Problems name the mapping file,
the `[[activities]]` entry (its position), the column and the ledger activity id.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from isbenefit import units
from isbenefit.errors import InputError, Problem
from isbenefit.scoring.mapping import BRIGHTWAY_UNITS, DEFAULT_CO2E_METHODS, MappedActivity, Mapping


@dataclass(frozen=True)
class Found:
    """A mapped activity as the database has it; ``per_unit``: database units per unit."""

    node_id: int
    name: str
    location: str
    code: str
    unit: str
    per_unit: float


@dataclass(frozen=True)
class _Trouble:
    message: str
    fix: str
    column: str


def methods(bw2data: ModuleType, mapping: Mapping) -> dict[str, tuple[str, ...] | None]:
    """The impact method of each indicator: the mapping's, else the default (CO2e only)."""
    chosen = dict(mapping.methods)
    problems = [
        mapping.problem(
            f"impact method {method!r} not in project {bw2data.projects.current!r}",
            "name a method that `bw2data.methods` lists",
            sheet="methods",
            column=indicator,
        )
        for indicator, method in chosen.items()
        if method is not None and method not in bw2data.methods
    ]
    if chosen["co2e_kg"] is None:
        candidates = _default_co2e(bw2data)
        if len(candidates) == 1:
            chosen["co2e_kg"] = candidates[0]
        else:
            found = "; ".join(map(repr, candidates))
            problems.append(
                mapping.problem(
                    f"no CO2e method given, and project {bw2data.projects.current!r} has "
                    + (
                        f"several IPCC 2021 GWP100 methods: {found}"
                        if candidates
                        else "no IPCC 2021 GWP100 method"
                    ),
                    "name one in the mapping: [methods] co2e_kg = [...]"
                    if candidates
                    else "import the LCIA methods (docs/brightway-databases.md) "
                    "or name a method: [methods] co2e_kg = [...]",
                    sheet="methods",
                    column="co2e_kg",
                )
            )
    if problems:
        raise InputError(problems)
    return chosen


def _default_co2e(bw2data: ModuleType) -> list[tuple[str, ...]]:
    """IPCC 2021 GWP100 as bw2io writes it: bare, or under an `ecoinvent-X.Y` prefix."""
    for wanted in DEFAULT_CO2E_METHODS:
        found = sorted(
            tuple(m)
            for m in bw2data.methods
            if tuple(m)[-len(wanted) :] == wanted and len(m) <= len(wanted) + 1
        )
        if found:
            return found
    return []


def check_processed(bw2data: ModuleType, mapping: Mapping) -> None:
    """Refuse databases with changes not yet processed: bw2calc would process (write) them."""
    dirty = sorted(name for name in bw2data.databases if bw2data.databases[name].get("dirty"))
    if dirty:
        raise InputError(
            [
                mapping.problem(
                    f"database(s) {', '.join(dirty)} of project {bw2data.projects.current!r} "
                    "have changes that Brightway has not processed yet, and isbenefit does "
                    "not write into your project",
                    "process them once in Python: bw2data.projects.set_current(PROJECT); "
                    + "; ".join(f"bw2data.Database({name!r}).process()" for name in dirty),
                    column="database",
                )
            ]
        )


def resolve(bw2data: ModuleType, mapping: Mapping) -> dict[str, Found]:
    """Every mapped activity found in its database, with its unit conversion."""
    problems: list[Problem] = []
    found: dict[str, Found] = {}
    for entry in mapping.activities:
        node, trouble = _find(bw2data, entry)
        if node is not None:
            database_unit = str(node.get("unit", ""))
            trouble = _unit_trouble(entry, database_unit)
        if trouble is not None or node is None:
            problem = trouble or _Trouble("not found", "check the entry", "code")
            problems.append(
                mapping.problem(
                    f"ledger activity {entry.id}: {problem.message}",
                    problem.fix,
                    entry,
                    problem.column,
                    _value(entry, problem.column),
                )
            )
            continue
        found[entry.id] = Found(
            node.id,
            str(node.get("name", "")),
            str(node.get("location", "") or ""),
            str(node.get("code", "")),
            database_unit,
            entry.per_unit or float(unit_factor(entry.unit, database_unit) or 0.0),
        )
    if problems:
        raise InputError(problems)
    return found


def _value(entry: MappedActivity, column: str) -> str | None:
    value = {
        "code": entry.code,
        "name": entry.name,
        "database": entry.database,
        "unit": entry.unit,
        "per_unit": None if entry.per_unit is None else f"{entry.per_unit:g}",
    }.get(column)
    return value


def _find(bw2data: ModuleType, entry: MappedActivity) -> tuple[Any, _Trouble | None]:
    """The database node of an entry, or why there is none."""
    if entry.database not in bw2data.databases:
        known = ", ".join(sorted(bw2data.databases)) or "(none)"
        return None, _Trouble(
            f"database {entry.database!r} is not in project {bw2data.projects.current!r}",
            f"use one of: {known}",
            "database",
        )
    if entry.code:
        node = _node(bw2data, database=entry.database, code=entry.code)
        if node is None:
            return None, _Trouble(
                f"no activity with code {entry.code!r} in database {entry.database!r}",
                "copy the code from `bw2data.Database(...).get(...)['code']`, or map by name, "
                "location and reference_product",
                "code",
            )
        return _process_only(bw2data, node, entry)
    return _by_name(bw2data, entry)


def _by_name(bw2data: ModuleType, entry: MappedActivity) -> tuple[Any, _Trouble | None]:
    from bw2data.backends.schema import ActivityDataset as Node

    rows = Node.select(Node.id, Node.code, Node.location, Node.product).where(
        (Node.database == entry.database) & (Node.name == entry.name)
    )
    matches = [
        row
        for row in rows
        if (entry.location is None or row.location == entry.location)
        and (entry.reference_product is None or row.product == entry.reference_product)
    ]
    described = f"named {entry.name!r}" + "".join(
        f", {label} {value!r}"
        for label, value in (
            ("location", entry.location),
            ("reference product", entry.reference_product),
        )
        if value is not None
    )
    if not matches:
        return None, _Trouble(
            f"no activity {described} in database {entry.database!r}",
            "check the exact name, location and reference product in the database, or give "
            "the code",
            "name",
        )
    if len(matches) > 1:
        listed = ", ".join(f"{row.code} ({row.location}, {row.product})" for row in matches[:5])
        return None, _Trouble(
            f"{len(matches)} activities {described} in database {entry.database!r}: {listed}",
            "add location and reference_product, or give the code of the one you mean",
            "name",
        )
    return _process_only(bw2data, _node(bw2data, id=matches[0].id), entry)


def _node(bw2data: ModuleType, **query: Any) -> Any:
    from bw2data.errors import MultipleResults, UnknownObject

    try:
        return bw2data.get_node(**query)
    except (UnknownObject, MultipleResults):
        return None


def _process_only(
    bw2data: ModuleType, node: Any, entry: MappedActivity
) -> tuple[Any, _Trouble | None]:
    kind = node.get("type")
    if kind is not None and kind not in bw2data.labels.lci_node_types:
        return None, _Trouble(
            f"{entry.database}/{node.get('code')} is of type {kind!r} (a biosphere flow?), "
            "not an activity with a reference product",
            "map the activity that emits or consumes it instead",
            "code" if entry.code else "name",
        )
    return node, None


def _unit_trouble(entry: MappedActivity, database_unit: str) -> _Trouble | None:
    automatic = unit_factor(entry.unit, database_unit)
    if entry.per_unit is None and automatic is None:
        return _Trouble(
            f"unit {entry.unit!r} and the database unit {database_unit!r} do not convert",
            f"add per_unit = amount of {database_unit!r} per 1 {entry.unit}",
            "unit",
        )
    if (
        entry.per_unit is not None
        and automatic is not None
        and not _close(entry.per_unit, automatic)
    ):
        return _Trouble(
            f"per_unit = {entry.per_unit:g} contradicts the unit conversion: 1 {entry.unit} is "
            f"{automatic:g} {database_unit}",
            f"remove per_unit (isbenefit converts {entry.unit} into {database_unit}), or "
            "correct it",
            "per_unit",
        )
    return None


def _close(first: float, second: float) -> bool:
    return abs(first - second) <= 1e-9 * max(abs(first), abs(second))


def unit_factor(unit: str, database_unit: str) -> float | None:
    """Database units per one ``unit``, when Brightway's unit name is a known unit."""
    target = BRIGHTWAY_UNITS.get(database_unit.strip().lower())
    if target is None:
        return None
    try:
        return units.conversion_factor(unit, target)
    except units.UnitError:
        return None
