"""`isbenefit verify` starts fast: checking a signed certificate loads no renderer
(weasyprint), no plotting (matplotlib), no workbook reader (openpyxl) and none of
pyHanko's signing machinery or network clients (its time-stamping client pulls in
aiohttp). Not timed: bench/bench_verify.py measures; this test keeps the import graph that
makes the figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from isbenefit.certify.checks import EXIT_CODES, Verdict
from tests.certificate_helpers import EPOCH, make_certificate, new_test_key
from tests.conftest import TINY_FACTORS, exchange, write_ledger
from tests.start_helpers import OTHER_VERBS, started

# Loaded by `verify` in a fresh process, they would cost it seconds and say nothing (a
# certificate carries its exchanges: no workbook is read, so no openpyxl).
NEVER = (
    "weasyprint",
    "matplotlib",
    "pyhanko.sign.timestamps",
    "pyhanko.sign.signers",
    "aiohttp",
    "openpyxl",
)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("imports")
    new_test_key(folder / "issuer.key", folder / "issuer.pub")
    ledger = write_ledger(folder / "ledger", [exchange(baseline_supply="prod.gypsum")])
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        pdf = make_certificate(
            ledger, folder / "c.pdf", "--iterations", "20", "--key", str(folder / "issuer.key")
        )
    finally:
        patcher.undo()
    return pdf, folder / "issuer.pub"


def heavy(modules: list[str]) -> list[str]:
    return [name for name in modules if name.startswith(NEVER)]


def test_verifying_a_signed_certificate_loads_no_renderer_and_no_network_client(
    signed: tuple[Path, Path],
) -> None:
    pdf, key = signed
    code, modules, _, stderr = started("verify", str(pdf), "--key", str(key),
                                      "--factors", str(TINY_FACTORS))  # fmt: skip
    assert code == 0, stderr
    assert heavy(modules) == []
    assert not set(OTHER_VERBS) & set(modules)
    # It did check the PDF signature and recompute: pyHanko's validation and the engine ran.
    assert "pyhanko.sign.validation" in modules and "isbenefit.engine.core" in modules
    assert stderr == ""  # nor pyHanko's DSA deprecation warning


def test_verifying_without_the_claims_factor_set_loads_no_engine(
    signed: tuple[Path, Path],
) -> None:
    """Made with the tiny factor set, checked where only the shipped one is at hand: every
    check runs but the recomputation, which is skipped from factorset.toml alone, so
    neither the engine nor numpy, pandas or scipy is loaded (the printed figures are
    rebuilt without them too)."""
    pdf, key = signed
    code, modules, _, stderr = started("verify", str(pdf), "--key", str(key))
    assert code == EXIT_CODES[Verdict.FACTOR_SET_UNAVAILABLE], stderr
    assert heavy(modules) == []
    assert "pyhanko.sign.validation" in modules and "isbenefit.certify.stated" in modules
    engine = [
        name
        for name in modules
        if name.startswith(("numpy", "pandas", "scipy", "isbenefit.engine", "isbenefit.results"))
    ]
    assert engine == []


def test_verify_help_loads_nothing_of_the_checks() -> None:
    code, modules, _, _ = started("verify", "--help")
    assert code == 0
    assert heavy(modules) == []
    checks = ("pandas", "numpy", "pyhanko", "pypdf", "isbenefit.certify.verification")
    assert not [name for name in modules if name.startswith(checks)]
    # Typer checks option values with pydantic; no value is checked to print the help
    # (cli/root.py, RootGroup).
    assert not [name for name in modules if name.startswith("pydantic")]


def test_signing_still_works_after_verifying_in_the_same_process(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    """The service verifies and issues in one process: pyHanko's signing names still load
    after `verify` registered its package without them."""
    pdf, _ = signed
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from isbenefit.certify.pdf_signature import read_pdf_signatures\n"
        "read_pdf_signatures(Path(sys.argv[1]).read_bytes())\n"
        "from pyhanko.sign import PdfSigner, signers, fields\n"
        "print(PdfSigner is signers.PdfSigner, fields.SigFieldSpec.__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script, str(pdf)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.stdout.split() == ["True", "SigFieldSpec"], done.stderr
