"""The statement and the report as PDF bytes, from a results dict (spec section 4 + extensions).

The certificate is issued by :mod:`isbenefit.certify.issue`, which builds its claim first.
"""

from __future__ import annotations

from isbenefit.documents.render import render_pdf
from isbenefit.documents.report import DEFAULT_CLUSTER, report_context
from isbenefit.documents.shares import Results
from isbenefit.documents.statement import statement_context


def statement_pdf(results: Results, org_id: str, year: str) -> bytes:
    """The benefit statement of ``org_id`` for ``year``."""
    return render_pdf("statement.html", statement_context(results, org_id, year))


def report_pdf(results: Results, year: str, cluster: str = DEFAULT_CLUSTER) -> bytes:
    """The cluster annual report for ``year``."""
    return render_pdf("report.html", report_context(results, year, cluster))
