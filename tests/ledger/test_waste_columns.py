"""The optional waste-reporting columns of the exchanges sheet: ewc_code (European List of
Waste), legal_status and recovery_operation; checked, passed to the results, never needed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from isbenefit import assess
from isbenefit.errors import InputError
from isbenefit.ledger.waste import ewc_codes
from isbenefit.paths import package_data
from tests.conftest import TINY_FACTORS, exchange, write_ledger


def problems_of(ledger: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        assess(ledger, factors=TINY_FACTORS)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_the_shipped_list_of_waste() -> None:
    """Entries checked by hand against Decision 2014/955/EU: 842 entries, 408 hazardous."""
    codes = ewc_codes()
    assert len(codes) == 842
    assert sum(hazardous for hazardous, _ in codes.values()) == 408
    assert codes["10 01 05"] == (
        False,
        "Calcium-based reaction wastes from flue-gas desulphurisation in solid form",
    )
    assert codes["10 01 04"][0] is True  # oil fly ash and boiler dust
    assert codes["17 06 05"][0] is True  # construction materials containing asbestos
    assert codes["20 03 01"] == (False, "Mixed municipal waste")
    with package_data("ewc_codes.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert all(row["code"].endswith("*") == (row["hazardous"] == "yes") for row in rows)


def test_waste_columns_pass_to_the_results_in_canonical_form(tmp_path: Path) -> None:
    rows = [
        exchange(baseline_disposal="landfill.inert", ewc_code="100105",
                 legal_status="By-product", recovery_operation="r 5"),
        exchange(id="E2", baseline_disposal="landfill.inert", hazardous="yes",
                 ewc_code="10 01 04", legal_status="waste", recovery_operation="D1"),
        exchange(id="E3", baseline_disposal="landfill.inert"),
    ]  # fmt: skip
    results = assess(write_ledger(tmp_path / "ledger", rows), factors=TINY_FACTORS)
    extras = {e["id"]: e["extra"] for e in results.results["exchanges"]}
    assert extras == {
        "E1": {"ewc_code": "10 01 05", "legal_status": "by-product", "recovery_operation": "R5"},
        "E2": {"ewc_code": "10 01 04*", "legal_status": "waste", "recovery_operation": "D1"},
        "E3": {"ewc_code": "", "legal_status": "", "recovery_operation": ""},
    }
    table = results.tables.exchanges.set_index("id")
    assert table.loc["E2", "ewc_code"] == "10 01 04*"
    # Hazardous waste diverted: the hazardous exchange's 100 t, as without the columns.
    assert results.results["totals"]["saved"]["hazardous_diverted_t"] == 100.0


def test_a_ledger_without_waste_columns_carries_none_in_its_results(tmp_path: Path) -> None:
    rows = [exchange(baseline_disposal="landfill.inert")]
    plain = assess(write_ledger(tmp_path / "plain", rows), factors=TINY_FACTORS)
    (record,) = plain.results["exchanges"]
    assert record["extra"] == {}
    assert b"ewc_code" not in plain.results_json()


def test_a_hazardous_entry_needs_hazardous_yes_and_the_error_names_the_row(
    tmp_path: Path,
) -> None:
    rows = [
        exchange(baseline_disposal="landfill.inert", ewc_code="10 01 05"),
        exchange(id="E2", baseline_disposal="landfill.inert", ewc_code="10 01 04*"),
        exchange(id="E3", baseline_disposal="landfill.inert", hazardous="yes",
                 ewc_code="10 01 05"),
    ]  # fmt: skip
    found = problems_of(write_ledger(tmp_path / "ledger", rows))
    assert [(row, column) for row, column, _ in found] == [(3, "hazardous"), (4, "hazardous")]
    assert "10 01 04*" in found[0][2] and "hazardous (*)" in found[0][2]
    assert "10 01 05" in found[1][2] and "non-hazardous" in found[1][2]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("ewc_code", "99 99 99"),
        ("ewc_code", "10 01"),
        ("ewc_code", "10 01 05*"),  # an asterisk on a non-hazardous entry
        ("legal_status", "product"),
        ("recovery_operation", "R14"),
        ("recovery_operation", "D0"),
    ],
)
def test_bad_waste_values_are_errors_naming_row_and_column(
    tmp_path: Path, column: str, value: str
) -> None:
    rows = [exchange(baseline_disposal="landfill.inert", **{column: value})]
    found = problems_of(write_ledger(tmp_path / "ledger", rows))
    assert [(row, col) for row, col, _ in found] == [(2, column)]
