"""Extract the European List of Waste from EFRAG's VSME digital template into
isbenefit/data/ewc_codes.csv (code, hazardous, description).

Usage: .venv/bin/python scripts/extract_ewc_codes.py VSME-Digital-Template-1.3.0.xlsx

The template's sheet "Enumeration Lists", column "Types of Wastes", lists the chapters,
sub-chapters and six-digit entries of Commission Decision 2014/955/EU as
"    01 03 04 - Hazardous - Acid-generating tailings ..."; only the six-digit entries are
kept. A hazardous entry is written with the asterisk the Decision marks it with.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from openpyxl import load_workbook

SHEET = "Enumeration Lists"
HEADER_START = "Types of  Wastes"
ENTRY = re.compile(r"^\s*(\d\d \d\d \d\d) - (Hazardous|Non-Hazardous) - (.+?)\s*$")
TARGET = Path(__file__).resolve().parent.parent / "isbenefit" / "data" / "ewc_codes.csv"


def extract(workbook: Path) -> list[tuple[str, str, str]]:
    book = load_workbook(workbook, read_only=True)
    rows = list(book[SHEET].iter_rows(values_only=True))
    column = next(i for i, head in enumerate(rows[0]) if str(head).startswith(HEADER_START))
    entries = []
    for row in rows[1:]:
        match = ENTRY.match(str(row[column] or ""))
        if match:
            code, kind, description = match.groups()
            hazardous = kind == "Hazardous"
            entries.append((code + ("*" if hazardous else ""), "yes" if hazardous else "no",
                            " ".join(description.split())))  # fmt: skip
    return entries


def main() -> None:
    entries = extract(Path(sys.argv[1]))
    with TARGET.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(("code", "hazardous", "description"))
        writer.writerows(entries)


if __name__ == "__main__":
    main()
