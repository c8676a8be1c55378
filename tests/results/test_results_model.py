"""The typed results model: one parse of the results dict, credits computed through it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from isbenefit import assess
from isbenefit.documents.shares import credit, credits, display_name, find_organisation
from isbenefit.engine.core import SAVED, Party
from isbenefit.results.model import Exchange, MonteCarloRange, Results, as_results
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger
from tests.sample_results import sample_results

# 2023-07-01 .. 2024-06-30: 184 days in 2023, 182 in 2024, 366 in all.
IN_2023, IN_2024 = 184 / 366, 182 / 366
SHARE = 0.25


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    row = exchange(
        baseline_disposal="landfill.plasterboard",
        baseline_supply="prod.gypsum",
        period_start="2023-07-01",
        period_end="2024-06-30",
        supplier_share=str(SHARE),
        price="366",
        evidence="weighbridge",
    )
    organisations = [
        {"id": "SUP", "name": "Supplier A/S", "country": "DK"},
        {"id": "REC", "name": "", "country": ""},
    ]
    ledger = write_ledger(
        tmp_path_factory.mktemp("model") / "ledger", [row], organisations=organisations
    )
    return assess(ledger, factors=TINY_FACTORS).results


def test_an_exchange_reads_as_typed_fields(results: dict[str, Any]) -> None:
    model = Results.from_results(results)
    (e,) = model.exchanges
    assert (e.id, e.supplier, e.receiver, e.flow, e.unit) == ("E1", "SUP", "REC", "material", "t")
    assert e.quantity == 100.0 and isinstance(e.quantity, float)
    assert (e.period_start, e.period_end) == ("2023-07-01", "2024-06-30")
    assert e.supplier_share == SHARE
    assert (e.data_quality, e.evidence) == ("measured", "weighbridge")
    assert (e.baseline_disposal, e.baseline_supply) == ("landfill.plasterboard", "prod.gypsum")
    assert e.years == pytest.approx({"2023": IN_2023, "2024": IN_2024})
    assert list(e.saved) == list(SAVED)
    saved_kg = 100 * F["landfill.plasterboard"][0] + 100 * F["prod.gypsum"][0]
    assert e.saved["co2e_kg"] == pytest.approx(saved_kg, rel=1e-12)
    assert [line.role for line in e.lines] == ["baseline_disposal", "baseline_supply"]
    assert all(line.is_baseline for line in e.lines)
    assert e.money_by_year["2023"].additional_sales == pytest.approx(366 * IN_2023)
    assert e.fraction("2022") == 0.0
    assert (e.party("SUP"), e.party("REC")) == (Party.SUPPLIER, Party.RECEIVER)
    assert (e.partner("SUP"), e.partner("REC")) == ("REC", "SUP")


def test_a_credit_is_saved_times_year_fraction_times_share(results: dict[str, Any]) -> None:
    model = Results.from_results(results)
    saved_kg = 100 * F["landfill.plasterboard"][0] + 100 * F["prod.gypsum"][0]
    expected = {
        ("SUP", "2023"): saved_kg * IN_2023 * SHARE,
        ("SUP", "2024"): saved_kg * IN_2024 * SHARE,
        ("REC", "2023"): saved_kg * IN_2023 * (1 - SHARE),
        ("REC", "2024"): saved_kg * IN_2024 * (1 - SHARE),
    }
    for (org, year), co2e in expected.items():
        (part,) = credits(model, org, year)
        assert part.saved["co2e_kg"] == pytest.approx(co2e, rel=1e-12)
        assert part.credit_share == (SHARE if org == "SUP" else 1 - SHARE)
        # The organisation's own figures in the results say the same.
        figures = find_organisation(model, org).years[year]
        assert figures.saved["co2e_kg"] == pytest.approx(co2e, rel=1e-12)
        assert part.money == pytest.approx(figures.money, rel=1e-12)
        assert part.additional_sales == pytest.approx(figures.additional_sales, rel=1e-12)
    # The two credits of a year add up to the exchange's saving in that year.
    for year, fraction in (("2023", IN_2023), ("2024", IN_2024)):
        both = sum(credits(model, org, year)[0].saved["co2e_kg"] for org in ("SUP", "REC"))
        assert both == pytest.approx(saved_kg * fraction, rel=1e-12)
        assert model.years[year].saved["co2e_kg"] == pytest.approx(both, rel=1e-12)


def test_blank_text_is_empty_and_names_fall_back_to_ids(results: dict[str, Any]) -> None:
    model = Results.from_results(results)
    sup, rec = find_organisation(model, "SUP"), find_organisation(model, "REC")
    assert (sup.name, sup.country, display_name(sup)) == ("Supplier A/S", "DK", "Supplier A/S")
    assert (rec.name, rec.country, display_name(rec)) == ("", "", "REC")
    assert model.uncertainty is None
    assert model.ledger_name == results["ledger"]["name"]
    assert set(model.factors) == {"landfill.plasterboard", "prod.gypsum"}
    assert model.factors["prod.gypsum"].co2e_kg == F["prod.gypsum"][0]


def test_parsed_once_and_frozen(results: dict[str, Any]) -> None:
    model = Results.from_results(results)
    assert as_results(model) is model
    assert model.source is results
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.currency = "SEK"  # type: ignore[misc]


def test_sample_results_parse_and_credit_as_the_dict_says() -> None:
    raw = sample_results()
    model = Results.from_results(raw)
    assert [e.id for e in model.exchanges] == [e["id"] for e in raw["exchanges"]]
    for record, parsed in zip(raw["exchanges"], model.exchanges, strict=True):
        assert parsed == Exchange.from_record(record)
        for year, fraction in record["years"].items():
            part = credit(parsed, record["receiver"], year)
            share = 1 - record["supplier_share"]
            assert part.saved["co2e_kg"] == record["saved"]["co2e_kg"] * fraction * share
            assert part.money == record["money_by_year"][year]["receiver"]
            assert part.additional_sales == 0.0


def test_uncertainty_ranges_are_parsed() -> None:
    raw = sample_results()
    figures = {"deterministic": 1.0, "p5": 0.5, "p50": 1.0, "p95": 2.0, "conservative": 0.5}
    raw["uncertainty"] = {
        "method": "test",
        "iterations": 10,
        "seed": 3,
        "conservative_percentile": 5,
        "quantity_gsd": {"measured": 1.05},
        "years": {"2024": {"co2e_kg": figures}},
    }
    extension = Results.from_results(raw).uncertainty
    assert extension is not None
    assert extension.conservative_percentile == 5.0
    assert extension.level("years")["2024"]["co2e_kg"] == MonteCarloRange(1.0, 0.5, 1.0, 2.0, 0.5)
    assert extension.exchanges == {} and extension.totals == {}
