"""What the document verbs share (cli/documents.py, cli/batches.py): their options, who
issues a certificate, the assessment they render from and the console they report on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from isbenefit.cli.common import MonteCarloOptions, fail, show_warnings
from isbenefit.ledger.contract import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:
    from isbenefit.api import Assessment
    from isbenefit.certify.issue import Issuing
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.source import FactorSource

console = Console(highlight=False, stderr=True)

OrgOption = Annotated[str, typer.Option("--org", help="Organisation id, as in the ledger.")]
YearOption = Annotated[
    int, typer.Option("--year", help="Calendar year, e.g. 2024.", min=FIRST_YEAR, max=LAST_YEAR)
]
KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        help="Issuer's private key (from `isbenefit keys new`): signs the "
        "claim; the signature and key fingerprint go into the PDF.",
        dir_okay=False,
    ),
]
PdfOption = Annotated[
    Path, typer.Option("--output", "-o", help="PDF file to write.", dir_okay=False)
]
DirOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="Folder to write the PDFs into (created if missing).",
        file_okay=False,
    ),
]
VerifyUrlOption = Annotated[
    str | None,
    typer.Option(
        "--verify-url",
        metavar="URL",
        help="Your verification address prefix, e.g. https://example.org/c: the QR code and "
        "the page then carry URL/ISB-... (publish the certificates or their status there).",
    ),
]
IssuerOption = Annotated[
    str | None,
    typer.Option(
        "--issuer",
        help="Issuer printed on an unsigned certificate (marked unsigned; default isbenefit). "
        "A signed certificate prints the issuer named in its key (`keys new --name`).",
    ),
]
ClusterOption = Annotated[str, typer.Option("--cluster", help="Cluster name on the report.")]
CertificateIterationsOption = Annotated[
    int,
    typer.Option(
        "--iterations",
        min=0,
        help="Monte Carlo iterations (default 1000; 0 turns the analysis off and certifies "
        "the deterministic figures). With a run the conservative figure is certified and "
        "the central estimate printed beside it.",
    ),
]


@dataclass(frozen=True)
class CertificateMonteCarloOptions(MonteCarloOptions):
    """The Monte Carlo options of `certificate` and `certificates`: 1000 iterations."""

    iterations: CertificateIterationsOption = 1000


CERTIFICATE_MONTE_CARLO_OPTIONS = CertificateMonteCarloOptions()
JobsOption = Annotated[
    int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: all cores).")
]


@dataclass(frozen=True)
class IssuingOptions:
    """Who issues the certificates of `certificate` and `certificates` (`with_options`)."""

    issuer: IssuerOption = None
    key: KeyOption = None
    verify_url: VerifyUrlOption = None

    def issuing(self) -> Issuing:
        """The options as one `Issuing`; stops on a --verify-url that is no web address,
        and on --issuer beside --key (the key's own issuer record names the issuer)."""
        from isbenefit.certify.issue import DEFAULT_ISSUER, Issuing

        if self.verify_url is not None and not self.verify_url.startswith(("https://", "http://")):
            fail(
                f"--verify-url {self.verify_url!r} is not a web address. Fix: give it with "
                "its scheme, e.g. https://example.org/c"
            )
        if self.key is not None and self.issuer is not None:
            fail(
                "--issuer is for unsigned certificates: a signed certificate prints the "
                "issuer named in its key. Fix: leave out --issuer, or make a key with "
                '`isbenefit keys new --name "..."`'
            )
        return Issuing(self.issuer or DEFAULT_ISSUER, self.key, self.verify_url)


ISSUING_OPTIONS = IssuingOptions()  # the default of a verb's issuing parameter


def assess_showing_warnings(
    ledger: Path,
    source: FactorSource,
    currency: str,
    monte_carlo: MonteCarloSettings | None = None,
    client: Any = None,
) -> Assessment:
    """The ledger assessed as `assess` does, its warnings printed."""
    from isbenefit.api import assess

    assessment = assess(
        ledger, factors=source, currency=currency, monte_carlo=monte_carlo, client=client
    )
    show_warnings(assessment.warnings)
    return assessment
