"""Where a run's per-unit scores come from: one `FactorSource`.

A source gives the factor set (activity ids, units, kinds, sources), the per-unit score of
each of its activities per indicator, and Monte Carlo draws of those scores, all aligned
with the factor set's activities. There are three:

- `FactorSetFolder`: a factor-set folder (factorset.toml + activities.csv; the shipped one
  by default), scored through isbenefit's own Brightway project (`scoring.brightway`);
- `MappedDatabase`: the user's own Brightway database through a mapping file
  (`scoring.mapping`, `scoring.user_database`);
- `WithFallback`: a `MappedDatabase` whose unmapped ledger ids are scored by a
  `FactorSetFolder`; the splice of activities, scores and draws is written once, here.

A source loads its factor set once and computes its scores once, then keeps them: a run
that assesses twice with one source (a certificate: the ledger, then the organisation's
rows with Monte Carlo; `verify`: the check of the claim's factor set, then the
recomputation) reads the factor set and solves the scores once. Draws are not kept.

``data_dir`` is isbenefit's data directory, where its Brightway projects are cached; the
numbers do not depend on it. `factor_set` is called on the thread that runs the
assessment; `scores` and `score_draws` may run on a worker thread (`api.assess`).

`factor_source` builds the source the command line's options (and `api.assess`'s keyword
arguments) describe; `as_factor_source` accepts a source or those options.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from isbenefit.errors import InputError
from isbenefit.scoring import brightway, factorset, user_database
from isbenefit.scoring.factorset import FactorSet
from isbenefit.scoring.mapping import Mapping, read_mapping

DataDir = Path | str | None
Arrays = dict[str, np.ndarray]


class FactorSource(Protocol):
    """Where the factor set and its per-unit scores come from (module docstring)."""

    @property
    def description(self) -> str:
        """What the source is, for messages: "factor-set folder X", "Brightway project P"."""
        ...

    def factor_set(self, data_dir: DataDir = None) -> FactorSet:
        """The factor set; loaded on the first call, the same object afterwards."""
        ...

    def scores(self, data_dir: DataDir = None) -> Arrays:
        """Per-unit scores per indicator, aligned with the factor set's activities."""
        ...

    def score_draws(self, iterations: int, seed: int, data_dir: DataDir = None) -> Arrays:
        """Per-unit scores drawn ``iterations`` times per indicator (iterations x activities)."""
        ...


