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

Each source is given isbenefit's data directory (``data_dir``, where its Brightway projects
are cached; None: $ISBENEFIT_DATA_DIR, else the XDG default) when it is built, so nothing
that scores with it needs to carry the directory along; the numbers do not depend on it.
`factor_set` is called on the thread that runs the assessment; `scores` and `score_draws`
may run on a worker thread (`api.assess`).

`factor_source` builds the source the command line's options (and `api.assess`'s keyword
arguments) describe; `as_factor_source` accepts a source or those options.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from isbenefit.errors import InputError
from isbenefit.paths import data_dir as resolve_data_dir
from isbenefit.paths import default_factor_set

if TYPE_CHECKING:  # numpy, pandas and the loaders are imported when a source is first
    # used: choosing a source (every verb's options) and `verify`, which reads no factor
    # set that is not the claim's (`certify.recomputation`), need none of them.
    import numpy as np

    from isbenefit.scoring.factorset import FactorSet
    from isbenefit.scoring.mapping import Mapping

DataDir = Path | str | None
Arrays = dict[str, "np.ndarray"]


class FactorSource(Protocol):
    """Where the factor set and its per-unit scores come from (module docstring)."""

    @property
    def description(self) -> str:
        """What the source is, for messages: "factor-set folder X", "Brightway project P"."""
        ...

    @property
    def data_dir(self) -> Path | None:
        """isbenefit's data directory the source caches in (None: the default one)."""
        ...

    def factor_set(self) -> FactorSet:
        """The factor set; loaded on the first call, the same object afterwards."""
        ...

    def scores(self) -> Arrays:
        """Per-unit scores per indicator, aligned with the factor set's activities."""
        ...

    def score_draws(self, iterations: int, seed: int) -> Arrays:
        """Per-unit scores drawn ``iterations`` times per indicator (iterations x activities)."""
        ...


class FactorSetFolder:
    """A factor-set folder, scored through isbenefit's own Brightway project."""

    def __init__(self, path: Path | str | None = None, data_dir: DataDir = None) -> None:
        self.path = Path(path) if path is not None else None
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._lock = threading.RLock()
        self._factor_set: FactorSet | None = None
        self._scores: Arrays | None = None

    def __repr__(self) -> str:
        return f"FactorSetFolder({self.path!r}, data_dir={self.data_dir!r})"

    def __getstate__(self) -> dict[str, Any]:
        """What a worker process needs to build the same source (no lock, no cache); the
        folder by its absolute path, wherever the worker runs."""
        return {"path": self.path.resolve() if self.path else None, "data_dir": self.data_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], state["data_dir"])  # type: ignore[misc]

    @property
    def description(self) -> str:
        return f"factor-set folder {self.path}" if self.path else "the shipped factor set"

    def factor_set(self) -> FactorSet:
        with self._lock:
            if self._factor_set is None:
                from isbenefit.scoring.factorset import load_factor_set

                self._factor_set = load_factor_set(self.path)
            return self._factor_set

    def named(self) -> tuple[str, str] | None:
        """The factor set's id and version without loading it: from its factorset.toml
        (the loaded set's once loaded); None when that file does not read."""
        import tomllib

        with self._lock:
            if self._factor_set is not None:
                return self._factor_set.id, self._factor_set.version
        folder = self.path if self.path is not None else default_factor_set()
        try:
            meta = tomllib.loads((folder / "factorset.toml").read_text(encoding="utf-8"))
            return str(meta["id"]), str(meta["version"])
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError):
            return None

    def scores(self) -> Arrays:
        with self._lock:
            if self._scores is None:
                from isbenefit.scoring import brightway

                self._scores = brightway.factor_scores(self.factor_set(), self.data_dir).values
            return self._scores

    def score_draws(self, iterations: int, seed: int) -> Arrays:
        from isbenefit.scoring import brightway

        return brightway.score_samples(self.factor_set(), iterations, seed, self.data_dir)


