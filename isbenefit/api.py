"""The Python API: `assess(ledger)` gives the results as DataFrames and as the results JSON.

Scores come from a :class:`isbenefit.scoring.source.FactorSource` (a factor-set folder,
the user's own Brightway database through a mapping, or that database with a fallback
factor set); `factor_source` builds one from the command line's options.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from isbenefit.engine import core
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.errors import InputError, Problem
from isbenefit.ledger import arrays as prepare
from isbenefit.ledger import own_factors, periods
from isbenefit.ledger.checks import SheetChecker
from isbenefit.ledger.declared import DeclaredFigures, declared_figures
from isbenefit.ledger.frames import frames_sha256, is_frames, read_frames
from isbenefit.ledger.rates import Rates, shipped_rates
from isbenefit.ledger.reading import ROW_COLUMN, RawLedger, read_ledger
from isbenefit.ledger.rules import CheckedSheets, check_sheets
from isbenefit.messages import NO_EXCHANGES, NO_EXCHANGES_FIX
from isbenefit.results.alternatives import alternative_records
from isbenefit.results.results_json import ResultsSource, results_chunks, results_dict
from isbenefit.results.tables import Tables, build_tables
from isbenefit.scoring.brightway import cached_scores, open_brightway
from isbenefit.scoring.factorset import FactorSet
from isbenefit.scoring.source import (
    FactorSetFolder,
    FactorSource,
    as_factor_source,
    factor_source,
)

__all__ = ["Assessment", "FactorSource", "assess", "check", "factor_source", "ledger_sha256"]


@dataclass(frozen=True)
class Assessment:
    """Results of one ledger against one factor set, in one report currency."""

    ledger_path: Path
    ledger_sha256: str
    factor_set: FactorSet
    currency: str
    rates: Rates
    sheets: CheckedSheets
    raw: RawLedger
    tables: Tables
    scores: dict[str, np.ndarray] = field(repr=False)
    computed: core.CoreResult = field(repr=False)
    uncertainty: dict[str, Any] | None = field(default=None, repr=False)
    # What the user should know that did not stop the run (an activity id a factor set
    # renamed, with its changed value), in reading order.
    warnings: tuple[Problem, ...] = ()
    # Other plausible baselines (the ledger's `baselines` sheet), None when it has none.
    alternatives: core.AlternativeResult | None = field(default=None, repr=False)
    # Declared jobs and money (the ledger's `declared` sheet), None when it has none.
    declared: DeclaredFigures | None = field(default=None, repr=False)

    @property
    def ledger_name(self) -> str:
        return self.ledger_path.name

    @property
    def exchanges(self) -> pd.DataFrame:
        """One row per exchange; `period_start` and `period_end` as dates (datetime64),
        `hazardous` as booleans (the results JSON and the CSVs keep ISO text and yes/no)."""
        return typed_exchanges(self.tables.exchanges)

    @property
    def lines(self) -> pd.DataFrame:
        return self.tables.lines

    @property
    def organisations(self) -> pd.DataFrame:
        """Credited shares per organisation; `sme` and `eu_ets` as nullable booleans
        (pandas `boolean`: True, False, or <NA> where the ledger leaves them blank)."""
        return typed_organisations(self.tables.organisations)

    @property
    def years(self) -> pd.DataFrame:
        return self.tables.years

    @property
    def totals(self) -> pd.DataFrame:
        return self.tables.totals

    @cached_property
    def results(self) -> dict[str, Any]:
        """The results JSON of formats.md section 4, as a dict."""
        return results_dict(self._results_source)

    def results_json(self) -> bytes:
        """The results JSON as bytes, byte-identical to serialising :attr:`results`."""
        return b"".join(self.results_json_chunks())

    def results_json_chunks(self) -> Iterator[bytes]:
        """The results JSON in pieces, made column by column and block by block of
        exchanges, never as one dict per exchange; joined, they are :meth:`results_json`.
        A writer can stream them to a file (`writing.write_atomic` takes them)."""
        return results_chunks(self._results_source)

    @property
    def _results_source(self) -> ResultsSource:
        return ResultsSource(
            self.tables,
            self.sheets.extra_columns,
            self.factor_set,
            self.scores,
            self.currency,
            {"name": self.ledger_name, "sha256": self.ledger_sha256},
            self.uncertainty,
            self.warnings,
            alternative_records(
                self.sheets.alternatives,
                self.alternatives,
                self.tables.exchanges["id"].tolist(),
                self.factor_set,
            )
            if self.alternatives is not None
            else None,
            self.declared,
        )

    def source_rows(self, exchange_ids: Iterable[str]) -> dict[str, list[dict[str, str]]]:
        """The ledger rows (text as given, with their spreadsheet row) behind some exchanges."""
        wanted = set(exchange_ids)
        picked: dict[str, list[dict[str, str]]] = {}
        exchanges = self.raw.sheets.get("exchanges")
        if exchanges is None:
            return picked
        rows = exchanges.table.loc[exchanges.table["id"].isin(wanted)]
        picked["exchanges"] = _records(rows)
        orgs = set(rows["supplier"]) | set(rows["receiver"])
        for sheet, column, keys in (
            ("inputs", "exchange", wanted),
            ("baselines", "exchange", wanted),
            ("organisations", "id", orgs),
        ):
            raw = self.raw.sheets.get(sheet)
            if raw is not None and column in raw.table.columns:
                picked[sheet] = _records(raw.table.loc[raw.table[column].isin(keys)])
        if "rates" in self.raw.sheets:
            picked["rates"] = _records(self.raw.sheets["rates"].table)
        if own_factors.SHEET in self.raw.sheets:  # the figures a claim rests on travel with it
            picked[own_factors.SHEET] = _records(self.raw.sheets[own_factors.SHEET].table)
        return picked


def typed_exchanges(table: pd.DataFrame) -> pd.DataFrame:
    """The exchanges table with dates as datetime64 and `hazardous` as bool."""
    typed = table.copy()
    for column in ("period_start", "period_end"):
        typed[column] = pd.to_datetime(typed[column], format="%Y-%m-%d")
    typed["hazardous"] = (typed["hazardous"] == "yes").astype(bool)
    return typed


def typed_organisations(table: pd.DataFrame) -> pd.DataFrame:
    """The organisations table with its yes/no columns as nullable booleans."""
    typed = table.copy()
    for column in ("sme", "eu_ets"):
        if column in typed:
            text = typed[column].astype(str)
            typed[column] = pd.array(
                [True if v == "yes" else False if v == "no" else pd.NA for v in text],
                dtype="boolean",
            )
    return typed


def _records(table: pd.DataFrame) -> list[dict[str, str]]:
    return [
        {str(k): (str(v) if k != ROW_COLUMN else v) for k, v in row.items()}
        for row in table.to_dict("records")
    ]


Ledger = Path | str | pd.DataFrame | Mapping[str, pd.DataFrame]


def assess(
    ledger: Ledger,
    factors: FactorSource | Path | str | None = None,
    currency: str = "EUR",
    data_dir: Path | str | None = None,
    monte_carlo: MonteCarloSettings | None = None,
    *,
    mapping: Path | str | None = None,
    brightway_project: str | None = None,
    brightway_dir: Path | str | None = None,
    fallback: bool = False,
    client: Any = None,
) -> Assessment:
    """Check a ledger, compute every exchange against its baseline, and aggregate.

    ``ledger`` is a path (an .xlsx workbook, a folder of CSVs, an exchanges.csv), or
    pandas DataFrames: ``{"exchanges": df, "organisations": df2, ...}`` (keys are the
    sheet names of docs/formats.md) or one DataFrame holding the exchanges
    (docs/python-api.md).

    ``factors`` is a :class:`~isbenefit.scoring.source.FactorSource`, or a factor-set
    folder (None: the shipped one). With a ``mapping`` file instead, scores come from
    the user's own Brightway database (``brightway_project`` in ``brightway_dir``);
    ledger activity ids the mapping does not name fall back to the factor set
    (``factors``) only when ``fallback`` is set. These keywords build the source with
    :func:`~isbenefit.scoring.source.factor_source`, caching in ``data_dir``; pass one
    source to several calls to load its factor set and scores once (a source caches in
    the data directory it was built with: ``data_dir`` may only repeat it).

    With ``monte_carlo`` settings, percentile ranges of every saved quantity are added
    (`Assessment.uncertainty`, the results' `uncertainty` extension). With a
    ``client`` (a `dask.distributed.Client`) the Monte Carlo run is shared out over its
    workers, with the same result byte for byte (docs/scale.md).

    Raises :class:`isbenefit.errors.InputError` listing every problem when the
    ledger (or the factor set) breaks a rule; nothing is computed then.
    """
    source = as_factor_source(
        factors, mapping, brightway_project, brightway_dir, fallback, data_dir
    )
    factor_set = source.factor_set()
    # bw2data is imported (once per process) on this thread, not in the worker below: its
    # import sets process-wide state (scoring/brightway.py, module docstring). Scores of a
    # factor set kept from an earlier run need no Brightway at all.
    if not (isinstance(source, FactorSetFolder) and cached_scores(factor_set, source.data_dir)):
        open_brightway(source.data_dir)
    # The Brightway solves run beside the ledger checks: both take a good part of a second
    # on a large ledger and neither needs the other.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="isbenefit-brightway") as pool:
        scoring = pool.submit(source.scores)
        raw = read_frames(ledger) if is_frames(ledger) else read_ledger(ledger)  # type: ignore[arg-type]
        report_currency = currency.strip().upper()
        sheets, rates, arrays, warnings, factor_set, declared = _checked(
            raw, factor_set, report_currency
        )
        scores = own_factors.with_own_scores(scoring.result(), factor_set)
    exchanges, inputs, split, alternative_input = arrays
    activities = prepare.activity_flags(factor_set, scores)
    result = core.compute(
        exchanges, inputs, periods.money_arrays(sheets.exchanges), split, activities
    )
    alternatives = (
        core.compute_alternatives(alternative_input[1], alternative_input[0], result, activities)
        if alternative_input is not None
        else None
    )
    tables = build_tables(
        sheets.exchanges, sheets.extra_columns, sheets.organisations, split, result, factor_set
    )
    assessment = Assessment(
        raw.path,
        frames_sha256(raw) if is_frames(ledger) else ledger_sha256(raw.path),
        factor_set,
        report_currency,
        rates,
        sheets,
        raw,
        tables,
        scores,
        result,
        warnings=warnings,
        alternatives=alternatives,
        declared=declared,
    )
    if monte_carlo is None:
        return assessment
    from isbenefit.results import monte_carlo as monte_carlo_ranges

    on_cluster = _on_cluster(client)
    draws = own_factors.with_own_draws(
        monte_carlo_ranges.factor_draws(source, monte_carlo, on_cluster.get("mapper")),
        factor_set,
        monte_carlo.seed,
        monte_carlo.draw_scheme,
    )
    conservative = (
        (
            core.with_chosen_baselines(result.lines, alternatives),
            core.saved_under_chosen(result.saved, alternatives),
        )
        if alternatives is not None and (alternatives.chosen != core.NONE).any()
        else None
    )
    extension = monte_carlo_ranges.run(
        tables, result.lines, sheets.exchanges, monte_carlo, draws, conservative, **on_cluster
    )
    return replace(assessment, uncertainty=extension)


def _on_cluster(client: Any) -> dict[str, Any]:
    """The Monte Carlo's mapper and partitions on a Dask client (none: this process)."""
    if client is None:
        return {}
    from isbenefit import cluster

    return {"mapper": cluster.mapper(client), "partitions": 2 * cluster.workers_of(client)}


def check(
    ledger: Ledger,
    factors: FactorSource | Path | str | None = None,
    currency: str = "EUR",
    data_dir: Path | str | None = None,
) -> tuple[Problem, ...]:
    """Check a ledger as :func:`assess` does, against the factor set, computing nothing.

    Returns the warnings; raises :class:`isbenefit.errors.InputError` listing every
    problem found (reading problems stop before the sheets are checked).
    """
    factor_set = as_factor_source(factors, data_dir=data_dir).factor_set()
    raw = read_frames(ledger) if is_frames(ledger) else read_ledger(ledger)  # type: ignore[arg-type]
    return _checked(raw, factor_set, currency.strip().upper())[3]


def _checked(
    raw: RawLedger, factor_set: FactorSet, currency: str
) -> tuple[
    CheckedSheets,
    Rates,
    tuple[
        core.ExchangeArrays,
        core.InputArrays,
        core.YearSplit,
        tuple[np.ndarray, core.ExchangeArrays] | None,
    ],
    tuple[Problem, ...],
    FactorSet,
    DeclaredFigures | None,
]:
    """The checked sheets, rates and engine arrays of a ledger, its warnings in reading
    order, the factor set with the ledger's own factors and the declared figures;
    InputError listing every problem, in reading order."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    sheets = check_sheets(raw, problems, currency)
    factor_set = own_factors.with_own_factors(factor_set, sheets, raw, problems)
    rates = shipped_rates().overridden(sheets.rates, origin=f"{raw.path.name}, rates sheet")
    problems.extend(periods.check_report_currency(rates, currency, "--currency"))
    arrays = _prepare(sheets, factor_set, rates, currency, problems, warnings)
    declared = declared_figures(sheets, raw, rates, currency, problems, warnings)
    if not problems and sheets.exchanges_sheet is not None and not len(sheets.exchanges):
        # A blank template or a header alone: "no problems" would read as a clean ledger.
        sheet = sheets.exchanges_sheet
        problems.append(Problem(sheet.file, NO_EXCHANGES, NO_EXCHANGES_FIX, sheet=sheet.name))
    if problems:
        raise InputError(sorted(problems, key=_reading_order))
    warned = tuple(sorted(warnings, key=_reading_order))
    return sheets, rates, arrays, warned, factor_set, declared


def _prepare(
    sheets: CheckedSheets,
    factor_set: FactorSet,
    rates: Rates,
    currency: str,
    problems: list[Problem],
    warnings: list[Problem],
) -> tuple[
    core.ExchangeArrays,
    core.InputArrays,
    core.YearSplit,
    tuple[np.ndarray, core.ExchangeArrays] | None,
]:
    if sheets.exchanges_sheet is None:
        raise InputError(problems)
    check = SheetChecker(sheets.exchanges_sheet, problems, warnings)
    if len(sheets.exchanges) != len(sheets.exchanges_sheet.table):
        raise InputError(problems)  # required columns missing: nothing more to check
    # The year holding most of each exchange's days chooses its factors' vintages.
    years = periods.main_years(sheets.exchanges) if factor_set.vintages else None
    exchanges = prepare.exchange_arrays(
        check, sheets.exchanges, factor_set, years, sheets.organisations
    )
    input_check = (
        SheetChecker(sheets.inputs_sheet, problems, warnings)
        if sheets.inputs_sheet is not None
        else None
    )
    inputs = prepare.inputs_arrays(input_check, sheets, factor_set, years)
    split = periods.year_split(check, sheets.exchanges, rates, currency)
    alternatives = (
        prepare.alternative_arrays(
            SheetChecker(sheets.alternatives_sheet, problems, warnings), sheets, factor_set
        )
        if sheets.alternatives_sheet is not None and len(sheets.alternatives)
        else None
    )
    return exchanges, inputs, split, alternatives


def _reading_order(problem: Problem) -> tuple[str, str, int]:
    """Problems listed file by file, sheet by sheet, row by row (stable within a row)."""
    return (problem.file, problem.sheet or "", problem.row or 0)


def ledger_sha256(path: Path) -> str:
    """Content hash of a ledger: the file, or the sorted CSV files of a folder."""
    digest = hashlib.sha256()
    files = (
        sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        if path.is_dir()
        else [path]
    )
    for file in files:
        digest.update(file.name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()
