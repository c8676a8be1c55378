"""The documents as files, from Python: thin functions over what the `statement` and
`report` verbs do (cli/documents.py), for notebooks and scripts.

    a = isbenefit.assess("ledger.xlsx")
    isbenefit.documents.write_statement(a, "SUP", 2024, "statement.pdf")
    isbenefit.documents.write_report(a, 2024, "report.pdf", cluster="Kalundborg")

``results`` is an :class:`~isbenefit.api.Assessment` (anything with a ``results``
attribute), the results JSON as a dict, or a parsed :class:`~isbenefit.results.model.Results`.
Each file is written atomically (whole or not at all); the path is returned. Certificates
are issued by :func:`isbenefit.certify.files.write_certificate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from isbenefit.results.model import Results
from isbenefit.writing import write_atomic


def _results(results: Any) -> Results | Mapping[str, Any]:
    if isinstance(results, Results | Mapping):
        return results
    return results.results


def write_statement(
    results: Any, org: str, year: int | str, path: Path | str, lang: str = "en"
) -> Path:
    """The benefit statement of ``org`` for ``year`` as a PDF at ``path``, in ``lang``."""
    from isbenefit.documents.build import statement_pdf  # weasyprint: loaded on first use

    target = Path(path)
    write_atomic(target, statement_pdf(_results(results), org, str(year), lang))
    return target


def write_report(
    results: Any,
    year: int | str,
    path: Path | str,
    cluster: str | None = None,
    lang: str = "en",
) -> Path:
    """The cluster's annual report for ``year`` as a PDF at ``path`` (``cluster``: the
    name on the report, default "Industrial symbiosis cluster" in ``lang``)."""
    from isbenefit.documents.build import report_pdf
    from isbenefit.documents.report import DEFAULT_CLUSTER

    target = Path(path)
    report = report_pdf(_results(results), str(year), cluster or DEFAULT_CLUSTER, lang)
    write_atomic(target, report)
    return target
