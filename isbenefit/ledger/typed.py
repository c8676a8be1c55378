"""A sheet's columns typed as the contract (:mod:`.contract`) declares them.

Numbers are parsed and held to their bounds, dates to ISO days, enums and yes/no columns
to their lists (lower-cased, blank = the column's default), the rest kept as text. Every
problem goes to the checker's list. Rules between columns stay in :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from isbenefit.errors import Problem
from isbenefit.ledger.checks import SheetChecker
from isbenefit.ledger.contract import DATE, NUMBER, Sheet
from isbenefit.ledger.reading import ROW_COLUMN, RawSheet


def typed_column(check: SheetChecker, sheet: Sheet, column: str) -> np.ndarray:
    """One column of ``sheet`` typed and checked (all blank when the sheet lacks it)."""
    spec = sheet[column]
    if spec.kind == NUMBER:
        return check.number(column, spec.number_default, spec.minimum, spec.maximum, spec.positive)
    if spec.kind == DATE:
        return check.date(column)
    if spec.values:
        return check.choice(column, spec.values, str(spec.default or ""))
    return np.asarray(check.text(column).to_numpy(dtype=object))


def typed_rest(check: SheetChecker, sheet: Sheet, done: Iterable[str]) -> dict[str, Any]:
    """The columns of ``sheet`` not in ``done``, typed: every fixed one, and an extra one
    when the sheet has it. A column added to the contract is read here without a rule of
    its own."""
    skip = set(done)
    present = set(check.table.columns)
    return {
        c.name: typed_column(check, sheet, c.name)
        for c in sheet.columns
        if c.name not in skip and (not c.extra or c.name in present)
    }


def check_sheet(sheet: Sheet, raw: RawSheet | None, problems: list[Problem]) -> pd.DataFrame:
    """A sheet no rule of :mod:`.rules` names: its required columns and values, then each
    column typed. An absent sheet gives an empty table of its columns."""
    empty = pd.DataFrame(columns=[*sheet.fixed, ROW_COLUMN])
    if raw is None:
        return empty
    check = SheetChecker(raw, problems)
    if not check.require_columns(sheet.required_names):
        return empty
    check.require_values(sheet.required_names)
    return pd.DataFrame({**typed_rest(check, sheet, ()), ROW_COLUMN: check.rows})
