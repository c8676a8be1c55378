"""PDF documents: benefit statements, the certificate page and the cluster annual report.

Renders only. Pipeline: results -> context dataclass (:mod:`.statement`, :mod:`.report`;
the certificate's context comes from :mod:`isbenefit.certify.issue`) -> HTML (jinja2,
``templates/``) -> PDF (weasyprint, :mod:`.render`). Nothing here assesses or signs.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from isbenefit.documents.build import report_pdf, statement_pdf
    from isbenefit.documents.files import write_report, write_statement

__all__ = ["report_pdf", "statement_pdf", "write_report", "write_statement"]


def __getattr__(name: str) -> Any:
    """Each of ``__all__``, imported on first use: a certificate (rendered through
    :mod:`isbenefit.certify.issue`) never loads the statement's and report's modules, and
    `verify`, which rebuilds the certificate's page text from :mod:`.numbers` and
    :mod:`.contexts`, loads no results model (nor numpy and pandas)."""
    if name in ("report_pdf", "statement_pdf"):
        from isbenefit.documents import build

        return getattr(build, name)
    if name in ("write_report", "write_statement"):
        from isbenefit.documents import files

        return getattr(files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
