"""A ledger for the reporting tests (VSME, ESRS) and its figures computed by hand from the
tiny factor set (tests/conftest.py, F)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import openpyxl

from isbenefit.ledger.waste import ewc_codes
from isbenefit.reporting import vsme
from tests.conftest import F, exchange, write_ledger

# Exchange E2 runs 2024-07-01 .. 2025-06-30: 184 of its 365 days fall in 2024.
E2_2024 = 184 / 365


def reporting_ledger(folder: Path) -> Path:
    """SUP supplies five material exchanges and one of heat, and receives one."""

    def row(**fields: str) -> dict[str, str]:
        # every row has the three waste columns, blank unless given
        return exchange(**{"legal_status": "", "recovery_operation": "", "ewc_code": "", **fields})

    rows = [
        row(id="E1", ewc_code="10 01 05", recovery_operation="R5",
                 legal_status="waste", baseline_disposal="landfill.plasterboard",
                 baseline_supply="prod.gypsum"),
        row(id="E2", period_start="2024-07-01", period_end="2025-06-30",
                 resource="spent catalyst", quantity="2000", unit="kg", hazardous="yes",
                 ewc_code="16 08 02*", recovery_operation="R1",
                 baseline_disposal="incineration.mixed_waste"),
        row(id="E3", receiver="OTH", resource="fly ash", quantity="50",
                 legal_status="by-product", baseline_supply="prod.aggregates"),
        row(id="E4", resource="plasterboard offcuts", quantity="30",
                 ewc_code="170802", baseline_disposal="landfill.plasterboard"),
        row(id="E5", resource="plasterboard offcuts", quantity="20",
                 ewc_code="17 08 02", recovery_operation="R5",
                 baseline_disposal="landfill.plasterboard"),
        row(id="E6", supplier="OTH", receiver="SUP",
                 resource="recycled aggregate", quantity="40", baseline_supply="prod.aggregates"),
        row(id="E7", flow="energy", resource="waste heat", quantity="10",
                 unit="MWh", baseline_supply="heat.gas_boiler"),
    ]  # fmt: skip
    organisations = [
        {"id": "SUP", "name": "Supplier A/S", "sme": "yes", "eu_ets": ""},
        {"id": "REC", "name": "Receiver Oy", "sme": "no", "eu_ets": "yes"},
    ]
    return write_ledger(folder, rows, organisations=organisations)


def sup_credited_co2e_2024_kg() -> float:
    """SUP's credited share (half) of every exchange's CO2e saving falling in 2024."""
    co2 = {name: value[0] for name, value in F.items()}
    saved = (
        100 * (co2["landfill.plasterboard"] + co2["prod.gypsum"])  # E1
        + 2 * co2["incineration.mixed_waste"] * E2_2024  # E2: 2 t
        + 50 * co2["prod.aggregates"]  # E3
        + 30 * co2["landfill.plasterboard"]  # E4
        + 20 * co2["landfill.plasterboard"]  # E5
        + 40 * co2["prod.aggregates"]  # E6 (SUP receives)
        + 10_000 * co2["heat.gas_boiler"]  # E7: 10 MWh
    )
    return 0.5 * saved


WASTE_CODE = "    {} - {} - {}"


def load(data: bytes) -> Any:
    """A filled VSME workbook, read with openpyxl."""
    with warnings.catch_warnings():  # openpyxl: "Data Validation extension is not supported"
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(io.BytesIO(data))


def cell_of(workbook: Any, name: str, index: int = 0) -> Any:
    """The value of the template's defined name ``name`` (its ``index``-th cell)."""
    where = vsme.area(vsme.defined_names(vsme.template_bytes()), name)
    return workbook[where.sheet][where.cell(index)].value


def label(code: str) -> str:
    """A waste code as the template's drop-down lists it."""
    hazardous, description = ewc_codes()[code]
    return WASTE_CODE.format(code, "Hazardous" if hazardous else "Non-Hazardous", description)
