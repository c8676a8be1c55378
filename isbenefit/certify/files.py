"""A certificate as a file, from Python: what `isbenefit certificate` does (cli/documents.py).

    isbenefit.certify.files.write_certificate("ledger.xlsx", "SUP", 2024, "cert.pdf")

The ledger is assessed (with ``iterations`` Monte Carlo draws, 1000 by default, as the
verb does: the conservative figure is certified; 0 certifies the deterministic one), the
claim built from its rows, signed when ``key`` is given, and the PDF written atomically.
"""

from __future__ import annotations

from pathlib import Path

from isbenefit.certify.issue import DEFAULT_ISSUER, Issuing, certificate_pdf, certificate_results
from isbenefit.engine.uncertainty import MonteCarloSettings
from isbenefit.scoring.source import FactorSource, as_factor_source
from isbenefit.writing import write_atomic


def write_certificate(
    ledger: Path | str,
    org: str,
    year: int | str,
    path: Path | str,
    *,
    factors: FactorSource | Path | str | None = None,
    currency: str = "EUR",
    data_dir: Path | str | None = None,
    iterations: int = 1000,
    seed: int = 1,
    conservative_percentile: float = 5.0,
    issuer: str = DEFAULT_ISSUER,
    key: Path | str | None = None,
    verify_url: str | None = None,
) -> Path:
    """The one-page certificate of ``org`` for ``year`` as a PDF at ``path``."""
    settings = MonteCarloSettings(iterations, seed, conservative_percentile) if iterations else None
    results, rows = certificate_results(
        ledger,
        org,
        str(year),
        as_factor_source(factors, data_dir=data_dir),
        currency,
        settings,
    )
    target = Path(path)
    write_atomic(
        target,
        certificate_pdf(
            results,
            org,
            str(year),
            rows,
            Issuing(issuer, Path(key) if key is not None else None, verify_url),
        ),
    )
    return target
