"""`isbenefit assess LEDGER --xlsx FILE`: the results tables as one workbook."""

from __future__ import annotations

from pathlib import Path

from isbenefit.api import Assessment
from isbenefit.documents.workbook import results_workbook_bytes
from isbenefit.results.declared import declared_tables
from isbenefit.results.flags import with_flag_marks
from isbenefit.results.monte_carlo import uncertainty_table
from isbenefit.writing import write_atomic


def write_results_workbook(path: Path, assessment: Assessment) -> None:
    """Write the workbook whole or not at all; the same assessment gives the same bytes."""
    factor_set = assessment.factor_set
    about = {
        "ledger": assessment.ledger_name,
        "ledger sha256": assessment.ledger_sha256,
        "factor set": f"{factor_set.id} {factor_set.version} (sha256 {factor_set.sha256})",
    }
    uncertainty = uncertainty_table(assessment.uncertainty) if assessment.uncertainty else None
    data = results_workbook_bytes(
        with_flag_marks(assessment.tables, assessment.factor_set),
        assessment.currency,
        uncertainty,
        about,
        declared_tables(assessment.declared) if assessment.declared is not None else None,
    )
    write_atomic(path, data)
