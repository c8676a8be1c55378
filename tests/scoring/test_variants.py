"""Regional variants (variants.csv): a generic baseline activity is scored with the variant
of the party's country, else the EU one, else itself with the `region` flag; figures by
hand from tests/fixtures/factors-regional (heat.gas_boiler 0.2 GLO, its DK variant 0.17 in
2024 and 0.19 in 2023 (vintages), its EU variant 0.25; landfill.inert 2 GLO, PL 3)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from isbenefit import assess
from isbenefit.errors import FactorSetError
from isbenefit.scoring.factorset import load_factor_set
from tests.conftest import REPO, TINY_FACTORS, exchange, write_csv, write_ledger

REGIONAL = REPO / "tests" / "fixtures" / "factors-regional"
HEAT = {"flow": "energy", "resource": "waste heat", "quantity": "100", "unit": "MWh",
        "baseline_supply": "heat.gas_boiler"}  # fmt: skip


def organisations(supplier: str, receiver: str) -> list[dict[str, str]]:
    return [{"id": "SUP", "country": supplier}, {"id": "REC", "country": receiver}]


def assessed(tmp_path: Path, rows: list[dict[str, str]], supplier: str, receiver: str) -> Any:
    ledger = write_ledger(
        tmp_path / "ledger", rows, organisations=organisations(supplier, receiver)
    )
    return assess(ledger, REGIONAL).results


def test_the_receivers_country_chooses_the_variant_and_its_vintage(tmp_path: Path) -> None:
    results = assessed(tmp_path, [exchange(**HEAT)], "SE", "DK")
    (only,) = results["exchanges"]
    (line,) = only["lines"]
    assert line["activity"] == "heat.gas_boiler.dk@2024"
    assert line["variant"] == "heat.gas_boiler.dk"
    assert line["variant_reason"] == "the receiver's country is DK"
    assert only["saved"]["co2e_kg"] == pytest.approx(100_000 * 0.17)
    assert only["flags"] == []  # a DK factor for a DK receiver: no proxy


def test_the_year_chooses_the_variants_vintage(tmp_path: Path) -> None:
    row = exchange(**HEAT, period_start="2023-01-01", period_end="2023-12-31")
    (only,) = assessed(tmp_path, [row], "SE", "DK")["exchanges"]
    assert only["lines"][0]["activity"] == "heat.gas_boiler.dk@2023"
    assert only["saved"]["co2e_kg"] == pytest.approx(100_000 * 0.19)


def test_without_a_national_variant_an_eea_party_gets_the_eu_one(tmp_path: Path) -> None:
    (only,) = assessed(tmp_path, [exchange(**HEAT)], "DK", "FI")["exchanges"]
    (line,) = only["lines"]
    assert line["activity"] == line["variant"] == "heat.gas_boiler.eu"
    assert "FI has no variant of heat.gas_boiler: the EU one" in line["variant_reason"]
    assert only["saved"]["co2e_kg"] == pytest.approx(100_000 * 0.25)
    assert only["flags"] == []  # EU fits an EU member


def test_outside_the_eea_the_generic_row_stays_with_its_flag(tmp_path: Path) -> None:
    (only,) = assessed(tmp_path, [exchange(**HEAT)], "DK", "US")["exchanges"]
    (line,) = only["lines"]
    assert line["activity"] == "heat.gas_boiler"
    assert "variant" not in line and "variant_reason" not in line
    assert only["saved"]["co2e_kg"] == pytest.approx(100_000 * 0.2)
    assert only["flags"] == []  # GLO fits everywhere


def test_the_supplier_chooses_the_disposal_variant(tmp_path: Path) -> None:
    row = exchange(baseline_disposal="landfill.inert", quantity="10", unit="t")
    (only,) = assessed(tmp_path, [row], "PL", "DK")["exchanges"]
    (disposal,) = only["lines"]
    assert (disposal["role"], disposal["activity"]) == ("baseline_disposal", "landfill.inert.pl")
    assert disposal["variant_reason"] == "the supplier's country is PL"
    assert only["saved"]["co2e_kg"] == pytest.approx(10 * 3)  # PL landfill: 3 kg/t
    assert only["saved"]["landfill_diverted_t"] == pytest.approx(10)


def test_an_explicit_variant_is_honoured(tmp_path: Path) -> None:
    row = exchange(**{**HEAT, "baseline_supply": "heat.gas_boiler.eu"})
    (only,) = assessed(tmp_path, [row], "SE", "DK")["exchanges"]
    (line,) = only["lines"]
    assert line["activity"] == "heat.gas_boiler.eu"
    assert line["variant_reason"] == "named in the ledger"
    assert only["saved"]["co2e_kg"] == pytest.approx(100_000 * 0.25)


def test_parties_without_a_country_keep_the_generic_row_and_same_bytes(tmp_path: Path) -> None:
    rows = [exchange(**HEAT)]
    with_variants = assess(write_ledger(tmp_path / "a", rows), REGIONAL)
    (line,) = with_variants.results["exchanges"][0]["lines"]
    assert line["activity"] == "heat.gas_boiler"
    assert "variant" not in line
    assert "variant" not in with_variants.lines.columns
    # The same ledger against the set without variants: the same figures and lines (but
    # for the factor set named as each line's source).
    plain = assess(write_ledger(tmp_path / "b", rows), TINY_FACTORS)
    for result in (with_variants, plain):
        for line in result.results["exchanges"][0]["lines"]:
            line.pop("source")
    assert with_variants.results["exchanges"] == plain.results["exchanges"]


def test_the_lines_table_names_the_variant(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger", [exchange(**HEAT)],
                          organisations=organisations("SE", "DK"))  # fmt: skip
    lines = assess(ledger, REGIONAL).lines
    assert lines[["variant", "variant_reason"]].values.tolist() == [
        ["heat.gas_boiler.dk", "the receiver's country is DK"]
    ]


def test_the_streamed_json_equals_the_dict(tmp_path: Path) -> None:
    from isbenefit.results.results_json import dumps

    ledger = write_ledger(
        tmp_path / "ledger",
        [exchange(**HEAT), exchange(**{**HEAT, "id": "E2", "receiver": "OTHER"})],
        organisations=organisations("SE", "DK"),
    )
    assessment = assess(ledger, REGIONAL)
    assert assessment.results_json() == dumps(assessment.results)


def copy_with(tmp_path: Path, variants: list[dict[str, str]]) -> Path:
    folder = tmp_path / "factors"
    shutil.copytree(REGIONAL, folder)
    write_csv(folder / "variants.csv", variants, ["activity", "country", "variant", "notes"])
    return folder


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ({"activity": "heat.nope", "country": "DK", "variant": "heat.gas_boiler.dk"},
         "activity", "no activity of activities.csv has this id"),
        ({"activity": "heat.gas_boiler", "country": "DK", "variant": "heat.nope"},
         "variant", "no activity of activities.csv has this id"),
        ({"activity": "heat.gas_boiler", "country": "Denmark", "variant": "heat.gas_boiler.dk"},
         "country", "not an ISO 3166-1 alpha-2 country code, EU or GLO"),
        ({"activity": "heat.gas_boiler", "country": "SE", "variant": "heat.gas_boiler.dk"},
         "variant", "the variant's location in activities.csv is 'DK', not SE"),
        ({"activity": "heat.gas_boiler", "country": "PL", "variant": "landfill.inert.pl"},
         "variant", "the variant is landfill per t, the activity energy per kWh"),
    ],
)  # fmt: skip
def test_a_bad_variant_row_is_refused_naming_its_cell(
    tmp_path: Path, row: dict[str, str], column: str, message: str
) -> None:
    folder = copy_with(tmp_path, [{**row, "notes": ""}])
    with pytest.raises(FactorSetError) as caught:
        load_factor_set(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (
        str(folder / "variants.csv"),
        2,
        column,
    )
    assert message in problem.message


def test_a_second_variant_for_one_country_is_refused(tmp_path: Path) -> None:
    rows = [
        {"activity": "heat.gas_boiler", "country": "DK", "variant": "heat.gas_boiler.dk"},
        {"activity": "heat.gas_boiler", "country": "DK", "variant": "heat.gas_boiler.dk"},
    ]
    with pytest.raises(FactorSetError) as caught:
        load_factor_set(copy_with(tmp_path, rows))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "country")
    assert "already has a variant for this country" in problem.message


def test_variants_change_the_factor_sets_hash() -> None:
    assert load_factor_set(REGIONAL).variants["heat.gas_boiler"] == {
        "DK": "heat.gas_boiler.dk",
        "EU": "heat.gas_boiler.eu",
    }
    assert load_factor_set(REGIONAL).sha256 != load_factor_set(TINY_FACTORS).sha256


def test_statement_and_workbook_name_the_variant_and_its_country(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from isbenefit.cli.results_workbook import write_results_workbook
    from isbenefit.documents.files import write_statement
    from tests.documents_helpers import flat, pdf_text

    ledger = write_ledger(tmp_path / "ledger", [exchange(**HEAT)],
                          organisations=organisations("SE", "DK"))  # fmt: skip
    assessment = assess(ledger, REGIONAL)
    pdf = write_statement(assessment.results, "REC", 2024, tmp_path / "statement.pdf")
    text = flat(pdf_text(pdf))
    assert flat("gas boiler (2024), DK variant (the receiver's country is DK)") in text
    write_results_workbook(tmp_path / "results.xlsx", assessment)
    sheet = load_workbook(tmp_path / "results.xlsx")["lines"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert rows[1][header.index("variant")] == "heat.gas_boiler.dk"
    assert rows[1][header.index("variant_reason")] == "the receiver's country is DK"
