"""Shared fixtures: an isolated data directory, the tiny factor set, ledger writers."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TINY_FACTORS = Path(__file__).resolve().parent / "fixtures" / "factors-tiny"

# Tiny factor set values, restated for hand computations in tests.
F = {
    "prod.gypsum": (120.0, 0.5),
    "prod.aggregates": (8.0, 0.2),
    "landfill.inert": (2.0, 0.0),
    "landfill.plasterboard": (70.0, 0.0),
    "incineration.mixed_waste": (400.0, 0.0),
    "heat.gas_boiler": (0.2, 0.0),
    "natural_gas.m3": (2.0, 0.0),
    "electricity.dk": (0.15, 0.001),
    "water.mains": (0.2, 1.0),
    "treatment.wastewater": (0.3, 0.0),
    "transport.road": (0.1, 0.0),
    "transport.rail": (0.03, 0.0),
}

BASE_EXCHANGE = {
    "id": "E1",
    "period_start": "2024-01-01",
    "period_end": "2024-12-31",
    "supplier": "SUP",
    "receiver": "REC",
    "flow": "material",
    "resource": "FGD gypsum",
    "quantity": "100",
    "unit": "t",
}


# Modules that build Brightway databases, render many PDFs, run hypothesis or Monte Carlo
# at length, start servers or browsers, or run ruff and mypy: `pytest -m "not slow"` leaves
# them out for a quick run while working (README, "Tests"); CI runs everything.
SLOW = {
    "certify/test_claim_robustness.py",
    "certify/test_claims_double.py",
    "certify/test_pdf_signatures.py",
    "certify/test_verify_certificates.py",
    "certify/test_verify_certified_figure.py",
    "certify/test_verify_quiet.py",
    "cli/test_cluster_failures.py",
    "cli/test_documents_batch.py",
    "cli/test_documents_cli.py",
    "cli/test_faults.py",
    "i18n/test_documents_languages.py",
    "documents/test_certificate_documents.py",
    "documents/test_certificate_layout.py",
    "documents/test_documents_ranges.py",
    "documents/test_documents_statement.py",
    "documents/test_report_documents.py",
    "documents/test_report_layout.py",
    "engine/test_engine.py",
    "engine/test_cluster.py",
    "engine/test_draw_scheme.py",
    "engine/test_properties.py",
    "engine/test_uncertainty.py",
    "ledger/test_ledger_fuzz.py",
    "reporting/test_vsme.py",
    "scoring/test_brightway.py",
    "scoring/test_byo_database.py",
    "scoring/test_byo_ecoinvent_style.py",
    "scoring/test_factor_sources.py",
    "scoring/test_kept_scores.py",
    "service/test_api.py",
    "service/test_browser.py",
    "service/test_browser_language.py",
    "service/test_declared_service.py",
    "service/test_documents.py",
    "service/test_logins.py",
    "service/test_postgresql.py",
    "service/test_queue.py",
    "service/test_register.py",
    "service/test_worker.py",
    "test_code_quality.py",
    "test_wheel.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    for item in items:
        if item.path.relative_to(tests).as_posix() in SLOW:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterable[Path]:
    """One data directory for the whole run, never the user's own."""
    path = tmp_path_factory.mktemp("isbenefit-data")
    patcher = pytest.MonkeyPatch()
    patcher.setenv("ISBENEFIT_DATA_DIR", str(path))
    yield path
    patcher.undo()


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    header = columns or list(dict.fromkeys(key for row in rows for key in row))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_ledger(
    folder: Path, exchanges: list[dict[str, str]], **sheets: list[dict[str, str]]
) -> Path:
    """A CSV-folder ledger; keyword arguments add sheets (inputs, organisations, rates)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "exchanges.csv", exchanges)
    for name, rows in sheets.items():
        write_csv(folder / f"{name}.csv", rows)
    return folder


def exchange(**fields: str) -> dict[str, str]:
    return {**BASE_EXCHANGE, **fields}


def write_mapping(folder: Path, text: str) -> Path:
    """A Brightway mapping file (TOML) in ``folder``."""
    path = folder / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path
