"""Vectorised checks of one sheet's text cells, collecting every problem found.

Each check flags the rows that break a rule and records a :class:`Problem`
naming file, sheet, spreadsheet row, column, the value and the fix. The first
rows of each rule are listed one by one; the rest are counted, so that a
systematically wrong column in a large ledger stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from isbenefit.errors import Problem
from isbenefit.ledger.reading import ROW_COLUMN, RawSheet
from isbenefit.ledger.suggest import with_suggestion
from isbenefit.messages import DATE_WITH_ZONE, DATE_WITH_ZONE_FIX

ROWS_LISTED_PER_RULE = 20
REQUIRED_COLUMN_MISSING = "required column missing"
# A date with a time of day (T or space, then hh:mm[:ss[.fff]]), and its zone if any.
_DATE_TIME = (
    r"^(\d{4}-\d{2}-\d{2})[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
# The largest number (in absolute value) a ledger cell may hold: far above any real
# quantity, price or distance, and low enough that no product or sum of them overflows.
MAX_NUMBER = 1e15


class SheetChecker:
    """Checks for one sheet; ``problems`` accumulates across calls, and so do ``warnings``:
    things the user should know that do not stop the run (an id a factor set renamed)."""

    def __init__(
        self, sheet: RawSheet, problems: list[Problem], warnings: list[Problem] | None = None
    ) -> None:
        self.sheet = sheet
        self.table = sheet.table
        self.rows = sheet.table[ROW_COLUMN].to_numpy()
        self.problems = problems
        self.warnings = warnings if warnings is not None else []

    def text(self, column: str) -> pd.Series:
        """A column's text, all blank when the column is absent."""
        if column in self.table.columns:
            return self.table[column]
        return pd.Series([""] * len(self.table), index=self.table.index, dtype=object)

    def flag(
        self,
        mask: np.ndarray | pd.Series,
        column: str,
        message: str,
        fix: str,
        prefixes: np.ndarray | None = None,
    ) -> None:
        """Record a problem for every row where ``mask`` is true.

        ``prefixes`` (one per row, e.g. "exchange X7: ") start each listed row's message.
        """
        hits = np.flatnonzero(np.asarray(mask, dtype=bool))
        values = self.text(column).to_numpy()
        for position in hits[:ROWS_LISTED_PER_RULE]:
            self.problems.append(
                Problem(
                    file=self.sheet.file,
                    sheet=self.sheet.name,
                    row=int(self.rows[position]),
                    column=column,
                    value=str(values[position]),
                    message=message if prefixes is None else f"{prefixes[position]}{message}",
                    fix=fix,
                )
            )
        if len(hits) > ROWS_LISTED_PER_RULE:
            self.problems.append(
                Problem(
                    file=self.sheet.file,
                    sheet=self.sheet.name,
                    column=column,
                    message=f"{len(hits) - ROWS_LISTED_PER_RULE} more rows with the same problem "
                    f"({message})",
                    fix=fix,
                )
            )

    def warn(self, mask: np.ndarray | pd.Series, column: str, message: str, fix: str) -> None:
        """Record one warning for the rows where ``mask`` is true, naming the first of them
        and listing up to ``ROWS_LISTED_PER_RULE`` row numbers."""
        hits = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(hits):
            return
        rows = [str(int(self.rows[p])) for p in hits[:ROWS_LISTED_PER_RULE]]
        more = f" and {len(hits) - len(rows)} more" if len(hits) > len(rows) else ""
        where = f" (rows {', '.join(rows)}{more})" if len(hits) > 1 else ""
        self.warnings.append(
            Problem(
                file=self.sheet.file,
                sheet=self.sheet.name,
                row=int(self.rows[hits[0]]),
                column=column,
                value=str(self.text(column).to_numpy()[hits[0]]),
                message=f"{message}{where}",
                fix=fix,
            )
        )

    def sheet_problem(self, message: str, fix: str, column: str | None = None) -> None:
        self.problems.append(
            Problem(
                file=self.sheet.file,
                sheet=self.sheet.name,
                row=1 if column else None,
                column=column,
                message=message,
                fix=fix,
            )
        )

    def require_columns(self, columns: Iterable[str]) -> bool:
        missing = [c for c in columns if c not in self.table.columns]
        for column in missing:
            self.sheet_problem(REQUIRED_COLUMN_MISSING, f"add a column headed {column!r}", column)
        return not missing

    def require_values(self, columns: Iterable[str]) -> None:
        for column in columns:
            self.flag(self.text(column) == "", column, "value missing", f"fill in {column}")

    def number(
        self,
        column: str,
        default: float = np.nan,
        minimum: float | None = None,
        maximum: float | None = None,
        strictly_positive: bool = False,
    ) -> np.ndarray:
        """Parse a numeric column; blank gives ``default``; bad values are flagged."""
        text = self.text(column)
        blank = (text == "").to_numpy()
        values = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
        bad = ~blank & ~np.isfinite(values)
        self.flag(bad, column, "not a number", "write a plain number with '.' as decimal mark")
        huge = ~blank & ~bad & (np.abs(np.where(bad, 0.0, values)) > MAX_NUMBER)
        self.flag(
            huge,
            column,
            f"too large: isbenefit accepts numbers up to {MAX_NUMBER:g}",
            "check the value; write a large amount in a larger unit (t rather than kg, "
            "GWh rather than kWh)",
        )
        bad |= huge
        ok = ~blank & ~bad
        if strictly_positive:
            self.flag(
                ok & (values <= 0),
                column,
                "must be greater than 0",
                "give a positive amount (record a reverse flow as its own exchange)",
            )
        if minimum is not None:
            self.flag(
                ok & (values < minimum),
                column,
                f"must be at least {minimum:g}",
                f"give a value of {minimum:g} or more",
            )
        if maximum is not None:
            self.flag(
                ok & (values > maximum),
                column,
                f"must be at most {maximum:g}",
                f"give a value of {maximum:g} or less",
            )
        return np.where(blank | bad, default, values)

    def choice(self, column: str, choices: tuple[str, ...], default: str) -> np.ndarray:
        """A lower-cased choice column; blank gives ``default``."""
        text = self.text(column).str.lower()
        bad = (text != "") & ~text.isin(choices)
        plain = f"use one of: {', '.join(choices)}"
        fixes = {v: with_suggestion(v, choices, plain) for v in pd.unique(text[bad])}
        suggested = np.array([fixes.get(v, plain) != plain for v in text], dtype=bool)
        self.flag(bad.to_numpy() & ~suggested, column, "not an allowed value", plain)
        for value, fix in fixes.items():
            if fix != plain:
                self.flag(text == value, column, "not an allowed value", fix)
        return np.where(text == "", default, text.to_numpy())

    def date(self, column: str) -> np.ndarray:
        """ISO dates as int days since 1970-01-01; bad or blank give -1 (flagged if bad).

        A date-time without a time zone (a workbook's 2024-12-31 23:59) is read as its
        calendar date, whatever the time; with a zone its date depends on where it is read,
        so it is refused."""
        text = self.text(column)
        parts = text.str.extract(_DATE_TIME)
        zoned = parts[1].notna().to_numpy()
        self.flag(zoned, column, DATE_WITH_ZONE, DATE_WITH_ZONE_FIX)
        text = parts[0].where(parts[0].notna() & ~zoned, text)
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad = (text != "") & parsed.isna() & ~zoned
        self.flag(
            bad,
            column,
            "not a date in the form YYYY-MM-DD",
            "write the date as YYYY-MM-DD, e.g. 2024-01-31",
        )
        days = parsed.to_numpy(dtype="datetime64[D]").astype("int64")
        return np.where(parsed.isna().to_numpy(), -1, days)

    def unique(self, column: str, what: str) -> None:
        text = self.text(column)
        duplicate = text.duplicated(keep="first") & (text != "")
        self.flag(duplicate, column, f"duplicate {what}", f"give every row its own {what}")