class MappedDatabase:
    """The user's own Brightway database, through a mapping file.

    ``project`` overrides the mapping's `project`; ``brightway_dir`` is the user's
    Brightway directory (else BRIGHTWAY2_DIR, else Brightway's default); ``data_dir``
    isbenefit's own (module docstring). The factor set
    holds the mapped activities only, scored on the database when it is first asked for.
    """

    def __init__(
        self,
        mapping: Path | str,
        project: str | None = None,
        brightway_dir: Path | str | None = None,
        data_dir: DataDir = None,
    ) -> None:
        self.mapping_path = Path(mapping)
        self.project = project
        self.brightway_dir = Path(brightway_dir) if brightway_dir is not None else None
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._lock = threading.RLock()
        self._mapping: Mapping | None = None
        self._loaded: tuple[FactorSet, Arrays] | None = None

    def __repr__(self) -> str:
        return (
            f"MappedDatabase({self.mapping_path!r}, project={self.project!r}, "
            f"brightway_dir={self.brightway_dir!r}, data_dir={self.data_dir!r})"
        )

    def __getstate__(self) -> dict[str, Any]:
        """What a worker process needs to open the same database (no lock, no cache): the
        mapping as read here and the Brightway directory as found here, so a worker on
        another machine, in another folder or environment, needs only the project at the
        same path."""
        from isbenefit.scoring import user_database

        return {
            "mapping": self.mapping_path,
            "read": self.mapping(),
            "project": self.project,
            "brightway_dir": user_database.user_brightway_dir(self.brightway_dir),
            "data_dir": self.data_dir,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        read = state.pop("read", None)
        self.__init__(**state)  # type: ignore[misc]
        self._mapping = read

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
                from isbenefit.scoring.mapping import read_mapping

                self._mapping = read_mapping(self.mapping_path)
            return self._mapping

    def factor_set(self) -> FactorSet:
        return self._load()[0]

    def scores(self) -> Arrays:
        return self._load()[1]

    def score_draws(self, iterations: int, seed: int) -> Arrays:
        from isbenefit.scoring import user_database

        return user_database.database_score_samples(
            self.mapping(), self.project, iterations, seed, self.brightway_dir, self.data_dir
        )

    def _load(self) -> tuple[FactorSet, Arrays]:
        """The factor set and its scores come from one reading of the database."""
        with self._lock:
            if self._loaded is None:
                from isbenefit.scoring import user_database

                mapped, scores = user_database.database_factor_set(
                    self.mapping(), self.project, self.brightway_dir, self.data_dir
                )
                self._loaded = mapped, scores.values
            return self._loaded


class WithFallback:
    """``primary``'s activities, then those of ``fallback`` that ``primary`` lacks.

    Activities, scores and draws are spliced the same way (`_splice`): the mapped
    activities first, in mapping order, then the fallback factor set's other activities
    in its own order. Each part caches in its own data directory; `data_dir` names the
    database's.
    """

    def __init__(self, primary: MappedDatabase, fallback: FactorSetFolder) -> None:
        self.primary = primary
        self.fallback = fallback
        self._lock = threading.RLock()
        self._factor_set: FactorSet | None = None
        self._scores: Arrays | None = None

    def __repr__(self) -> str:
        return f"WithFallback({self.primary!r}, {self.fallback!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"primary": self.primary, "fallback": self.fallback}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["primary"], state["fallback"])  # type: ignore[misc]

    @property
    def description(self) -> str:
        return f"{self.primary.description}, other ids from {self.fallback.description}"

    @property
    def data_dir(self) -> Path | None:
        return self.primary.data_dir

    def factor_set(self) -> FactorSet:
        with self._lock:
            if self._factor_set is None:
                import pandas as pd

                from isbenefit.scoring.factorset import FactorSet

                mapped = self.primary.factor_set()
                base = self.fallback.factor_set()
                extra = self._extra()
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

    def scores(self) -> Arrays:
        with self._lock:
            if self._scores is None:
                self._scores = self._splice(
                    self.primary.scores(),
                    self.fallback.scores,
                )
            return self._scores

    def score_draws(self, iterations: int, seed: int) -> Arrays:
        return self._splice(
            self.primary.score_draws(iterations, seed),
            lambda: self.fallback.score_draws(iterations, seed),
        )

    def _extra(self) -> np.ndarray:
        """Which of the fallback's activities the mapping does not name (a boolean mask)."""
        import numpy as np

        mapped = self.primary.factor_set().activities.index
        return np.asarray(~self.fallback.factor_set().activities.index.isin(mapped))

    def _splice(self, mapped: Arrays, fallback: Callable[[], Arrays]) -> Arrays:
        """Per indicator, ``mapped`` then the fallback's columns of the unmapped activities
        (the last axis: activities of a score vector, of each draw). The fallback is not
        computed when the mapping names every activity it has."""
        import numpy as np

        extra = self._extra()
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
    data_dir: DataDir = None,
) -> FactorSource:
    """The source the command line's options name, caching in ``data_dir`` (--data-dir).

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
        return FactorSetFolder(factors, data_dir)
    database = MappedDatabase(mapping, brightway_project, brightway_dir, data_dir)
    if fallback:
        return WithFallback(database, FactorSetFolder(factors, data_dir))
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
    data_dir: DataDir = None,
) -> FactorSource:
    """``factors`` when it is a source already, else the source the options name
    (`factor_source`). A source given with the mapping options is an error, and so is
    one given with a ``data_dir`` other than its own (it caches where it was built to)."""
    if factors is None or isinstance(factors, str | os.PathLike):
        return factor_source(factors, mapping, brightway_project, brightway_dir, fallback, data_dir)
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
    if data_dir is not None and resolve_data_dir(data_dir) != resolve_data_dir(factors.data_dir):
        raise InputError.one(
            file="data_dir",
            message=f"the FactorSource caches in {resolve_data_dir(factors.data_dir)}, "
            f"not in the data_dir given ({resolve_data_dir(data_dir)})",
            fix="build the source with data_dir=... (FactorSetFolder(path, data_dir), "
            "factor_source(..., data_dir=...)) and leave out data_dir here",
        )
    return factors
