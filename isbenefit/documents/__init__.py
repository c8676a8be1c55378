"""PDF documents: benefit statements, certificates and the cluster annual report.

Pipeline: results dict -> context dataclass (:mod:`.statement`, :mod:`.certificate`,
:mod:`.report`) -> HTML (jinja2, ``templates/``) -> PDF (weasyprint, :mod:`.render`).
"""

from isbenefit.documents.build import certificate_pdf, report_pdf, statement_pdf

__all__ = ["certificate_pdf", "report_pdf", "statement_pdf"]
