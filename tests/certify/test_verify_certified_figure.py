"""The certified figure: conservative with a Monte Carlo run, deterministic without; the
claim carries the run, so the certificate id follows the certified figure."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from isbenefit import assess
from isbenefit.certify import claim as claims
from isbenefit.certify.issue import Issuing, certificate_pdf
from isbenefit.engine.uncertainty import QUANTITY_GSD, MonteCarloSettings
from tests.certificate_helpers import EPOCH, attached_claim, make_certificate, new_test_key
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger
from tests.documents_helpers import fmt, stated
from tests.sample_results import sample_results


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [exchange(baseline_supply="prod.gypsum", data_quality="estimated", supplier_share="0.7")]
    return write_ledger(tmp_path_factory.mktemp("certified") / "ledger", rows)


def claim_of(pdf: Path) -> dict[str, Any]:
    return dict(json.loads(attached_claim(pdf)))


def page(pdf: Path) -> str:
    return " ".join(PdfReader(pdf).pages[0].extract_text().replace("\u00a0", " ").split())


def certificate_id_of(pdf: Path) -> str:
    return claims.certificate_id(claims.claim_sha256(claim_of(pdf)))


def test_conservative_figure_is_certified_beside_the_central_estimate(
    ledger: Path, tmp_path: Path
) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "200", "--seed", "7")
    settings = MonteCarloSettings(200, 7, 5.0, dict(QUANTITY_GSD))
    ranges = assess(ledger, factors=TINY_FACTORS, monte_carlo=settings).uncertainty
    assert ranges is not None
    co2e = ranges["organisation_years"]["SUP/2024"]["co2e_kg"]
    central = 100 * F["prod.gypsum"][0] * 0.7  # kg: 100 t of gypsum, 70 % to SUP
    assert co2e["deterministic"] == pytest.approx(central)
    assert co2e["conservative"] == co2e["p5"] < central
    text = page(pdf)
    half = (co2e["p95"] - co2e["p5"]) / 2 / 1000  # t: what the run's spread supports
    assert (
        f"CO₂e avoided {stated(co2e['conservative'] / 1000, half, 2)} t CO₂e annual 2024, "
        "credited share conservative figure (P5 of 200 Monte Carlo iterations) central "
        f"estimate {stated(central / 1000, half, 2)} t CO₂e"
    ) in text
    assert "deterministic figure (money is not varied)" in text
    assert "Conservative: the P5 of 200 Monte Carlo iterations (seed 7)" in text
    claim = claim_of(pdf)
    assert claim["uncertainty"]["credited"] == ranges["organisation_years"]["SUP/2024"]
    assert {
        k: claim["uncertainty"][k]
        for k in ("iterations", "seed", "conservative_percentile", "quantity_gsd")
    } == {
        "iterations": 200,
        "seed": 7,
        "conservative_percentile": 5.0,
        "quantity_gsd": QUANTITY_GSD,
    }


def test_another_percentile_is_certified_and_labelled(ledger: Path, tmp_path: Path) -> None:
    pdf = make_certificate(
        ledger,
        tmp_path / "c.pdf",
        "--iterations",
        "200",
        "--seed",
        "7",
        "--conservative-percentile",
        "10",
    )
    co2e = claim_of(pdf)["uncertainty"]["credited"]["co2e_kg"]
    assert co2e["p5"] < co2e["conservative"] < co2e["p50"]
    text = page(pdf)
    half = (co2e["p95"] - co2e["p5"]) / 2 / 1000
    assert f"{stated(co2e['conservative'] / 1000, half, 2)} t CO₂e" in text
    assert "conservative figure (P10 of 200 Monte Carlo iterations)" in text


def test_without_monte_carlo_the_deterministic_figure_is_certified(
    ledger: Path, tmp_path: Path
) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "0")
    assert "uncertainty" not in claim_of(pdf)
    text = page(pdf)
    assert (
        f"CO₂e avoided {fmt(100 * F['prod.gypsum'][0] * 0.7 / 1000, 2)} t CO₂e annual 2024, "
        "credited share deterministic figure (no Monte Carlo run)"
    ) in text
    assert "Deterministic: the central values of the assessment; no Monte Carlo" in text
    assert "central estimate" not in text and "Not signed" in text


def test_certificates_run_1000_iterations_by_default(ledger: Path, tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf")
    assert claim_of(pdf)["uncertainty"]["iterations"] == 1000


def test_id_changes_when_the_conservative_figure_changes(ledger: Path, tmp_path: Path) -> None:
    first = make_certificate(ledger, tmp_path / "a.pdf", "--iterations", "200", "--seed", "4")
    other_seed = make_certificate(ledger, tmp_path / "b.pdf", "--iterations", "200", "--seed", "5")
    other_percentile = make_certificate(
        ledger,
        tmp_path / "c.pdf",
        "--iterations",
        "200",
        "--seed",
        "4",
        "--conservative-percentile",
        "10",
    )
    deterministic = make_certificate(ledger, tmp_path / "d.pdf", "--iterations", "0")
    conservative = [
        claim_of(pdf)["uncertainty"]["credited"]["co2e_kg"]["conservative"]
        for pdf in (first, other_seed, other_percentile)
    ]
    assert len(set(conservative)) == 3
    ids = {certificate_id_of(pdf) for pdf in (first, other_seed, other_percentile, deterministic)}
    assert len(ids) == 4


def test_id_does_not_change_otherwise(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_certificate(ledger, tmp_path / "a.pdf", "--iterations", "200", "--seed", "4")
    again = make_certificate(ledger, tmp_path / "b.pdf", "--iterations", "200", "--seed", "4")
    new_test_key(tmp_path / "k.key", tmp_path / "k.pub")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    dressed = make_certificate(
        ledger,
        tmp_path / "c.pdf",
        "--iterations",
        "200",
        "--seed",
        "4",
        "--key",
        str(tmp_path / "k.key"),
    )
    assert certificate_id_of(first) == certificate_id_of(again) == certificate_id_of(dressed)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def text_heights(pdf: bytes) -> dict[str, float]:
    """The baseline height above the page bottom (points) of the first text run starting
    with each of some words: the text matrix mapped through the current matrix."""
    heights: dict[str, float] = {}
    wanted = ("Attached", "The claim behind")

    def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        for word in wanted:
            if text.startswith(word) and word not in heights:
                heights[word] = float(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return heights


def test_a_crowded_signed_certificate_still_fits(tmp_path: Path) -> None:
    """Longest name, longest issuer, Monte Carlo labels and a signature: the details table
    ends above the footer pinned to the bottom of the one page."""
    long_name = "Ørsted Ženklų Gamykla ir Партнёры Łódź Kraftvarmeværk " * 3
    results = sample_results(names=(long_name.strip(), "Äänekoski Sellu Oy", "Завод Жемчуг"))
    saved = next(o for o in results["organisations"] if o["id"] == "org001")["years"]["2024"]
    results["uncertainty"] = {
        "method": "test",
        "iterations": 1000,
        "seed": 1,
        "conservative_percentile": 5.0,
        "quantity_gsd": dict(QUANTITY_GSD),
        "organisation_years": {
            "org001/2024": {
                name: {
                    "deterministic": v,
                    "p5": 0.8 * v,
                    "p50": v,
                    "p95": 1.2 * v,
                    "conservative": 0.8 * v,
                }
                for name, v in saved["saved"].items()
            }
        },
    }
    # A signed certificate prints its key's issuer: an 80-character one.
    new_test_key(tmp_path / "k.key", tmp_path / "k.pub", name="Ė" * 80)
    rows = {sheet: [{"id": "X0001"}] for sheet in ("exchanges", "inputs", "organisations", "rates")}
    pdf = certificate_pdf(results, "org001", "2024", rows, Issuing(key_file=tmp_path / "k.key"))
    assert "Ė" * 40 in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    heights = text_heights(pdf)
    assert heights["Attached"] - heights["The claim behind"] > 15  # points


def test_the_page_states_its_figures_without_certifying_them(ledger: Path, tmp_path: Path) -> None:
    """Nobody independent has checked the figures: no "certified"/"verified" wording; the
    reference scenario, the separation from the inventory and hazardous waste are printed."""
    text = page(make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "0"))
    assert re.findall(r"(?i)certif|verifi", text) == []
    assert "STATEMENT OF AVOIDED EMISSIONS AND RESOURCES" in text.upper()
    assert "against a reference scenario stated per exchange" in text
    assert "apart from the organisation's own greenhouse-gas inventory (scopes 1-3)" in text
    unbroken = text.replace("- ", "-")  # a line may break after a hyphen
    assert "not for offsetting, carbon-neutrality or target claims" in unbroken
    assert "Hazardous waste diverted 0.00 t" in text


def test_a_net_increase_is_flagged_not_presented_as_a_benefit(tmp_path: Path) -> None:
    """1 t of gypsum hauled 5,000 km by road: 1 x 120 saved, 5,000 x 0.1 emitted."""
    row = exchange(quantity="1", baseline_supply="prod.gypsum", transport_mode="transport.road",
                   transport_km="5000")  # fmt: skip
    ledger = write_ledger(tmp_path / "ledger", [row])
    saved = (1 * F["prod.gypsum"][0] - 5000 * F["transport.road"][0]) * 0.5
    assert saved < 0
    text = page(make_certificate(ledger, tmp_path / "c.pdf", "--iterations", "0"))
    assert f"CO₂e avoided {fmt(saved / 1000, 2)} t CO₂e" in text
    assert "Net increase: in 2024 the exchanges credited here caused more emissions" in text
    assert "the negative CO₂e figure is not a benefit" in text


@pytest.mark.parametrize(
    ("value", "half_width", "finest", "printed"),
    [
        (1659.74, 150.0, 2, "1,660"),  # a P5 of thousands of tonnes, +-150 t: tens
        (378211.8, 48000.0, 1, "378,000"),  # water, +-48,000 m3: thousands
        (12.3456, 0.3, 2, "12.35"),  # +-0.3 t supports hundredths, the finest anyway
        (163.62, None, 2, "164"),  # no run: three significant digits
        (0.0421, None, 2, "0.04"),  # never finer than 2 decimals of a tonne
        (-2345.6, 400.0, 2, "\u22122,350"),  # +-400 t: tens; a net increase keeps its sign
    ],
)
def test_stated_figures_are_rounded_to_what_their_uncertainty_supports(
    value: float, half_width: float | None, finest: int, printed: str
) -> None:
    from isbenefit.documents import numbers
    from isbenefit.reported import supported_decimals

    decimals = supported_decimals(value, half_width, finest)
    assert numbers.rounded(value, decimals) == printed
