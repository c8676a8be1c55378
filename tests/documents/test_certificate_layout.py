"""The certificate's page names its exchanges, baselines, shares and flags, and reflows:
with long names, many exchanges, negative figures and every flag, no two text boxes of
the PDF overlap, none leaves the page, and the page stays one."""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from isbenefit import assess
from isbenefit.certify.checks import CheckName, Status
from isbenefit.certify.claim import build_claim, claim_exchange_ids, read_attachments
from isbenefit.certify.exchanges_stated import stated_exchanges
from isbenefit.certify.issue import Issuing, certificate_pdf
from isbenefit.certify.printed import printed_check
from isbenefit.certify.verification import read_certificate, verify
from isbenefit.engine.uncertainty import MonteCarloSettings
from tests.certificate_helpers import new_test_key
from tests.conftest import REPO, exchange, write_ledger
from tests.documents_helpers import flat, pdf_text

LONG = "Ørsted Ženklų Gamykla ir Партнёры Łódź Kraftvarmeværk Aktieselskab "
# Words of one line touch, and a line's ascent and descent (1.17 em in DejaVu Sans) reach a
# little into the next one's at the table's line height of 1.1: up to half a point is
# that, more is overprinting.
TOLERANCE = 0.5
PDFTOTEXT = shutil.which("pdftotext")
Box = tuple[float, float, float, float, str]
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="needs poppler's pdftotext")


def ledger(folder: Path, count: int, long_names: bool) -> Path:
    """``count`` exchanges of SUP (an EU ETS installation, in DK): gypsum rock replaced (a
    GB factor, so a proxy in DK, and supply-limited), with drying gas enough to turn every
    other exchange into a net increase."""
    suffix = (LONG * 2).strip() if long_names else ""
    rows, inputs = [], []
    for number in range(count):
        resource = f"FGD gypsum lot {number} {suffix}".strip()
        rows.append(
            exchange(
                id=f"GYPSUM-{number:02d}-{'X' * 30 if long_names else ''}",
                resource=resource,
                quantity=str(100 + 37 * number),
                receiver=f"REC{number % 3}",
                baseline_supply="prod.gypsum_natural",
                baseline_disposal="landfill.inert",
            )
        )
        if number % 2:
            inputs.append(
                {
                    "exchange": rows[-1]["id"],
                    "activity": "energy.natural_gas_kwh",
                    "quantity": str(40000 * (number + 1)),
                    "unit": "kWh",
                }
            )
    name = (LONG * 3).strip() if long_names else "Kalvø Kraftvarmeværk A/S"
    organisations = [
        {"id": "SUP", "name": name, "country": "DK", "eu_ets": "yes"},
        *({"id": f"REC{n}", "name": f"REC{n}", "country": "DK"} for n in range(3)),
    ]
    return write_ledger(folder, rows, inputs=inputs, organisations=organisations)


