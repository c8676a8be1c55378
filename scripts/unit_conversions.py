"""Write isbenefit/data/unit_conversions.csv: pint's dimension and conversion factor for
every pair of accepted ledger units of one dimension (isbenefit/units.py reads it instead
of building pint's registry; tests/engine/test_units.py checks it against pint bit for bit).

Usage: .venv/bin/python scripts/unit_conversions.py
"""

from __future__ import annotations

import csv

from isbenefit.units import CONVERSIONS_COLUMNS, CONVERSIONS_FILE, pint_conversions


def main() -> None:
    with CONVERSIONS_FILE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CONVERSIONS_COLUMNS)
        writer.writerows((*row[:3], repr(row[3])) for row in pint_conversions())


if __name__ == "__main__":
    main()
