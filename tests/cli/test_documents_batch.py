"""Batch rendering: one PDF per organisation, a failure stays with its organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isbenefit import assess
from isbenefit.batch import file_name, plan, run_batch
from isbenefit.certify.claim import read_attachments
from isbenefit.documents.shares import display_name
from isbenefit.results.model import Organisation
from tests.conftest import REPO
from tests.documents_helpers import EPOCH, documents_app, failing_renderer, pdf_text
from tests.sample_results import sample_results

EXAMPLE = REPO / "examples" / "nordic-cluster.xlsx"
runner = CliRunner()
app = documents_app()


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def active(results: dict[str, Any], year: str) -> list[dict[str, Any]]:
    ids = {
        org
        for e in results["exchanges"]
        if e["years"].get(year, 0) > 0
        for org in (e["supplier"], e["receiver"])
    }
    return [org for org in results["organisations"] if org["id"] in ids]


def test_statements_for_every_organisation_of_the_example(tmp_path: Path) -> None:
    results = assess(EXAMPLE).results
    out = tmp_path / "statements"
    result = runner.invoke(app, ["statements", str(EXAMPLE), "--year", "2024", "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = active(results, "2024")
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted(file_name("statement", org["id"], "2024") for org in expected)
    for org in expected:
        text = pdf_text(out / file_name("statement", org["id"], "2024"))
        assert display_name(Organisation.from_record(org)) in text


def test_a_failing_organisation_leaves_the_others_complete(tmp_path: Path) -> None:
    results = sample_results()
    orgs = [org["id"] for org in active(results, "2024")]
    jobs = plan("statement", orgs, "2024", tmp_path)
    outcomes = run_batch(results, jobs, workers=2, renderer=failing_renderer)
    assert [outcome.org_id for outcome in outcomes] == orgs
    failed = [outcome for outcome in outcomes if outcome.error]
    assert [outcome.org_id for outcome in failed] == ["org002"]
    assert "forced failure for org002" in (failed[0].error or "")
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted(file_name("statement", org, "2024") for org in orgs if org != "org002")
    for org in orgs:
        if org != "org002":
            text = pdf_text(tmp_path / file_name("statement", org, "2024"))
            assert text.rstrip().endswith(tuple(f"Page {n} of {n}" for n in range(1, 20)))


def test_certificates_batch_attaches_each_claim(tmp_path: Path) -> None:
    ledger = REPO / "examples" / "nordic-cluster"
    out = tmp_path / "certificates"
    result = runner.invoke(
        app,
        [
            "certificates",
            str(ledger),
            "--year",
            "2023",
            "-o",
            str(out),
            "--issuer",
            "Nordic Symbiosis Office",
            "--jobs",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    results = assess(ledger).results
    expected = active(results, "2023")
    assert len(list(out.iterdir())) == len(expected)
    for org in expected:
        attached = read_attachments(out / file_name("certificate", org["id"], "2023"))
        assert b'"id":"' + org["id"].encode() + b'"' in attached["claim.json"]


def test_file_names_are_safe_and_distinct() -> None:
    names = {file_name("statement", org, "2024") for org in ("a/b", "a_b", "../x", "ok-1")}
    assert len(names) == 4
    assert all("/" not in name and not name.startswith(".") for name in names)
    assert file_name("statement", "ok-1", "2024") == "statement-2024-ok-1.pdf"


def test_file_names_keep_the_letters_of_the_region() -> None:
    assert file_name("statement", "dk-ærø-bryg", "2024") == "statement-2024-dk-aero-bryg.pdf"
    assert file_name("certificate", "pl-łódź-Żywiec", "2024") == (
        "certificate-2024-pl-lodz-Zywiec.pdf"
    )
    assert file_name("statement", "lt-kaunas-šilumos", "2024") == (
        "statement-2024-lt-kaunas-silumos.pdf"
    )
    assert file_name("statement", "de-straße", "2024") == "statement-2024-de-strasse.pdf"


def test_ids_whose_names_would_clash_all_get_a_hash(tmp_path: Path) -> None:
    jobs = plan("statement", ["dk-ærø", "dk-aero", "DK-AERO", "se-åby"], "2024", tmp_path)
    names = [job.path.name for job in jobs]
    assert len(set(names)) == 4
    assert names[3] == "statement-2024-se-aby.pdf"
    assert all(name.startswith("statement-2024-dk-aero-") for name in names[:2])
    assert names[2].startswith("statement-2024-DK-AERO-")


def test_one_certificate_equals_its_copy_from_the_batch(tmp_path: Path) -> None:
    """`certificate` runs the Monte Carlo on the organisation's rows only, `certificates`
    over the whole ledger; the claim, its ranges and the bytes must be the same."""
    org, options = "dk-kalvo-chp", ["--year", "2024", "--iterations", "60", "--seed", "3"]
    single = tmp_path / "single.pdf"
    result = runner.invoke(
        app, ["certificate", str(EXAMPLE), "--org", org, *options, "-o", str(single)]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "batch"
    result = runner.invoke(app, ["certificates", str(EXAMPLE), *options, "-o", str(out)])
    assert result.exit_code == 0, result.output
    claim = read_attachments(single)["claim.json"]
    assert b'"iterations":60' in claim and b'"seed":3' in claim
    assert single.read_bytes() == (out / file_name("certificate", org, "2024")).read_bytes()
    assert "recordedintheledgernordic-cluster.xlsx" in "".join(pdf_text(single).split())
