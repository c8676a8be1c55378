"""A claim.json that is not a claim (NaN, nested 100,000 deep, a field of the wrong type,
random JSON) gets a verdict from `verify`, never a traceback; `verify --claims DIR` reports
a corrupt file and goes on."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from isbenefit.certify.claim import ClaimError, load_claim
from isbenefit.cli.app import app
from tests.certificate_helpers import EPOCH, attached_claim, make_certificate
from tests.conftest import TINY_FACTORS, exchange, write_ledger

runner = CliRunner()
# Every verdict `verify` gives, and 2 for unreadable input: anything else (1) is a crash.
VERDICT_CODES = {0, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("robust")
    ledger = write_ledger(folder / "ledger", [exchange(baseline_supply="prod.gypsum")])
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        return make_certificate(ledger, folder / "c.pdf", "--iterations", "0")
    finally:
        patcher.undo()


def with_claim(source: Path, target: Path, claim: bytes) -> Path:
    """A copy of ``source`` whose claim.json is ``claim`` (other attachments kept)."""
    reader = PdfReader(source)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for name, contents in reader.attachments.items():
        writer.add_attachment(name, claim if name == "claim.json" else contents[0])
    with target.open("wb") as stream:
        writer.write(stream)
    return target


def verify(pdf: Path) -> Any:
    return runner.invoke(app, ["verify", str(pdf), "--factors", str(TINY_FACTORS), "--json"])


def claim_with(certificate: Path, change: dict[str, Any]) -> bytes:
    claim = json.loads(attached_claim(certificate))
    claim.update(change)
    return json.dumps(claim).encode()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "nan",
            lambda c: attached_claim(c).replace(b'"money":', b'"money":NaN,"x":', 1),
            "NaN, which is not JSON",
        ),
        ("deep", lambda c: b"[" * 100_000 + b"]" * 100_000, "nests deeper than 32 levels"),
        ("wrong type", lambda c: claim_with(c, {"exchanges": "E1"}), "exchanges of the wrong"),
        (
            "wrong inner type",
            lambda c: claim_with(c, {"credited": {"saved": {"co2e_kg": "a lot"}, "money": 1}}),
            "credited.saved.co2e_kg of the wrong type",
        ),
        ("a list", lambda c: b"[1, 2]", "not a JSON object"),
        (
            "1e400",
            lambda c: re.sub(rb'"money":[-0-9.e+]+', b'"money":1e400', attached_claim(c), count=1),
            "a number no claim can",
        ),
        (
            "huge integer",
            lambda c: claim_with(c, {"year": "2024", "sources": [10**22]}),
            "a number no claim can",
        ),
    ],
)
def test_a_malformed_claim_is_attachment_altered(
    certificate: Path, tmp_path: Path, name: str, make: Any, message: str
) -> None:
    pdf = with_claim(certificate, tmp_path / "c.pdf", make(certificate))
    result = verify(pdf)
    assert result.exception is None or isinstance(result.exception, SystemExit), name
    assert result.exit_code == 5, result.output
    report = json.loads(result.output)
    assert report["verdict"] == "attachment altered"
    assert message in report["checks"][0]["message"]


def test_load_claim_refuses_each_kind_of_non_claim(certificate: Path) -> None:
    assert load_claim(attached_claim(certificate))["schema"] == "isbenefit.claim/3"
    for raw in (b'{"a": Infinity}', b"[" * 40 + b"]" * 40, b"\xff", b'{"schema": 2}'):
        with pytest.raises(ClaimError):
            load_claim(raw)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(
        [
            "schema",
            "year",
            "currency",
            "factor_set",
            "organisation",
            "credited",
            "exchanges",
            "ledger_rows",
            "factors",
            "uncertainty",
            "rounding",
        ]
    ),
    st.recursive(
        st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    ["schema", "year", "exchanges", "credited", "saved", "factor_set", "id", "x"]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    ),
)
def test_any_json_in_a_claim_field_gets_a_verdict_never_a_traceback(
    certificate: Path, tmp_path_factory: pytest.TempPathFactory, field: str, value: Any
) -> None:
    """A real claim with one field replaced by any JSON: most pass the shape check only
    when the value has the right type, so the checks after it are reached too."""
    claim = json.loads(attached_claim(certificate))
    claim[field] = value
    pdf = with_claim(
        certificate, tmp_path_factory.mktemp("fuzz") / "c.pdf", json.dumps(claim).encode()
    )
    result = verify(pdf)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in VERDICT_CODES, result.output


def test_verify_claims_reports_a_corrupt_certificate_and_goes_on(
    certificate: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    shutil.copy(certificate, folder / "good.pdf")
    shutil.copy(certificate, folder / "again.pdf")  # a copy of one certificate claims nothing twice
    with_claim(certificate, folder / "deep.pdf", b"[" * 100_000 + b"]" * 100_000)
    with_claim(certificate, folder / "nan.pdf", b'{"exchanges": NaN}')
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n not really")
    result = runner.invoke(app, ["verify", "--claims", str(folder), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    skipped = " ".join(report["skipped"])
    assert "deep.pdf: claim.json unreadable (claim.json nests deeper than 32 levels)" in skipped
    assert "nan.pdf: claim.json unreadable (claim.json holds NaN, which is not JSON)" in skipped
    assert "broken.pdf: not a readable PDF" in skipped
    assert report["documents"] == ["again.pdf", "good.pdf"]
