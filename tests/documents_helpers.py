"""Helpers shared by the document tests: text extraction, expected formatting, a real ledger.

Expected numbers are formatted here from the results dict by the rule the
documents state (``messages.ROUNDING_NOTE``), independently of the formatter the
documents use.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from pypdf import PdfReader

from isbenefit.batch import Job
from isbenefit.cli.documents import register
from tests.conftest import TINY_FACTORS, write_ledger

HOSTILE_NAMES = ('<img src="file:///etc/passwd">', "<script>alert('x')</script>")
UNICODE_NAMES = (
    "Øresund Gips A/S",
    "Äänekoski Bioenergia Oy",
    "Zakład Łódź Sp. z o.o.",
    "Ėnergija Klaipėda UAB",
    "Завод Жуковский",
)
EPOCH = "1718000000"


def pdf_text(pdf: bytes | Path) -> str:
    """All pages' text, with no-break spaces as spaces."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    reader = PdfReader(source)
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def fmt(value: float, decimals: int) -> str:
    """The documents' stated rounding: commas for thousands, U+2212 for minus, no -0."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-"):
        return text[1:] if set(text[1:]) <= set("0.,") else "\u2212" + text[1:]
    return text


def stated(value: float, half_width: float | None, finest: int) -> str:
    """A figure rounded by hand by the rule of reported figures: its last digit is the
    second significant digit of ``half_width`` (half its P5-P95 range), else the third
    significant digit of the value; never finer than ``finest`` decimals."""
    if half_width:
        decimals = 1 - math.floor(math.log10(half_width))
    elif value:
        decimals = 2 - math.floor(math.log10(abs(value)))
    else:
        decimals = finest
    decimals = min(decimals, finest)
    return fmt(round(value, decimals), max(decimals, 0))


def tonnes_kg(kg: float, half_kg: float | None = None) -> str:
    """CO2e kilograms as documents print the tonnes (``half_kg``: half the P5-P95 width)."""
    return stated(kg / 1000, None if half_kg is None else half_kg / 1000, 2)


def row_figures(
    saved: dict[str, float], money: float, halves: dict[str, float] | None = None
) -> str:
    """CO2e t, water m3, virgin t, landfill t and money as a table row prints them, each
    rounded by the rule (``halves``: half the P5-P95 width per quantity, results units)."""
    halves = halves or {}
    return " ".join(
        (
            tonnes_kg(saved["co2e_kg"], halves.get("co2e_kg")),
            stated(saved["water_m3"], halves.get("water_m3"), 1),
            stated(saved["virgin_material_t"], halves.get("virgin_material_t"), 2),
            stated(saved["landfill_diverted_t"], halves.get("landfill_diverted_t"), 2),
            fmt(money, 0),
        )
    )


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}".removesuffix(".0") + " %"


def section(text: str, start: str, end: str | None) -> str:
    """The text from ``start`` up to ``end`` (or the end)."""
    begin = text.index(start)
    finish = text.index(end, begin + len(start)) if end else len(text)
    return text[begin:finish]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class WarningCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_weasyprint_warnings() -> Iterator[WarningCatcher]:
    """Fail when weasyprint logs a warning or an error inside the block."""
    catcher = WarningCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    try:
        yield catcher
    finally:
        logger.removeHandler(catcher)
    messages = [record.getMessage() for record in catcher.records]
    assert messages == [], f"weasyprint logged: {messages}"


def failing_renderer(results: Any, job: Job) -> bytes:
    """A batch renderer that fails for organisation ``org002`` and renders the others."""
    from isbenefit.batch import render_job

    if job.org_id == "org002":
        raise RuntimeError("forced failure for org002")
    return render_job(results, job)


def unicode_ledger(folder: Path, names: tuple[str, ...] = UNICODE_NAMES) -> Path:
    """A CSV ledger (tiny factor set) over 2023 and 2024 between five organisations."""
    ids = ["SUP", "REC", "THIRD", "FOURTH", "FIFTH"]
    base = {
        "flow": "material",
        "unit": "t",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
    }
    exchanges = [
        {
            **base,
            "id": "E1",
            "supplier": "SUP",
            "receiver": "REC",
            "resource": "FGD gypsum",
            "quantity": "1200",
            "baseline_disposal": "landfill.plasterboard",
            "baseline_supply": "prod.gypsum",
            "transport_mode": "transport.road",
            "transport_km": "35",
            "price": "2400",
            "supplier_avoided_cost": "9000",
            "receiver_extra_cost": "1500",
            "supplier_share": "0.3",
            "evidence": "tickets 1-52",
        },
        {
            **base,
            "id": "E2",
            "supplier": "REC",
            "receiver": "THIRD",
            "flow": "water",
            "resource": "cooling water",
            "quantity": "56000",
            "unit": "m3",
            "baseline_supply": "water.mains",
            "baseline_disposal": "treatment.wastewater",
            "period_start": "2023-07-01",
            "period_end": "2024-06-30",
            "receiver_avoided_cost": "800",
        },
        {
            **base,
            "id": "E3",
            "supplier": "THIRD",
            "receiver": "FOURTH",
            "flow": "energy",
            "resource": "waste heat 90 °C",
            "quantity": "4100000",
            "unit": "kWh",
            "baseline_supply": "heat.gas_boiler",
            "substitution_ratio": "1.1",
            "price": "-300",
            "receiver_avoided_cost": "150000",
            "supplier_share": "0.6",
        },
        {
            **base,
            "id": "E4",
            "supplier": "FOURTH",
            "receiver": "FIFTH",
            "resource": "bottom ash",
            "quantity": "800",
            "baseline_disposal": "landfill.inert",
            "baseline_supply": "prod.aggregates",
            "transport_mode": "transport.road",
            "transport_km": "420",
            "hazardous": "yes",
            "period_start": "2023-01-01",
            "period_end": "2023-12-31",
        },
        {
            **base,
            "id": "E5",
            "supplier": "FIFTH",
            "receiver": "SUP",
            "resource": "gypsum fines",
            "quantity": "300",
            "baseline_supply": "prod.gypsum",
            "supplier_share": "0",
        },
    ]
    inputs = [
        {
            "exchange": "E3",
            "activity": "electricity.dk",
            "quantity": "90000",
            "unit": "kWh",
            "note": "pumping",
        }
    ]
    organisations = [
        {"id": org, "name": name, "country": country}
        for org, name, country in zip(ids, names, ("DK", "FI", "PL", "LT", "LV"), strict=False)
    ]
    return write_ledger(folder, exchanges, inputs=inputs, organisations=organisations)


def documents_app() -> typer.Typer:
    """A CLI app holding the document verbs, as `isbenefit` registers them."""
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)

    @app.callback()
    def main() -> None:
        """isbenefit documents."""

    register(app)
    return app


def assess_ledger(ledger: Path, data_dir: Path) -> Any:
    from isbenefit import assess

    return assess(ledger, factors=TINY_FACTORS, data_dir=data_dir)
