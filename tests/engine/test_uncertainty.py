"""Monte Carlo: closed-form check, paired sampling, reproducibility, aggregation."""

from __future__ import annotations

import re
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.cli.app import app
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.errors import SettingsError
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger

EXACT_QUANTITIES = {"measured": 1.0, "calculated": 1.0, "estimated": 1.0}


def test_single_lognormal_factor_matches_the_closed_form(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    settings = MonteCarloSettings(iterations=4000, seed=11, quantity_gsd=EXACT_QUANTITIES)
    result = assess(ledger, factors=TINY_FACTORS, monte_carlo=settings)
    assert result.uncertainty is not None
    figures = result.uncertainty["exchanges"]["E1"]["co2e_kg"]
    median = 100 * F["prod.gypsum"][0]
    sigma = np.log(1.2)  # gsd of prod.gypsum in the tiny set
    z95 = NormalDist().inv_cdf(0.95)
    assert figures["deterministic"] == pytest.approx(median)
    assert figures["p50"] == pytest.approx(median, rel=0.02)
    assert figures["p5"] == pytest.approx(median * np.exp(-z95 * sigma), rel=0.03)
    assert figures["p95"] == pytest.approx(median * np.exp(z95 * sigma), rel=0.03)
    assert figures["conservative"] == figures["p5"]


def test_quantity_uncertainty_by_data_quality(tmp_path: Path) -> None:
    rows = [
        exchange(id="M", baseline_disposal="landfill.inert", data_quality="measured"),
        exchange(id="X", baseline_disposal="landfill.inert", data_quality="estimated"),
    ]
    ledger = write_ledger(tmp_path / "ledger", rows)
    settings = MonteCarloSettings(iterations=3000, seed=5)
    result = assess(ledger, factors=TINY_FACTORS, monte_carlo=settings).uncertainty
    assert result is not None
    z95 = NormalDist().inv_cdf(0.95)
    for exchange_id, gsd in (("M", 1.05), ("X", 1.5)):
        landfill = result["exchanges"][exchange_id]["landfill_diverted_t"]
        assert landfill["p95"] == pytest.approx(100 * np.exp(z95 * np.log(gsd)), rel=0.03)


def test_paired_sampling_gives_zero_spread_when_both_sides_use_the_same_activity(
    tmp_path: Path,
) -> None:
    row = exchange(
        flow="energy",
        resource="heat",
        quantity="1000",
        unit="kWh",
        baseline_supply="electricity.dk",
    )
    inputs = [{"exchange": "E1", "activity": "electricity.dk", "quantity": "1", "unit": "MWh"}]
    ledger = write_ledger(tmp_path / "ledger", [row], inputs=inputs)
    settings = MonteCarloSettings(iterations=500, seed=2, quantity_gsd=EXACT_QUANTITIES)
    result = assess(ledger, factors=TINY_FACTORS, monte_carlo=settings).uncertainty
    assert result is not None
    figures = result["exchanges"]["E1"]["co2e_kg"]
    assert figures["p5"] == figures["p95"] == pytest.approx(0.0, abs=1e-9)


def test_aggregates_take_percentiles_of_summed_draws(tmp_path: Path) -> None:
    rows = [
        exchange(id="A", baseline_supply="prod.gypsum"),
        exchange(
            id="B",
            supplier="REC",
            receiver="THIRD",
            baseline_supply="prod.gypsum",
            supplier_share="0.2",
        ),
    ]
    ledger = write_ledger(tmp_path / "ledger", rows)
    settings = MonteCarloSettings(iterations=2000, seed=9, quantity_gsd=EXACT_QUANTITIES)
    result = assess(ledger, factors=TINY_FACTORS, monte_carlo=settings).uncertainty
    assert result is not None
    # Both exchanges use the same factor draw: the total is exactly twice one exchange.
    one = result["exchanges"]["A"]["co2e_kg"]
    total = result["totals"]["all"]["co2e_kg"]
    assert total["p5"] == pytest.approx(2 * one["p5"])
    third = result["organisations"]["THIRD"]["co2e_kg"]
    assert third["p95"] == pytest.approx(0.8 * one["p95"])
    assert result["years"]["2024"]["co2e_kg"]["p50"] == pytest.approx(total["p50"])


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    runner = CliRunner()
    outputs = []
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        out = tmp_path / f"{name}.json"
        result = runner.invoke(
            app,
            [
                "assess",
                str(ledger),
                "--factors",
                str(TINY_FACTORS),
                "--iterations",
                "300",
                "--seed",
                seed,
                "--json",
                str(out),
                "-q",
            ],
        )
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_bad_quantity_gsd_option_is_refused(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    result = CliRunner().invoke(
        app,
        [
            "assess",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--iterations",
            "10",
            "--quantity-gsd",
            "guessed=2",
        ],
    )
    assert result.exit_code == 2
    assert "--quantity-gsd" in result.output


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"iterations": 0}, "iterations must be at least 1"),
        ({"iterations": 2.5}, "iterations must be a whole number"),
        ({"seed": -1}, "seed must be a whole number >= 0"),
        ({"conservative_percentile": 60.0}, "conservative_percentile must be between 0 and 50"),
        ({"quantity_gsd": {"measured": 1.05}}, "differs in calculated, estimated"),
        (
            {"quantity_gsd": {"measured": 0.9, "calculated": 1.15, "estimated": 1.5}},
            "quantity_gsd['measured'] must be a number >= 1",
        ),
        (
            {"quantity_gsd": {"measured": 1.05, "calculated": 1.15, "estimated": float("nan")}},
            "quantity_gsd['estimated'] must be a number >= 1",
        ),
    ],
)
def test_settings_refuse_what_the_command_line_refuses(changes: dict, named: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(named)):
        MonteCarloSettings(**changes)


def test_default_settings_are_valid() -> None:
    settings = MonteCarloSettings()
    assert (settings.iterations, settings.seed, settings.conservative_percentile) == (1000, 1, 5.0)
