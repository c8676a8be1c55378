"""PDF documents: benefit statements, the certificate page and the cluster annual report.

Renders only. Pipeline: results -> context dataclass (:mod:`.statement`, :mod:`.report`;
the certificate's context comes from :mod:`isbenefit.certify.issue`) -> HTML (jinja2,
``templates/``) -> PDF (weasyprint, :mod:`.render`). Nothing here assesses or signs.
"""

from isbenefit.documents.build import report_pdf, statement_pdf

__all__ = ["report_pdf", "statement_pdf"]