def text_boxes(pdf: bytes) -> tuple[list[Box], tuple[float, float]]:
    """Every word the page shows, as (left, top, right, bottom, text) in points from the
    top left, and the page's size: poppler's pdftotext measures each word by its font's
    glyph widths, ascent and descent (pypdf's text visitor joins a table row into one
    run, too coarse to tell two cells apart)."""
    made = subprocess.run(
        [PDFTOTEXT, "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=pdf, capture_output=True, check=True,
    )  # fmt: skip
    page = ElementTree.fromstring(made.stdout).find(".//{*}page")
    assert page is not None
    boxes = [
        (*(float(word.attrib[key]) for key in ("xMin", "yMin", "xMax", "yMax")), word.text or "")
        for word in page.iter("{http://www.w3.org/1999/xhtml}word")
    ]
    return boxes, (float(page.attrib["width"]), float(page.attrib["height"]))


def overlaps(boxes: list[Box]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap by more than TOLERANCE both ways."""
    found = []
    ordered = sorted(boxes)
    for index, (_, top, right, bottom, text) in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other[0] >= right - TOLERANCE:
                break
            if min(bottom, other[3]) - max(top, other[1]) > TOLERANCE:
                found.append((text, other[4]))
    return found


def render(
    tmp_path: Path, count: int, long_names: bool, iterations: int = 0, signed: bool = False
) -> tuple[bytes, dict[str, Any]]:
    """The certificate of SUP for 2024; with ``iterations`` a Monte Carlo run, ``signed``
    by a key with a verification address: their longer notes made the footer print over
    the last rows of the example certificates with a net increase, before the page
    reflowed."""
    settings = MonteCarloSettings(iterations=iterations) if iterations else None
    assessment = assess(ledger(tmp_path / "ledger", count, long_names), monte_carlo=settings)
    rows = assessment.source_rows(claim_exchange_ids(assessment.results, "SUP", "2024"))
    issuing = Issuing("Ė" * 60)
    if signed:
        key = tmp_path / "issuer.key"
        new_test_key(key, tmp_path / "issuer.pub", "Ė" * 60)
        issuing = Issuing(key_file=key, verify_url="https://symbiosis.example.org/c/")
    pdf = certificate_pdf(assessment.results, "SUP", "2024", rows, issuing)
    return pdf, assessment.results


@pytest.mark.parametrize(
    ("count", "long_names", "iterations", "signed"),
    [(3, False, 0, False), (3, False, 100, True), (20, True, 100, True), (27, True, 0, False)],
)
def test_the_page_reflows_and_never_overprints(
    tmp_path: Path, count: int, long_names: bool, iterations: int, signed: bool
) -> None:
    pdf, results = render(tmp_path, count, long_names, iterations, signed)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    boxes, (width, height) = text_boxes(pdf)
    assert len(boxes) > 200
    assert overlaps(boxes) == []
    outside = [b[4] for b in boxes if b[0] < 0 or b[1] < 0 or b[2] > width or b[3] > height]
    assert outside == []
    text = flat(pdf_text(pdf))
    credited = {e["id"]: e for e in results["exchanges"] if "SUP" in (e["supplier"], e["receiver"])}
    # Exchanges 1, 3, 5, ... burn 40 MWh of gas per 1000 kg... enough to be net increases.
    assert any(e["saved"]["co2e_kg"] < 0 for e in credited.values())
    assert "Net increase" in text
    for mark in ("ETS", "PROXY", "LEAK"):
        assert f" {mark} " in text or text.endswith(f" {mark}")
    assert "ETS: a party is an EU ETS installation" in text
    assert "PROXY: a baseline factor of another region" in text
    assert "LEAK: the baseline is mostly replaced by supply-limited by-products" in text
    compact = "".join(text.split())
    shown = min(count, 20)
    ranked = sorted(
        credited.values(),
        key=lambda e: (-abs(e["saved"]["co2e_kg"] * e["supplier_share"]), e["id"]),
    )
    for record in ranked[:shown]:
        assert record["id"][:19] in compact
    for record in ranked[shown:]:
        assert record["id"][:19] not in compact
    if count > 20:
        assert f"and {count - 20} more exchanges" in text
    else:
        assert "more exchange" not in text
    assert "prod.gypsum_natural (GB)" in text and "landfill.inert (GB)" in text
    assert "50 %" in text  # the supplier share credited to SUP


def test_verify_reads_the_table_from_the_claim(tmp_path: Path) -> None:
    pdf, _ = render(tmp_path, 4, False)
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    assert b'"schema":"isbenefit.claim/3"' in read_attachments(path)["claim.json"]
    report = verify(path)
    assert report.status(CheckName.PRINTED) == Status.PASS, report.as_dict()


def test_verify_finds_an_exchange_the_page_misstates(tmp_path: Path) -> None:
    """The table is read against the claim: another baseline in the claim than on the page
    fails the printed-figures check; a claim of schema /2 printed no table."""
    pdf, _ = render(tmp_path, 4, False)
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    claim = json.loads(read_attachments(path)["claim.json"])
    page = read_certificate(path).flat
    assert printed_check(claim, page).status == Status.PASS
    changed = copy.deepcopy(claim)
    changed["exchanges"][0]["baseline_supply"] = "prod.aggregates"
    check = printed_check(changed, page)
    assert check.status == Status.FAIL
    assert f"does not name exchange {claim['exchanges'][0]['id']}" in check.message
    earlier = {**changed, "schema": "isbenefit.claim/2"}
    assert printed_check(earlier, page).status == Status.PASS


def test_a_regional_variant_is_named_with_its_location(tmp_path: Path) -> None:
    """A Polish supplier's inert landfill is scored with the PL variant of the fixture set
    (landfill.inert.pl, location PL): the row names the variant and the generic row."""
    row = exchange(baseline_disposal="landfill.inert", quantity="10", unit="t")
    organisations = [{"id": "SUP", "country": "PL"}, {"id": "REC", "country": "DK"}]
    folder = write_ledger(tmp_path / "ledger", [row], organisations=organisations)
    assessment = assess(folder, REPO / "tests" / "fixtures" / "factors-regional")
    claim = build_claim(assessment.results, "SUP", "2024", assessment.source_rows(["E1"]))
    table = stated_exchanges(claim)
    assert table is not None
    (only,) = table.rows
    assert only.replaced == "FGD gypsum kept from landfill.inert"
    assert only.baseline == "landfill.inert.pl (PL; variant of landfill.inert)"
    assert (only.share, only.marks, table.more, table.legend) == ("50\u00a0%", "", "", ())