class FactorSetFolder:
    """A factor-set folder, scored through isbenefit's own Brightway project."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.RLock()
        self._factor_set: FactorSet | None = None
        self._scores: Arrays | None = None

    def __repr__(self) -> str:
        return f"FactorSetFolder({self.path!r})"

    @property
    def description(self) -> str:
        return f"factor-set folder {self.path}" if self.path else "the shipped factor set"

    def factor_set(self, data_dir: DataDir = None) -> FactorSet:
        with self._lock:
            if self._factor_set is None:
                self._factor_set = factorset.load_factor_set(self.path)
            return self._factor_set

    def scores(self, data_dir: DataDir = None) -> Arrays:
        with self._lock:
            if self._scores is None:
                self._scores = brightway.factor_scores(self.factor_set(data_dir), data_dir).values
            return self._scores

    def score_draws(self, iterations: int, seed: int, data_dir: DataDir = None) -> Arrays:
        return brightway.score_samples(self.factor_set(data_dir), iterations, seed, data_dir)


class MappedDatabase:
    """The user's own Brightway database, through a mapping file.

    ``project`` overrides the mapping's `project`; ``brightway_dir`` is the user's
    Brightway directory (else BRIGHTWAY2_DIR, else Brightway's default). The factor set
    holds the mapped activities only, scored on the database when it is first asked for.
    """

    def __init__(
        self,
        mapping: Path | str,
        project: str | None = None,
        brightway_dir: Path | str | None = None,
    ) -> None:
        self.mapping_path = Path(mapping)
        self.project = project
        self.brightway_dir = Path(brightway_dir) if brightway_dir is not None else None
        self._lock = threading.RLock()
        self._mapping: Mapping | None = None
        self._loaded: tuple[FactorSet, Arrays] | None = None

    def __repr__(self) -> str:
        return (
            f"MappedDatabase({self.mapping_path!r}, project={self.project!r}, "
            f"brightway_dir={self.brightway_dir!r})"
        )

    @property
    def description(self) -> str:
        project = self.project or (self._mapping.project if self._mapping else None)
        named = f"Brightway project {project}" if project else "a Brightway project"
        where = f" in {self.brightway_dir}" if self.brightway_dir else ""
        return f"{named}{where} through the mapping {self.mapping_path}"

    def mapping(self) -> Mapping:
        """The mapping file, read and checked once."""
        with self._lock:
            if self._mapping is None:
                self._mapping = read_mapping(self.mapping_path)
            return self._mapping

    def factor_set(self, data_dir: DataDir = None) -> FactorSet:
        return self._load(data_dir)[0]

    def scores(self, data_dir: DataDir = None) -> Arrays:
        return self._load(data_dir)[1]

    def score_draws(self, iterations: int, seed: int, data_dir: DataDir = None) -> Arrays:
        return user_database.database_score_samples(
            self.mapping(), self.project, iterations, seed, self.brightway_dir, data_dir
        )

    def _load(self, data_dir: DataDir) -> tuple[FactorSet, Arrays]:
        """The factor set and its scores come from one reading of the database."""
        with self._lock:
            if self._loaded is None:
                mapped, scores = user_database.database_factor_set(
                    self.mapping(), self.project, self.brightway_dir, data_dir
                )
                self._loaded = mapped, scores.values
            return self._loaded


class WithFallback:
    """``primary``'s activities, then those of ``fallback`` that ``primary`` lacks.

    Activities, scores and draws are spliced the same way (`_splice`): the mapped
    activities first, in mapping order, then the fallback factor set's other activities
    in its own order.
    """

    def __init__(self, primary: MappedDatabase, fallback: FactorSetFolder) -> None:
        self.primary = primary
        self.fallback = fallback
        self._lock = threading.RLock()
        self._factor_set: FactorSet | None = None
        self._scores: Arrays | None = None

    def __repr__(self) -> str:
        return f"WithFallback({self.primary!r}, {self.fallback!r})"

    @property
    def description(self) -> str:
        return f"{self.primary.description}, other ids from {self.fallback.description}"

    def factor_set(self, data_dir: DataDir = None) -> FactorSet:
        with self._lock:
            if self._factor_set is None:
                mapped = self.primary.factor_set(data_dir)
                base = self.fallback.factor_set(data_dir)
                extra = self._extra(data_dir)
                meta = {
                    **mapped.meta,
                    "id": f"{mapped.id}+{base.id}",
                    "sources": [*mapped.meta["sources"], *base.meta["sources"]],
                }
                digest = hashlib.sha256((mapped.sha256 + base.sha256).encode()).hexdigest()
                self._factor_set = FactorSet(
                    mapped.path,
                    meta,
                    pd.concat([mapped.activities, base.activities.loc[extra]]),
                    digest,
                    {**mapped.sources, **base.sources},
                )
            return self._factor_set

    def scores(self, data_dir: DataDir = None) -> Arrays:
        with self._lock:
            if self._scores is None:
                self._scores = self._splice(
                    self.primary.scores(data_dir),
                    lambda: self.fallback.scores(data_dir),
                    data_dir,
                )
            return self._scores

    def score_draws(self, iterations: int, seed: int, data_dir: DataDir = None) -> Arrays:
        return self._splice(
            self.primary.score_draws(iterations, seed, data_dir),
            lambda: self.fallback.score_draws(iterations, seed, data_dir),
            data_dir,
        )

    def _extra(self, data_dir: DataDir) -> np.ndarray:
        """Which of the fallback's activities the mapping does not name (a boolean mask)."""
        mapped = self.primary.factor_set(data_dir).activities.index
        return np.asarray(~self.fallback.factor_set(data_dir).activities.index.isin(mapped))

    def _splice(self, mapped: Arrays, fallback: Callable[[], Arrays], data_dir: DataDir) -> Arrays:
        """Per indicator, ``mapped`` then the fallback's columns of the unmapped activities
        (the last axis: activities of a score vector, of each draw). The fallback is not
        computed when the mapping names every activity it has."""
        extra = self._extra(data_dir)
        if not extra.any():
            return mapped
        base = fallback()
        return {
            name: np.concatenate([values, base[name][..., extra]], axis=-1)
            for name, values in mapped.items()
        }


def factor_source(
    factors: Path | str | None = None,
    mapping: Path | str | None = None,
    brightway_project: str | None = None,
    brightway_dir: Path | str | None = None,
    fallback: bool = False,
) -> FactorSource:
    """The source the command line's options name.

    No ``mapping``: the factor-set folder ``factors`` (the shipped one when None). With a
    ``mapping``: the user's Brightway database (``brightway_project`` in
    ``brightway_dir``), where ledger activity ids the mapping does not name are errors,
    unless ``fallback``: then they are scored with the factor set (``factors``, else the
    shipped one). Options that would be ignored are errors: the Brightway options
    without a mapping, ``factors`` with a mapping but without ``fallback``.

    Nothing is read here: a missing folder, a bad mapping file or an unknown project is
    reported when the source is first used (`FactorSource.factor_set`).
    """
    if mapping is None:
        unused = [
            option
            for option, given in (
                ("--brightway", brightway_project is not None),
                ("--brightway-dir", brightway_dir is not None),
                ("--fallback", fallback),
            )
            if given
        ]
        if unused:
            raise InputError.one(
                file=" ".join(unused),
                message="only used with --mapping (scores from your own Brightway database)",
                fix="give --mapping FILE too, or leave out " + " and ".join(unused),
            )
        return FactorSetFolder(factors)
    database = MappedDatabase(mapping, brightway_project, brightway_dir)
    if fallback:
        return WithFallback(database, FactorSetFolder(factors))
    if factors is not None:
        raise InputError.one(
            file="--factors",
            message="with --mapping, the factor set scores only the ids the mapping does not "
            "name, and only with --fallback",
            fix="add --fallback, or leave out --factors",
        )
    return database


def as_factor_source(
    factors: FactorSource | Path | str | None = None,
    mapping: Path | str | None = None,
    brightway_project: str | None = None,
    brightway_dir: Path | str | None = None,
    fallback: bool = False,
) -> FactorSource:
    """``factors`` when it is a source already, else the source the options name
    (`factor_source`). A source given with the mapping options is an error."""
    if factors is None or isinstance(factors, str | os.PathLike):
        return factor_source(factors, mapping, brightway_project, brightway_dir, fallback)
    if mapping is not None or brightway_project is not None or brightway_dir is not None:
        raise InputError.one(
            file="factors",
            message="a FactorSource was given together with mapping options",
            fix="build the source with factor_source(...) including the mapping, or give "
            "the options without a source",
        )
    if fallback:
        raise InputError.one(
            file="factors",
            message="fallback=True does nothing with a FactorSource",
            fix="build the source with factor_source(..., fallback=True) or WithFallback",
        )
    return factors
