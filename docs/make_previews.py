"""Regenerate the README previews: the first page of each document as a PNG in docs/img/.

Renders the example ledger (examples/nordic-cluster.xlsx) with the shipped factor
set, then rasterises page 1 with pdftoppm (Debian package poppler-utils):

    .venv/bin/python docs/make_previews.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "nordic-cluster.xlsx"
IMAGES = REPO / "docs" / "img"
RESOLUTION = 110
EPOCH = "1735689600"  # 2025-01-01: previews do not change with the day they are made


def busiest(results: dict, year: str) -> str:
    """Id of the organisation with the most exchanges in ``year``."""
    counts = Counter(
        org
        for e in results["exchanges"]
        if e["years"].get(year, 0) > 0
        for org in (e["supplier"], e["receiver"])
    )
    return min(counts, key=lambda org: (-counts[org], org))


def first_page_png(pdf: Path, png: Path) -> None:
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm not found: apt-get install poppler-utils")
    stem = png.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(RESOLUTION),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )


def main() -> None:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    from isbenefit import assess
    from isbenefit.certify.claim import claim_exchange_ids
    from isbenefit.certify.issue import Issuing, certificate_pdf
    from isbenefit.documents import report_pdf, statement_pdf
    from isbenefit.engine.uncertainty import QUANTITY_GSD, MonteCarloSettings

    assessment = assess(EXAMPLE)
    # The certificate as `isbenefit certificate` makes it by default: 1000 iterations, seed 1.
    with_ranges = assess(EXAMPLE, monte_carlo=MonteCarloSettings(1000, 1, 5.0, dict(QUANTITY_GSD)))
    results = assessment.results
    year = max(results["years"])
    org = busiest(results, year)
    rows = with_ranges.source_rows(claim_exchange_ids(results, org, year))
    certified = with_ranges.results
    documents = {
        "statement": statement_pdf(results, org, year),
        "certificate": certificate_pdf(
            certified, org, year, rows, Issuing("Nordic Symbiosis Office")
        ),
        "report": report_pdf(results, year, "Nordic industrial symbiosis cluster"),
    }
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for name, pdf in documents.items():
            path = Path(scratch) / f"{name}.pdf"
            path.write_bytes(pdf)
            first_page_png(path, IMAGES / f"{name}.png")
            subject = "cluster" if name == "report" else org
            print(f"docs/img/{name}.png  ({name}, {subject}, {year})")


if __name__ == "__main__":
    main()
