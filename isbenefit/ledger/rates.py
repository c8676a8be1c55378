"""Exchange rates: annual averages shipped with the package, overridable per ledger."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from isbenefit.paths import package_data

EURO = "EUR"  # the base of every rate: 1 EUR per EUR in every year


@dataclass(frozen=True)
class Rates:
    """Units of each currency per 1 EUR, by (currency, year)."""

    per_eur: dict[tuple[str, int], float]
    origin: dict[tuple[str, int], str]

    def has(self, currency: str, year: int) -> bool:
        return currency == EURO or (currency, year) in self.per_eur

    def years_of(self, currency: str) -> list[int]:
        return sorted(year for cur, year in self.per_eur if cur == currency)

    def currencies(self) -> list[str]:
        return sorted({EURO} | {currency for currency, _ in self.per_eur})

    def factor(self, from_currency: str, to_currency: str, year: int) -> float:
        """Multiplier taking an amount in ``from_currency`` into ``to_currency`` in ``year``."""
        return self._per_eur(to_currency, year) / self._per_eur(from_currency, year)

    def year_for(self, currency: str, year: int) -> int | None:
        """The year whose rate converts ``currency`` in ``year``: its own; for a year after
        the last one held, the last (the caller warns); else None (no rate)."""
        if self.has(currency, year):
            return year
        years = self.years_of(currency)
        return years[-1] if years and year > years[-1] else None

    def factor_between(
        self, from_currency: str, from_year: int, to_currency: str, to_year: int
    ) -> float:
        """:meth:`factor` with each currency's rate of its own year."""
        return self._per_eur(to_currency, to_year) / self._per_eur(from_currency, from_year)

    def _per_eur(self, currency: str, year: int) -> float:
        return 1.0 if currency == EURO else self.per_eur[(currency, year)]

    def overridden(self, table: pd.DataFrame, origin: str) -> Rates:
        """These rates with rows (currency, year, per_eur) taking precedence."""
        per_eur, where = dict(self.per_eur), dict(self.origin)
        for currency, year, value in zip(
            table["currency"], table["year"], table["per_eur"], strict=True
        ):
            per_eur[(str(currency), int(year))] = float(value)
            where[(str(currency), int(year))] = origin
        return Rates(per_eur, where)


def shipped_rates() -> Rates:
    """The annual average rates shipped in `isbenefit/data/rates.csv` (source per row)."""
    table = pd.read_csv(package_data("rates.csv"), dtype={"currency": str, "year": int})
    origin = [
        f"{source}, {ref}" for source, ref in zip(table["source"], table["source_ref"], strict=True)
    ]
    keys = list(zip(table["currency"], table["year"].astype(int), strict=True))
    return Rates(
        dict(zip(keys, table["per_eur"].astype(float), strict=True)),
        dict(zip(keys, origin, strict=True)),
    )
