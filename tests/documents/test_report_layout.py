"""The annual report's layout: rendered for the shipped example (with a Monte Carlo run)
and for a synthetic cluster of 500 organisations, no page but the last is less than half
full, no two words overprint, none leaves the page, and the annual total is printed once
(not again under each page of a long table)."""

from __future__ import annotations

import shutil
import subprocess
from xml.etree import ElementTree

import pytest

from isbenefit import assess
from isbenefit.documents import report_pdf
from isbenefit.engine.uncertainty import MonteCarloSettings
from tests.conftest import REPO
from tests.documents_helpers import flat, pdf_text
from tests.sample_results import sample_results

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="needs poppler's pdftotext")
# templates/style.css: @page margins, top and bottom, in points (1 mm = 72 / 25.4 pt).
TOP, BOTTOM = 20 * 72 / 25.4, 18 * 72 / 25.4
HALF = 0.5
# Words of one table line touch, and a line's ascent and descent reach a little into the
# next one's: up to half a point is that, more is overprinting (as the certificate test).
TOLERANCE = 0.5
Box = tuple[float, float, float, float, str]


def pages(pdf: bytes) -> list[tuple[list[Box], float, float]]:
    """Each page's words as (left, top, right, bottom, text) in points, and its size."""
    made = subprocess.run([PDFTOTEXT, "-bbox", "-", "-"], input=pdf, capture_output=True,
                          check=True)  # fmt: skip
    found = []
    for page in ElementTree.fromstring(made.stdout).iter("{http://www.w3.org/1999/xhtml}page"):
        boxes = [
            (*(float(w.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax")), w.text or "")
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        found.append((boxes, float(page.attrib["width"]), float(page.attrib["height"])))
    return found


def overlaps(boxes: list[Box]) -> list[tuple[str, str]]:
    found = []
    ordered = sorted(boxes)
    for index, (_, top, right, bottom, text) in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other[0] >= right - TOLERANCE:
                break
            if min(bottom, other[3]) - max(top, other[1]) > TOLERANCE:
                found.append((text, other[4]))
    return found


def fill(boxes: list[Box], height: float) -> float:
    """How far down the page's body its last word reaches, as a part of the body's height
    (the running title and foot, in the margins, left out)."""
    body = [b for b in boxes if b[1] >= TOP and b[3] <= height - BOTTOM]
    lowest = max((b[3] for b in body), default=TOP)
    return (lowest - TOP) / (height - TOP - BOTTOM)


def check_layout(pdf: bytes) -> list[float]:
    found = pages(pdf)
    assert len(found) > 1
    fills = []
    for number, (boxes, width, height) in enumerate(found, start=1):
        assert overlaps(boxes) == [], f"page {number}"
        outside = [b[4] for b in boxes if b[0] < 0 or b[1] < 0 or b[2] > width or b[3] > height]
        assert outside == [], f"page {number}"
        fills.append(fill(boxes, height))
    assert all(part >= HALF for part in fills[:-1]), fills
    return fills


def test_the_report_fills_its_pages_and_never_overprints(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data = tmp_path_factory.mktemp("data")
    example = assess(REPO / "examples" / "nordic-cluster.xlsx", data_dir=data,
                     monte_carlo=MonteCarloSettings(iterations=60))  # fmt: skip
    pdf = report_pdf(example.results, "2024")
    check_layout(pdf)
    text = flat(pdf_text(pdf))
    assert text.count("Total, annual 2024") == 2  # the organisations' table and the ranges
    assert "Cumulative 2023–2024 (2 years)" in text and "Conservative" in text
    assert "For a reviewer" in text and "Year on year" in text
    names = [f"Organisation {number:03d} Industrial Symbiosis Partner AB" for number in range(500)]
    synthetic = sample_results(names, exchanges_per_org=1, years=(2022, 2023, 2024))
    big = report_pdf(synthetic, "2024")
    fills = check_layout(big)
    assert len(fills) > 20
    text = flat(pdf_text(big))
    assert text.count("Total, annual 2024") == 1
    assert "cumulative 2022–2024 (3 years)" in text.lower()
