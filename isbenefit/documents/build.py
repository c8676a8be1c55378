"""The statement and the report as PDF bytes, from the results (spec section 4 + extensions).

Both take the results dict or the results already parsed
(:class:`isbenefit.results.model.Results`); a dict is parsed once, here.

The certificate is issued by :mod:`isbenefit.certify.issue`, which builds its claim first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from isbenefit.documents.render import render_pdf
from isbenefit.documents.report import DEFAULT_CLUSTER, report_context
from isbenefit.documents.statement import statement_context
from isbenefit.messages import SOURCE_LANGUAGE, language
from isbenefit.results.model import Results, as_results


def statement_pdf(
    results: Results | Mapping[str, Any], org_id: str, year: str, lang: str = SOURCE_LANGUAGE
) -> bytes:
    """The benefit statement of ``org_id`` for ``year``, in ``lang``."""
    with language(lang):
        return render_pdf("statement.html", statement_context(as_results(results), org_id, year))


def report_pdf(
    results: Results | Mapping[str, Any],
    year: str,
    cluster: str = DEFAULT_CLUSTER,
    lang: str = SOURCE_LANGUAGE,
) -> bytes:
    """The cluster annual report for ``year``, in ``lang``."""
    with language(lang):
        return render_pdf("report.html", report_context(as_results(results), year, cluster))
